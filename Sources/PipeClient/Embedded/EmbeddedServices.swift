import Foundation
import Logging
import PipeAuth
import PipeCore
import PipeHTTP
import PipePipeline
import PipeStorage

/// Every Pipe service in one process on the embedded defaults: auth, storage, the job queue and its runner, and
/// the pipeline registry, each in its own store under one directory. ``PipeClient/embedded(directory:credentials:options:sessions:logger:)``
/// and the `pipe serve` deployment are both built on it.
///
/// ```
/// .pipe/auth/auth.sqlite       accounts, sessions, keys, audit log
/// .pipe/storage/               bucket metadata and blobs
/// .pipe/jobs.sqlite            the job queue
/// .pipe/pipelines.sqlite       registered pipeline definitions
/// .pipe/admin-created          written once the first admin exists
/// ```
///
/// Opening starts nothing: run ``runWorkers()`` (job workers and auth maintenance) for jobs to be processed.
public final class EmbeddedServices: Sendable {
    /// The directory everything lives in.
    public let directory: URL
    /// Accounts, sign-in, tokens.
    public let auth: AuthService
    /// Buckets and objects.
    public let storage: StorageService
    /// Pipeline jobs and the in-process workers.
    public let jobs: PipelineJobs
    /// Registered pipeline definitions.
    public let pipelines: any PipelineRegistry
    /// The queue the jobs wait in.
    public let queue: any JobQueue

    /// How the services are set up.
    public struct Options: Sendable {
        /// The token issuer: the URL clients reach the deployment at (default `http://localhost`).
        public var issuer = "http://localhost"
        /// scrypt cost as log2 N (default 15).
        public var passwordHashCost = 15
        /// OAuth / OpenID Connect sign-in providers (default none).
        public var oauthProviders: [OAuthProvider] = []
        /// Redirect URIs providers may send users back to (default none).
        public var oauthRedirectURIs: Set<String> = []
        /// How long a worker holds a job before another may take it over (default 30 s).
        public var jobLeaseSeconds = 30
        /// How many jobs this process runs at once (default 2).
        public var jobConcurrency = 2
        /// The program's own transforms, which definitions use as `custom` steps (default none). Registering and
        /// submitting check a definition's custom steps against these.
        public var transforms = PipelineTransforms()

        /// The defaults above.
        public init() {}
    }

    private init(
        directory: URL, auth: AuthService, storage: StorageService, jobs: PipelineJobs, pipelines: any PipelineRegistry,
        queue: any JobQueue
    ) {
        self.directory = directory
        self.auth = auth
        self.storage = storage
        self.jobs = jobs
        self.pipelines = pipelines
        self.queue = queue
    }

    /// Where the services keep their records when they are not the embedded SQLite files: the PostgreSQL stores of
    /// a scaled-out deployment (built by PipeServer, which depends on PipePostgres).
    package struct Stores: Sendable {
        package var auth: any AuthStore
        package var storage: any StorageMetadataStore
        package var queue: any JobQueue
        package var pipelines: any PipelineRegistry
        /// How long an idle worker waits before asking the queue again (queues that wake workers can wait longer).
        package var idleWait: Duration

        package init(
            auth: any AuthStore, storage: any StorageMetadataStore, queue: any JobQueue, pipelines: any PipelineRegistry,
            idleWait: Duration
        ) {
            self.auth = auth
            self.storage = storage
            self.queue = queue
            self.pipelines = pipelines
            self.idleWait = idleWait
        }
    }

    /// Opens (creating on first use) every store under `directory`.
    public static func open(directory: String, options: Options = Options(), logger: Logger = Logger(label: "pipe"))
        async throws(PipeError) -> EmbeddedServices
    {
        try await open(directory: directory, options: options, stores: nil, logger: logger)
    }

