import PipeCore

/// One run of a compiled definition over a record sequence: an `AsyncSequence` of the records the last step
/// puts out, pulled one at a time (so a slow consumer slows the source).
///
/// The run's iterator owns all of its state — per-step state, counts, dead letters — and publishes counts to
/// the ``PipelineRunReport`` every 1024 source records and at the end, so the per-record path takes no lock.
public struct DefinitionRun<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == JSONValue {
    public typealias Element = JSONValue

    let base: Base
    let pipeline: CompiledPipeline
    let report: PipelineRunReport
    /// Dead letters to replay (each from its step) before the base's records.
    let replay: [DeadLetter]

    /// Runs the steps over one record at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let steps: [CompiledStep]
        let limits: PipelineLimits
        let report: PipelineRunReport
        let metrics: RunMetrics
        var replay: IndexingIterator<[DeadLetter]>
        var states: [StepState]
        var counts: [PipelineRunReport.StepCounts]
        var deadLetters: [DeadLetter] = []
        var publishedDeadLetters = 0
        var published: [PipelineRunReport.StepCounts]
        var output: [JSONValue] = []
        var outputIndex = 0
        /// Records waiting at asynchronous steps, with the step's index.
        var waiting: [(JSONValue, Int)] = []
        var waitingIndex = 0
        var read = 0
        var publishedRead = 0
        var written = 0
        var finished = false

        /// The next record the last step puts out, `nil` when the run is over.
        /// - Throws: `pipeline_stage_failed` naming the step and record (a step with `onError: fail`),
        ///   `limit_exceeded` for a broken run limit, `cancelled`, or the source's error.
        public mutating func next() async throws -> JSONValue? {
            while true {
                if outputIndex < output.count {
                    defer { outputIndex += 1 }
                    written += 1
                    return output[outputIndex]
                }
                output.removeAll(keepingCapacity: true)
                outputIndex = 0
                if finished { return nil }
                do {
                    try await advance()
                } catch {
                    publish()
                    throw error
                }
            }
        }

        /// Takes the next input through the steps, or finishes the run when there is none.
        private mutating func advance() async throws {
            if let letter = replay.next() {
                guard letter.step <= steps.count else {
                    throw PipeError(
                        .invalidArgument, "dead letter for step \(letter.step); the pipeline has \(steps.count)")
                }
                read += 1
                try await push(letter.record, at: letter.step)
                return
            }
            try Task.checkCancellation()
            guard let record = try await base.next() else {
                for index in steps.indices {
                    let remaining = steps[index].finish(state: states[index])
                    counts[index].emitted += remaining.count
                    for record in remaining { try await push(record, at: index + 1) }
                }
                finished = true
                publish(final: true)
                return
            }
            read += 1
            guard read <= limits.maxRecords else {
                throw PipeError(
                    .limitExceeded, "the run read more than \(limits.maxRecords) records", details: ["stage": "source"])
            }
            try await push(record, at: 0)
            if read & 1023 == 0 { publish() }
        }

        /// Takes a record through the steps from `index`: synchronously up to the first asynchronous step, then
        /// through the queue of records waiting at asynchronous steps, oldest first (so order is kept).
        private mutating func push(_ record: JSONValue, at index: Int) async throws {
            try pushSynchronously(record, at: index)
            while waitingIndex < waiting.count {
                let (next, step) = waiting[waitingIndex]
                waitingIndex += 1
                switch try await apply(step, next) {
                case .none: break
                case .one(let output): try pushSynchronously(output, at: step + 1)
                case .many(let outputs): for output in outputs { try pushSynchronously(output, at: step + 1) }
                }
            }
            waiting.removeAll(keepingCapacity: true)
            waitingIndex = 0
        }

