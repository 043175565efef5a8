import Metrics
import PipeCore
import Synchronization

/// The swift-metrics instruments a client reports to (whatever metrics backend the process bootstraps).
///
/// - `pipe_http_client_requests_total{method, status}`: finished requests by status class (`2xx`…).
/// - `pipe_http_client_errors_total{kind}`: failed requests by `PipeError` code.
/// - `pipe_http_client_request_duration_seconds{method}`: time to the end of the response body.
/// - `pipe_http_client_bytes_sent_total`, `pipe_http_client_bytes_received_total`.
///
/// Instruments are made once per label set and cached: asking the metrics factory on every
/// request costs a lock and an allocation.
final class HTTPClientMetrics: Sendable {
    private let bytesSent = Counter(label: "pipe_http_client_bytes_sent_total")
    private let bytesReceived = Counter(label: "pipe_http_client_bytes_received_total")
    private struct RequestKey: Hashable {
        let method: String
        let statusClass: Int
    }
    private let requests = Mutex<[RequestKey: Counter]>([:])
    private let durations = Mutex<[String: Metrics.Timer]>([:])
    private let errors = Mutex<[String: Counter]>([:])

    func finished(method: String, status: Int, duration: Duration, sent: Int64, received: Int64) {
        // The label is formatted only when the counter is made: this runs for every request.
        requests.withLock { cache in
            let key = RequestKey(method: method, statusClass: status / 100)
            if let counter = cache[key] { return counter }
            let counter = Counter(
                label: "pipe_http_client_requests_total",
                dimensions: [("method", method), ("status", "\(key.statusClass)xx")])
            cache[key] = counter
            return counter
        }.increment()
        durations.withLock { cache in
            if let timer = cache[method] { return timer }
            let timer = Metrics.Timer(
                label: "pipe_http_client_request_duration_seconds", dimensions: [("method", method)])
            cache[method] = timer
            return timer
        }.recordNanoseconds(duration.nanoseconds)
        if sent > 0 { bytesSent.increment(by: sent) }
        if received > 0 { bytesReceived.increment(by: received) }
    }

    func failed(method: String, error: PipeError) {
        errors.withLock { cache in
            if let counter = cache[error.code.rawValue] { return counter }
            let counter = Counter(label: "pipe_http_client_errors_total", dimensions: [("kind", error.code.rawValue)])
            cache[error.code.rawValue] = counter
            return counter
        }.increment()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
