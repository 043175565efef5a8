import PipeCore

/// Where a deployment keeps its records and its job queue: the embedded SQLite files under the directory (the
/// default), or a shared PostgreSQL database that several `pipe serve` and `pipe worker` replicas use at once.
///
/// ```yaml
/// database: postgres://pipe@db.internal:5432/pipe   # or PIPE_DATABASE_URL; the password may sit in the URL
/// databaseSchema: pipe             # default: the server's search_path (public)
/// databaseMaxConnections: 20       # per process
/// queue: postgres                  # the default with a database; `sqlite` keeps jobs local
/// migrateOnStart: true             # run `pipe migrate` at startup (safe from several replicas at once)
/// workers: true                    # run jobs in this process; false for gateway-only replicas
/// jobRetentionDays: 7              # finished jobs are pruned after this
/// ```
public struct DatabaseSettings: Sendable, Hashable {
    /// Which backend holds the job queue.
    public enum QueueBackend: String, Sendable, Hashable {
        case sqlite
        case postgres
    }

    /// The PostgreSQL URL; `nil` for the embedded SQLite stores.
    public var url: String?
    /// The schema Pipe's tables live in; `nil` for the server's `search_path`.
    public var schema: String?
    /// The most connections one process opens.
    public var maxConnections: Int
    /// The queue's backend; `nil` picks PostgreSQL when ``url`` is set.
    public var queue: QueueBackend?
    /// Whether startup brings the schema up to date (otherwise an outdated schema stops the start).
    public var migrateOnStart: Bool
    /// Whether this process runs jobs.
    public var workers: Bool
    /// How long finished jobs are kept, in days.
    public var jobRetentionDays: Int

    /// The embedded defaults.
    public init() {
        url = nil
        schema = nil
        maxConnections = 20
        queue = nil
        migrateOnStart = true
        workers = true
        jobRetentionDays = 7
    }

    /// The queue backend in effect.
    public var effectiveQueue: QueueBackend { queue ?? (url == nil ? .sqlite : .postgres) }

    func validated() throws(PipeError) -> DatabaseSettings {
        if let url {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw PipeError(.invalidArgument, "database must be a postgres:// URL", details: ["field": "database"])
            }
        }
        // The queue's two listeners (new jobs, job events) each hold a connection for good; the rest serve queries.
        guard (4...500).contains(maxConnections) else {
            throw PipeError(
                .invalidArgument, "databaseMaxConnections must be 4–500", details: ["field": "databaseMaxConnections"])
        }
        guard effectiveQueue == .sqlite || url != nil else {
            throw PipeError(.invalidArgument, "queue: postgres needs a database URL", details: ["field": "queue"])
        }
        guard (1...3650).contains(jobRetentionDays) else {
            throw PipeError(.invalidArgument, "jobRetentionDays must be 1–3650", details: ["field": "jobRetentionDays"])
        }
        return self
    }
}
