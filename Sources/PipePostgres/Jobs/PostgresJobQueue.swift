import Foundation
import Logging
import NIOCore
import PipeCore
import PostgresNIO

/// The scaled-out `JobQueue`: jobs in PostgreSQL, claimed by workers in any number of processes.
///
/// - Claims take ready rows with `FOR UPDATE SKIP LOCKED`, so workers never wait on each other's rows and never
///   claim a job twice; ``claim(limit:leaseDuration:)`` takes a batch in one statement.
/// - A lease that lapses (its worker died) counts as a failed run: the next claim from any process moves the job to
///   `retrying` and takes it again (at-least-once delivery).
/// - Idempotency keys are a unique column, so two replicas submitting the same key make one job.
/// - Each commit that makes a job ready sends `NOTIFY pipe_jobs`; idle workers wait on it
///   (``waitForJobs(upTo:)``) instead of polling, with polling kept as the fallback (and as the only mode behind
///   a transaction-pooling proxy, where `LISTEN` does not work: ``Options/notifications`` `false`).
///
/// Durability is PostgreSQL's: with the server's default `synchronous_commit = on`, a job the queue acknowledged
/// survives a crash of the database.
public final class PostgresJobQueue: JobQueue {
    /// How the queue behaves.
    public struct Options: Sendable {
        /// The most unfinished (queued, retrying, running) jobs held at once; more fail with `limit_exceeded`.
        public var maxJobs: Int = 10_000_000
        /// Whether to `LISTEN` for new jobs and job changes (`false` behind a transaction-pooling proxy such as
        /// PgBouncer, where workers then poll and watchers see other replicas' changes when they next read).
        public var notifications: Bool = true
        /// Whether state changes announce themselves on `pipe_job_events` so that a client following a job on one
        /// replica sees what a worker on another does. Costs one notification per change.
        public var jobEvents: Bool = true
        /// Makes options.
        public init() {}
    }

    let database: PostgresDatabase
    let options: Options
    let now: @Sendable () -> Date
    let backlog: BacklogEstimate
    let leaseSweep = LeaseSweep()
    let wakeups: JobWakeups?
    let changes: JobChangeFeed?

