import Foundation
import PipeCore
import PipeExpression

extension PipelineDefinition {
    /// Checks every step and compiles its expressions.
    /// - Throws: `invalid_pipeline` naming the step and field (`steps[1].expression`), with the
    ///   expression error's `position` for syntax errors.
    public func compile() throws(PipeError) -> CompiledPipeline {
        var compiled: [CompiledStep] = []
        for (index, step) in steps.enumerated() {
            let path = "steps[\(index)]"
            func expression(_ source: String, field: String) throws(PipeError) -> JMESPathExpression {
                do {
                    return try JMESPathExpression(source)
                } catch {
                    var details = error.details
                    // The error is `invalid_pipeline` now; the expression's own kind moves aside.
                    details["expressionKind"] = details.removeValue(forKey: "kind")
                    details["field"] = "\(path).\(field)"
                    details["cause"] = error.code.rawValue
                    throw PipeError(.invalidPipeline, "\(path).\(field): \(error.message)", details: details)
                }
            }
            let label = "\(path) (\(step.type))"
            switch step {
            case .filter(let source):
                compiled.append(CompiledStep(label: label, kind: .filter(try expression(source, field: "expression"))))
            case .map(let source):
                compiled.append(CompiledStep(label: label, kind: .map(try expression(source, field: "expression"))))
            case .flatMap(let source):
                compiled.append(CompiledStep(label: label, kind: .flatMap(try expression(source, field: "expression"))))
            case .dedupe(let key):
                compiled.append(
                    CompiledStep(
                        label: label,
                        kind: .dedupe(
                            try expression(key, field: "key"), SeenKeys(limit: limits.maxDistinctKeys, step: label))))
            case .validate(let required): compiled.append(CompiledStep(label: label, kind: .validate(required)))
            }
        }
        return CompiledPipeline(definition: self, steps: compiled)
    }
}

/// A compiled definition, ready to run any number of times.
public struct CompiledPipeline: Sendable {
    /// The definition it came from.
    public let definition: PipelineDefinition
    let steps: [CompiledStep]

    /// Runs the steps over `records` (the definition's `caller` source), with a fresh report.
    public func run<Records: AsyncSequence & Sendable>(_ records: Records) -> (
        records: Pipeline<TransformStage<Records, JSONValue>>, report: PipelineRunReport
    ) where Records.Element == JSONValue {
        let report = PipelineRunReport(steps: steps.map(\.label))
        let steps = self.steps.map { $0.fresh() }
        let maxRecords = definition.limits.maxRecords
        let counter = RecordCounter()
        let stage = Pipeline(records).flatMap(definition.name.rawValue) { record -> [JSONValue] in
            guard counter.next() <= maxRecords else {
                throw PipeError(
                    .limitExceeded, "the run read more than \(maxRecords) records", details: ["stage": "source"])
            }
            return try CompiledStep.apply(steps, to: record, report: report)
        }
        return (stage, report)
    }

    /// Runs an `inline` definition and collects its output.
    /// - Throws: `invalid_pipeline` for a `caller` source (use ``run(_:)``), or the run's error.
    public func collect(limit: Int = 1_000_000) async throws(PipeError) -> (
        records: [JSONValue], report: PipelineRunReport
    ) {
        guard case .inline(let records) = definition.source else {
            throw PipeError(.invalidPipeline, "source: a caller source needs records; use run(_:)")
        }
        let (pipeline, report) = run(InlineRecords(records: records))
        return (try await pipeline.collect(limit: limit), report)
    }
}

/// Records in memory (an inline source, a job's input) as an asynchronous sequence.
public struct InlineRecords: AsyncSequence, Sendable {
    public typealias Element = JSONValue
    let records: [JSONValue]

    /// Wraps the records.
    public init(records: [JSONValue]) {
        self.records = records
    }

    /// Hands out the records in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var inner: IndexingIterator<[JSONValue]>
        /// The next record, `nil` after the last.
        public mutating func next() async throws -> JSONValue? { inner.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(inner: records.makeIterator()) }
}

/// Counts records read by a run (one run reads sequentially, but the closure is `Sendable`).
final class RecordCounter: @unchecked Sendable {
    // @unchecked Sendable: `count` is read and written only under `lock`.
    private let lock = NSLock()
    private var count = 0
    func next() -> Int {
        lock.withLock {
            count += 1; return count
        }
    }
}
