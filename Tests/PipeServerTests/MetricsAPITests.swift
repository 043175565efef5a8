import Foundation
import PipeCore
import PipeHTTP
import Testing

@Suite("Metrics over HTTP", .serialized)
struct MetricsAPITests {
    @Test("/metrics: Prometheus text for admins, counted by route template, with the queue's depth; no one else")
    func scrape() async throws {
        try await ServerFixture.with { server in
            let alice = try await server.user("alice@example.com")
            _ = try await server.send(.post, "/v1/storage/buckets", token: alice.token, json: ["name": "metrics-one"])
            _ = try await server.send(.get, "/v1/storage/buckets/metrics-one", token: alice.token)
            _ = try await server.send(.get, "/v1/storage/buckets/metrics-two", token: alice.token)
            #expect(try await server.send(.get, "/metrics").status == 401)
            #expect(try await server.send(.get, "/metrics", token: alice.token).status == 403)
            let scrape = try await server.send(.get, "/metrics", token: server.adminKey)
            #expect(scrape.status == 200 && scrape.headers["Content-Type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(decoding: scrape.body, as: UTF8.self)
            let lines = text.split(separator: "\n").map(String.init)
            // Raw paths never become labels: both bucket reads count under the template.
            let reads = lines.filter { $0.hasPrefix("pipe_http_requests_total{") && $0.contains(#"route="/v1/storage/buckets/{bucket}""#) }
            #expect(reads.contains { $0.contains(#"status="200""#) && $0.hasSuffix(" 1") }, "\(reads) \(lines.filter { $0.hasPrefix("pipe_http_requests_total") })")
            #expect(reads.contains { $0.contains(#"status="404""#) && $0.hasSuffix(" 1") }, "\(reads)")
            #expect(!text.contains("/v1/storage/buckets/metrics-one"))
            #expect(lines.contains { $0.hasPrefix("pipe_http_request_duration_seconds_bucket{") })
            #expect(lines.contains { $0.hasPrefix(#"pipe_jobs_in_queue{state="queued"} 0"#) })
            #expect(lines.contains { $0.hasPrefix("# TYPE pipe_http_requests_in_flight gauge") })
        }
    }
}