    /// A queue on a migrated database.
    ///
    /// - Parameters:
    ///   - database: the database (migrated by ``PostgresMigrator``).
    ///   - options: limits and the wake-up mode.
    ///   - now: the clock, injectable so tests can move time.
    public init(database: PostgresDatabase, options: Options = Options(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.options = options
        self.now = now
        backlog = BacklogEstimate()
        wakeups = options.notifications ? JobWakeups(database: database, channel: Self.channel) : nil
        changes = options.notifications && options.jobEvents ? JobChangeFeed(database: database) : nil
    }

    /// The channel the queue's commits notify.
    static let channel = "pipe_jobs"

    /// Stops listening for wake-ups.
    public func close() {
        wakeups?.stop()
        changes?.stop()
    }

    /// Jobs any replica changed, as they commit (`nil` in the stream: changes may have been missed).
    public func changedJobs() -> AsyncStream<JobID?>? {
        changes?.subscribe()
    }

    // MARK: Enqueue

    public func enqueue(pipeline: PipelineID, payload: JSONValue, idempotencyKey: String?, owner: UserID?)
        async throws(PipeError) -> Job
    {
        try Job.validate(idempotencyKey: idempotencyKey)
        try await checkRoom()
        let date = now()
        let job = Job(pipeline: pipeline, createdAt: date, owner: owner)
        let bytes = ByteBuffer(bytes: payload.serialized())
        let stamp = date.timeIntervalSince1970
        // One statement, committing on its own: the insert and, when it happened, the wake-up for idle workers.
        let inserted = try await database.query(
            """
            WITH inserted AS (
                INSERT INTO pipe_jobs (id, pipeline, state, attempts, created_at, updated_at, ready_at, payload,
                                       idempotency_key, owner)
                VALUES (\(job.id.rawValue), \(pipeline.rawValue), 'queued', 0, \(stamp), \(stamp), \(stamp), \(bytes),
                        \(idempotencyKey), \(owner?.rawValue))
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1
            )
            SELECT pg_notify(\(Self.channel), '') FROM inserted
            """)
        guard inserted.isEmpty, let idempotencyKey else { return job }
        // The key was taken, by this replica or another: answer with the job it made.
        guard let row = try await database.query(
            "SELECT * FROM pipe_jobs WHERE idempotency_key = \(idempotencyKey)").first?.makeRandomAccess()
        else {
            throw PipeError(.conflict, "the job with this idempotency key was removed meanwhile; submit again")
        }
        let existing = try JobRows.decode { try JobRows.job(row) }
        try Job.checkReuse(
            of: existing, storedPayload: try JobRows.decode { try JobRows.payload(row) }, pipeline: pipeline,
            payload: payload)
        return existing
    }

    /// Refuses a job when the queue is full. Counting unfinished jobs costs a scan, so far below the limit a count
    /// at most a second old is trusted; near it every enqueue counts exactly.
    private func checkRoom() async throws(PipeError) {
        let maxJobs = options.maxJobs
        if let estimate = backlog.recent(), estimate + BacklogEstimate.margin < maxJobs { return }
        let rows = try await database.query(
            "SELECT COUNT(*) FROM pipe_jobs WHERE state IN ('queued', 'retrying', 'running')")
        let count = (try? rows.first?.decode(Int.self)) ?? 0
        backlog.record(count)
        guard count < maxJobs else {
            throw PipeError(.limitExceeded, "the queue holds \(maxJobs) unfinished jobs already")
        }
    }

    // MARK: Reading

    public func job(_ id: JobID) async throws(PipeError) -> Job {
        let rows = try await database.query("SELECT * FROM pipe_jobs WHERE id = \(id.rawValue)")
        guard let row = rows.first else { throw PipeError(.jobNotFound, "no job \(id)") }
        return try JobRows.decode { try JobRows.job(row.makeRandomAccess()) }
    }

    public func jobs(matching filter: JobFilter, limit: Int, cursor: String?) async throws(PipeError) -> Page<Job> {
        let position = try Paging.position(limit: limit, cursor: cursor)
        var conditions = ["seq < $1"]
        var binds = PostgresBindings()
        binds.append(position ?? Int64.max)
        if let owner = filter.owner {
            binds.append(owner.rawValue)
            conditions.append("owner = $\(binds.count)")
        }
        if let state = filter.state {
            binds.append(state.rawValue)
            conditions.append("state = $\(binds.count)")
        }
        if let pipeline = filter.pipeline {
            binds.append(pipeline.rawValue)
            conditions.append("pipeline = $\(binds.count)")
        }
        binds.append(limit + 1)
        let sql = """
            SELECT * FROM pipe_jobs WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq DESC LIMIT $\(binds.count)
            """
        let rows = try await database.query(PostgresQuery(unsafeSQL: sql, binds: binds)).map { $0.makeRandomAccess() }
        return try JobRows.decode {
            let page = rows.prefix(limit)
            return Page(
                items: try page.map { try JobRows.job($0) },
                nextCursor: rows.count > limit ? try page.last.map { String(try $0["seq"].decode(Int64.self)) } : nil)
        }
    }

    public func deadLetters(limit: Int) async throws(PipeError) -> [Job] {
        let rows = try await database.query(
            "SELECT * FROM pipe_jobs WHERE state = 'deadLettered' ORDER BY seq LIMIT \(max(0, limit))")
        return try JobRows.decode { try rows.map { try JobRows.job($0.makeRandomAccess()) } }
    }

    public func stats() async throws(PipeError) -> JobQueueStats {
        let stamp = now().timeIntervalSince1970
        return try await database.transaction { transaction throws -> JobQueueStats in
            var stats = JobQueueStats(queued: 0, retrying: 0, running: 0, deadLettered: 0, oldestReadyAt: nil)
            // A running job whose lease lapsed is a retry waiting to be claimed, as `claim` will treat it.
            let rows = try await transaction.query(
                """
                SELECT CASE WHEN state = 'running' AND lease_expires_at <= \(stamp) THEN 'retrying' ELSE state END AS s,
                       COUNT(*)::BIGINT AS n
                FROM pipe_jobs WHERE state IN ('queued', 'retrying', 'running', 'deadLettered') GROUP BY s
                """)
            for row in rows {
                let (state, count) = try row.decode((String, Int).self)
                switch JobState(rawValue: state) {
                case .queued: stats.queued = count
                case .retrying: stats.retrying = count
                case .running: stats.running = count
                case .deadLettered: stats.deadLettered = count
                default: break
                }
            }
            backlog.record(stats.queued + stats.retrying + stats.running)
            let oldest = try await transaction.one(
                """
                SELECT MIN(CASE WHEN state = 'running' THEN lease_expires_at ELSE ready_at END) AS oldest FROM pipe_jobs
                WHERE (state IN ('queued', 'retrying') AND ready_at <= \(stamp))
                   OR (state = 'running' AND lease_expires_at <= \(stamp))
                """)
            stats.oldestReadyAt = try oldest?["oldest"].decode(Double?.self).map { Date(timeIntervalSince1970: $0) }
            return stats
        }
    }

    // MARK: Waking workers

    /// Waits until a commit made a job ready or `timeout` passed, whichever comes first (without notifications,
    /// simply `timeout`).
    public func waitForJobs(upTo timeout: Duration) async {
        if let wakeups {
            await wakeups.wait(upTo: timeout)
        } else {
            try? await Task.sleep(for: timeout)
        }
    }
}
