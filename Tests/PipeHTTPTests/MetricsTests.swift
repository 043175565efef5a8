import Foundation
import Metrics
import MetricsTestKit
import PipeCore
import PipeTestSupport
import Testing

@testable import PipeHTTP

/// The client's swift-metrics instruments, read back through MetricsTestKit.
@Suite("HTTP client metrics", .serialized)
struct MetricsTests {
    /// Bootstrapping is once per process (shared with the other suites that read metrics).
    static var metrics: TestMetrics { SharedTestMetrics.metrics }

    @Test("requests, durations, bytes and errors are counted")
    func counted() async throws {
        let metrics = Self.metrics
        let server = try BehaviourServer.start()
        defer { server.stop() }
        let client = try CurlHTTPClient()
        defer { client.shutdown() }
        // Other suites run at the same time and report to the same instruments; OPTIONS is this
        // test's own method, so its label sets are counted exactly.
        for _ in 0..<3 {
            _ = try await client.send(HTTPRequest(method: .options, url: URL(string: server.baseURL + "/hello")!))
        }
        _ = try await client.send(HTTPRequest(method: .options, url: URL(string: server.baseURL + "/status/404")!))
        _ = try? await client.send(HTTPRequest(url: URL(string: server.baseURL + "/garbage")!))

        try await waitUntil {
            (try? metrics.expectCounter("pipe_http_client_requests_total", [("method", "OPTIONS"), ("status", "2xx")]))?
                .totalValue == 3
        }
        #expect(
            try metrics.expectCounter("pipe_http_client_requests_total", [("method", "OPTIONS"), ("status", "4xx")])
                .totalValue == 1)
        #expect(
            try metrics.expectCounter("pipe_http_client_errors_total", [("kind", "protocol_error")]).totalValue >= 1)
        #expect(
            try metrics.expectTimer("pipe_http_client_request_duration_seconds", [("method", "OPTIONS")]).values.count
                == 4)
        #expect(try metrics.expectCounter("pipe_http_client_bytes_received_total").totalValue >= 15)
    }
}
