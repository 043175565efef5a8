import Foundation
import GRDB
import PipeCore

/// The durable embedded `JobQueue`: jobs live in a SQLite database (through GRDB), so they survive the
/// process, and several processes can share one file as workers.
///
/// Every operation is one `IMMEDIATE` transaction, so two workers never claim the same job; the database runs
/// in WAL mode with `synchronous = FULL`, so a job the queue acknowledged is on disk. A worker that dies holding
/// a lease simply stops renewing it: once the lease lapses the job counts as a failed run (state `retrying`,
/// its attempt counted) and the next `claim` from any process takes it — at-least-once delivery.
///
/// ```swift
/// let queue = try SQLiteJobQueue(path: ".pipe/jobs.sqlite")
/// let job = try await queue.enqueue(pipeline: pipeline, payload: payload, idempotencyKey: "import-2026-11-29")
/// ```
public final class SQLiteJobQueue: JobQueue {
    private let database: DurableSQLite
    private let now: @Sendable () -> Date
    private let maxJobs: Int

    /// Opens (creating if needed) the queue in the SQLite file at `path`.
    /// - Parameters:
    ///   - path: the database file; its directory must exist. Workers in other processes open the same file.
    ///   - maxJobs: the most unfinished (queued, retrying, running) jobs held at once; more fail with
    ///     `limit_exceeded`. Finished jobs stay until ``purge(finishedBefore:includingDeadLetters:)``.
    ///   - now: the clock, injectable so tests can move time.
    /// - Throws: `unavailable` when the file cannot be opened or migrated.
    public init(path: String, maxJobs: Int = 10_000_000, now: @escaping @Sendable () -> Date = { Date() })
        throws(PipeError)
    {
        self.now = now
        self.maxJobs = maxJobs
        database = try DurableSQLite(path: path, label: "pipe.jobs", name: "the job queue", migrator: Self.migrator)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("pipe_jobs_v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE pipe_jobs (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        pipeline TEXT NOT NULL,
                        state TEXT NOT NULL,
                        attempts INTEGER NOT NULL,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        ready_at REAL NOT NULL,
                        error TEXT,
                        payload BLOB NOT NULL,
                        lease_token TEXT,
                        lease_expires_at REAL,
                        idempotency_key TEXT UNIQUE
                    );
                    CREATE INDEX pipe_jobs_ready ON pipe_jobs (ready_at, seq) WHERE state IN ('queued', 'retrying');
                    CREATE INDEX pipe_jobs_leases ON pipe_jobs (lease_expires_at) WHERE state = 'running';
                    CREATE INDEX pipe_jobs_dead ON pipe_jobs (seq) WHERE state = 'deadLettered';
                    """)
        }
        migrator.registerMigration("pipe_jobs_v2_owner") { db in
            try db.execute(sql: "ALTER TABLE pipe_jobs ADD COLUMN owner TEXT")
        }
        // Listings are per account, newest first.
        migrator.registerMigration("pipe_jobs_v3_owner_index") { db in
            try db.execute(sql: "CREATE INDEX pipe_jobs_owner ON pipe_jobs (owner, seq)")
        }
        return migrator
    }

    // MARK: JobQueue

    public func enqueue(pipeline: PipelineID, payload: JSONValue, idempotencyKey: String?, owner: UserID?)
        async throws(PipeError) -> Job
    {
        try Job.validate(idempotencyKey: idempotencyKey)
        let date = now()
        let maxJobs = self.maxJobs
        let bytes = payload.serialized()
        return try await write { db throws in
            if let idempotencyKey,
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM pipe_jobs WHERE idempotency_key = ?", arguments: [idempotencyKey])
            {
                let existing = try Self.job(from: row)
                try Job.checkReuse(
                    of: existing, storedPayload: try Self.payload(from: row), pipeline: pipeline, payload: payload)
                return existing
            }
            let count =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM pipe_jobs WHERE state IN ('queued', 'retrying', 'running')") ?? 0
            guard count < maxJobs else {
                throw PipeError(.limitExceeded, "the queue holds \(maxJobs) unfinished jobs already")
            }
            let job = Job(pipeline: pipeline, createdAt: date, owner: owner)
            try db.execute(
                sql: """
                    INSERT INTO pipe_jobs (id, pipeline, state, attempts, created_at, updated_at, ready_at, payload,
                                           idempotency_key, owner)
                    VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    job.id.rawValue, pipeline.rawValue, job.state.rawValue, date.timeIntervalSince1970,
                    date.timeIntervalSince1970, date.timeIntervalSince1970, Data(bytes), idempotencyKey,
                    owner?.rawValue,
                ])
            return job
        }
    }

    public func jobs(matching filter: JobFilter, limit: Int, cursor: String?) async throws(PipeError) -> Page<Job> {
        let position = try Paging.position(limit: limit, cursor: cursor)
        return try await read { db throws in
            var conditions = ["seq < ?"]
            var arguments: StatementArguments = [position ?? Int64.max]
            if let owner = filter.owner {
                conditions.append("owner = ?")
                arguments += [owner.rawValue]
            }
            if let state = filter.state {
                conditions.append("state = ?")
                arguments += [state.rawValue]
            }
            if let pipeline = filter.pipeline {
                conditions.append("pipeline = ?")
                arguments += [pipeline.rawValue]
            }
            arguments += [limit + 1]
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM pipe_jobs WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq DESC LIMIT ?",
                arguments: arguments)
            let page = rows.prefix(limit)
            return Page(
                items: try page.map { try Self.job(from: $0) },
                nextCursor: rows.count > limit ? page.last.map { String($0["seq"] as Int64) } : nil)
        }
    }

    public func job(_ id: JobID) async throws(PipeError) -> Job {
        try await read { db throws in try Self.job(from: try Self.row(db, id)) }
    }

    public func claim(leaseDuration: Duration) async throws(PipeError) -> JobLease? {
        guard leaseDuration > .zero else { throw PipeError(.invalidArgument, "a lease must last longer than zero") }
        let date = now()
        return try await write { db throws in
            try Self.expireLeases(db, at: date)
            while true {
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT * FROM pipe_jobs WHERE state IN ('queued', 'retrying') AND ready_at <= ?
                            ORDER BY ready_at, seq LIMIT 1
                            """, arguments: [date.timeIntervalSince1970])
                else { return nil }
                if let lease = try Self.lease(from: row, at: date, leaseDuration: leaseDuration, db) { return lease }
            }
        }
    }

    /// Leases the job in `row`; `nil` (after filing the job as a dead letter) when its payload cannot be read,
    /// so one bad row cannot stop every later claim.
    static func lease(from row: Row, at date: Date, leaseDuration: Duration, _ db: Database) throws -> JobLease? {
        do {
            var job = try Self.job(from: row)
            try job.transition(to: .running, at: date)
            let token = UUID().uuidString
            let expiresAt = date.addingTimeInterval(leaseDuration.seconds)
            try db.execute(
                sql: """
                    UPDATE pipe_jobs SET state = ?, attempts = ?, updated_at = ?, lease_token = ?, lease_expires_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    job.state.rawValue, job.attempts, date.timeIntervalSince1970, token,
                    expiresAt.timeIntervalSince1970,
                    job.id.rawValue,
                ])
            return JobLease(job: job, payload: try Self.payload(from: row), token: token, expiresAt: expiresAt)
        } catch let error as PipeError where error.code != .unavailable {
            try db.execute(
                sql: "UPDATE pipe_jobs SET state = 'deadLettered', error = ?, updated_at = ? WHERE seq = ?",
                arguments: [
                    "the job cannot be read: \(error.message)", date.timeIntervalSince1970, row["seq"] as Int64,
                ])
            return nil
        }
    }

    public func renew(_ lease: JobLease, leaseDuration: Duration) async throws(PipeError) -> JobLease {
        guard leaseDuration > .zero else { throw PipeError(.invalidArgument, "a lease must last longer than zero") }
        let date = now()
        return try await write { db throws in
            let (job, _) = try Self.held(db, lease, at: date)
            let expiresAt = date.addingTimeInterval(leaseDuration.seconds)
            try db.execute(
                sql: "UPDATE pipe_jobs SET lease_expires_at = ? WHERE id = ?",
                arguments: [expiresAt.timeIntervalSince1970, job.id.rawValue])
            return JobLease(job: job, payload: lease.payload, token: lease.token, expiresAt: expiresAt)
        }
    }

    public func complete(_ lease: JobLease) async throws(PipeError) -> Job {
        let date = now()
        return try await write { db throws in
            var (job, _) = try Self.held(db, lease, at: date)
            try job.transition(to: .succeeded, at: date)
            job.error = nil  // an earlier attempt's error no longer describes the job
            try Self.store(db, job, readyAt: nil)
            return job
        }
    }

    public func fail(_ lease: JobLease, error: String, retryAfter: Duration?) async throws(PipeError) -> Job {
        let date = now()
        return try await write { db throws in
            var (job, _) = try Self.held(db, lease, at: date)
            job.error = error
            if let retryAfter {
                try job.transition(to: .retrying, at: date)
                try Self.store(db, job, readyAt: date.addingTimeInterval(max(0, retryAfter.seconds)))
            } else {
                // Failed for good: filed as a dead letter, its payload kept for `replay`.
                try job.transition(to: .failed, at: date)
                try job.transition(to: .deadLettered, at: date)
                try Self.store(db, job, readyAt: nil)
            }
            return job
        }
    }

    public func cancel(_ id: JobID) async throws(PipeError) -> Job {
        let date = now()
        return try await write { db throws in
            var job = try Self.job(from: try Self.row(db, id))
            try job.transition(to: .cancelled, at: date)
            try Self.store(db, job, readyAt: nil)
            return job
        }
    }

    public func deadLetters(limit: Int) async throws(PipeError) -> [Job] {
        try await read { db throws in
            try Row.fetchAll(
                db, sql: "SELECT * FROM pipe_jobs WHERE state = 'deadLettered' ORDER BY seq LIMIT ?",
                arguments: [max(0, limit)]
            ).map { row throws in try Self.job(from: row) }
        }
    }

    public func replay(_ id: JobID) async throws(PipeError) -> Job {
        let date = now()
        return try await write { db throws in
            let row = try Self.row(db, id)
            let old = try Self.job(from: row)
            guard old.state == .deadLettered else {
                throw PipeError(.conflict, "job \(id) is \(old.state.rawValue), not dead-lettered")
            }
            let job = Job(pipeline: old.pipeline, createdAt: date, owner: old.owner)
            try db.execute(
                sql: """
                    INSERT INTO pipe_jobs (id, pipeline, state, attempts, created_at, updated_at, ready_at, payload, owner)
                    VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    job.id.rawValue, job.pipeline.rawValue, job.state.rawValue, date.timeIntervalSince1970,
                    date.timeIntervalSince1970, date.timeIntervalSince1970, row["payload"] as Data, old.owner?.rawValue,
                ])
            return job
        }
    }

    public func stats() async throws(PipeError) -> JobQueueStats {
        let date = now()
        return try await read { db throws in
            var stats = JobQueueStats(queued: 0, retrying: 0, running: 0, deadLettered: 0, oldestReadyAt: nil)
            // A running job whose lease lapsed is a retry waiting to be claimed, as `claim` will treat it.
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT CASE WHEN state = 'running' AND lease_expires_at <= ? THEN 'retrying' ELSE state END AS s,
                           COUNT(*) AS n
                    FROM pipe_jobs GROUP BY s
                    """, arguments: [date.timeIntervalSince1970])
            for row in rows {
                let count: Int = row["n"]
                switch JobState(rawValue: row["s"]) {
                case .queued: stats.queued = count
                case .retrying: stats.retrying = count
                case .running: stats.running = count
                case .deadLettered: stats.deadLettered = count
                default: break
                }
            }
            let oldest = try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(CASE WHEN state = 'running' THEN lease_expires_at ELSE ready_at END) FROM pipe_jobs
                    WHERE (state IN ('queued', 'retrying') AND ready_at <= ?)
                       OR (state = 'running' AND lease_expires_at <= ?)
                    """, arguments: [date.timeIntervalSince1970, date.timeIntervalSince1970])
            stats.oldestReadyAt = oldest.map { Date(timeIntervalSince1970: $0) }
            return stats
        }
    }

    /// Deletes finished jobs (succeeded, failed, cancelled) last changed before `date`, and dead-lettered ones
    /// too when `includingDeadLetters`; returns how many went. Run it now and then: the queue keeps finished
    /// jobs (for ``job(_:)`` and idempotency keys) until told otherwise.
    @discardableResult
    public func purge(finishedBefore date: Date, includingDeadLetters: Bool = false) async throws(PipeError) -> Int {
        try await write { db throws in
            let states =
                includingDeadLetters
                ? "'succeeded', 'failed', 'cancelled', 'deadLettered'" : "'succeeded', 'failed', 'cancelled'"
            try db.execute(
                sql: "DELETE FROM pipe_jobs WHERE state IN (\(states)) AND updated_at < ?",
                arguments: [date.timeIntervalSince1970])
            return db.changesCount
        }
    }

    // MARK: Rows

    /// Running jobs whose lease lapsed count as a failed run: they retry at once.
    static func expireLeases(_ db: Database, at date: Date) throws {
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM pipe_jobs WHERE state = 'running' AND lease_expires_at <= ?",
            arguments: [date.timeIntervalSince1970])
        for row in rows {
            var job = try job(from: row)
            try job.transition(to: .retrying, at: date)
            job.error = "the lease expired"
            try store(db, job, readyAt: date)
        }
    }

    /// The job behind `lease`, if the lease is still its current, unexpired claim.
    static func held(_ db: Database, _ lease: JobLease, at date: Date) throws -> (Job, Row) {
        try expireLeases(db, at: date)
        let row = try row(db, lease.job.id)
        let job = try job(from: row)
        guard job.state == .running, row["lease_token"] as String? == lease.token else {
            throw PipeError(
                .conflict, "the lease on job \(lease.job.id) is no longer held", details: ["reason": "lease_lost"])
        }
        return (job, row)
    }

    /// Writes a job's state; leaving `running` drops its lease. `readyAt` is set for claimable states.
    static func store(_ db: Database, _ job: Job, readyAt: Date?) throws {
        let running = job.state == .running
        try db.execute(
            sql: """
                UPDATE pipe_jobs SET state = ?, attempts = ?, updated_at = ?, error = ?,
                    ready_at = COALESCE(?, ready_at),
                    lease_token = CASE WHEN ? THEN lease_token END,
                    lease_expires_at = CASE WHEN ? THEN lease_expires_at END
                WHERE id = ?
                """,
            arguments: [
                job.state.rawValue, job.attempts, job.updatedAt.timeIntervalSince1970, job.error,
                readyAt?.timeIntervalSince1970, running, running, job.id.rawValue,
            ])
    }

    static func row(_ db: Database, _ id: JobID) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM pipe_jobs WHERE id = ?", arguments: [id.rawValue])
        else {
            throw PipeError(.jobNotFound, "no job \(id)")
        }
        return row
    }

    static func job(from row: Row) throws -> Job {
        guard let state = JobState(rawValue: row["state"]) else {
            throw PipeError(.internalError, "job \(row["id"] as String) has an unknown state")
        }
        return Job(
            id: try JobID(row["id"] as String), pipeline: try PipelineID(row["pipeline"] as String), state: state,
            attempts: row["attempts"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]), error: row["error"],
            owner: try (row["owner"] as String?).map { try UserID($0) })
    }

    static func payload(from row: Row) throws -> JSONValue {
        try JSONValue(parsing: [UInt8](row["payload"] as Data))
    }

    // MARK: Access

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(PipeError) -> T {
        try await database.write(body)
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(PipeError) -> T {
        try await database.read(body)
    }
}
