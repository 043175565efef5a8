import PipeCore

extension Pipeline {
    /// Runs the pipeline, handing each record to `body` (the sink) in order.
    /// - Throws: the first stage's failure (`pipeline_stage_failed`), `cancelled`, or the sink's error
    ///   wrapped with the stage name `sink`.
    @inlinable
    public func sink(_ body: @Sendable (Element) async throws -> Void) async throws(PipeError) {
        do {
            for try await element in self {
                do {
                    try await body(element)
                } catch {
                    throw StageFailure.wrap(error, stage: "sink", record: element)
                }
            }
        } catch {
            throw Self.pipeError(error)
        }
    }

    /// Runs the pipeline and returns every record.
    /// - Throws: `limit_exceeded` past `limit` records, so a runaway source cannot fill memory.
    @inlinable
    public func collect(limit: Int) async throws(PipeError) -> [Element] {
        var results: [Element] = []
        do {
            for try await element in self {
                guard results.count < limit else {
                    throw PipeError(.limitExceeded, "the pipeline produced more than \(limit) records")
                }
                results.append(element)
            }
        } catch {
            throw Self.pipeError(error)
        }
        return results
    }

    @usableFromInline
    static func pipeError(_ error: any Error) -> PipeError {
        if let error = error as? PipeError { return error }
        if error is CancellationError { return PipeError(.cancelled, "the pipeline was cancelled") }
        return PipeError(.pipelineStageFailed, "the pipeline's source failed: \(error)", details: ["stage": "source"])
    }
}
