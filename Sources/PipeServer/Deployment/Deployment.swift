import Foundation
import Logging
import PipeAuth
import PipeClient
import PipeCore
import PipePipeline
import PipePostgres
import PipeStorage

/// A whole Pipe deployment in one process on the embedded defaults: PipeClient's `EmbeddedServices` (auth, storage,
/// the job queue with its workers, the pipeline registry under one directory) set up from a ``ServerConfiguration``.
public final class Deployment: Sendable {
    /// The services.
    public let services: EmbeddedServices
    /// The configuration it runs with.
    public let configuration: ServerConfiguration

    /// Accounts, sign-in, tokens.
    public var auth: AuthService { services.auth }
    /// Buckets and objects.
    public var storage: StorageService { services.storage }
    /// Pipeline jobs and the in-process workers.
    public var jobs: PipelineJobs { services.jobs }
    /// Registered pipeline definitions.
    public var pipelines: any PipelineRegistry { services.pipelines }
    /// The queue the jobs wait in.
    public var queue: any JobQueue { services.queue }

    /// The shared database of a scaled-out deployment; `nil` on the embedded defaults.
    let database: PostgresDatabase?

    private init(services: EmbeddedServices, configuration: ServerConfiguration, database: PostgresDatabase?) {
        self.services = services
        self.configuration = configuration
        self.database = database
    }

    /// Opens (creating on first start) every store: under ``ServerConfiguration/directory``, or, with a
    /// ``DatabaseSettings/url``, in PostgreSQL (migrated first when ``DatabaseSettings/migrateOnStart``), with
    /// object bytes still under the directory.
    ///
    /// - Parameters:
    ///   - configuration: where and how.
    ///   - jobConcurrency: how many jobs this process runs at once (when it runs workers).
    ///   - logger: the deployment's logger.
    /// - Throws: `unavailable` when a store cannot be opened; `conflict` when the database schema is older than
    ///   this build and `migrateOnStart` is off, or newer than this build.
    public static func open(_ configuration: ServerConfiguration, jobConcurrency: Int = 2, logger: Logger)
        async throws(PipeError) -> Deployment
    {
        var options = EmbeddedServices.Options()
        options.jobConcurrency = jobConcurrency
        options.issuer = configuration.baseURL
        options.passwordHashCost = configuration.passwordHashCost
        options.oauthProviders = configuration.oauthProviders
        options.oauthRedirectURIs = configuration.oauthRedirectURIs
        options.jobLeaseSeconds = configuration.jobLeaseSeconds
        guard let url = configuration.database.url else {
            let services = try await EmbeddedServices.open(directory: configuration.directory, options: options, logger: logger)
            return Deployment(services: services, configuration: configuration, database: nil)
        }
        let settings = configuration.database
        let database = try await PostgresDatabase.open(
            url: url, schema: settings.schema, maxConnections: settings.maxConnections,
            logger: Logger(label: "pipe.postgres"))
        do {
            if settings.migrateOnStart {
                let applied = try await PostgresMigrator.migrate(database)
                if !applied.isEmpty { logger.info("database migrated", metadata: ["applied": "\(applied)"]) }
            } else {
                try await PostgresMigrator.requireCurrent(database)
            }
            let queue: any JobQueue
            if settings.effectiveQueue == .postgres {
                queue = PostgresJobQueue(database: database)
            } else {
                queue = try SQLiteJobQueue(path: configuration.directory + "/jobs.sqlite")
            }
            let stores = EmbeddedServices.Stores(
                auth: PostgresAuthStore(database: database), storage: PostgresStorageMetadata(database: database),
                queue: queue, pipelines: PostgresPipelineRegistry(database: database),
                // Commits wake idle workers through NOTIFY; the poll is only the fallback.
                idleWait: settings.effectiveQueue == .postgres ? .seconds(1) : .milliseconds(20))
            let services = try await EmbeddedServices.open(
                directory: configuration.directory, options: options, stores: stores, logger: logger)
            return Deployment(services: services, configuration: configuration, database: database)
        } catch {
            database.close()
            throw error
        }
    }

    /// Prunes finished jobs past ``DatabaseSettings/jobRetentionDays`` from a PostgreSQL queue, hourly, until
    /// cancelled (any replica may run it: each deletion is its own short statement).
    func pruneJobs(logger: Logger) async {
        guard let queue = services.queue as? PostgresJobQueue else { return }
        let retention = TimeInterval(configuration.database.jobRetentionDays) * 86_400
        while !Task.isCancelled {
            do {
                let removed = try await queue.purge(finishedBefore: Date().addingTimeInterval(-retention))
                if removed > 0 { logger.info("finished jobs pruned", metadata: ["removed": "\(removed)"]) }
            } catch {
                logger.warning("pruning finished jobs failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    /// Closes the database pool, if there is one.
    public func close() {
        (services.queue as? PostgresJobQueue)?.close()
        database?.close()
    }

    /// The admin created on first start (see `EmbeddedServices.bootstrapAdmin()`).
    public typealias FirstAdmin = EmbeddedServices.FirstAdmin

    /// Creates the first admin unless one was made before; `nil` when it was.
    public func bootstrapAdmin() async throws(PipeError) -> FirstAdmin? {
        guard let database else { return try await services.bootstrapAdmin() }
        // Replicas may keep separate directories: the database records it, once for all of them.
        let services = self.services
        return try await database.once("first-admin") { () throws(PipeError) in try await services.createFirstAdmin() }
    }
}
