import Foundation
import NIOCore
import PipeCore
import PipePipeline
import PostgresNIO

extension PostgresJobQueue {
    public func claim(leaseDuration: Duration) async throws(PipeError) -> JobLease? {
        try await claim(limit: 1, leaseDuration: leaseDuration).first
    }

    /// Claims up to `limit` ready jobs in one statement, oldest ready first, each under its own lease.
    ///
    /// The rows are picked with `FOR UPDATE SKIP LOCKED`: rows another worker is claiming right now are passed
    /// over rather than waited for. The statement commits on its own (one round trip). Returns an empty array at
    /// once when no job is ready.
    ///
    /// - Throws: `invalid_argument` for a non-positive `leaseDuration` or a `limit` outside 1…1000.
    public func claim(limit: Int, leaseDuration: Duration) async throws(PipeError) -> [JobLease] {
        guard leaseDuration > .zero else { throw PipeError(.invalidArgument, "a lease must last longer than zero") }
        guard (1...1000).contains(limit) else { throw PipeError(.invalidArgument, "a claim takes 1 to 1000 jobs") }
        let date = now()
        let stamp = date.timeIntervalSince1970
        let expires = date.addingTimeInterval(leaseDuration.seconds)
        try await expireLeasesIfDue(at: stamp)
        let rows = try await database.query(
            """
            WITH next AS (
                SELECT seq FROM pipe_jobs WHERE state IN ('queued', 'retrying') AND ready_at <= \(stamp)
                ORDER BY ready_at, seq LIMIT \(limit) FOR UPDATE SKIP LOCKED
            )
            UPDATE pipe_jobs AS j
            SET state = 'running', attempts = j.attempts + 1, updated_at = \(stamp),
                lease_token = gen_random_uuid()::TEXT, lease_expires_at = \(expires.timeIntervalSince1970)
            FROM next WHERE j.seq = next.seq
            RETURNING j.*\(unescaped: notifying("j.id"))
            """
        ).map { $0.makeRandomAccess() }
        var leases: [(Double, Int64, JobLease)] = []
        for row in rows {
            do {
                let lease = JobLease(
                    job: try JobRows.job(row), payload: try JobRows.payload(row),
                    token: try row["lease_token"].decode(String.self), expiresAt: expires)
                leases.append((try row["ready_at"].decode(Double.self), try row["seq"].decode(Int64.self), lease))
            } catch {
                // One unreadable row must not stop every later claim: it is filed as a dead letter. If even that
                // fails, its lease lapses and a later claim tries again; the rest of the batch still runs.
                try? await deadLetterUnreadable(row, error: error, at: stamp)
            }
        }
        // RETURNING keeps no order; workers start the oldest first.
        return leases.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    }

    private func deadLetterUnreadable(_ row: PostgresRandomAccessRow, error: any Error, at stamp: Double)
        async throws(PipeError)
    {
        guard let seq = try? row["seq"].decode(Int64.self) else { return }
        let message = "the job cannot be read: \((error as? PipeError)?.message ?? String(describing: error))"
        try await database.execute(
            """
            UPDATE pipe_jobs SET state = 'deadLettered', error = \(message), updated_at = \(stamp),
                lease_token = NULL, lease_expires_at = NULL
            WHERE seq = \(seq)
            """)
    }

    public func renew(_ lease: JobLease, leaseDuration: Duration) async throws(PipeError) -> JobLease {
        guard leaseDuration > .zero else { throw PipeError(.invalidArgument, "a lease must last longer than zero") }
        let date = now()
        let stamp = date.timeIntervalSince1970
        let expires = date.addingTimeInterval(leaseDuration.seconds)
        let job = try await held(
            lease, at: stamp,
            """
            UPDATE pipe_jobs SET lease_expires_at = \(expires.timeIntervalSince1970)
            WHERE id = \(lease.job.id.rawValue) AND state = 'running' AND lease_token = \(lease.token)
              AND lease_expires_at > \(stamp)
            RETURNING *
            """)
        return JobLease(job: job, payload: lease.payload, token: lease.token, expiresAt: expires)
    }

