import Foundation
import PipeCore
import PipeHTTP
import Testing

@Suite("Jobs over HTTP", .serialized)
struct JobAPITests {
    static let definition: JSONValue = [
        "name": "double", "source": ["type": "caller"],
        "steps": [["type": "map", "expression": "{n: n * `2`}"]], "sink": ["type": "collect"],
    ]

    @Test("run a definition as a job, follow its events as Server-Sent Events, read its result; others see nothing")
    func lifecycle() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let bob = try await server.user("bob@example.com")
            let submitted = try await server.send(
                .post, "/v1/jobs", token: alice.token, json: ["definition": Self.definition, "input": [["n": 1], ["n": 2]]],
                headers: ["Idempotency-Key": "first"])
            #expect(submitted.status == 202, "\(String(decoding: submitted.body, as: UTF8.self))")
            let id = try #require(submitted.json["id"]?.stringValue)
            #expect(submitted.json["owner"]?.stringValue == alice.id)

            let events = try await server.send(.get, "/v1/jobs/\(id)/events", token: alice.token)
            let text = String(decoding: events.body, as: UTF8.self)
            #expect(events.status == 200 && events.headers["Content-Type"] == "text/event-stream")
            #expect(text.hasPrefix("event: state\ndata: {\"state\":") && text.contains("{\"state\":\"succeeded\"}"))

            let job = try await server.send(.get, "/v1/jobs/\(id)", token: alice.token)
            #expect(job.json["state"] == "succeeded")
            let result = try await server.send(.get, "/v1/jobs/\(id)/result", token: alice.token)
            #expect(result.status == 200 && result.json["records"] == [["n": 2], ["n": 4]])
            let again = try await server.send(
                .post, "/v1/jobs", token: alice.token, json: ["definition": Self.definition, "input": [["n": 1], ["n": 2]]],
                headers: ["Idempotency-Key": "first"])
            #expect(again.json["id"]?.stringValue == id)
            let reused = try await server.send(
                .post, "/v1/jobs", token: alice.token, json: ["definition": Self.definition, "input": [["n": 3]]],
                headers: ["Idempotency-Key": "first"])
            #expect(reused.status == 422 && reused.errorCode == "idempotency_key_reused")

            for path in ["/v1/jobs/\(id)", "/v1/jobs/\(id)/events", "/v1/jobs/\(id)/result"] {
                let other = try await server.send(.get, path, token: bob.token)
                #expect(other.status == 404 && other.errorCode == "job_not_found", "\(path)")
            }
            #expect(try await server.send(.post, "/v1/jobs/\(id)/cancel", token: bob.token).status == 404)
            #expect(try await server.send(.post, "/v1/jobs", json: ["definition": Self.definition]).status == 401)
            #expect(try await server.send(.get, "/v1/jobs/\(id)", token: server.adminKey).status == 200)
        }
    }

    @Test("a job reads and writes storage as its submitter: its own buckets yes, another account's no")
    func storageAsOwner() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let bob = try await server.user("bob@example.com")
            #expect(try await server.send(.post, "/v1/storage/buckets", token: alice.token, json: ["name": "alice-data"]).status == 201)
            let lines = "{\"id\": 1, \"total\": 250}\n{\"id\": 2, \"total\": 40}\n{\"id\": 3, \"total\": 120}\n"
            #expect(try await server.send(.put, "/v1/storage/buckets/alice-data/objects/orders.jsonl", token: alice.token, body: Array(lines.utf8)).status == 201)
            let definition: JSONValue = [
                "name": "big-orders", "source": ["type": "storage", "bucket": "alice-data", "key": "orders.jsonl"],
                "steps": [["type": "filter", "expression": "total > `100`"]],
                "sink": ["type": "storage", "bucket": "alice-data", "key": "big.jsonl"],
            ]
            for (user, expected) in [(alice, "succeeded"), (bob, "deadLettered")] {
                let submitted = try await server.send(.post, "/v1/jobs", token: user.token, json: ["definition": definition])
                let id = try #require(submitted.json["id"]?.stringValue)
                _ = try await server.send(.get, "/v1/jobs/\(id)/events", token: user.token)
                let job = try await server.send(.get, "/v1/jobs/\(id)", token: user.token)
                #expect(job.json["state"]?.stringValue == expected || (user.id == bob.id && job.json["state"] == "failed"), "\(job.json)")
            }
            let output = try await server.send(.get, "/v1/storage/buckets/alice-data/objects/big.jsonl", token: alice.token)
            #expect(output.status == 200 && String(decoding: output.body, as: UTF8.self).split(separator: "\n").count == 2)
        }
    }

    @Test("bad definitions and bodies are refused before anything is queued")
    func refusals() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let bad = try await server.send(.post, "/v1/jobs", token: alice.token, json: ["definition": ["name": "x", "steps": 3]])
            #expect(bad.status == 422 && bad.errorCode == "invalid_pipeline")
            let extra = try await server.send(.post, "/v1/jobs", token: alice.token, json: ["definition": Self.definition, "owner": "someone"])
            #expect(extra.status == 400 && extra.json["error"]?["details"]?["field"] == "owner")
            let missing = try await server.send(.get, "/v1/jobs/not-a-job", token: alice.token)
            #expect(missing.status == 404 || missing.status == 400)
        }
    }
}
