import PipeCore

/// What a finished pipeline job produced.
public struct PipelineJobResult: Sendable {
    /// The job as it ended.
    public let job: Job
    /// The records the run put out (for a succeeded job).
    public let records: [JSONValue]
    /// Per-step counts of the last attempt.
    public let steps: [PipelineRunReport.StepCounts]
    /// Records the last attempt's steps set aside (`onError: deadLetter`).
    public let deadLetters: [DeadLetter]
    /// Why the job failed or was cancelled, if it did not succeed.
    public let error: PipeError?
}
