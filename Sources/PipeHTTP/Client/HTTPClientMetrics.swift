import Metrics
import PipeCore

/// The swift-metrics instruments a client reports to (whatever metrics backend the process bootstraps).
///
/// - `pipe_http_client_requests_total{method, status}`: finished requests by status class (`2xx`…).
/// - `pipe_http_client_errors_total{kind}`: failed requests by ``PipeCore/PipeError`` code.
/// - `pipe_http_client_request_duration_seconds{method}`: time to the end of the response body.
/// - `pipe_http_client_bytes_sent_total`, `pipe_http_client_bytes_received_total`.
struct HTTPClientMetrics: Sendable {
    let bytesSent = Counter(label: "pipe_http_client_bytes_sent_total")
    let bytesReceived = Counter(label: "pipe_http_client_bytes_received_total")

    func finished(method: String, status: Int, duration: Duration, sent: Int64, received: Int64) {
        Counter(
            label: "pipe_http_client_requests_total", dimensions: [("method", method), ("status", "\(status / 100)xx")]
        )
        .increment()
        Metrics.Timer(label: "pipe_http_client_request_duration_seconds", dimensions: [("method", method)])
            .recordNanoseconds(duration.nanoseconds)
        if sent > 0 { bytesSent.increment(by: sent) }
        if received > 0 { bytesReceived.increment(by: received) }
    }

    func failed(method: String, error: PipeError) {
        Counter(label: "pipe_http_client_errors_total", dimensions: [("kind", error.code.rawValue)]).increment()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