    /// Opens the services on `stores`, or on the embedded SQLite files under `directory` when `stores` is `nil`.
    /// Object bytes and the storage keys always live under `directory` (replicas of one deployment share it).
    package static func open(directory: String, options: Options, stores: Stores?, logger: Logger)
        async throws(PipeError) -> EmbeddedServices
    {
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw PipeError(.unavailable, "cannot create \(root.path): \(error.localizedDescription)")
        }
        var authConfiguration = AuthConfiguration(issuer: options.issuer)
        authConfiguration.passwordHasher = try PasswordHasher(logCost: options.passwordHashCost)
        authConfiguration.providers = options.oauthProviders
        authConfiguration.redirectURIs = options.oauthRedirectURIs
        // Provider calls (discovery, code exchange, keys) go out through libcurl, only when providers are configured.
        let providerHTTP: CurlHTTPClient? = options.oauthProviders.isEmpty ? nil : try CurlHTTPClient()
        let auth: AuthService
        let storage: StorageService
        let queue: any JobQueue
        let pipelines: any PipelineRegistry
        if let stores {
            auth = try await AuthService(
                store: stores.auth, configuration: authConfiguration, http: providerHTTP, logger: logger, clock: { Date() })
            storage = try await StorageService.open(
                directory: root.appendingPathComponent("storage").path, metadata: stores.storage,
                configuration: StorageConfiguration(), logger: logger)
            queue = stores.queue
            pipelines = stores.pipelines
        } else {
            auth = try await AuthService.embedded(
                directory: root.appendingPathComponent("auth"), configuration: authConfiguration, http: providerHTTP,
                logger: logger)
            storage = try await StorageService.embedded(directory: root.appendingPathComponent("storage").path, logger: logger)
            queue = try SQLiteJobQueue(path: root.appendingPathComponent("jobs.sqlite").path)
            pipelines = try SQLitePipelineRegistry(path: root.appendingPathComponent("pipelines.sqlite").path)
        }
        // Jobs may not touch local files, and reach storage as the account that submitted them.
        var environment = PipelineEnvironment(storage: storage.acting(as: nil), fileAccess: .denied, logger: logger)
        environment.storageForOwner = { owner in storage.acting(as: Principal(id: owner)) }
        environment.transforms = options.transforms
        let jobs = PipelineJobs(
            queue: queue, concurrency: options.jobConcurrency, leaseDuration: .seconds(options.jobLeaseSeconds), idleWait: stores?.idleWait ?? .milliseconds(20),
            environment: environment)
        return EmbeddedServices(
            directory: root, auth: auth, storage: storage, jobs: jobs, pipelines: pipelines, queue: queue)
    }

    /// Runs the job workers and the auth maintenance loop until ``stopWorkers()`` (running jobs finish first) or
    /// until the task is cancelled.
    public func runWorkers() async {
        let maintenance = Task { await auth.runMaintenance() }
        defer { maintenance.cancel() }
        await jobs.run()
    }

    /// Asks the workers to stop once their running jobs finish.
    public func stopWorkers() async {
        await jobs.shutdown()
    }

    /// The admin created on first start, and its API key: shown once, never stored in the clear or logged.
    public struct FirstAdmin: Sendable {
        /// The admin service account.
        public let account: User
        /// Its API key.
        public let apiKey: String
    }

    /// Creates the first admin (a service account with the `admin` role and an API key) unless one was made
    /// before; `nil` when it was.
    ///
    /// A marker file records that it happened, written only after the key exists, so a crash in between makes a
    /// fresh admin at the next start rather than none.
    public func bootstrapAdmin() async throws(PipeError) -> FirstAdmin? {
        let marker = directory.appendingPathComponent("admin-created")
        guard !FileManager.default.fileExists(atPath: marker.path) else { return nil }
        let first = try await createFirstAdmin()
        do {
            try Data(first.account.id.rawValue.utf8).write(to: marker, options: .atomic)
        } catch {
            throw PipeError(.unavailable, "cannot write \(marker.path): \(error.localizedDescription)")
        }
        return first
    }

    /// Creates an admin service account with an API key, unconditionally: the caller records that it happened
    /// (a marker file here; a row in the shared database for replicas).
    package func createFirstAdmin() async throws(PipeError) -> FirstAdmin {
        // The bootstrap acts as a principal that exists only for this call: the deployment itself.
        let deployment = Principal(id: try UserID("deployment"), kind: .serviceAccount, roles: [AccessPolicy.adminRole])
        let admin = try await auth.createServiceAccount(name: "admin", roles: [AccessPolicy.adminRole], as: deployment)
        let key = try await auth.createAPIKey(for: admin.id, name: "first admin key", as: deployment)
        return FirstAdmin(account: admin, apiKey: key.key)
    }
}
