import Foundation
import PipeCore
import PipeHTTP
import Testing

@Suite("Account management over HTTP", .serialized)
struct AccountAPITests {
    @Test("sessions: list, revoke one, revoke all; nobody else's")
    func sessions() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let bob = try await server.user("bob@example.com")
            _ = try await server.send(.post, "/v1/auth/login", json: ["email": "alice@example.com", "password": "correct horse"])
            let listed = try await server.send(.get, "/v1/auth/sessions", token: alice.token)
            let ids = try #require(listed.json["sessions"]?.arrayValue).compactMap { $0["id"]?.stringValue }
            #expect(listed.status == 200 && ids.count == 2)
            #expect(try await server.send(.get, "/v1/auth/sessions?account=\(alice.id)", token: bob.token).status == 404)
            #expect(try await server.send(.delete, "/v1/auth/sessions/\(ids[0])", token: bob.token).status == 404)
            #expect(try await server.send(.get, "/v1/auth/sessions?account=\(alice.id)", token: server.adminKey).status == 200)

            // Newest first: ids[0] is the second login's session, not the one alice.token belongs to.
            #expect(try await server.send(.delete, "/v1/auth/sessions/\(ids[0])", token: alice.token).status == 204)
            let remaining = try await server.send(.get, "/v1/auth/sessions", token: alice.token)
            #expect(remaining.json["sessions"]?.arrayValue?.count == 1)
            let all = try await server.send(.delete, "/v1/auth/sessions", token: alice.token)
            #expect(all.status == 200 && all.json["revoked"]?.intValue == 1)
            #expect(try await server.send(.get, "/v1/auth/me", token: alice.token).status == 401)
        }
    }

    @Test("API keys: shown once, scoped, listed without the secret, revocable; service accounts by admins only")
    func apiKeys() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let created = try await server.send(
                .post, "/v1/auth/api-keys", token: alice.token, json: ["name": "reader", "scopes": ["storage:read"]])
            #expect(created.status == 201)
            let key = try #require(created.json["key"]?.stringValue)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(try await server.send(.get, "/v1/storage/buckets", token: key).status == 200)
            let write = try await server.send(.post, "/v1/storage/buckets", token: key, json: ["name": "nope"])
            #expect(write.status == 403 && write.errorCode == "forbidden")
            let listed = try await server.send(.get, "/v1/auth/api-keys", token: alice.token)
            #expect(listed.json["apiKeys"]?[0]?["id"]?.stringValue == id && listed.json["apiKeys"]?[0]?["key"] == nil)
            #expect(!String(decoding: listed.body, as: UTF8.self).contains(key))
            #expect(try await server.send(.delete, "/v1/auth/api-keys/\(id)", token: alice.token).status == 204)
            #expect(try await server.send(.get, "/v1/storage/buckets", token: key).status == 401)

            let robot = try await server.send(.post, "/v1/auth/service-accounts", token: alice.token, json: ["name": "robot"])
            #expect(robot.status == 403)
            let made = try await server.send(.post, "/v1/auth/service-accounts", token: server.adminKey, json: ["name": "robot", "roles": ["ingest"]])
            #expect(made.status == 201 && made.json["kind"] == "serviceAccount" && made.json["roles"] == ["ingest"])
            let robotID = try #require(made.json["id"]?.stringValue)
            let robotKey = try await server.send(
                .post, "/v1/auth/api-keys", token: server.adminKey, json: ["name": "ingest", "account": .string(robotID)])
            #expect(robotKey.status == 201)
            let me = try await server.send(.get, "/v1/auth/me", token: try #require(robotKey.json["key"]?.stringValue))
            #expect(me.json["id"]?.stringValue == robotID)
        }
    }
}
