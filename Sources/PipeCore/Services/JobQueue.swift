#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The job queue port: durable jobs, claimed by workers under a lease, with at-least-once delivery.
///
/// Designed to be implemented in-process, on SQLite, PostgreSQL (`SKIP LOCKED`) and RabbitMQ by later modules, with
/// one contract test suite run against each (`InMemoryJobQueue` and `SQLiteJobQueue` in PipePipeline implement it). Every state change follows ``JobState/canTransition(to:)`` (implementations use ``Job/transition(to:at:)``).
///
/// Because a job can run more than once (a worker may crash after doing the work but before completing it), the
/// work a job does must be safe to repeat.
///
/// Errors are ``PipeError``s; each method lists the codes it throws for expected failures. Any method may also throw
/// ``PipeError/Code/unavailable`` when the backing store cannot be reached.
///
/// ```swift
/// // A worker's loop.
/// while let lease = try await queue.claim(leaseDuration: .seconds(60)) {
///     do {
///         try await run(lease.payload)
///         _ = try await queue.complete(lease)
///     } catch {
///         _ = try await queue.fail(lease, error: "\(error)", retryAfter: .seconds(10))
///     }
/// }
/// ```
public protocol JobQueue: Sendable {
    /// Adds a job for `pipeline` in state ``JobState/queued`` and returns it.
    ///
    /// With an `idempotencyKey`, a second enqueue with the same key and the same pipeline and payload (from any
    /// process sharing the queue) adds nothing and returns the job the first one made, in whatever state it is
    /// now: a client that retries a submission after a timeout cannot start the work twice. The same key with a
    /// different pipeline or payload is a client bug (two requests sharing a key), refused rather than answered
    /// with a job that did other work. Keys are at most 512 bytes (callers that scope keys per account prefix them).
    ///
    /// - Parameters:
    ///   - pipeline: the pipeline the job runs.
    ///   - payload: what the worker needs (the definition, input records).
    ///   - idempotencyKey: the key, if any.
    ///   - owner: the account that submitted the job (``Job/owner``).
    /// - Throws: ``PipeError/Code/invalidArgument`` for an empty or over-long key;
    ///   ``PipeError/Code/idempotencyKeyReused`` for a known key with another pipeline or payload;
    ///   ``PipeError/Code/limitExceeded`` when the queue is full.
    func enqueue(pipeline: PipelineID, payload: JSONValue, idempotencyKey: String?, owner: UserID?)
        async throws(PipeError) -> Job

    /// Returns a job's current record.
    ///
    /// - Throws: ``PipeError/Code/jobNotFound``.
    /// Jobs that pass `filter`, newest first, one page at a time.
    ///
    /// - Parameters:
    ///   - filter: which jobs.
    ///   - limit: 1…``Paging/maxLimit`` jobs per page.
    ///   - cursor: `nil` for the first page, then the previous page's `nextCursor`.
    /// - Throws: `invalid_argument` for a limit out of range or a cursor no listing returned.
    func jobs(matching filter: JobFilter, limit: Int, cursor: String?) async throws(PipeError) -> Page<Job>

    func job(_ id: JobID) async throws(PipeError) -> Job

    /// Claims the next job that is ready to run (queued, or retrying with its backoff over), moves it to
    /// ``JobState/running`` and leases it for `leaseDuration`.
    ///
    /// A running job whose lease expired counts as a failed run: it passes through ``JobState/retrying`` and is
    /// claimable again at once, with its attempt counted.
    ///
    /// Returns `nil` at once when no job is ready; it does not wait for one.
    ///
    /// - Throws: ``PipeError/Code/invalidArgument`` for a non-positive `leaseDuration`.
    func claim(leaseDuration: Duration) async throws(PipeError) -> JobLease?

    /// Claims up to `limit` ready jobs at once (see the default implementation).
    func claim(limit: Int, leaseDuration: Duration) async throws(PipeError) -> [JobLease]

    /// Waits until a job may be ready or `timeout` passed (see the default implementation).
    func waitForJobs(upTo timeout: Duration) async

    /// Jobs changed by other processes sharing the queue (see the default implementation).
    func changedJobs() -> AsyncStream<JobID?>?

    /// Extends a lease to `leaseDuration` from now and returns the renewed lease.
    ///
    /// - Throws: ``PipeError/Code/conflict`` when the lease is no longer held (it expired and the job was claimed
    ///   again, or the job was cancelled); the worker should stop working on the job.
    func renew(_ lease: JobLease, leaseDuration: Duration) async throws(PipeError) -> JobLease

    /// Marks a leased job ``JobState/succeeded`` and returns it.
    ///
    /// - Throws: ``PipeError/Code/conflict`` when the lease is no longer held.
    func complete(_ lease: JobLease) async throws(PipeError) -> Job

    /// Records a failed run of a leased job and returns it.
    ///
    /// With a `retryAfter`, the job moves to ``JobState/retrying`` and becomes claimable once that delay has passed;
    /// with `nil` it moves to ``JobState/failed`` (and, where the queue keeps a dead-letter store, on to
    /// ``JobState/deadLettered``). The retry decision (attempts, backoff) is the caller's: the queue only carries it
    /// out. `error` is stored in ``Job/error``.
    ///
    /// - Throws: ``PipeError/Code/conflict`` when the lease is no longer held.
    func fail(_ lease: JobLease, error: String, retryAfter: Duration?) async throws(PipeError) -> Job

