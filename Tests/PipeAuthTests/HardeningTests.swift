import Foundation
import PipeCore
import Synchronization
import Testing
import PipeTestSupport

@testable import PipeAuth

@Suite("Hardening: races, compromise response, replicas")
struct HardeningTests {
    @Test("parallel wrong passwords all count: no more guesses get through than the threshold allows")
    func parallelGuesses() async throws {
        let fixture = try await AuthFixture { $0.lockout = LockoutPolicy(threshold: 3, baseDelay: 30, maximumDelay: 60) }
        defer { fixture.remove() }
        _ = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        let codes = await withTaskGroup(of: PipeError.Code?.self) { group in
            for _ in 0..<12 {
                group.addTask { await pipeError { _ = try await fixture.auth.signIn(email: "ada@example.com", password: "guess guess") }?.code }
            }
            return await group.reduce(into: [PipeError.Code?]()) { $0.append($1) }
        }
        #expect(codes.filter { $0 == .invalidCredentials }.count <= 3)
        #expect(codes.allSatisfy { $0 == .invalidCredentials || $0 == .rateLimited })
    }

    @Test("parallel guesses on one second-factor challenge get at most its five attempts")
    func parallelCodes() async throws {
        let fixture = try await AuthFixture { $0.lockout = LockoutPolicy(threshold: 100, baseDelay: 30, maximumDelay: 60) }
        defer { fixture.remove() }
        let (ada, authenticator, _) = try await fixture.userWithSecondFactor()
        let challenge = try await fixture.challenge()
        let wrong = fixture.wrongCode(authenticator)
        _ = await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask { _ = await pipeError { _ = try await fixture.auth.completeSecondFactor(challenge: challenge, code: wrong) } }
            }
        }
        let pending = try await fixture.auth.store.pendingLogin(challengeHash: AuthService.hash(challenge))
        #expect(pending?.attempts == 5)
        let failures = try await fixture.auth.auditEvents(for: ada.id, limit: 100, as: ada.principal)
            .filter { $0.kind == .loginFailed && $0.details["reason"] == "code" }
        #expect(failures.count == 5)
    }

    @Test("a wrong current password counts towards a lockout, and disabling the second factor needs a code")
    func sensitiveChanges() async throws {
        let fixture = try await AuthFixture { $0.lockout = LockoutPolicy(threshold: 2, baseDelay: 30, maximumDelay: 60) }
        defer { fixture.remove() }
        let ada = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        for _ in 0..<2 {
            #expect(await pipeError { try await fixture.auth.changePassword(to: "new horse 1", current: "guess", of: ada.id, as: ada.principal) }?.code == .invalidCredentials)
        }
        #expect(await pipeError { try await fixture.auth.changePassword(to: "new horse 1", current: "correct horse", of: ada.id, as: ada.principal) }?.code == .rateLimited)
        fixture.clock.advance(31)
        try await fixture.auth.changePassword(to: "new horse 1", current: "correct horse", of: ada.id, as: ada.principal)

        let enrolment = try await fixture.auth.beginTOTPEnrolment(for: ada.id, as: ada.principal)
        let recovery = try await fixture.auth.confirmTOTPEnrolment(
            code: try TOTP(base32Secret: enrolment.secret).code(at: fixture.clock.now), for: ada.id, as: ada.principal)
        #expect(await pipeError { try await fixture.auth.disableSecondFactor(for: ada.id, as: ada.principal) }?.code == .invalidCredentials)
        try await fixture.auth.disableSecondFactor(code: recovery[1], for: ada.id, as: ada.principal)
        #expect(try await fixture.auth.user(ada.id, as: ada.principal).secondFactorEnabled == false)
        // An admin helps a user who lost the device, without a code.
        let admin = try await fixture.admin()
        _ = try await fixture.auth.beginTOTPEnrolment(for: ada.id, as: ada.principal)
        try await fixture.auth.disableSecondFactor(for: ada.id, as: admin)
        try await fixture.auth.setDisabled(true, ada.id, as: admin)
        let kinds = try await fixture.auth.auditEvents(for: ada.id, limit: 100, as: admin).map(\.kind)
        #expect(kinds.contains(.accountDisabled) && kinds.contains(.secondFactorChanged))
    }

    @Test("a forced rotation caps the old key's life at the token lifetime; retiring a key refuses its tokens at once")
    func compromiseResponse() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        _ = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        let before = try await fixture.signIn("ada@example.com", "correct horse")
        let oldKeys = fixture.auth.tokens.keyIDs
        let newKey = try #require(try await fixture.auth.rotateKeysIfDue(force: true))
        let kids = { try #require(fixture.auth.jwks()["keys"]?.arrayValue).compactMap { $0["kid"]?.stringValue } }
        #expect(Set(try kids()) == oldKeys.union([newKey]))
        fixture.clock.advance(900 + 31)
        #expect(Set(try kids()) == [newKey])  // not 7 days later

        let admin = try await fixture.admin()
        let current = try await fixture.signIn("ada@example.com", "correct horse")
        _ = before
        try await fixture.auth.retireSigningKey(newKey, as: admin)
        await #expect(throws: PipeError.self) { try await fixture.auth.authenticate(bearer: current.accessToken) }
        let after = try await fixture.auth.refresh(current.refreshToken)
        #expect(try await fixture.auth.authenticate(bearer: after.accessToken).id == current.userID)
        #expect(!fixture.auth.tokens.keyIDs.contains(newKey))
        #expect(await pipeError { try await fixture.auth.retireSigningKey("nope", as: admin) }?.code == .notFound)
    }

    @Test("a replica verifies tokens signed by a key another replica rotated in, by reloading once")
    func replicas() async throws {
        let first = try await AuthFixture()
        defer { first.remove() }
        let second = try await first.reopened()
        _ = try await first.auth.createUser(email: "ada@example.com", password: "correct horse")
        _ = try await first.auth.rotateKeysIfDue(force: true)
        let pair = try await first.signIn("ada@example.com", "correct horse")
        #expect(try await second.auth.authenticate(bearer: pair.accessToken).id == pair.userID)
        // Junk key ids do not make it reload again and again.
        let junk = TokenForge.token(
            header: ["alg": "ES256", "kid": "junk", "typ": "at+jwt"], claims: ["sub": "x"]) { _ in [1, 2, 3] }
        #expect(await pipeError { _ = try await second.auth.authenticate(bearer: junk) }?.details["reason"] == "unknown_key")
    }

    @Test("password hashes over the limit are refused at once instead of queueing")
    func hashingLimit() async throws {
        let limiter = HashingLimiter(limit: 1)
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let busy = Task {
            try await limiter.run { () throws(PipeError) in
                started.signal()
                release.wait()
                return 1
            }
        }
        started.wait()
        do {
            _ = try await limiter.run { () throws(PipeError) in 2 }
            Issue.record("a second hash ran beside the first")
        } catch {
            #expect(error.code == .rateLimited && error.details["retryAfter"] == "1")
        }
        release.signal()
        #expect(try await busy.value == 1)
        #expect(try await limiter.run { () throws(PipeError) in 3 } == 3)
    }
}

@Suite("Hardening: load and linking")
struct LoadAndLinkingTests {
    @Test("a password check refused for load counts towards no lockout; sign-ups share the limit")
    func refusedChecksDoNotCount() async throws {
        let fixture = try await AuthFixture {
            $0.maximumConcurrentPasswordHashes = 1
            $0.lockout = LockoutPolicy(threshold: 1, baseDelay: 30, maximumDelay: 60)
        }
        defer { fixture.remove() }
        _ = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        // Hold the only permit, as a sign-in in progress would.
        try await fixture.auth.hashing.withPermit { () async throws(PipeError) in
            let busy = await pipeError { _ = try await fixture.auth.signIn(email: "ada@example.com", password: "wrong horse") }
            #expect(busy?.code == .rateLimited && busy?.details["retryAfter"] == "1")
            let signUp = await pipeError { _ = try await fixture.auth.createUser(email: "bob@example.com", password: "correct horse") }
            #expect(signUp?.code == .rateLimited)
        }
        // With a threshold of one, a counted refusal would have locked the email; it did not.
        _ = try await fixture.signIn("ada@example.com", "correct horse")
    }
}
