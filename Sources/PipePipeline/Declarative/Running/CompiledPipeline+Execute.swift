import Logging
import PipeCore

/// What a finished run returns.
public struct PipelineRunResult: Sendable {
    /// The output records, for a `collect` sink (empty for the other sinks).
    public let records: [JSONValue]
    /// The run's counts and dead letters.
    public let report: PipelineRunReport
    /// The records set aside by steps whose error policy is `deadLetter`.
    public var deadLetters: [DeadLetter] { report.deadLetters }
}

extension CompiledPipeline {
    /// Runs the definition from its source to its sink.
    ///
    /// The output appears only when the run succeeds: a file sink is renamed into place, a storage object is
    /// stored; a failed run leaves either as it was. Dead letters are in the result and, when the definition has
    /// a `deadLetter` sink, written there too.
    ///
    /// - Parameters:
    ///   - input: the records of a `caller` source.
    ///   - environment: the files, storage and logger the run may use.
    ///   - sink: the closure of a `caller` sink; its errors fail the run (stage `sink`).
    ///   - report: a report to watch the run through (``makeReport()``); a fresh one otherwise.
    /// - Throws: `invalid_pipeline` for a `caller` source without input or a `caller` sink without a closure,
    ///   `forbidden` for a file outside ``PipelineEnvironment/fileAccess``, the source's and sink's errors, or
    ///   the run's (`pipeline_stage_failed`, `limit_exceeded`, `cancelled`).
    public func execute<Input: AsyncSequence & Sendable>(
        input: Input, environment: PipelineEnvironment = PipelineEnvironment(),
        sink: (@Sendable (JSONValue) async throws -> Void)? = nil, report: PipelineRunReport? = nil
    ) async throws(PipeError) -> PipelineRunResult where Input.Element == JSONValue {
        try await execute(records: AnyRecords(input), environment: environment, sink: sink, report: report)
    }

    /// Runs the definition from its own source (not `caller`) to its sink; see
    /// ``execute(input:environment:sink:report:)``.
    public func execute(
        environment: PipelineEnvironment = PipelineEnvironment(),
        sink: (@Sendable (JSONValue) async throws -> Void)? = nil, report: PipelineRunReport? = nil
    ) async throws(PipeError) -> PipelineRunResult {
        try await execute(records: nil, environment: environment, sink: sink, report: report)
    }

    /// Replays dead letters (see ``replay(_:report:)``) into the definition's sink, like
    /// ``execute(input:environment:sink:report:)``; records that fail again are this run's dead letters.
    public func execute(
        replaying letters: [DeadLetter], environment: PipelineEnvironment = PipelineEnvironment(),
        sink: (@Sendable (JSONValue) async throws -> Void)? = nil, report: PipelineRunReport? = nil
    ) async throws(PipeError) -> PipelineRunResult {
        try await execute(records: nil, replay: letters, environment: environment, sink: sink, report: report)
    }

