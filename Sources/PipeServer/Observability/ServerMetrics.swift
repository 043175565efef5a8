import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import PipeCore
import Prometheus

/// The gateway's own metrics, kept in the Prometheus registry `/metrics` renders.
///
/// Requests are counted by route template (`/v1/storage/buckets/{bucket}`), never by raw path, so the number of
/// series stays bounded whatever clients send. The handles for a (method, route, status) are made once and cached:
/// the registry lookup behind `makeCounter` takes a lock and builds a key, which a request should not pay for.
final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let inFlight: Gauge
    /// Responses written by the event-loop fast path (`ObjectFastPath`), also counted in the request series.
    let fastPathResponses: Counter
    private let handles = NIOLockedValueBox<[Key: Handles]>([:])

    /// Latency buckets from 100 µs (cached small reads) to 10 s (large transfers).
    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(10),
    ]
    /// Past this many distinct series the extra ones are folded into `route="other"`.
    static let maxSeries = 2_000

    struct Key: Hashable {
        let method: HTTPRequest.Method
        let route: String
        let status: Int
    }

    struct Handles: Sendable {
        let requests: Counter
        let duration: DurationHistogram

        func record(_ elapsed: Duration) {
            requests.increment()
            duration.record(elapsed)
        }
    }

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        inFlight = registry.makeGauge(
            descriptor: Self.name("pipe_http_requests_in_flight", help: "Requests being served now."))
        fastPathResponses = registry.makeCounter(
            descriptor: Self.name(
                "pipe_http_fast_path_responses_total",
                help: "Responses answered from memory on the event loop, without the router."))
    }

    /// Records one finished request.
    func record(method: HTTPRequest.Method, route: String, status: Int, duration: Duration) {
        handles(for: Key(method: method, route: route, status: status)).record(duration)
    }

    /// The series for one (method, route, status), for a caller that records many requests of it.
    func series(method: HTTPRequest.Method, route: String, status: Int) -> Handles {
        handles(for: Key(method: method, route: route, status: status))
    }

    func started() { inFlight.increment() }
    func finished() { inFlight.decrement() }

    private func handles(for key: Key) -> Handles {
        if let cached = handles.withLockedValue({ $0[key] }) { return cached }
        let key = handles.withLockedValue { $0.count } < Self.maxSeries ? key : Key(method: key.method, route: "other", status: key.status)
        let labels = [("method", key.method.rawValue), ("route", key.route), ("status", String(key.status))]
        let made = Handles(
            requests: registry.makeCounter(
                descriptor: Self.name("pipe_http_requests_total", help: "HTTP requests served."), labels: labels),
            duration: registry.makeDurationHistogram(
                descriptor: Self.name(
                    "pipe_http_request_duration_seconds",
                    help: "Time from receiving a request to writing the last byte of its response."),
                labels: labels, buckets: Self.buckets))
        handles.withLockedValue { $0[key] = made }
        return made
    }

    /// A metric's whole name (unit included, as Prometheus names carry it) and help text.
    static func name(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// The registry in the Prometheus text format.
    func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }
}

/// Counts and times every request (errors included: it sits outside the middleware that turns errors into
/// responses), measured until the last byte of a streamed body is written.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = PipeRequestContext
    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: PipeRequestContext,
        next: (Request, PipeRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        metrics.started()
        let method = request.method
        do {
            var response = try await next(request, context)
            let status = response.status.code
            let route = context.endpointPath ?? "unmatched"
            let metrics = self.metrics
            let body = response.body
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                defer {
                    metrics.record(method: method, route: route, status: status, duration: ContinuousClock.now - start)
                    metrics.finished()
                }
                try await body.write(writer)
            }
            return response
        } catch {
            metrics.record(
                method: method, route: context.endpointPath ?? "unmatched", status: 500, duration: ContinuousClock.now - start)
            metrics.finished()
            throw error
        }
    }
}