    /// Cancels a queued, retrying or running job and returns it. A running job's worker learns of it when it next
    /// renews, completes or fails its lease.
    ///
    /// - Throws: ``PipeError/Code/jobNotFound``; ``PipeError/Code/conflict`` when the job has already finished.
    func cancel(_ id: JobID) async throws(PipeError) -> Job

    /// Jobs that failed for good and were filed as dead letters (``JobState/deadLettered``), oldest first.
    func deadLetters(limit: Int) async throws(PipeError) -> [Job]

    /// Runs a dead-lettered job again: enqueues a new job with the same pipeline and payload, and returns it.
    ///
    /// - Throws: ``PipeError/Code/jobNotFound``; ``PipeError/Code/conflict`` when the job is not dead-lettered.
    func replay(_ id: JobID) async throws(PipeError) -> Job

    /// How many jobs wait, run and retry, and how long the oldest ready job has waited: the numbers to watch a
    /// queue by.
    func stats() async throws(PipeError) -> JobQueueStats
}

extension JobQueue {
    /// Claims up to `limit` ready jobs, each under its own lease, oldest ready first; empty when none is ready.
    ///
    /// Queues that can take a batch in one round trip (PostgreSQL) implement this; the default claims one at a
    /// time.
    ///
    /// - Throws: ``PipeError/Code/invalidArgument`` for a non-positive `leaseDuration`.
    public func claim(limit: Int, leaseDuration: Duration) async throws(PipeError) -> [JobLease] {
        var leases: [JobLease] = []
        while leases.count < limit, let lease = try await claim(leaseDuration: leaseDuration) {
            leases.append(lease)
        }
        return leases
    }

    /// Waits until a job may be ready or `timeout` passed. Queues that hear of new jobs (PostgreSQL's
    /// `LISTEN/NOTIFY`) return early; the default sleeps for `timeout`.
    public func waitForJobs(upTo timeout: Duration) async {
        try? await Task.sleep(for: timeout)
    }

    /// Jobs changed by any process sharing the queue, as the changes commit, for queues that hear of them
    /// (PostgreSQL's `NOTIFY`); a `nil` element means changes may have been missed (reread what you follow). The
    /// default, for queues only one process uses, is `nil`: there is nobody else to hear from.
    public func changedJobs() -> AsyncStream<JobID?>? {
        nil
    }

    /// Adds a job without an idempotency key or owner.
    public func enqueue(pipeline: PipelineID, payload: JSONValue) async throws(PipeError) -> Job {
        try await enqueue(pipeline: pipeline, payload: payload, idempotencyKey: nil, owner: nil)
    }

    /// Adds a job without an owner (trusted in-process code).
    public func enqueue(pipeline: PipelineID, payload: JSONValue, idempotencyKey: String?) async throws(PipeError)
        -> Job
    {
        try await enqueue(pipeline: pipeline, payload: payload, idempotencyKey: idempotencyKey, owner: nil)
    }
}

/// A snapshot of a job queue's load, from ``JobQueue/stats()``.
public struct JobQueueStats: Sendable, Hashable, Codable {
    /// Jobs waiting for their first run.
    public var queued: Int
    /// Jobs waiting out a retry backoff.
    public var retrying: Int
    /// Jobs a worker holds a lease on.
    public var running: Int
    /// Jobs filed as dead letters.
    public var deadLettered: Int
    /// When the longest-waiting claimable job became ready (`nil` when none is ready).
    public var oldestReadyAt: Date?

    /// Makes a snapshot.
    public init(queued: Int, retrying: Int, running: Int, deadLettered: Int, oldestReadyAt: Date?) {
        self.queued = queued
        self.retrying = retrying
        self.running = running
        self.deadLettered = deadLettered
        self.oldestReadyAt = oldestReadyAt
    }
}

extension Job {
    /// Refuses an idempotency key that already made `existing` for another pipeline or payload.
    ///
    /// - Throws: ``PipeError/Code/idempotencyKeyReused``.
    public static func checkReuse(
        of existing: Job, storedPayload: JSONValue, pipeline: PipelineID, payload: JSONValue
    ) throws(PipeError) {
        guard existing.pipeline == pipeline, requestIdentity(storedPayload) == requestIdentity(payload) else {
            throw PipeError(
                .idempotencyKeyReused,
                "this idempotency key was used for a different request (job \(existing.id)); use a new key",
                details: ["job": existing.id.rawValue])
        }
    }

    /// What identifies the request a payload came from: the whole payload, except for a run of a registered
    /// pipeline (a `registered` member naming the pipeline and the version asked for), which is identified by that
    /// and its `input`, not by the definition it resolved to.
    static func requestIdentity(_ payload: JSONValue) -> JSONValue {
        guard case .object(let object) = payload, let registered = object["registered"] else { return payload }
        return ["registered": registered, "input": object["input"] ?? .null]
    }

    /// Checks an idempotency key for ``JobQueue/enqueue(pipeline:payload:idempotencyKey:owner:)``: non-empty, at
    /// most `limit` bytes (512 at the queue; 256 for keys clients send, which callers prefix with the account).
    /// - Throws: ``PipeError/Code/invalidArgument``.
    public static func validate(idempotencyKey key: String?, limit: Int = 512) throws(PipeError) {
        guard let key else { return }
        guard !key.isEmpty, key.utf8.count <= limit else {
            throw PipeError(.invalidArgument, "an idempotency key must be 1 to \(limit) bytes")
        }
    }
}
