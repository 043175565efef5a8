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

            for path in ["/v1/jobs/\(id)", "/v1/jobs/\(id)/events", "/v1/jobs/\(id)/result"] {
                let other = try await server.send(.get, path, token: bob.token)
                #expect(other.status == 404 && other.errorCode == "job_not_found", "\(path)")
            }
            #expect(try await server.send(.post, "/v1/jobs/\(id)/cancel", token: bob.token).status == 404)
            #expect(try await server.send(.post, "/v1/jobs", json: ["definition": Self.definition]).status == 401)
            #expect(try await server.send(.get, "/v1/jobs/\(id)", token: server.adminKey).status == 200)
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
