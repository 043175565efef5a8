import Foundation
import PipeCore

/// The in-process `JobQueue`: jobs live in memory, in the order they were enqueued.
///
/// It follows the queue contract exactly — leases with tokens, expiry that makes a job claimable
/// again with its attempt counted, retry delays, cancellation — so it serves tests, embedded use
/// without durability, and as the reference the durable queues are checked against. Jobs are lost
/// with the process; use the SQLite queue when they must survive it.
public actor InMemoryJobQueue: JobQueue {
    struct Entry {
        var job: Job
        var payload: JSONValue
        var lease: (token: String, expiresAt: Date)?
        var readyAt: Date
        /// Enqueue order, for listings.
        var sequence: Int64
    }

    private var entries: [JobID: Entry] = [:]
    private var keys: [String: JobID] = [:]
    private var lastSequence: Int64 = 0
    /// Dead-lettered jobs, oldest first.
    private var deadLettered: [JobID] = []
    /// Queued and retrying jobs, oldest first: the only ones `claim` looks at.
    private var pending: [JobID] = []
    /// Running jobs: the only ones whose leases can lapse.
    private var running: Set<JobID> = []
    private let now: @Sendable () -> Date
    private let maxJobs: Int

    /// Makes an empty queue.
    /// - Parameters:
    ///   - maxJobs: the most jobs held at once; when full, the finished job that changed longest ago is forgotten
    ///     to make room, and with none to forget, enqueueing fails with `limit_exceeded`.
    ///   - now: the clock, injectable so tests can move time.
    public init(maxJobs: Int = 1_000_000, now: @escaping @Sendable () -> Date = { Date() }) {
        self.maxJobs = maxJobs
        self.now = now
    }

    public func enqueue(pipeline: PipelineID, payload: JSONValue, idempotencyKey: String?, owner: UserID?)
        throws(PipeError) -> Job
    {
        try Job.validate(idempotencyKey: idempotencyKey)
        if let idempotencyKey, let existing = keys[idempotencyKey], let entry = entries[existing] {
            try Job.checkReuse(of: entry.job, storedPayload: entry.payload, pipeline: pipeline, payload: payload)
            return entry.job
        }
        if entries.count >= maxJobs { dropOldestFinished() }
        guard entries.count < maxJobs else {
            throw PipeError(.limitExceeded, "the queue holds \(maxJobs) unfinished jobs already")
        }
        let date = now()
        let job = Job(pipeline: pipeline, createdAt: date, owner: owner)
        lastSequence += 1
        entries[job.id] = Entry(job: job, payload: payload, lease: nil, readyAt: date, sequence: lastSequence)
        pending.append(job.id)
        if let idempotencyKey { keys[idempotencyKey] = job.id }
        return job
    }

    public func jobs(matching filter: JobFilter, limit: Int, cursor: String?) throws(PipeError) -> Page<Job> {
        let position = try Paging.position(limit: limit, cursor: cursor) ?? Int64.max
        expireLeases(at: now())
        let matching = entries.values.filter { $0.sequence < position && filter.matches($0.job) }
            .sorted { $0.sequence > $1.sequence }
        let page = matching.prefix(limit)
        return Page(
            items: page.map(\.job), nextCursor: matching.count > limit ? page.last.map { String($0.sequence) } : nil)
    }

    public func job(_ id: JobID) throws(PipeError) -> Job {
        guard let entry = entries[id] else { throw PipeError(.jobNotFound, "no job \(id)") }
        return entry.job
    }

    public func claim(leaseDuration: Duration) throws(PipeError) -> JobLease? {
        guard leaseDuration > .zero else { throw PipeError(.invalidArgument, "a lease must last longer than zero") }
        let date = now()
        expireLeases(at: date)
        for (index, id) in pending.enumerated() {
            guard var entry = entries[id], entry.readyAt <= date else { continue }
            try entry.job.transition(to: .running, at: date)
            let token = UUID().uuidString
            let expiresAt = date.addingTimeInterval(leaseDuration.seconds)
            entry.lease = (token, expiresAt)
            entries[id] = entry
            pending.remove(at: index)
            running.insert(id)
            return JobLease(job: entry.job, payload: entry.payload, token: token, expiresAt: expiresAt)
        }
        return nil
    }

    public func renew(_ lease: JobLease, leaseDuration: Duration) throws(PipeError) -> JobLease {
        guard leaseDuration > .zero else { throw PipeError(.invalidArgument, "a lease must last longer than zero") }
        let date = now()
        var entry = try held(lease, at: date)
        let expiresAt = date.addingTimeInterval(leaseDuration.seconds)
        entry.lease = (lease.token, expiresAt)
        entries[lease.job.id] = entry
        return JobLease(job: entry.job, payload: entry.payload, token: lease.token, expiresAt: expiresAt)
    }

    public func complete(_ lease: JobLease) throws(PipeError) -> Job {
        let date = now()
        var entry = try held(lease, at: date)
        try entry.job.transition(to: .succeeded, at: date)
        entry.job.error = nil  // an earlier attempt's error no longer describes the job
        entry.lease = nil
        entries[lease.job.id] = entry
        running.remove(lease.job.id)
        return entry.job
    }

    public func fail(_ lease: JobLease, error: String, retryAfter: Duration?) throws(PipeError) -> Job {
        let date = now()
        var entry = try held(lease, at: date)
        entry.job.error = error
        if let retryAfter {
            try entry.job.transition(to: .retrying, at: date)
            entry.readyAt = date.addingTimeInterval(max(0, retryAfter.seconds))
            pending.append(lease.job.id)
        } else {
            // Failed for good: filed as a dead letter, its payload kept for `replay`.
            try entry.job.transition(to: .failed, at: date)
            try entry.job.transition(to: .deadLettered, at: date)
            deadLettered.append(lease.job.id)
        }
        entry.lease = nil
        entries[lease.job.id] = entry
        running.remove(lease.job.id)
        return entry.job
    }

    public func cancel(_ id: JobID) throws(PipeError) -> Job {
        guard var entry = entries[id] else { throw PipeError(.jobNotFound, "no job \(id)") }
        try entry.job.transition(to: .cancelled, at: now())
        entry.lease = nil
        entries[id] = entry
        running.remove(id)
        pending.removeAll { $0 == id }
        return entry.job
    }

    public func deadLetters(limit: Int) -> [Job] {
        deadLettered.prefix(max(0, limit)).compactMap { entries[$0]?.job }
    }

    public func replay(_ id: JobID) throws(PipeError) -> Job {
        guard let entry = entries[id] else { throw PipeError(.jobNotFound, "no job \(id)") }
        guard entry.job.state == .deadLettered else {
            throw PipeError(.conflict, "job \(id) is \(entry.job.state.rawValue), not dead-lettered")
        }
        return try enqueue(pipeline: entry.job.pipeline, payload: entry.payload, idempotencyKey: nil, owner: entry.job.owner)
    }

    public func stats() -> JobQueueStats {
        let date = now()
        expireLeases(at: date)
        var stats = JobQueueStats(
            queued: 0, retrying: 0, running: running.count, deadLettered: deadLettered.count,
            oldestReadyAt: nil)
        for id in pending {
            guard let entry = entries[id] else { continue }
            if entry.job.state == .queued { stats.queued += 1 } else { stats.retrying += 1 }
            if entry.readyAt <= date, stats.oldestReadyAt.map({ entry.readyAt < $0 }) ?? true {
                stats.oldestReadyAt = entry.readyAt
            }
        }
        return stats
    }

    /// Makes room by forgetting the finished job that changed longest ago (dead letters are kept).
    private func dropOldestFinished() {
        let finished = entries.values.filter { $0.job.state.isTerminal && $0.job.state != .deadLettered }
        guard let oldest = finished.min(by: { $0.job.updatedAt < $1.job.updatedAt }) else { return }
        entries[oldest.job.id] = nil
        keys = keys.filter { $0.value != oldest.job.id }
    }

    /// The entry behind `lease`, if the lease is still the job's current, unexpired claim.
    private func held(_ lease: JobLease, at date: Date) throws(PipeError) -> Entry {
        expireLeases(at: date)
        guard let entry = entries[lease.job.id] else { throw PipeError(.jobNotFound, "no job \(lease.job.id)") }
        guard entry.job.state == .running, let current = entry.lease, current.token == lease.token else {
            throw PipeError(
                .conflict, "the lease on job \(lease.job.id) is no longer held", details: ["reason": "lease_lost"])
        }
        return entry
    }

    /// Running jobs whose lease lapsed count as a failed run: they retry at once.
    private func expireLeases(at date: Date) {
        for id in running {
            guard var entry = entries[id], let lease = entry.lease, lease.expiresAt <= date else { continue }
            do {
                try entry.job.transition(to: .retrying, at: date)
            } catch {
                continue  // cannot happen: running → retrying is always allowed
            }
            entry.job.error = "the lease expired"
            entry.lease = nil
            entry.readyAt = date
            entries[id] = entry
            running.remove(id)
            pending.append(id)
        }
    }
}

extension Duration {
    /// The duration in seconds, as `TimeInterval`.
    package var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
