/// The jobs port as an application sees it: submit pipeline runs, follow them, read what they produced.
///
/// A value of this type acts for one caller: jobs it submits belong to that caller, and it sees and cancels only
/// those (admins: all). PipeClient implements it in-process (over PipePipeline's job runner) and over HTTP (against a
/// deployment's `/v1/jobs` and `/v1/pipelines`), and one test suite runs against both.
///
/// Definitions travel as their JSON form (PipePipeline's `PipelineDefinition.json`), so this port needs no pipeline
/// types; PipeClient adds typed conveniences.
public protocol JobService: Sendable {
    /// Queues a run of `definition` (its JSON form) over `input` (for a definition whose source is `input`).
    ///
    /// With an `idempotencyKey`, submitting the same request again returns the job the first submission made;
    /// the same key with a different request throws ``PipeError/Code/idempotencyKeyReused``.
    ///
    /// - Throws: ``PipeError/Code/invalidPipeline`` for a definition that cannot run.
    func submit(_ definition: JSONValue, input: [JSONValue]?, idempotencyKey: String?) async throws(PipeError) -> Job

    /// Queues a run of the caller's registered pipeline `name` (its latest version, or `version`).
    ///
    /// - Throws: ``PipeError/Code/pipelineNotFound``; what ``submit(_:input:idempotencyKey:)`` throws.
    func run(_ name: PipelineName, version: Int?, input: [JSONValue]?, idempotencyKey: String?) async throws(PipeError)
        -> Job

    /// A job's current record.
    ///
    /// - Throws: ``PipeError/Code/jobNotFound`` (also for another caller's job).
    func job(_ id: JobID) async throws(PipeError) -> Job

    /// The caller's jobs, newest first, optionally only those in `state` or of `pipeline`.
    func jobs(state: JobState?, pipeline: PipelineID?, limit: Int, cursor: String?) async throws(PipeError) -> Page<Job>

    /// Cancels a job that has not finished; returns its record.
    func cancel(_ id: JobID) async throws(PipeError) -> Job

    /// What a finished job produced.
    ///
    /// - Throws: ``PipeError/Code/conflict`` while the job has not finished; ``PipeError/Code/jobNotFound``.
    func result(_ id: JobID) async throws(PipeError) -> JobResult

    /// The job's events as they happen: first its current state, then progress and state changes; the sequence
    /// ends when the job ends.
    func events(_ id: JobID) async throws(PipeError) -> AsyncThrowingStream<JobEvent, any Error>
}

/// What a finished job produced.
public struct JobResult: Sendable, Hashable {
    /// The job as it ended.
    public var job: Job
    /// The records the run put out (for a succeeded job whose sink keeps them).
    public var records: [JSONValue]
    /// Why it failed or was cancelled, when it did not succeed.
    public var error: PipeError?

    /// A result.
    public init(job: Job, records: [JSONValue], error: PipeError?) {
        self.job = job
        self.records = records
        self.error = error
    }
}

extension JobService {
    /// Waits for the job to end (following its events) and returns what it produced.
    public func wait(for id: JobID) async throws(PipeError) -> JobResult {
        do {
            for try await event in try await events(id) {
                if case .state(let state) = event, state.isTerminal { break }
            }
        } catch let error as PipeError {
            throw error
        } catch is CancellationError {
            throw PipeError(.cancelled, "stopped waiting for job \(id)")
        } catch {
            throw PipeError(.unavailable, "the event stream of job \(id) failed: \(error)")
        }
        return try await result(id)
    }
}
