import Foundation
import PipeCore
import Testing
import PipeTestSupport

@testable import PipeAuth

@Suite("API keys for service accounts")
struct APIKeyServiceTests {
    @Test("a key is shown once, stored hashed, scoped, revocable, and records when it was last used")
    func lifecycle() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        let admin = try await fixture.admin()
        let robot = try await fixture.auth.createServiceAccount(name: "ingest robot", roles: ["ingest"], as: admin)
        #expect(robot.kind == .serviceAccount && !robot.hasPassword)
        let created = try await fixture.auth.createAPIKey(
            for: robot.id, name: "nightly", scopes: ["storage:write", "pipelines:run"], as: admin)
        #expect(created.key.hasPrefix("pipe_" + created.info.id + "_"))
        let stored = try #require(try await fixture.auth.store.apiKey(id: created.info.id))
        #expect(stored.secretHash.count == 64 && !created.key.contains(stored.secretHash))

        let principal = try await fixture.auth.authenticate(apiKey: created.key)
        #expect(principal.id == robot.id && principal.kind == .serviceAccount)
        #expect(principal.roles == ["ingest"] && principal.scopes == ["storage:write", "pipelines:run"])
        // The scopes narrow what the account may do, through the one policy evaluation.
        let bucket = try BucketName("ingest")
        let policy = AccessPolicy(owner: robot.id)
        #expect(policy.allows(principal, .write, on: .bucket(bucket)))
        #expect(!policy.allows(principal, .delete, on: .bucket(bucket)))

        var listed = try await fixture.auth.apiKeys(of: robot.id, as: admin)
        #expect(listed.first?.lastUsedAt == fixture.clock.now)
        fixture.clock.advance(30)
        _ = try await fixture.auth.authenticate(apiKey: created.key)  // within a minute: not written again
        listed = try await fixture.auth.apiKeys(of: robot.id, as: admin)
        #expect(listed.first?.lastUsedAt == fixture.clock.now.addingTimeInterval(-30))

        try await fixture.auth.revokeAPIKey(created.info.id, as: admin)
        #expect(await pipeError { _ = try await fixture.auth.authenticate(apiKey: created.key) }?.code == .unauthenticated)
        let kinds = try await fixture.auth.auditEvents(for: robot.id, as: admin).map(\.kind)
        #expect(kinds.contains(.apiKeyCreated) && kinds.contains(.apiKeyRevoked))
    }

    @Test("a verified key is trusted for a second: changes here apply at once, another replica's within that second")
    func verificationCache() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        let admin = try await fixture.admin()
        let robot = try await fixture.auth.createServiceAccount(name: "robot", roles: ["ingest"], as: admin)
        let created = try await fixture.auth.createAPIKey(for: robot.id, name: "k", as: admin)
        #expect(try await fixture.auth.authenticate(apiKey: created.key).roles == ["ingest"])

        // This service changes the roles: the next request sees them.
        try await fixture.auth.setRoles(["export"], of: robot.id, as: admin)
        #expect(try await fixture.auth.authenticate(apiKey: created.key).roles == ["export"])

        // Another replica (another service on the same store) revokes the key: this one trusts its check for at
        // most a second more, then refuses.
        let replica = try await fixture.reopened()
        try await replica.auth.revokeAPIKey(created.info.id, as: admin)
        #expect(try await fixture.auth.authenticate(apiKey: created.key).id == robot.id)
        fixture.clock.advance(1)
        #expect(await pipeError { _ = try await fixture.auth.authenticate(apiKey: created.key) }?.code == .unauthenticated)
        #expect(await pipeError { _ = try await replica.auth.authenticate(apiKey: created.key) }?.code == .unauthenticated)
    }

    @Test("wrong, unknown, malformed and expired keys fail alike; only admins make service accounts")
    func refusals() async throws {
        let fixture = try await AuthFixture()
        defer { fixture.remove() }
        let admin = try await fixture.admin()
        let robot = try await fixture.auth.createServiceAccount(name: "robot", as: admin)
        let created = try await fixture.auth.createAPIKey(
            for: robot.id, name: "short-lived", expiresAt: fixture.clock.now.addingTimeInterval(60), as: admin)
        var wrongSecret = Array(created.key)
        wrongSecret[wrongSecret.count - 1] = wrongSecret.last == "a" ? "b" : "a"
        let unknown = APIKey.generate().text
        for key in [String(wrongSecret), unknown, "pipe_nope", "Bearer x"] {
            #expect(await pipeError { _ = try await fixture.auth.authenticate(apiKey: key) }?.code == .unauthenticated)
        }
        _ = try await fixture.auth.authenticate(apiKey: created.key)
        fixture.clock.advance(61)
        #expect(await pipeError { _ = try await fixture.auth.authenticate(apiKey: created.key) }?.code == .unauthenticated)

        let member = try await fixture.auth.createUser(email: "m@example.com", password: "correct horse")
        #expect(await pipeError { _ = try await fixture.auth.createServiceAccount(name: "mine", as: member.principal) }?.code == .forbidden)
        #expect(await pipeError { _ = try await fixture.auth.createAPIKey(for: robot.id, name: "x", as: member.principal) }?.code == .notFound)
        #expect(await pipeError { _ = try await fixture.auth.createAPIKey(for: robot.id, name: "x", scopes: ["BAD SCOPE"], as: admin) }?.code == .invalidArgument)
        #expect(await pipeError { try await fixture.auth.revokeAPIKey(created.info.id, as: member.principal) }?.code == .notFound)
    }
}
