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
        /// Takes the source's records a decoded chunk at a time, when the source can (a file or stored object):
        /// one `await` per chunk instead of one per record.
        var batches: AnyRecords.BatchPull?
        let steps: [CompiledStep]
        let limits: PipelineLimits
        let report: PipelineRunReport
        let metrics: RunMetrics
        var replay: IndexingIterator<[DeadLetter]>
        var states: [StepState]
        var ledger: StepLedger
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
            if let batches {
                guard let chunk = try await batches.next() else { return try await finish() }
                try await take(chunk)
                return
            }
            guard let record = try await base.next() else { return try await finish() }
            read += 1
            guard read <= limits.maxRecords else {
                throw PipeError(
                    .limitExceeded, "the run read more than \(limits.maxRecords) records", details: ["stage": "source"])
            }
            try await push(record, at: 0)
            if read & 1023 == 0 { publish() }
        }

        /// Takes a decoded chunk: adds what its decoding task counted in the first steps, then takes its records
        /// through the remaining steps.
        private mutating func take(_ chunk: DecodedChunk) async throws {
            read += chunk.read
            for (index, counts) in chunk.counts.enumerated() {
                ledger.counts[index].received += counts.received
                ledger.counts[index].passed += counts.passed
                ledger.counts[index].emitted += counts.emitted
                ledger.counts[index].dropped += counts.dropped
                ledger.counts[index].failed += counts.failed
                ledger.counts[index].skipped += counts.skipped
                ledger.counts[index].deadLettered += counts.deadLettered
            }
            ledger.deadLetters += chunk.deadLetters
            guard ledger.deadLetters.count <= limits.maxDeadLetters else {
                throw PipeError(
                    .limitExceeded,
                    "the run set aside more than \(limits.maxDeadLetters) dead letters (limits.maxDeadLetters)")
            }
            guard read <= limits.maxRecords else {
                throw PipeError(
                    .limitExceeded, "the run read more than \(limits.maxRecords) records", details: ["stage": "source"])
            }
            let synchronous = !steps[chunk.stepsDone...].contains { $0.isAsynchronous }
            for record in chunk.records {
                if synchronous {
                    try pushSynchronously(record, at: chunk.stepsDone)
                } else {
                    try await push(record, at: chunk.stepsDone)
                }
            }
            if let failure = chunk.failure { throw failure }
            if read - publishedRead >= 1024 { publish() }
        }

        /// Flushes what stateful steps still hold, in step order, and ends the run.
        private mutating func finish() async throws {
            for index in steps.indices {
                let remaining = steps[index].finish(state: states[index])
                ledger.counts[index].emitted += remaining.count
                for record in remaining { try await push(record, at: index + 1) }
            }
            finished = true
            publish(final: true)
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
            let emission = try ledger.applySynchronously(index, record, state: states[index])
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
            ledger.counts[index].received += 1
            let sampled = read & 255 == 0
            let started = sampled ? ContinuousClock.now : nil
            defer { if let started { metrics.latency(step: index, ContinuousClock.now - started) } }
            var attempt = 1
            while true {
                do {
                    let emission = try await attemptStep(step, record, state: states[index])
                    ledger.count(emission, at: index, absorbs: step.absorbs)
                    return emission
                } catch {
                    let retryable = !(error is RunLimitError) && !StepLedger.isCancellation(error)
                    if retryable, let retry = step.retry, attempt < retry.attempts {
                        attempt += 1
                        ledger.counts[index].retries += 1
                        try await Task.sleep(for: retry.delay(before: attempt))
                        continue
                    }
                    return try ledger.handle(error, at: index, record: record, attempts: attempt)
                }
            }
        }

        /// One attempt, bounded by the step's timeout when it has one.
        private func attemptStep(_ step: CompiledStep, _ record: JSONValue, state: StepState) async throws
            -> Emission<JSONValue>
        {
            guard let timeout = step.timeout else { return try await step.run(record, state: state, limits: limits) }
            let limits = self.limits
            // Only custom steps take a timeout, and they keep no state, so `state` is never shared.
            return try await withTimeout(timeout, step.label) {
                try await step.run(record, state: .none, limits: limits)
            }
        }

        private mutating func publish(final: Bool = false) {
            metrics.record(steps: ledger.counts, since: published, read: read, previouslyRead: publishedRead)
            publishedRead = read
            published = ledger.counts
            report.publish(
                read: read, written: written + output.count - outputIndex, steps: ledger.counts,
                newDeadLetters: ledger.deadLetters[publishedDeadLetters...])
            publishedDeadLetters = ledger.deadLetters.count
            if final { metrics.finish(deadLetters: ledger.deadLetters.count) }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        let steps = pipeline.steps
        let limits = pipeline.definition.limits
        let metrics = RunMetrics(pipeline: pipeline.definition.name.rawValue, steps: steps.map(\.label))
        let ledger = StepLedger(steps: steps, limits: limits, metrics: metrics)
        let iterator = base.makeAsyncIterator()
        return AsyncIterator(
            base: iterator, batches: (iterator as? AnyRecords.AsyncIterator)?.batches, steps: steps, limits: limits,
            report: report, metrics: metrics, replay: replay.makeIterator(), states: steps.map { $0.makeState() },
            ledger: ledger, published: ledger.counts)
    }
}
