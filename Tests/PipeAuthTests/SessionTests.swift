import Foundation
import PipeCore
import Testing
import PipeTestSupport

@testable import PipeAuth

@Suite("Sessions and refresh tokens")
struct SessionTests {
    @Test("a refresh rotates the token; the old one then works only as a racing replay within the grace interval")
    func rotation() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        _ = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        let first = try await fixture.signIn("ada@example.com", "correct horse")
        #expect(first.methods == ["pwd"])
        let principal = try await fixture.auth.authenticate(bearer: first.accessToken)
        #expect(principal.id == first.userID && principal.roles == ["member"])

        fixture.clock.advance(60)
        let second = try await fixture.auth.refresh(first.refreshToken)
        #expect(second.refreshToken != first.refreshToken && second.sessionID == first.sessionID)
        #expect(second.accessToken != first.accessToken)
        // The same old token again, 3 s later: a race, answered with the very token the winner got.
        fixture.clock.advance(3)
        let replay = try await fixture.auth.refresh(first.refreshToken)
        #expect(replay.refreshToken == second.refreshToken)
        let third = try await fixture.auth.refresh(second.refreshToken)
        #expect(third.sessionID == first.sessionID)
        #expect(try await fixture.auth.authenticate(bearer: third.accessToken).id == first.userID)
    }

    @Test("two refreshes racing with the same token both succeed with the same new token; no revocation")
    func concurrentRace() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        _ = try await fixture.auth.createUser(email: "race@example.com", password: "correct horse")
        let pair = try await fixture.signIn("race@example.com", "correct horse")
        let results = try await withThrowingTaskGroup(of: TokenPair.self) { group in
            for _ in 0..<8 { group.addTask { try await fixture.auth.refresh(pair.refreshToken) } }
            return try await group.reduce(into: [TokenPair]()) { $0.append($1) }
        }
        #expect(Set(results.map(\.refreshToken)).count == 1)
        let next = try await fixture.auth.refresh(results[0].refreshToken)
        #expect(next.sessionID == pair.sessionID)
    }

    @Test("presenting a rotated token after the grace interval revokes the whole session family")
    func reuseDetection() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        let user = try await fixture.auth.createUser(email: "bob@example.com", password: "correct horse")
        let stolen = try await fixture.signIn("bob@example.com", "correct horse")
        let legit = try await fixture.auth.refresh(stolen.refreshToken)
        let later = try await fixture.auth.refresh(legit.refreshToken)
        fixture.clock.advance(11)
        // The attacker replays the first token: reuse.
        let reuse = await pipeError { _ = try await fixture.auth.refresh(stolen.refreshToken) }
        #expect(reuse?.code == .sessionInvalid)
        // The whole family is gone: the legitimate current token and its access token too.
        #expect(await pipeError { _ = try await fixture.auth.refresh(later.refreshToken) }?.code == .sessionInvalid)
        await #expect(throws: PipeError.self) { try await fixture.auth.authenticate(bearer: later.accessToken) }
        let sessions = try await fixture.auth.sessions(of: user.id, includingRevoked: true, as: user.principal)
        #expect(sessions.first?.revokedReason == "reuse_detected")
        let audit = try await fixture.auth.auditEvents(for: user.id, as: user.principal)
        #expect(audit.contains { $0.kind == .refreshReuse })
        // Reuse of an even older token (retired, not just previous) is caught too.
        let second = try await fixture.signIn("bob@example.com", "correct horse")
        let a = try await fixture.auth.refresh(second.refreshToken)
        let b = try await fixture.auth.refresh(a.refreshToken)
        _ = try await fixture.auth.refresh(b.refreshToken)
        #expect(await pipeError { _ = try await fixture.auth.refresh(second.refreshToken) }?.code == .sessionInvalid)
        #expect(try await fixture.auth.sessions(of: user.id, as: user.principal).isEmpty)
    }

    @Test("idle and absolute timeouts end a session")
    func timeouts() async throws {
        let fixture = try await AuthFixture { $0.sessions = SessionSettings(idleTimeout: 3600, absoluteTimeout: 3 * 3600) }
        defer { fixture.remove() }
        _ = try await fixture.auth.createUser(email: "idle@example.com", password: "correct horse")
        let idle = try await fixture.signIn("idle@example.com", "correct horse")
        fixture.clock.advance(3601)
        #expect(await pipeError { _ = try await fixture.auth.refresh(idle.refreshToken) }?.code == .sessionInvalid)

        var pair = try await fixture.signIn("idle@example.com", "correct horse")
        for _ in 0..<5 {  // used every 50 minutes: never idle, but absolutely over after 3 hours
            fixture.clock.advance(3000)
            guard let next = try? await fixture.auth.refresh(pair.refreshToken) else { break }
            pair = next
        }
        #expect(await pipeError { _ = try await fixture.auth.refresh(pair.refreshToken) }?.code == .sessionInvalid)
        let user = try await fixture.auth.sessions(of: pair.userID, includingRevoked: true, as: Principal(id: pair.userID))
        #expect(Set(user.compactMap(\.revokedReason)) == ["idle_timeout", "absolute_timeout"])
    }

    @Test("list, revoke one, revoke all, sign out; other users see nothing")
    func management() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        let ada = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        let eve = try await fixture.auth.createUser(email: "eve@example.com", password: "correct horse")
        let one = try await fixture.signIn("ada@example.com", "correct horse")
        let two = try await fixture.signIn("ada@example.com", "correct horse")
        let three = try await fixture.signIn("ada@example.com", "correct horse")
        #expect(try await fixture.auth.sessions(of: ada.id, as: ada.principal).count == 3)
        #expect(await pipeError { _ = try await fixture.auth.sessions(of: ada.id, as: eve.principal) }?.code == .notFound)
        #expect(await pipeError { try await fixture.auth.revokeSession(one.sessionID, as: eve.principal) }?.code == .notFound)

        try await fixture.auth.revokeSession(one.sessionID, as: ada.principal)
        await #expect(throws: PipeError.self) { try await fixture.auth.authenticate(bearer: one.accessToken) }
        #expect(try await fixture.auth.authenticate(bearer: two.accessToken).id == ada.id)
        try await fixture.auth.signOut(refreshToken: two.refreshToken)
        try await fixture.auth.signOut(refreshToken: two.refreshToken)  // twice is harmless
        #expect(await pipeError { _ = try await fixture.auth.refresh(two.refreshToken) }?.code == .sessionInvalid)
        #expect(try await fixture.auth.revokeAllSessions(of: ada.id, as: ada.principal) == 1)
        await #expect(throws: PipeError.self) { try await fixture.auth.authenticate(bearer: three.accessToken) }

        // Revocations survive a restart: the access tokens of revoked sessions stay refused.
        let reopened = try await fixture.reopened()
        await #expect(throws: PipeError.self) { try await reopened.auth.authenticate(bearer: three.accessToken) }
        let kinds = try await fixture.auth.auditEvents(for: ada.id, limit: 50, as: ada.principal).map(\.kind)
        #expect(kinds.filter { $0 == .login }.count == 3 && kinds.contains(.sessionRevoked))
    }

    @Test("malformed refresh tokens are refused before any lookup")
    func malformed() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        for token in ["", "x", String(repeating: "a", count: 43 * 10), "eyJ.eyJ.sig", String(repeating: "!", count: 43)] {
            #expect(await pipeError { _ = try await fixture.auth.refresh(token) }?.code == .sessionInvalid)
        }
    }

    @Test("keys rotate on schedule: the new key signs, the old one verifies until its tokens expire, then goes")
    func keyRotation() async throws {
        let fixture = try await AuthFixture { $0.tokens.rotationInterval = 3600 }
        defer { fixture.remove() }
        _ = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        let before = try await fixture.signIn("ada@example.com", "correct horse")
        let firstKeys = fixture.auth.tokens.keyIDs
        #expect(firstKeys.count == 1)
        #expect(try await fixture.auth.rotateKeysIfDue() == nil)  // not due yet

        fixture.clock.advance(3600)
        let created = try #require(try await fixture.auth.rotateKeysIfDue())
        #expect(fixture.auth.tokens.keyIDs == firstKeys.union([created]))
        let after = try await fixture.auth.refresh(before.refreshToken)
        #expect(try await fixture.auth.authenticate(bearer: after.accessToken).id == before.userID)
        let kids = try #require(fixture.auth.jwks()["keys"]?.arrayValue).compactMap { $0["kid"]?.stringValue }
        #expect(Set(kids) == firstKeys.union([created]))

        // Past the old key's last token: it is deleted and its tokens no longer verify.
        fixture.clock.advance(3600 + 900 + 60)
        _ = try await fixture.auth.rotateKeysIfDue()
        #expect(fixture.auth.tokens.keyIDs.isDisjoint(with: firstKeys))
        let audit = try await fixture.auth.auditEvents(for: nil, as: try await fixture.admin())
        #expect(audit.filter { $0.kind == .keyRotated }.count >= 3)
    }
}

