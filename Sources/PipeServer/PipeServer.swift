import Foundation
import Hummingbird
import Logging
import NIOCore
import PipeAuth
import PipeClient
import PipeCore
import PipePipeline
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The gateway: one HTTP API in front of a ``Deployment``.
///
/// ```swift
/// let configuration = try ServerConfiguration.load(file: "pipe.yaml")
/// let server = try await PipeServer(configuration: configuration)
/// try await server.run()       // until SIGINT/SIGTERM; then drains and stops
/// ```
public final class PipeServer: Sendable {
    /// The `Server` header of every response.
    static let serverName = "pipe"
    /// The deployment behind the API.
    public let deployment: Deployment
    /// The configuration it runs with.
    public let configuration: ServerConfiguration
    let logger: Logger
    let limiter: any RateLimiter
    let metrics: ServerMetrics

    /// Opens the deployment's stores.
    ///
    /// - Parameters:
    ///   - configuration: where to listen and where the data lives.
    ///   - metrics: the registry `/metrics` renders; the gateway's request metrics go straight into it. To have the
    ///     libraries' metrics (storage, jobs, pipelines) there too, bootstrap swift-metrics with a
    ///     `PrometheusMetricsFactory` on the same registry, as `pipe serve` does.
    ///   - logger: the server's logger (each request's lines carry its request id).
    public init(
        configuration: ServerConfiguration, metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        logger: Logger = Logger(label: "pipe.server")
    ) async throws(PipeError) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = ServerMetrics(registry: metrics)
        limiter = GCRARateLimiter()
        deployment = try await Deployment.open(configuration, logger: logger)
    }

    /// The router with every route and middleware.
    func router() -> Router<PipeRequestContext> {
        let router = Router(context: PipeRequestContext.self)
        router.middlewares.add(RequestMetricsMiddleware(metrics: metrics))
        router.middlewares.add(GatewayMiddleware())
        router.middlewares.add(AllowListCORSMiddleware(origins: configuration.corsOrigins))
        router.middlewares.add(AuthenticationMiddleware(auth: deployment.auth))
        router.middlewares.add(RateLimitMiddleware(limiter: limiter, limits: configuration.rateLimits))
        router.middlewares.add(MethodNotAllowedMiddleware(routes: RouteTable(routeList())))
        addRoutes(to: router)
        return router
    }

    /// The event-loop answers for cached small-object reads, unless the configuration turns them off.
    func fastPath() -> ObjectFastPath? {
        guard configuration.fastPath else { return nil }
        return ObjectFastPath(
            auth: deployment.auth, storage: deployment.storage, limiter: limiter, limits: configuration.rateLimits,
            metrics: metrics)
    }

    func addRoutes(to router: Router<PipeRequestContext>) {
        HealthRoutes(deployment: deployment).add(to: router)
        MetricsRoutes(metrics: metrics, deployment: deployment).add(to: router)
        OpenAPIRoutes().add(to: router)
        AuthRoutes(auth: deployment.auth, configuration: configuration).add(to: router)
        AccountRoutes(auth: deployment.auth, configuration: configuration).add(to: router)
        AccountSecurityRoutes(auth: deployment.auth, configuration: configuration).add(to: router)
        BucketRoutes(storage: deployment.storage, configuration: configuration).add(to: router)
        ObjectRoutes(storage: deployment.storage).add(to: router)
        ObjectLinkRoutes(storage: deployment.storage, configuration: configuration).add(to: router)
        UploadRoutes(storage: deployment.storage, configuration: configuration).add(to: router)
        JobRoutes(jobs: deployment.jobs, configuration: configuration).add(to: router)
        PipelineRoutes(registry: deployment.pipelines, jobs: deployment.jobs, configuration: configuration).add(to: router)
    }

    /// Every route as `METHOD /path` (parameters as `{name}`), for checks that the API description is complete.
    func routeList() -> [String] {
        let scratch = Router(context: PipeRequestContext.self)
        addRoutes(to: scratch)
        return scratch.routes.map { "\($0.method.rawValue) \($0.path)" }
    }

    /// Serves until the task is cancelled or the process gets SIGINT/SIGTERM, with the job workers and auth
    /// maintenance running beside it; then stops accepting, lets requests and running jobs finish, and returns.
    ///
    /// - Parameter onListening: called with the bound port once the server accepts connections (useful with port 0).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let application = Application(
            router: router(),
            server: try ServerTransport.builder(configuration, fastPath: fastPath()),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: Self.serverName),
            services: [JobWorkers(deployment: deployment)],
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        defer { deployment.close() }
        // A service group shuts its services down in reverse order, and the application's own group stops the HTTP
        // server first, which waits for every open response. `EventStreamCloser`, listed last, goes first: it ends
        // the job event streams, which would otherwise hold the server's shutdown up until their jobs end.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: application),
                    .init(service: EventStreamCloser(jobs: deployment.jobs), successTerminationBehavior: .ignore),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Waits for the graceful shutdown to begin, then ends every job event stream (see
/// ``PipelineJobs/endEventStreams()``): their clients follow the jobs again on another replica.
struct EventStreamCloser: Service {
    let jobs: PipelineJobs

    func run() async throws {
        try? await gracefulShutdown()
        await jobs.endEventStreams()
    }
}

/// The in-process job workers and the auth maintenance loop, as one service of the server's service group: it
/// starts with the server and, on graceful shutdown, lets running jobs finish before the process exits.
struct JobWorkers: Service {
    let deployment: Deployment

    func run() async throws {
        let logger = Logger(label: "pipe.server")
        let pruning = Task { await deployment.pruneJobs(logger: logger) }
        // Replicas share the auth store: sign-outs made on another one must stop tokens here too.
        let revocations = Task {
            if deployment.database != nil { await deployment.services.auth.followRevocations() }
        }
        defer {
            pruning.cancel()
            revocations.cancel()
        }
        await withGracefulShutdownHandler {
            if deployment.configuration.database.workers {
                await deployment.services.runWorkers()
            } else {
                // A gateway-only replica: jobs run in `pipe worker` processes; auth upkeep still runs here, until
                // shutdown (it loops until cancelled, so a graceful stop has to cancel it).
                await cancelWhenGracefulShutdown { await deployment.services.auth.runMaintenance() }
            }
        } onGracefulShutdown: {
            Task { await deployment.services.stopWorkers() }
        }
    }
}
