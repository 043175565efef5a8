import Foundation
import PipeCore
import Testing
import PipeTestSupport

@testable import PipeAuth

@Suite("Password login, lockout and second factor")
struct PasswordLoginTests {
    @Test("a wrong password, an unknown email and a disabled account fail alike, without revealing which")
    func noEnumeration() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        let ada = try await fixture.auth.createUser(email: "Ada@Example.com ", password: "correct horse")
        #expect(ada.email == "ada@example.com")
        _ = try await fixture.signIn("ADA@example.com", "correct horse")
        let wrong = await pipeError { _ = try await fixture.auth.signIn(email: "ada@example.com", password: "wrong horse") }
        let missing = await pipeError { _ = try await fixture.auth.signIn(email: "nobody@example.com", password: "wrong horse") }
        let malformed = await pipeError { _ = try await fixture.auth.signIn(email: "not an email", password: "x") }
        try await fixture.auth.setDisabled(true, ada.id, as: try await fixture.admin())
        let disabled = await pipeError { _ = try await fixture.auth.signIn(email: "ada@example.com", password: "correct horse") }
        for error in [wrong, missing, malformed, disabled] {
            #expect(error?.code == .invalidCredentials)
            #expect(error?.message == wrong?.message && error?.details == [:])
        }
    }

    @Test("an unknown email costs a password hash too (the timing does not tell it apart)")
    func timing() async throws {
        let fixture = try await AuthFixture { $0.passwordHasher = try! PasswordHasher(logCost: 14, blockSize: 8, parallelism: 1) }
        defer { fixture.remove() }
        _ = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        func median(_ email: String) async -> Duration {
            var samples: [Duration] = []
            for _ in 0..<5 {
                let start = ContinuousClock.now
                _ = await pipeError { _ = try await fixture.auth.signIn(email: email, password: "wrong horse") }
                samples.append(ContinuousClock.now - start)
                try? await fixture.auth.store.clearLoginFailures(key: AuthService.hash("password-login:" + email))
            }
            return samples.sorted()[2]
        }
        let known = await median("ada@example.com")
        let unknown = await median("nobody@example.com")
        // Both run scrypt (tens of milliseconds); without the decoy hash the unknown email would take microseconds.
        #expect(unknown > known / 3 && known > unknown / 3, "known \(known), unknown \(unknown)")
    }

    @Test("repeated failures lock an email (existing or not) with a growing delay; success resets")
    func lockout() async throws {
        let fixture = try await AuthFixture { $0.lockout = LockoutPolicy(threshold: 3, baseDelay: 30, maximumDelay: 120) }
        defer { fixture.remove() }
        _ = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        for email in ["ada@example.com", "ghost@example.com"] {
            for _ in 0..<3 {
                #expect(await pipeError { _ = try await fixture.auth.signIn(email: email, password: "nope nope") }?.code == .invalidCredentials)
            }
            let locked = await pipeError { _ = try await fixture.auth.signIn(email: email, password: "correct horse") }
            #expect(locked?.code == .rateLimited && locked?.details["retryAfter"] == "30")
        }
        fixture.clock.advance(31)
        // One more failure doubles the lock.
        _ = await pipeError { _ = try await fixture.auth.signIn(email: "ada@example.com", password: "nope nope") }
        #expect(await pipeError { _ = try await fixture.auth.signIn(email: "ada@example.com", password: "correct horse") }?.details["retryAfter"] == "60")
        fixture.clock.advance(61)
        _ = try await fixture.signIn("ada@example.com", "correct horse")
        // Reset: three more failures are needed before the next lock.
        for _ in 0..<2 { _ = await pipeError { _ = try await fixture.auth.signIn(email: "ada@example.com", password: "nope nope") } }
        _ = try await fixture.signIn("ada@example.com", "correct horse")
    }

    @Test("hashes made with an older cost are upgraded at the next login")
    func rehash() async throws {
        let clock = TestClock()
        let weak = try await AuthFixture(configure: { $0.passwordHasher = try! PasswordHasher(logCost: 10, blockSize: 8, parallelism: 1) }, clock: clock)
        defer { weak.remove() }
        let ada = try await weak.auth.createUser(email: "ada@example.com", password: "correct horse")
        let stronger = try await AuthFixture(
            configure: { $0.passwordHasher = try! PasswordHasher(logCost: 11, blockSize: 8, parallelism: 1) }, clock: clock,
            directory: weak.directory)
        _ = try await stronger.signIn("ada@example.com", "correct horse")
        let stored = try #require(try await stronger.auth.store.account(id: ada.id)?.passwordHash)
        #expect(stored.hasPrefix("$scrypt$ln=11,"))
        _ = try await stronger.signIn("ada@example.com", "correct horse")
    }

    @Test("TOTP enrolment, a login that needs the code, amr naming both factors, and no code working twice")
    func totp() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        let ada = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        let enrolment = try await fixture.auth.beginTOTPEnrolment(for: ada.id, as: ada.principal)
        #expect(enrolment.provisioningURI.hasPrefix("otpauth://totp/Pipe:ada"))
        let authenticator = try TOTP(base32Secret: enrolment.secret)
        let notTheCode = authenticator.code(at: fixture.clock.now) == "000000" ? "000001" : "000000"
        #expect(await pipeError { _ = try await fixture.auth.confirmTOTPEnrolment(code: notTheCode, for: ada.id, as: ada.principal) }?.code == .invalidCredentials)
        // Another user cannot enrol for Ada.
        let eve = try await fixture.auth.createUser(email: "eve@example.com", password: "correct horse")
        #expect(await pipeError { _ = try await fixture.auth.beginTOTPEnrolment(for: ada.id, as: eve.principal) }?.code == .notFound)
        let recovery = try await fixture.auth.confirmTOTPEnrolment(
            code: authenticator.code(at: fixture.clock.now), for: ada.id, as: ada.principal)
        #expect(recovery.count == 10)

        fixture.clock.advance(30)
        guard case .secondFactorRequired(let challenge) = try await fixture.auth.signIn(email: "ada@example.com", password: "correct horse")
        else { Issue.record("no second factor asked for"); return }
        #expect(await pipeError { _ = try await fixture.auth.completeSecondFactor(challenge: challenge.token, code: "12345") }?.code == .invalidCredentials)
        let code = authenticator.code(at: fixture.clock.now)
        let pair = try await fixture.auth.completeSecondFactor(challenge: challenge.token, code: code)
        #expect(pair.methods == ["pwd", "otp", "mfa"])
        let verified = try fixture.auth.tokens.verify(pair.accessToken, at: fixture.clock.now)
        #expect(verified.methods == ["pwd", "otp", "mfa"])
        // The challenge is used up, and the same code does not work for a new challenge.
        #expect(await pipeError { _ = try await fixture.auth.completeSecondFactor(challenge: challenge.token, code: code) }?.code == .invalidCredentials)
        guard case .secondFactorRequired(let again) = try await fixture.auth.signIn(email: "ada@example.com", password: "correct horse")
        else { Issue.record("no second factor asked for"); return }
        #expect(await pipeError { _ = try await fixture.auth.completeSecondFactor(challenge: again.token, code: code) }?.code == .invalidCredentials)

        // A recovery code works once, in any case and spacing.
        let withRecovery = try await fixture.auth.completeSecondFactor(challenge: again.token, code: recovery[0].uppercased())
        #expect(withRecovery.methods == ["pwd", "rec", "mfa"])
        guard case .secondFactorRequired(let third) = try await fixture.auth.signIn(email: "ada@example.com", password: "correct horse")
        else { Issue.record("no second factor asked for"); return }
        #expect(await pipeError { _ = try await fixture.auth.completeSecondFactor(challenge: third.token, code: recovery[0]) }?.code == .invalidCredentials)
    }

    @Test("five wrong codes end a challenge")
    func challengeAttempts() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        let (_, authenticator, _) = try await fixture.userWithSecondFactor()
        let challenge = try await fixture.challenge()
        for _ in 0..<5 {
            _ = await pipeError { _ = try await fixture.auth.completeSecondFactor(challenge: challenge, code: fixture.wrongCode(authenticator)) }
        }
        let right = authenticator.code(at: fixture.clock.now)
        #expect(await pipeError { _ = try await fixture.auth.completeSecondFactor(challenge: challenge, code: right) }?.code == .invalidCredentials)
    }

    @Test("wrong codes count per account across challenges, so fresh password logins give no fresh guesses")
    func secondFactorLockout() async throws {
        let fixture = try await AuthFixture { $0.lockout = LockoutPolicy(threshold: 5, baseDelay: 30, maximumDelay: 900) }
        defer { fixture.remove() }
        let (_, authenticator, _) = try await fixture.userWithSecondFactor()
        for _ in 0..<5 {  // five wrong codes over five separate challenges
            let token = try await fixture.challenge()
            _ = await pipeError { _ = try await fixture.auth.completeSecondFactor(challenge: token, code: fixture.wrongCode(authenticator)) }
        }
        let token = try await fixture.challenge()
        let right = authenticator.code(at: fixture.clock.now)
        let locked = await pipeError { _ = try await fixture.auth.completeSecondFactor(challenge: token, code: right) }
        #expect(locked?.code == .rateLimited && locked?.details["retryAfter"] == "30")
        fixture.clock.advance(31)
        let pair = try await fixture.auth.completeSecondFactor(challenge: try await fixture.challenge(), code: authenticator.code(at: fixture.clock.now))
        #expect(pair.methods == ["pwd", "otp", "mfa"])
    }

    @Test("roles: sign-up gives member only; admins give others; role changes are audited")
    func roles() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        #expect(await pipeError { _ = try await fixture.auth.createUser(email: "x@example.com", password: "correct horse", roles: ["admin"]) }?.code == .forbidden)
        let admin = try await fixture.admin()
        let editor = try await fixture.auth.createUser(email: "ed@example.com", password: "correct horse", roles: ["member", "editor"], as: admin)
        #expect(editor.roles == ["member", "editor"])
        #expect(await pipeError { _ = try await fixture.auth.setRoles(["admin"], of: editor.id, as: editor.principal) }?.code == .forbidden)
        // A scoped admin token without auth:admin cannot act as admin.
        var scoped = admin
        scoped.scopes = ["storage:read"]
        #expect(await pipeError { _ = try await fixture.auth.setRoles(["member"], of: editor.id, as: scoped) }?.code == .forbidden)
        #expect(try await fixture.auth.setRoles(["member", "auditor"], of: editor.id, as: admin).roles == ["member", "auditor"])
        #expect(await pipeError { _ = try await fixture.auth.setRoles(["Bad Role"], of: editor.id, as: admin) }?.code == .invalidArgument)
        #expect(await pipeError { _ = try await fixture.auth.createUser(email: "ed@example.com", password: "correct horse") }?.code == .conflict)
        #expect(await pipeError { _ = try await fixture.auth.createUser(email: "short@example.com", password: "short") }?.code == .invalidArgument)
        let audit = try await fixture.auth.auditEvents(for: editor.id, as: admin)
        #expect(audit.contains { $0.kind == .rolesChanged && $0.details["roles"] == "auditor member" })
        #expect(await pipeError { _ = try await fixture.auth.auditEvents(for: nil, as: editor.principal) }?.code == .forbidden)
    }

    @Test("changing a password needs the current one and ends other sessions")
    func changePassword() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        let ada = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        let session = try await fixture.signIn("ada@example.com", "correct horse")
        #expect(await pipeError { try await fixture.auth.changePassword(to: "new horse battery", current: "wrong", of: ada.id, as: ada.principal) }?.code == .invalidCredentials)
        try await fixture.auth.changePassword(to: "new horse battery", current: "correct horse", of: ada.id, as: ada.principal)
        #expect(await pipeError { _ = try await fixture.auth.refresh(session.refreshToken) }?.code == .sessionInvalid)
        _ = try await fixture.signIn("ada@example.com", "new horse battery")
    }
}