@Suite("Auth maintenance")
struct MaintenanceTests {
    @Test("the sweep deletes expired login state, long-ended sessions and old audit events, and keeps the rest")
    func sweep() async throws {
        let fixture = try await AuthFixture { $0.auditRetention = 7 * 86_400 }
        defer { fixture.remove() }
        let ada = try await fixture.auth.createUser(email: "ada@example.com", password: "correct horse")
        let ended = try await fixture.signIn("ada@example.com", "correct horse")
        try await fixture.auth.signOut(refreshToken: ended.refreshToken)
        fixture.clock.advance(8 * 86_400)
        let live = try await fixture.signIn("ada@example.com", "correct horse")
        try await fixture.auth.sweep()
        // Audit events older than 7 days are gone; the new login's are kept.
        let audit = try await fixture.auth.auditEvents(for: ada.id, as: ada.principal)
        #expect(!audit.isEmpty && audit.allSatisfy { $0.at >= fixture.clock.now.addingTimeInterval(-7 * 86_400) })
        #expect(try await fixture.auth.sessions(of: ada.id, includingRevoked: true, as: ada.principal).count == 2)
        fixture.clock.advance(23 * 86_400)
        try await fixture.auth.sweep()
        let sessions = try await fixture.auth.sessions(of: ada.id, includingRevoked: true, as: ada.principal)
        #expect(sessions.map(\.id) == [live.sessionID])

        // A maintenance loop stops when its task is cancelled.
        let loop = Task { await fixture.auth.runMaintenance(every: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        loop.cancel()
        await loop.value
    }
}
