import Foundation
import Logging
import PipeCore
import PipeHTTP

/// Pipe from an application: the same API in-process and against a deployment.
///
/// ```swift
/// let pipe = try await PipeClient.embedded(directory: ".pipe", credentials: .apiKey(key))   // in-process
/// let pipe = try PipeClient.remote(URL(string: "https://pipe.example.com")!, credentials: .apiKey(key))
///
/// _ = try await pipe.storage.createBucket(try BucketName("photos"), options: BucketOptions())
/// let job = try await pipe.jobs.submit(definition.json, input: records, idempotencyKey: "import-42")
/// let result = try await pipe.jobs.wait(for: job.id)
/// await pipe.shutdown()
/// ```
///
/// ``storage`` and ``jobs`` are PipeCore's ports (`ObjectStorage`, `JobService`); ``pipelines`` registers pipeline
/// definitions for ``jobs`` to run; ``transfers`` streams files and byte sequences with progress and resumes uploads;
/// ``auth`` signs in and keeps the session. Both modes give the same models and the same `PipeError` codes. Every call acts as the client's
/// current credential: an API key, or the signed-in session (refreshed before it expires).
public final class PipeClient: Sendable {
    /// Sign-in, sign-out and the session.
    public let auth: AuthClient
    /// Buckets and objects.
    public let storage: any ObjectStorage
    /// Streaming transfers, signed links and resumable uploads.
    public let transfers: any ObjectTransfers
    /// Registered pipeline definitions, in numbered versions.
    public let pipelines: any PipelineCatalog
    /// Pipeline jobs.
    public let jobs: any JobService
    private let stop: @Sendable () async -> Void

    private init(
        auth: AuthClient, storage: any ObjectStorage, transfers: any ObjectTransfers, pipelines: any PipelineCatalog,
        jobs: any JobService, stop: @escaping @Sendable () async -> Void
    ) {
        self.auth = auth
        self.storage = storage
        self.transfers = transfers
        self.pipelines = pipelines
        self.jobs = jobs
        self.stop = stop
    }

    /// A client that runs everything in this process, on the stores under `directory` (created on first use), with
    /// its own job workers.
    ///
    /// - Parameters:
    ///   - directory: where the data lives (see ``EmbeddedServices``).
    ///   - credentials: who the client is; with `.none`, a session saved in `sessions` is picked up.
    ///   - options: how the services are set up.
    ///   - sessions: where a signed-in session is kept (default: memory).
    ///   - logger: the services' logger.
    public static func embedded(
        directory: String = ".pipe", credentials: Credentials = .none,
        options: EmbeddedServices.Options = EmbeddedServices.Options(), sessions: (any SessionStore)? = nil,
        logger: Logger = Logger(label: "pipe.client")
    ) async throws(PipeError) -> PipeClient {
        let services = try await EmbeddedServices.open(directory: directory, options: options, logger: logger)
        let workers = Task { await services.runWorkers() }
        return try await embedded(services, credentials: credentials, sessions: sessions) {
            await services.stopWorkers()
            await workers.value
        }
    }

    /// A client over services opened (and run) by the caller: `shutdown()` then stops nothing.
    public static func embedded(
        _ services: EmbeddedServices, credentials: Credentials = .none, sessions: (any SessionStore)? = nil
    ) async throws(PipeError) -> PipeClient {
        try await embedded(services, credentials: credentials, sessions: sessions) {}
    }

    private static func embedded(
        _ services: EmbeddedServices, credentials: Credentials, sessions: (any SessionStore)?,
        stop: @escaping @Sendable () async -> Void
    ) async throws(PipeError) -> PipeClient {
        let backend = EmbeddedAuth(auth: services.auth)
        let session = try await SessionManager.make(credentials: credentials, store: sessions, backend: backend)
        let caller = EmbeddedCaller(session: session, auth: backend)
        return PipeClient(
            auth: AuthClient(session: session, backend: backend),
            storage: EmbeddedStorage(storage: services.storage, caller: caller),
            transfers: EmbeddedTransfers(storage: services.storage, caller: caller),
            pipelines: EmbeddedPipelines(registry: services.pipelines, jobs: services.jobs, caller: caller),
            jobs: EmbeddedJobs(jobs: services.jobs, registry: services.pipelines, caller: caller), stop: stop)
    }

    /// How a remote client talks to its deployment.
    public struct RemoteOptions: Sendable {
        /// Retries of requests that are safe to repeat.
        public var retry = RetryPolicy()
        /// The HTTP transport's settings (timeouts, TLS, proxy).
        public var http = CurlHTTPClient.Configuration()
        /// Local copies of small objects read with `storage.getObject`, validated with the deployment on every read
        /// (default none).
        public var cache: RemoteObjectCache? = nil
        /// The most job event streams (`jobs.events`) followed at once over HTTP/1.1 connections to the deployment
        /// (default 64; over HTTP/2 they share connections). Event streams have connections of their own, apart
        /// from the ones API calls use, so following jobs never holds calls up.
        public var maxEventStreams = 64

        /// The defaults.
        public init() {}
    }

    /// A client of the deployment at `url` (its base URL, e.g. `https://pipe.example.com`), over HTTP through
    /// libcurl.
    public static func remote(
        _ url: URL, credentials: Credentials = .none, options: RemoteOptions = RemoteOptions(),
        sessions: (any SessionStore)? = nil, logger: Logger = Logger(label: "pipe.client")
    ) async throws(PipeError) -> PipeClient {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw PipeError(.invalidArgument, "\(url) is not an http or https URL", details: ["field": "url"])
        }
        let http = try CurlHTTPClient(configuration: options.http, logger: logger)
        let session = SessionManager(credentials: credentials, store: sessions)
        let transport = RemoteTransport(
            base: url, http: http, session: session, retry: options.retry, maxEventStreams: options.maxEventStreams,
            logger: logger)
        let backend = RemoteAuth(transport: transport)
        await session.attach(backend)
        do throws(PipeError) {
            try await session.restore()
        } catch {
            transport.shutdown()
            throw error
        }
        return PipeClient(
            auth: AuthClient(session: session, backend: backend),
            storage: RemoteStorage(transport: transport, cache: options.cache),
            transfers: RemoteTransfers(transport: transport), pipelines: RemotePipelines(transport: transport),
            jobs: RemoteJobs(transport: transport), stop: { transport.shutdown() })
    }

    /// Stops what the client started (in-process workers, after their running jobs; the HTTP transport). Call it
    /// once, when done with the client.
    public func shutdown() async {
        await stop()
    }
}

extension SessionManager {
    static func make(credentials: Credentials, store: (any SessionStore)?, backend: any AuthBackend) async throws(PipeError)
        -> SessionManager
    {
        let session = SessionManager(credentials: credentials, store: store)
        await session.attach(backend)
        try await session.restore()
        return session
    }

    func attach(_ backend: any AuthBackend) {
        self.backend = backend
    }
}