    /// The one way a definition runs from its source to its sink (jobs run this too).
    /// - Parameters:
    ///   - maxCollectedRecords: a tighter bound than the definition's on what a `collect` sink keeps.
    ///   - checkpoint: called with the records read and written every 1,000 records written or quarter of a
    ///     second, and once before the output is committed; what it throws stops the run uncommitted.
    func execute(
        records input: AnyRecords?, replay letters: [DeadLetter]? = nil, environment: PipelineEnvironment,
        sink: (@Sendable (JSONValue) async throws -> Void)?, report: PipelineRunReport?,
        maxCollectedRecords: Int? = nil,
        checkpoint: (@Sendable (_ read: Int, _ written: Int) async throws -> Void)? = nil
    ) async throws(PipeError) -> PipelineRunResult {
        let logger = environment.logger
        let source =
            letters == nil ? try openSource(input, environment: environment) : AnyRecords(InlineRecords(records: []))
        var limits = definition.limits
        if let maxCollectedRecords { limits.maxCollectedRecords = min(limits.maxCollectedRecords, maxCollectedRecords) }
        let output = try RecordOutput(definition.sink, environment: environment, caller: sink, limits: limits)
        let report = report ?? makeReport()
        let pipeline = Pipeline(DefinitionRun(base: source, pipeline: self, report: report, replay: letters ?? []))
        let started = ContinuousClock.now
        logger.debug("pipeline run started", metadata: ["pipeline": "\(definition.name)"])
        do {
            if let checkpoint {
                var written = 0
                var lastCheck = ContinuousClock.now
                for try await record in pipeline {
                    try await output.write(record)
                    written += 1
                    if written % 1_000 == 0 || ContinuousClock.now - lastCheck >= .milliseconds(250) {
                        lastCheck = ContinuousClock.now
                        try await checkpoint(report.read, written)
                    }
                }
                try await checkpoint(report.read, written)
            } else {
                for try await record in pipeline { try await output.write(record) }
            }
            try await output.commit()
        } catch {
            output.abandon()
            let failure = Pipeline<AnyRecords>.pipeError(error)
            var metadata: Logger.Metadata = [
                "pipeline": "\(definition.name)", "error": "\(failure)", "code": "\(failure.code.rawValue)",
                "read": "\(report.read)",
            ]
            if let step = failure.details["stage"] { metadata["step"] = "\(step)" }
            logger.error("pipeline run failed", metadata: metadata)
            throw failure
        }
        let deadLetters = report.deadLetters
        for step in report.steps where step.deadLettered > 0 {
            logger.warning(
                "pipeline step set aside dead letters",
                metadata: [
                    "pipeline": "\(definition.name)", "step": "\(step.step)", "deadLetters": "\(step.deadLettered)",
                ])
        }
        // Written even when empty, so a dead-letter file always describes the latest successful run.
        try await writeDeadLetters(deadLetters, environment: environment)
        logger.info(
            "pipeline run finished",
            metadata: [
                "pipeline": "\(definition.name)", "read": "\(report.read)", "written": "\(report.written)",
                "deadLetters": "\(deadLetters.count)", "duration": "\(ContinuousClock.now - started)",
            ])
        return PipelineRunResult(records: output.collected, report: report)
    }

    /// The definition's source as a record sequence.
    func openSource(_ input: AnyRecords?, environment: PipelineEnvironment) throws(PipeError) -> AnyRecords {
        // Private copies are compiled without the program's transforms, so a definition with custom steps
        // shares its compiled steps instead.
        let customSteps = definition.steps.contains { if case .custom = $0.operation { true } else { false } }
        let limits = definition.limits
        switch definition.source {
        case .caller:
            guard let input else { throw PipeError(.invalidPipeline, "source: a caller source needs input records") }
            return input
        case .inline(let records): return AnyRecords(InlineRecords(records: records))
        case .file(let path, let format):
            var records = DecodedRecords(file: try environment.resolve(path), format: format, limits: limits)
            records.selection = selection
            records.prefix = StatelessPrefix(
                steps, limits: limits,
                metrics: RunMetrics(pipeline: definition.name.rawValue, steps: steps.map(\.label)),
                definition: customSteps ? nil : definition)
            return AnyRecords(records)
        case .storage(let bucket, let key, let format):
            var records = DecodedRecords(
                object: key, in: bucket, of: try environment.requireStorage(), format: format, limits: limits)
            records.selection = selection
            return AnyRecords(records)
        }
    }

    /// Writes dead letters (in their JSON form) to the definition's `deadLetter` sink, if it has one.
    func writeDeadLetters(_ letters: [DeadLetter], environment: PipelineEnvironment) async throws(PipeError) {
        guard definition.deadLetter != .collect else { return }
        let output = try RecordOutput(
            definition.deadLetter, environment: environment, caller: nil,
            limits: PipelineLimits(maxCollectedRecords: letters.count + 1))
        do {
            for letter in letters { try await output.write(letter.json) }
        } catch {
            output.abandon()
            throw Pipeline<AnyRecords>.pipeError(error)
        }
        try await output.commit()
    }
}
