import Hummingbird
import NIOCore
import PipeCore
import Prometheus

/// `GET /metrics`: every metric of the deployment in the Prometheus text format, for admins (Prometheus sends the
/// admin API key with `authorization: {credentials: …}` in its scrape config). The job queue's depth is read at
/// scrape time, so it is current even when no worker is running.
struct MetricsRoutes {
    let metrics: ServerMetrics
    let deployment: Deployment

    func add(to router: Router<PipeRequestContext>) {
        router.get("metrics") { _, context in try await scrape(context) }
    }

    func scrape(_ context: PipeRequestContext) async throws(PipeError) -> Response {
        let principal = try context.requirePrincipal()
        guard principal.hasRole(AccessPolicy.adminRole) else {
            throw PipeError(.forbidden, "metrics are for admins")
        }
        let stats = try await deployment.queue.stats()
        for (state, count) in [
            ("queued", stats.queued), ("retrying", stats.retrying), ("running", stats.running),
            ("dead_lettered", stats.deadLettered),
        ] {
            metrics.registry.makeGauge(
                descriptor: ServerMetrics.name("pipe_jobs_in_queue", help: "Jobs in the queue by state, at scrape time."),
                labels: [("state", state)]
            ).set(Double(count))
        }
        let bytes = metrics.render()
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .contentLength: String(bytes.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
