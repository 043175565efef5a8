import Foundation
import Logging
import Metrics
import PipeCore

/// Runs pipeline definitions as jobs: submitted to a `JobQueue`, claimed by workers in
/// this process, retried with backoff, observable as events, and collected as results.
///
/// ```swift
/// let jobs = PipelineJobs(queue: try SQLiteJobQueue(path: "jobs.sqlite"), concurrency: 2)
/// let worker = Task { await jobs.run() }
/// let job = try await jobs.submit(definition, input: records)
/// for await event in await jobs.events(job.id) { print(event) }
/// let result = try await jobs.result(job.id)
/// await jobs.shutdown()      // lets running jobs finish, then `run()` returns
/// ```
public actor PipelineJobs {
    let queue: any JobQueue
    let concurrency: Int
    let retry: RetryPolicy
    let leaseDuration: Duration
    let maxOutputRecords: Int
    let idleWait: Duration
    let environment: PipelineEnvironment
    let metrics: JobMetrics
    private var lastStats = ContinuousClock.now - .seconds(60)

    private var results: [JobID: PipelineJobResult] = [:]
    /// Settled jobs in the order they finished, so the oldest results are dropped past ``maxKeptResults``.
    private var settledOrder: [JobID] = []
    /// Jobs this runner is executing now: their results come from the run, never from the queue's record.
    private var active: Set<JobID> = []
    /// How many finished jobs' results are kept for ``result(_:)``.
    public let maxKeptResults = 1_000
    private var waiters: [JobID: [CheckedContinuation<PipelineJobResult, Never>]] = [:]
    /// Event streams by job, each under a number so a stream its reader dropped can be removed.
    private var listeners: [JobID: [Int: AsyncStream<JobEvent>.Continuation]] = [:]
    private var nextListener = 0
    /// Set by ``endEventStreams()``: new streams give the current state and end.
    private var eventStreamsEnded = false
    private var draining = false
    private var running = 0
    /// Follows other processes' changes to the jobs this runner's callers watch (queues shared by replicas).
    private var follower: Task<Void, Never>?

    /// Makes a job runner over `queue`.
    /// - Parameters:
    ///   - queue: where jobs wait and are leased (an ``InMemoryJobQueue``, or a durable queue).
    ///   - concurrency: how many jobs run at once in this process.
    ///   - retry: attempts and backoff for a failing job (the whole run restarts from its input).
    ///   - leaseDuration: how long a claim lasts; a running job renews it every third of that.
    ///   - maxOutputRecords: the most records one job may put out (they are kept in memory).
    ///   - idleWait: how long a worker sleeps when no job is ready before it asks the queue again.
    ///   - environment: the files, storage, custom transforms and logger jobs' definitions may use.
    public init(
        queue: any JobQueue, concurrency: Int = 2, retry: RetryPolicy = .exponential(attempts: 3),
        leaseDuration: Duration = .seconds(30), maxOutputRecords: Int = 1_000_000,
        idleWait: Duration = .milliseconds(20), environment: PipelineEnvironment = PipelineEnvironment()
    ) {
        self.environment = environment
        self.metrics = JobMetrics()
        self.queue = queue
        self.concurrency = max(1, concurrency)
        self.retry = retry
        self.leaseDuration = leaseDuration
        self.maxOutputRecords = maxOutputRecords
        self.idleWait = idleWait
    }

    /// The job's events: its current state first, then changes and progress until it finishes.
    public func events(_ id: JobID) async -> AsyncStream<JobEvent> {
        let (stream, continuation) = AsyncStream<JobEvent>.makeStream(bufferingPolicy: .bufferingNewest(256))
        if let job = try? await queue.job(id) {
            continuation.yield(.state(job.state))
            if job.state.isTerminal || results[id] != nil || eventStreamsEnded {
                continuation.finish()
                return stream
            }
        } else {
            continuation.finish()  // no such job
            return stream
        }
        let number = nextListener
        nextListener += 1
        listeners[id, default: [:]][number] = continuation
        if followOtherProcesses() {
            // A change that committed between the read above and this registration went unseen: look again.
            Task { await self.changed(id) }
        }
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeListener(number, of: id) }
        }
        return stream
    }

    /// Waits for the job to finish and returns what it produced (a worker must be running, in this
    /// process, through ``run()``).
    ///
    /// The last ``maxKeptResults`` results are kept whole. For an older job, or one another process ran, the
    /// result is rebuilt from the queue's record: its final state and error, without records or counts.
    public func result(_ id: JobID) async throws(PipeError) -> PipelineJobResult {
        if let result = results[id] { return result }
        let job = try await queue.job(id)  // jobNotFound for an unknown id
        if let result = results[id] { return result }  // settled while we asked the queue
        if job.state.isTerminal && !active.contains(id) {
            let error = job.error.map {
                PipeError(job.state == .cancelled ? .cancelled : .pipelineStageFailed, $0)
            }
            return PipelineJobResult(
                job: job, records: [], steps: [], deadLetters: [], error: job.state == .succeeded ? nil : error)
        }
        let following = followOtherProcesses()
        return await withCheckedContinuation { continuation in
            waiters[id, default: []].append(continuation)
            // The job may have finished elsewhere between the read above and this registration: look again.
            if following { Task { await self.changed(id) } }
        }
    }

    /// Cancels a job. A running one stops within a thousand records or a quarter of a second, and never
    /// commits its output once cancelled.
    public func cancel(_ id: JobID) async throws(PipeError) -> Job {
        let job = try await queue.cancel(id)
        publish(id, .state(job.state))
        if results[id] == nil {
            settle(
                PipelineJobResult(
                    job: job, records: [], steps: [], deadLetters: [],
                    error: PipeError(.cancelled, "the job was cancelled")))
        }
        return job
    }

    /// Claims and runs jobs, up to `concurrency` at once, until ``shutdown()``; then waits for the
    /// running jobs to finish and returns.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            while !draining && !Task.isCancelled {
                await recordQueueStats()
                if running >= concurrency {
                    _ = await group.next()
                    continue
                }
                let leases: [JobLease]
                do {
                    // Batches are bounded by the queues (at most 1,000 a claim); slots beyond fill on the next turn.
                    leases = try await queue.claim(limit: min(concurrency - running, 1_000), leaseDuration: leaseDuration)
                } catch {
                    environment.logger.warning("claiming jobs failed", metadata: ["error": "\(error)"])
                    leases = []
                }
                guard !leases.isEmpty else {
                    await queue.waitForJobs(upTo: idleWait)
                    continue
                }
                for lease in leases {
                    running += 1
                    group.addTask { await self.execute(lease) }
                }
            }
            await group.waitForAll()
        }
    }

    /// Stops claiming new jobs; ``run()`` returns once the running ones have finished.
    public func shutdown() {
        draining = true
    }

    /// Ends every job event stream now, and each one opened from now on after its first event (the current state).
    ///
    /// For a server shutting down: a stream follows a job for as long as it runs, so open ones would hold the
    /// shutdown up. Its follower, seeing the stream end before the job did, opens it again (on another replica).
    public func endEventStreams() {
        eventStreamsEnded = true
        let open = listeners
        listeners = [:]
        for streams in open.values {
            for continuation in streams.values { continuation.finish() }
        }
    }

    /// Updates the queue gauges about once a second.
    private func recordQueueStats() async {
        guard ContinuousClock.now - lastStats >= .seconds(1) else { return }
        lastStats = ContinuousClock.now
        guard let stats = try? await queue.stats() else { return }
        metrics.record(stats, now: Date())
    }

    // MARK: Running one job

    private func execute(_ lease: JobLease) async {
        let id = lease.job.id
        active.insert(id)
        defer {
            running -= 1
            active.remove(id)
        }
        var logger = environment.logger
        logger[metadataKey: "job"] = "\(id)"
        logger[metadataKey: "pipeline"] = "\(lease.job.pipeline)"
        logger.info("job started", metadata: ["attempt": "\(lease.job.attempts)"])
        let started = ContinuousClock.now
        if lease.job.attempts > retry.attempts {
            // Claimed again after its lease lapsed once too often: its runs keep killing their workers.
            let error = PipeError(
                .pipelineStageFailed,
                "gave up after \(lease.job.attempts - 1) attempts whose workers stopped before finishing")
            logger.error("job abandoned", metadata: ["attempts": "\(lease.job.attempts - 1)"])
            guard let job = try? await queue.fail(lease, error: error.description, retryAfter: nil) else {
                return settleFromQueue(id)
            }
            publish(id, .state(job.state))
            return settle(PipelineJobResult(job: job, records: [], steps: [], deadLetters: [], error: error))
        }
        publish(id, .state(.running))
        // The run and its heartbeat side by side: when the heartbeat ends first (the lease is lost, or the job
        // was cancelled in the queue) the run is cancelled, so it stops at once and commits nothing.
        let outcome: Result<([JSONValue], PipelineRunReport), FailedRun>? = await withTaskGroup(
            of: AttemptEvent.self
        ) { group in
            group.addTask { .finished(await self.attempt(lease)) }
            group.addTask { [queue, leaseDuration] in
                await Self.keepLease(lease, on: queue, leaseDuration: leaseDuration) ? .leaseLost : .heartbeatStopped
            }
            var leaseLost = false
            while let event = await group.next() {
                switch event {
                case .finished(let result):
                    group.cancelAll()
                    return leaseLost ? nil : result
                case .leaseLost:
                    leaseLost = true
                    group.cancelAll()  // the run stops at once and commits nothing
                case .heartbeatStopped:
                    continue  // this worker is stopping: the run ends on its own cancellation
                }
            }
            return nil
        }
        guard let outcome else {
            logger.warning("job stopped: its lease was lost or it was cancelled")
            return settleFromQueue(id)
        }
        let pipeline = lease.job.pipeline.rawValue
        metrics.duration(pipeline: pipeline, ContinuousClock.now - started)
        switch outcome {
        case .success(let (records, report)):
            guard let job = try? await queue.complete(lease) else { return settleFromQueue(id) }
            metrics.outcome(pipeline: pipeline, "succeeded")
            logger.info("job succeeded", metadata: ["read": "\(report.read)", "written": "\(report.written)"])
            publish(id, .state(job.state))
            settle(
                PipelineJobResult(
                    job: job, records: records, steps: report.steps, deadLetters: report.deadLetters, error: nil))
        case .failure(let failure):
            let error = failure.error
            let report = failure.report
            // A run cut short because this worker is stopping is not the job's fault: it goes back to the queue.
            let workerStopped = Task.isCancelled && error.code == .cancelled
            let retryable =
                workerStopped
                || (lease.job.attempts < retry.attempts && error.code != .invalidPipeline && error.code != .cancelled)
            let retryAfter = workerStopped ? .zero : retryable ? retry.delay(before: lease.job.attempts + 1) : nil
            guard let job = try? await queue.fail(lease, error: error.description, retryAfter: retryAfter) else {
                return settleFromQueue(id)
            }
            metrics.outcome(pipeline: pipeline, retryable ? "retried" : "failed")
            logger.warning(
                retryable ? "job failed; it will be retried" : "job failed",
                metadata: ["error": "\(error)", "state": "\(job.state.rawValue)"])
            publish(id, .state(job.state))
            if job.state == .failed || job.state == .deadLettered {
                settle(
                    PipelineJobResult(
                        job: job, records: [], steps: report?.steps ?? [], deadLetters: report?.deadLetters ?? [],
                        error: error))
            }
        }
    }

    private func attempt(_ lease: JobLease) async -> Result<([JSONValue], PipelineRunReport), FailedRun> {
        let compiled: CompiledPipeline
        var input: AnyRecords?
        do {
            let definition = try PipelineDefinition.decode(lease.payload["definition"] ?? .null)
            compiled = try definition.compile(transforms: environment.transforms)
            if case .array(let records)? = lease.payload["input"] {
                input = AnyRecords(InlineRecords(records: records))
            } else if definition.source == .caller {
                input = AnyRecords(InlineRecords(records: []))
            }
        } catch {
            return .failure(FailedRun(error: error, report: nil))
        }
        let report = compiled.makeReport()
        let id = lease.job.id
        var environment = environment
        if let owner = lease.job.owner, let storageForOwner = environment.storageForOwner {
            environment.storage = storageForOwner(owner)
        }
        do {
            let result = try await compiled.execute(
                records: input, environment: environment, sink: nil, report: report,
                maxCollectedRecords: maxOutputRecords
            ) { read, written in
                await self.publish(id, .progress(read: read, written: written))
                try await self.stopIfCancelled(id)  // a cancelled job stops here, and never commits its output
            }
            return .success((result.records, report))
        } catch {
            return .failure(FailedRun(error: error, report: report))
        }
    }

    /// Renews `lease` every third of its duration until the job is cancelled in the queue or the lease is lost
    /// (the queue refuses the renewal, or renewals keep failing until the lease has expired). Returns then, or
    /// when its task is cancelled (the run finished).
    /// - Returns: `true` when the lease is lost or the job cancelled, `false` when the task was cancelled.
    static func keepLease(_ lease: JobLease, on queue: any JobQueue, leaseDuration: Duration) async -> Bool {
        var current = lease
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: leaseDuration / 3)
            } catch {
                return false
            }
            if (try? await queue.job(lease.job.id))?.state == .cancelled { return true }
            while true {
                do throws(PipeError) {
                    current = try await queue.renew(current, leaseDuration: leaseDuration)
                    break
                } catch {
                    if Task.isCancelled { return false }
                    // A refusal is final; anything else (a busy database) is retried while the lease lasts.
                    if error.code == .conflict || Date() >= current.expiresAt { return true }
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
        }
        return false
    }

    /// What ends first while a job runs: the run, or its heartbeat.
    enum AttemptEvent: Sendable {
        case finished(Result<([JSONValue], PipelineRunReport), FailedRun>)
        case leaseLost
        case heartbeatStopped
    }

    private func stopIfCancelled(_ id: JobID) async throws(PipeError) {
        if (try? await queue.job(id))?.state == .cancelled {
            throw PipeError(.cancelled, "the job was cancelled")
        }
    }

    struct FailedRun: Error {
        let error: PipeError
        let report: PipelineRunReport?
    }

    // MARK: Events and results

    private func removeListener(_ number: Int, of id: JobID) {
        listeners[id]?[number] = nil
        if listeners[id]?.isEmpty == true { listeners[id] = nil }
    }

    private func publish(_ id: JobID, _ event: JobEvent) {
        for listener in (listeners[id] ?? [:]).values { listener.yield(event) }
    }

    private func settle(_ result: PipelineJobResult) {
        let id = result.job.id
        if results.updateValue(result, forKey: id) == nil { settledOrder.append(id) }
        if settledOrder.count > maxKeptResults {
            let dropped = settledOrder.count - maxKeptResults
            for old in settledOrder.prefix(dropped) { results[old] = nil }
            settledOrder.removeFirst(dropped)
        }
        for listener in (listeners.removeValue(forKey: id) ?? [:]).values { listener.finish() }
        for waiter in waiters.removeValue(forKey: id) ?? [] { waiter.resume(returning: result) }
    }

    /// Starts following the queue's change feed, once, when the queue has one: then a job a worker in another
    /// process runs reaches this process's watchers and waiters as it changes.
    /// - Returns: whether changes are followed (the queue has a feed).
    @discardableResult
    private func followOtherProcesses() -> Bool {
        if follower != nil { return true }
        guard let changes = queue.changedJobs() else { return false }
        follower = Task { [weak self] in
            for await id in changes {
                guard let self else { return }
                await self.changed(id)
            }
        }
        return true
    }

    /// A change from the feed: rereads a watched job (every watched job after a gap in the feed) and passes its
    /// state on; a finished one settles, rebuilt from the queue's record. Jobs this runner executes report
    /// themselves.
    private func changed(_ id: JobID?) async {
        let watched = id.map { [$0] } ?? Array(Set(listeners.keys).union(waiters.keys))
        for id in watched where (listeners[id] != nil || waiters[id] != nil) && !active.contains(id) {
            guard let job = try? await queue.job(id), !active.contains(id) else { continue }
            publish(id, .state(job.state))
            if job.state.isTerminal && results[id] == nil { settleFinished(job) }
        }
    }

    deinit {
        follower?.cancel()
    }

    /// The lease was lost (cancelled or expired): report what the queue says now.
    private func settleFromQueue(_ id: JobID) {
        Task {
            guard let job = try? await queue.job(id) else { return }
            publish(id, .state(job.state))
            if job.state == .cancelled && results[id] == nil {
                settle(
                    PipelineJobResult(
                        job: job, records: [], steps: [], deadLetters: [],
                        error: PipeError(.cancelled, "the job was cancelled")))
            } else if job.state.isTerminal && results[id] == nil {
                // Another worker (another replica) finished it after this one lost the lease.
                settleFinished(job)
            }
        }
    }

    /// Settles a job that finished elsewhere, rebuilt from the queue's record (no records or counts).
    private func settleFinished(_ job: Job) {
        let error = job.error.map { PipeError(job.state == .cancelled ? .cancelled : .pipelineStageFailed, $0) }
        settle(
            PipelineJobResult(
                job: job, records: [], steps: [], deadLetters: [], error: job.state == .succeeded ? nil : error))
    }
}