    public func complete(_ lease: JobLease) async throws(PipeError) -> Job {
        let stamp = now().timeIntervalSince1970
        // An earlier attempt's error no longer describes the job.
        return try await held(
            lease, at: stamp,
            """
            UPDATE pipe_jobs SET state = 'succeeded', error = NULL, updated_at = \(stamp),
                lease_token = NULL, lease_expires_at = NULL
            WHERE id = \(lease.job.id.rawValue) AND state = 'running' AND lease_token = \(lease.token)
              AND lease_expires_at > \(stamp)
            RETURNING *\(unescaped: notifying("id"))
            """)
    }

    public func fail(_ lease: JobLease, error: String, retryAfter: Duration?) async throws(PipeError) -> Job {
        let date = now()
        let stamp = date.timeIntervalSince1970
        // Failed for good: filed as a dead letter (through `failed`), its payload kept for `replay`.
        let state = retryAfter == nil ? JobState.deadLettered : .retrying
        let readyAt = retryAfter.map { date.addingTimeInterval(max(0, $0.seconds)).timeIntervalSince1970 }
        // A retry that is ready at once wakes an idle worker.
        let wake = readyAt.map { $0 <= stamp } == true ? ", pg_notify('\(Self.channel)', '')" : ""
        return try await held(
            lease, at: stamp,
            """
            UPDATE pipe_jobs SET state = \(state.rawValue), error = \(error), updated_at = \(stamp),
                ready_at = COALESCE(\(readyAt), ready_at), lease_token = NULL, lease_expires_at = NULL
            WHERE id = \(lease.job.id.rawValue) AND state = 'running' AND lease_token = \(lease.token)
              AND lease_expires_at > \(stamp)
            RETURNING *\(unescaped: notifying("id"))\(unescaped: wake)
            """)
    }

    /// Runs `change` (a conditional update of the leased row that returns it, committing on its own); when it
    /// matched nothing the lease is gone: a lapsed one is turned into a retry, and the caller gets `conflict`.
    private func held(_ lease: JobLease, at stamp: Double, _ change: PostgresQuery) async throws(PipeError) -> Job {
        if let row = try await database.query(change).first {
            return try JobRows.decode { try JobRows.job(row.makeRandomAccess()) }
        }
        try await expireLeases(at: stamp)
        guard try await !database.query("SELECT 1 FROM pipe_jobs WHERE id = \(lease.job.id.rawValue)").isEmpty else {
            throw PipeError(.jobNotFound, "no job \(lease.job.id)")
        }
        throw PipeError(
            .conflict, "the lease on job \(lease.job.id) is no longer held", details: ["reason": "lease_lost"])
    }

    public func cancel(_ id: JobID) async throws(PipeError) -> Job {
        let stamp = now().timeIntervalSince1970
        return try await database.transaction { transaction throws -> Job in
            guard let row = try await transaction.one("SELECT * FROM pipe_jobs WHERE id = \(id.rawValue) FOR UPDATE")
            else { throw PipeError(.jobNotFound, "no job \(id)") }
            var job = try JobRows.job(row)
            try job.transition(to: .cancelled, at: Date(timeIntervalSince1970: stamp))
            try await transaction.query(
                """
                UPDATE pipe_jobs SET state = 'cancelled', updated_at = \(stamp), lease_token = NULL,
                    lease_expires_at = NULL
                WHERE id = \(id.rawValue)
                RETURNING 1\(unescaped: notifying("id"))
                """)
            return job
        }
    }

    public func replay(_ id: JobID) async throws(PipeError) -> Job {
        let date = now()
        let stamp = date.timeIntervalSince1970
        return try await database.transaction { transaction throws -> Job in
            guard let row = try await transaction.one("SELECT * FROM pipe_jobs WHERE id = \(id.rawValue)") else {
                throw PipeError(.jobNotFound, "no job \(id)")
            }
            let old = try JobRows.job(row)
            guard old.state == .deadLettered else {
                throw PipeError(.conflict, "job \(id) is \(old.state.rawValue), not dead-lettered")
            }
            let job = Job(pipeline: old.pipeline, createdAt: date, owner: old.owner)
            let payload = try row["payload"].decode(ByteBuffer.self)
            try await transaction.query(
                """
                INSERT INTO pipe_jobs (id, pipeline, state, attempts, created_at, updated_at, ready_at, payload, owner)
                VALUES (\(job.id.rawValue), \(job.pipeline.rawValue), 'queued', 0, \(stamp), \(stamp), \(stamp),
                        \(payload), \(old.owner?.rawValue))
                """)
            try await transaction.query("SELECT pg_notify(\(Self.channel), '')")
            return job
        }
    }