        private mutating func pushSynchronously(_ record: JSONValue, at index: Int) throws {
            guard index < steps.count else {
                output.append(record)
                return
            }
            let step = steps[index]
            if step.isAsynchronous {
                waiting.append((record, index))
                return
            }
            let sampled = read & 255 == 0
            let started = sampled ? ContinuousClock.now : nil
            let emission: Emission<JSONValue>
            counts[index].received += 1
            do {
                emission = try step.runSynchronously(record, state: states[index], limits: limits)
                count(emission, at: index, absorbs: step.absorbs)
            } catch {
                emission = try handle(error, at: index, record: record, attempts: 1)
            }
            if let started { metrics.latency(step: index, ContinuousClock.now - started) }
            switch emission {
            case .none: return
            case .one(let next): try pushSynchronously(next, at: index + 1)
            case .many(let records): for next in records { try pushSynchronously(next, at: index + 1) }
            }
        }

        /// One asynchronous step on one record, under the step's retry, timeout and error policies.
        private mutating func apply(_ index: Int, _ record: JSONValue) async throws -> Emission<JSONValue> {
            let step = steps[index]
            counts[index].received += 1
            let sampled = read & 255 == 0
            let started = sampled ? ContinuousClock.now : nil
            defer { if let started { metrics.latency(step: index, ContinuousClock.now - started) } }
            var attempt = 1
            while true {
                do {
                    let emission = try await attemptStep(step, record, state: states[index])
                    count(emission, at: index, absorbs: step.absorbs)
                    return emission
                } catch {
                    let retryable = !(error is RunLimitError) && !Self.isCancellation(error)
                    if retryable, let retry = step.retry, attempt < retry.attempts {
                        attempt += 1
                        counts[index].retries += 1
                        try await Task.sleep(for: retry.delay(before: attempt))
                        continue
                    }
                    return try handle(error, at: index, record: record, attempts: attempt)
                }
            }
        }

        private mutating func count(_ emission: Emission<JSONValue>, at index: Int, absorbs: Bool) {
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

        /// What the step's error policy makes of a failure (after its last attempt): rethrown for `fail`, a
        /// broken run limit or cancellation; nothing for `skip` and `deadLetter`.
        private mutating func handle(_ error: any Error, at index: Int, record: JSONValue, attempts: Int) throws
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
                    (error as? PipeError)
                    ?? PipeError(.pipelineStageFailed, "\(error)", details: ["stage": step.label])
                deadLetters.append(
                    DeadLetter(step: index, stepLabel: step.label, record: record, error: cause, attempts: attempts))
                return .none
            }
        }

        /// One attempt, bounded by the step's timeout when it has one.
        private func attemptStep(_ step: CompiledStep, _ record: JSONValue, state: StepState) async throws
            -> Emission<JSONValue>
        {
            guard let timeout = step.timeout else { return try await step.run(record, state: state, limits: limits) }
            let limits = self.limits
            return try await withThrowingTaskGroup(of: Emission<JSONValue>?.self) { group in
                // Only custom steps take a timeout, and they keep no state, so `state` is never shared.
                group.addTask { try await step.run(record, state: .none, limits: limits) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let emission = first else {
                    throw PipeError(.timeout, "\(step.label) took longer than \(DurationText.format(timeout))")
                }
                return emission
            }
        }

        private mutating func publish(final: Bool = false) {
            metrics.record(steps: counts, since: published, read: read, previouslyRead: publishedRead)
            publishedRead = read
            published = counts
            report.publish(
                read: read, written: written + output.count - outputIndex, steps: counts,
                newDeadLetters: deadLetters[publishedDeadLetters...])
            publishedDeadLetters = deadLetters.count
            if final { metrics.finish(deadLetters: deadLetters.count) }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        let steps = pipeline.steps
        let counts = steps.map { PipelineRunReport.StepCounts(step: $0.label) }
        return AsyncIterator(
            base: base.makeAsyncIterator(), steps: steps, limits: pipeline.definition.limits, report: report,
            metrics: RunMetrics(pipeline: pipeline.definition.name.rawValue, steps: steps.map(\.label)),
            replay: replay.makeIterator(), states: steps.map { $0.makeState() }, counts: counts, published: counts)
    }
}
