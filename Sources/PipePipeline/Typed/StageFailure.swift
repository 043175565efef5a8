import PipeCore

/// Wraps an error thrown by a stage's closure so the run fails with an error that names the stage
/// and the record (code `pipeline_stage_failed`).
@usableFromInline
enum StageFailure {
    /// Longest record excerpt kept in an error: records can be large and may hold secrets.
    static let excerptLimit = 200

    @usableFromInline
    static func wrap(_ error: any Error, stage: String, record: some Sendable) -> PipeError {
        if let error = error as? PipeError,
            error.code == .pipelineStageFailed || error.code == .cancelled || error.code == .limitExceeded
        {
            return error
        }
        if error is CancellationError { return PipeError(.cancelled, "the pipeline was cancelled") }
        var shown = String(describing: record)
        if shown.count > excerptLimit { shown = String(shown.prefix(excerptLimit)) + "…" }
        var details = ["stage": stage, "record": shown]
        if let cause = error as? PipeError { details["cause"] = cause.code.rawValue }
        return PipeError(.pipelineStageFailed, "stage \(stage) failed on \(shown): \(error)", details: details)
    }
}