    /// Deletes finished jobs (succeeded, failed, cancelled) last changed before `date`, and dead-lettered ones too
    /// when `includingDeadLetters`, at most `batch` rows per statement so a large purge never holds long locks;
    /// returns how many went. Run it now and then (`pipe serve` does, hourly, by its `jobRetentionDays`).
    @discardableResult
    public func purge(finishedBefore date: Date, includingDeadLetters: Bool = false, batch: Int = 5_000)
        async throws(PipeError) -> Int
    {
        let states: [String] =
            includingDeadLetters ? ["succeeded", "failed", "cancelled", "deadLettered"] : ["succeeded", "failed", "cancelled"]
        let stamp = date.timeIntervalSince1970
        var total = 0
        while true {
            let deleted = try await database.query(
                """
                DELETE FROM pipe_jobs WHERE seq IN (
                    SELECT seq FROM pipe_jobs WHERE state = ANY(\(states)) AND updated_at < \(stamp)
                    LIMIT \(max(1, batch)))
                RETURNING 1
                """
            ).count
            total += deleted
            if deleted < max(1, batch) { return total }
        }
    }

    /// Running jobs whose lease lapsed count as a failed run: they retry at once (one statement of its own).
    func expireLeases(at stamp: Double) async throws(PipeError) {
        try await database.execute(
            """
            UPDATE pipe_jobs SET state = 'retrying', error = 'the lease expired', updated_at = \(stamp),
                ready_at = \(stamp), lease_token = NULL, lease_expires_at = NULL
            WHERE seq IN (
                SELECT seq FROM pipe_jobs WHERE state = 'running' AND lease_expires_at <= \(stamp)
                FOR UPDATE SKIP LOCKED)
            RETURNING 1\(unescaped: notifying("id"))
            """)
        leaseSweep.record(stamp)
    }

    /// Sweeps lapsed leases before a claim, at most every quarter second of the queue's clock: leases last
    /// seconds, so sweeping on every claim would only add a round trip to each. A lapsed job is therefore claimable
    /// again within a quarter second of its lease's end (the protocol's "at once", to that precision).
    func expireLeasesIfDue(at stamp: Double) async throws(PipeError) {
        guard leaseSweep.isDue(at: stamp) else { return }
        try await expireLeases(at: stamp)
    }

    /// A `RETURNING` addition that announces each changed row's job on ``JobChangeFeed/channel`` at commit (when job
    /// events are on): in the statement itself, so it costs no extra round trip.
    func notifying(_ column: String) -> String {
        options.jobEvents ? ", pg_notify('\(JobChangeFeed.channel)', \(column))" : ""
    }
}

extension PostgresJobQueue {
    /// Completes many leased jobs in one statement (one commit for the batch, as River's batch completer does):
    /// what a worker that ran a claimed batch calls instead of ``complete(_:)`` per job.
    ///
    /// Returns the jobs completed; a lease no longer held (expired, cancelled) is left out rather than failing the
    /// batch, so the caller compares counts to learn which runs lost their lease.
    public func complete(_ leases: [JobLease]) async throws(PipeError) -> [Job] {
        guard !leases.isEmpty else { return [] }
        let stamp = now().timeIntervalSince1970
        let ids = leases.map(\.job.id.rawValue)
        let tokens = leases.map(\.token)
        let notify = notifying("j.id")
        let rows = try await database.query(
            """
            UPDATE pipe_jobs AS j SET state = 'succeeded', error = NULL, updated_at = \(stamp),
                lease_token = NULL, lease_expires_at = NULL
            FROM unnest(\(ids)::TEXT[], \(tokens)::TEXT[]) AS held(id, token)
            WHERE j.id = held.id AND j.lease_token = held.token AND j.state = 'running'
              AND j.lease_expires_at > \(stamp)
            RETURNING j.*\(unescaped: notify)
            """)
        return try JobRows.decode { try rows.map { try JobRows.job($0.makeRandomAccess()) } }
    }
}
