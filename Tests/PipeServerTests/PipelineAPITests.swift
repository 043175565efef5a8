import Foundation
import PipeCore
import PipeHTTP
import Testing

@Suite("Pipelines and job listings over HTTP", .serialized)
struct PipelineAPITests {
    static func definition(factor: Int, name: String = "scale") -> JSONValue {
        [
            "name": .string(name), "source": ["type": "caller"],
            "steps": [["type": "map", "expression": .string("{n: n * `\(factor)`}")]], "sink": ["type": "collect"],
        ]
    }

    /// Waits for a job to finish and returns its result's records.
    static func records(of id: String, _ server: ServerFixture, token: String) async throws -> JSONValue? {
        _ = try await server.send(.get, "/v1/jobs/\(id)/events", token: token)  // the stream ends when the job does
        return try await server.send(.get, "/v1/jobs/\(id)/result", token: token).json["records"]
    }

    @Test("register versions, read and list them, run the latest or a pinned one, delete; others see nothing")
    func registry() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let bob = try await server.user("bob@example.com")
            let first = try await server.send(.put, "/v1/pipelines/scale", token: alice.token, json: ["definition": Self.definition(factor: 2)])
            #expect(first.status == 201 && first.json["version"] == 1 && first.json["definition"]?["version"] == 1)
            let same = try await server.send(.put, "/v1/pipelines/scale", token: alice.token, json: ["definition": Self.definition(factor: 2)])
            #expect(same.status == 200 && same.json["version"] == 1)
            let second = try await server.send(.put, "/v1/pipelines/scale", token: alice.token, json: ["definition": Self.definition(factor: 3)])
            #expect(second.status == 201 && second.json["version"] == 2)

            #expect(try await server.send(.get, "/v1/pipelines/scale", token: alice.token).json["version"] == 2)
            #expect(try await server.send(.get, "/v1/pipelines/scale/versions/1", token: alice.token).json["definition"]?["steps"] == Self.definition(factor: 2)["steps"])
            let versions = try await server.send(.get, "/v1/pipelines/scale/versions?limit=1", token: alice.token)
            #expect(versions.json["versions"]?[0]?["version"] == 2 && versions.json["nextCursor"] == "2")
            let list = try await server.send(.get, "/v1/pipelines", token: alice.token)
            #expect(list.json["pipelines"]?[0]?["name"] == "scale" && list.json["pipelines"]?[0]?["latestVersion"] == 2)

            let latest = try await server.send(.post, "/v1/pipelines/scale/runs", token: alice.token, json: ["input": [["n": 5]]], headers: ["Idempotency-Key": "r1"])
            #expect(latest.status == 202, "\(String(decoding: latest.body, as: UTF8.self))")
            let latestID = try #require(latest.json["id"]?.stringValue)
            #expect(try await Self.records(of: latestID, server, token: alice.token) == [["n": 15]])
            let pinned = try await server.send(.post, "/v1/pipelines/scale/runs", token: alice.token, json: ["input": [["n": 5]], "version": 1])
            #expect(try await Self.records(of: try #require(pinned.json["id"]?.stringValue), server, token: alice.token) == [["n": 10]])
            let retry = try await server.send(.post, "/v1/pipelines/scale/runs", token: alice.token, json: ["input": [["n": 5]]], headers: ["Idempotency-Key": "r1"])
            #expect(retry.status == 202 && retry.json["id"]?.stringValue == latestID)
            let reused = try await server.send(.post, "/v1/pipelines/scale/runs", token: alice.token, json: ["input": [["n": 6]]], headers: ["Idempotency-Key": "r1"])
            #expect(reused.status == 422 && reused.errorCode == "idempotency_key_reused")

