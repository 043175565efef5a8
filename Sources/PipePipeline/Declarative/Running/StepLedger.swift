import PipeCore

/// What became of records at each step, and the records set aside: the bookkeeping every way of running steps
/// shares (the run's own task, and the decoding tasks that run the stateless first steps on whole chunks).
struct StepLedger {
    let steps: [CompiledStep]
    let limits: PipelineLimits
    let metrics: RunMetrics
    var counts: [PipelineRunReport.StepCounts]
    var deadLetters: [DeadLetter] = []

    init(steps: [CompiledStep], limits: PipelineLimits, metrics: RunMetrics) {
        self.steps = steps
        self.limits = limits
        self.metrics = metrics
        counts = steps.map { PipelineRunReport.StepCounts(step: $0.label) }
    }

    /// Counts a step's successful outcome on one record.
    mutating func count(_ emission: Emission<JSONValue>, at index: Int, absorbs: Bool) {
        switch emission {
        case .none:
            if absorbs { counts[index].passed += 1 } else { counts[index].dropped += 1 }
        case .one:
            counts[index].passed += 1
            counts[index].emitted += 1
        case .many(let records):
            if records.isEmpty && !absorbs {
                counts[index].dropped += 1
            } else {
                counts[index].passed += 1
                counts[index].emitted += records.count
            }
        }
    }

    static func isCancellation(_ error: any Error) -> Bool {
        error is CancellationError || (error as? PipeError)?.code == .cancelled || Task.isCancelled
    }

    /// What the step's error policy makes of a failure (after its last attempt): rethrown for `fail`, a broken
    /// run limit or cancellation; nothing for `skip` and `deadLetter`.
    mutating func handle(_ error: any Error, at index: Int, record: JSONValue, attempts: Int) throws
        -> Emission<JSONValue>
    {
        let step = steps[index]
        if let limit = error as? RunLimitError {
            counts[index].failed += 1
            throw limit.error
        }
        if Self.isCancellation(error) {
            counts[index].failed += 1
            throw PipeError(.cancelled, "the pipeline was cancelled")
        }
        metrics.failure(step: index, action: step.onError)
        switch step.onError {
        case .fail:
            counts[index].failed += 1
            throw StageFailure.wrap(error, stage: step.label, record: record)
        case .skip:
            counts[index].skipped += 1
            return .none
        case .deadLetter:
            guard deadLetters.count < limits.maxDeadLetters else {
                counts[index].failed += 1
                throw PipeError(
                    .limitExceeded,
                    "the run set aside more than \(limits.maxDeadLetters) dead letters (limits.maxDeadLetters)",
                    details: ["stage": step.label])
            }
            counts[index].deadLettered += 1
            let cause =
                (error as? PipeError) ?? PipeError(.pipelineStageFailed, "\(error)", details: ["stage": step.label])
            deadLetters.append(
                DeadLetter(step: index, stepLabel: step.label, record: record, error: cause, attempts: attempts))
            return .none
        }
    }

    /// One built-in step on one record (no state, no suspension), counted and under its error policy.
    mutating func applySynchronously(_ index: Int, _ record: JSONValue, state: StepState) throws -> Emission<JSONValue>
    {
        let step = steps[index]
        counts[index].received += 1
        do {
            let emission = try step.runSynchronously(record, state: state, limits: limits)
            count(emission, at: index, absorbs: step.absorbs)
            return emission
        } catch {
            return try handle(error, at: index, record: record, attempts: 1)
        }
    }

    /// Takes a record through the stateless steps `index..<end`, appending what comes out of the last to `output`.
    mutating func pushStateless(_ record: JSONValue, at index: Int, end: Int, into output: inout [JSONValue]) throws {
        guard index < end else {
            output.append(record)
            return
        }
        switch try applySynchronously(index, record, state: .none) {
        case .none: return
        case .one(let next): try pushStateless(next, at: index + 1, end: end, into: &output)
        case .many(let records):
            for next in records { try pushStateless(next, at: index + 1, end: end, into: &output) }
        }
    }
}
