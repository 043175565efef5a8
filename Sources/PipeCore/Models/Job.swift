#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One run of a pipeline, as recorded by the job queue.
///
/// Encoded with camelCase keys; a `nil` ``error`` is left out.
public struct Job: Sendable, Hashable, Codable {
    /// The job's id.
    public var id: JobID
    /// The pipeline this job runs.
    public var pipeline: PipelineID
    /// Where the job is in its lifecycle.
    public var state: JobState
    /// How many times the job has been claimed to run (1 during its first run).
    public var attempts: Int
    /// When the job was enqueued.
    public var createdAt: Date
    /// When the job last changed.
    public var updatedAt: Date
    /// Why the last run failed, if it did.
    public var error: String?
    /// The account that submitted the job: with admins, the only one who may see, follow or cancel it through
    /// the principal-checked calls. `nil` for jobs submitted by trusted in-process code.
    public var owner: UserID?

    /// Makes a job record; by default a new, queued one with a fresh id.
    public init(
        id: JobID = .random(),
        pipeline: PipelineID,
        state: JobState = .queued,
        attempts: Int = 0,
        createdAt: Date,
        updatedAt: Date? = nil,
        error: String? = nil,
        owner: UserID? = nil
    ) {
        self.id = id
        self.pipeline = pipeline
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.error = error
        self.owner = owner
    }

    /// Moves the job to `next` at `date`, counting an attempt when it starts running.
    ///
    /// Queue implementations use this so that every backend enforces the same state machine
    /// (``JobState/canTransition(to:)``).
    ///
    /// - Throws: ``PipeError`` with code ``PipeError/Code/conflict`` when the move is not allowed; the job is left
    ///   unchanged. `details` holds `from` and `to`.
    public mutating func transition(to next: JobState, at date: Date) throws(PipeError) {
        guard state.canTransition(to: next) else {
            throw PipeError(
                .conflict, "job \(id) cannot move from \(state.rawValue) to \(next.rawValue)",
                details: ["from": state.rawValue, "to": next.rawValue]
            )
        }
        if next == .running { attempts += 1 }
        state = next
        updatedAt = date
    }
}