            for (method, path) in [
                (HTTPMethod.get, "/v1/pipelines/scale"), (.get, "/v1/pipelines/scale/versions"), (.get, "/v1/pipelines/scale/versions/1"),
                (.delete, "/v1/pipelines/scale"), (.post, "/v1/pipelines/scale/runs"),
            ] {
                let other = try await server.send(method, path, token: bob.token, json: method == .post ? ["input": []] : nil)
                #expect(other.status == 404 && other.errorCode == "pipeline_not_found", "\(method) \(path)")
                #expect(try await server.send(method, path).status == 401, "anonymous \(method) \(path)")
            }
            #expect(try await server.send(.get, "/v1/pipelines", token: bob.token).json["pipelines"] == [])
            #expect(try await server.send(.delete, "/v1/pipelines/scale", token: alice.token).status == 204)
            #expect(try await server.send(.get, "/v1/pipelines/scale", token: alice.token).status == 404)
        }
    }

    @Test("bad registrations and runs are refused with the field at fault")
    func refusals() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let cases: [(String, JSONValue, String, String?)] = [
                ("/v1/pipelines/other", ["definition": Self.definition(factor: 2)], "invalid_argument", "definition.name"),
                ("/v1/pipelines/scale", ["definition": Self.definition(factor: 2), "owner": "bob"], "invalid_argument", "owner"),
                ("/v1/pipelines/scale", [:], "invalid_argument", "definition"),
                ("/v1/pipelines/scale", ["definition": ["name": "scale", "steps": [["type": "nope"]]]], "invalid_pipeline", nil),
                ("/v1/pipelines/scale", ["definition": ["name": "scale", "steps": [], "sink": ["type": "caller"]]], "invalid_pipeline", "sink"),
                ("/v1/pipelines/bad%20name", ["definition": Self.definition(factor: 2)], "invalid_identifier", nil),
            ]
            for (path, body, code, field) in cases {
                let response = try await server.send(.put, path, token: alice.token, json: body)
                #expect(response.errorCode == code, "\(path) \(body)")
                if let field { #expect(response.json["error"]?["details"]?["field"]?.stringValue == field, "\(path) \(body)") }
            }
            _ = try await server.send(.put, "/v1/pipelines/scale", token: alice.token, json: ["definition": Self.definition(factor: 2)])
            for body: JSONValue in [["version": 0], ["version": "1"], ["input": "x"], ["roles": ["admin"]]] {
                let response = try await server.send(.post, "/v1/pipelines/scale/runs", token: alice.token, json: body)
                #expect(response.status == 400, "\(body)")
            }
            #expect(try await server.send(.post, "/v1/pipelines/scale/runs", token: alice.token, json: ["version": 9]).errorCode == "pipeline_not_found")
            #expect(try await server.send(.get, "/v1/pipelines/scale/versions/x", token: alice.token).status == 400)
            #expect(try await server.send(.get, "/v1/pipelines?limit=0", token: alice.token).status == 400)
            // Names may carry dots; their jobs carry the name.
            let dotted = Self.definition(factor: 2, name: "daily-orders.v2")
            #expect(try await server.send(.put, "/v1/pipelines/daily-orders.v2", token: alice.token, json: ["definition": dotted]).status == 201)
            let run = try await server.send(.post, "/v1/pipelines/daily-orders.v2/runs", token: alice.token, json: ["input": [["n": 1]]])
            #expect(run.status == 202 && run.json["pipeline"] == "daily-orders.v2", "\(String(decoding: run.body, as: UTF8.self))")
        }
    }

    @Test("job listings show the caller's own jobs, newest first, filtered by state and pipeline, paged")
    func jobListing() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            let bob = try await server.user("bob@example.com")
            _ = try await server.send(.put, "/v1/pipelines/scale", token: alice.token, json: ["definition": Self.definition(factor: 2)])
            var ids: [String] = []
            for n in 0..<3 {
                let run = try await server.send(.post, "/v1/pipelines/scale/runs", token: alice.token, json: ["input": [["n": .int(n)]]])
                ids.append(try #require(run.json["id"]?.stringValue))
            }
            for id in ids { _ = try await Self.records(of: id, server, token: alice.token) }
            _ = try await server.send(.post, "/v1/jobs", token: bob.token, json: ["definition": Self.definition(factor: 2), "input": []])

            let page = try await server.send(.get, "/v1/jobs?limit=2", token: alice.token)
            #expect(page.json["jobs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[2], ids[1]])
            let cursor = try #require(page.json["nextCursor"]?.stringValue)
            let rest = try await server.send(.get, "/v1/jobs?limit=2&cursor=\(cursor)", token: alice.token)
            #expect(rest.json["jobs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids[0]] && rest.json["nextCursor"] == nil)
            #expect(try await server.send(.get, "/v1/jobs?state=succeeded&pipeline=scale", token: alice.token).json["jobs"]?.arrayValue?.count == 3)
            #expect(try await server.send(.get, "/v1/jobs?state=queued", token: alice.token).json["jobs"] == [])
            #expect(try await server.send(.get, "/v1/jobs", token: bob.token).json["jobs"]?.arrayValue?.count == 1)
            #expect(try await server.send(.get, "/v1/jobs?state=done", token: alice.token).json["error"]?["details"]?["field"] == "state")
            #expect(try await server.send(.get, "/v1/jobs?cursor=abc", token: alice.token).status == 400)
            #expect(try await server.send(.get, "/v1/jobs").status == 401)
        }
    }
}
