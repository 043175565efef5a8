import PipeCore
import PipeExpression

extension PipelineDefinition {
    /// Checks every step, compiles its expressions and finds its custom transform.
    /// - Parameter transforms: the transforms `custom` steps may name.
    /// - Throws: `invalid_pipeline` naming the step and field (`steps[1].expression`), with the expression
    ///   error's `position` for syntax errors.
    public func compile(transforms: PipelineTransforms = PipelineTransforms()) throws(PipeError) -> CompiledPipeline {
        var compiled: [CompiledStep] = []
        for (index, step) in steps.enumerated() {
            compiled.append(try StepCompiler(path: "steps[\(index)]", transforms: transforms).compile(step, in: self))
        }
        return CompiledPipeline(definition: self, steps: compiled, selection: CompiledStep.fieldSelection(of: compiled))
    }
}

/// Compiles one step, naming the step and field in every error.
struct StepCompiler {
    let path: String
    let transforms: PipelineTransforms

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

    func compile(_ step: PipelineStep, in definition: PipelineDefinition) throws(PipeError) -> CompiledStep {
        let operation: CompiledStep.Operation
        switch step.operation {
        case .filter(let source): operation = .filter(try expression(source, field: "expression"))
        case .map(let source): operation = .map(try expression(source, field: "expression"))
        case .flatMap(let source): operation = .flatMap(try expression(source, field: "expression"))
        case .dedupe(let key): operation = .dedupe(try expression(key, field: "key"))
        case .validate(let required): operation = .validate(required.sorted { $0.key < $1.key }.map { ($0, $1) })
        case .batch(let size): operation = .batch(size)
        case .aggregate(let spec):
            var measures: [(String, CompiledAggregate.Kind, JMESPathExpression?)] = []
            for (name, measure) in spec.measures {
                let kind: CompiledAggregate.Kind =
                    switch measure {
                    case .count: .count
                    case .sum: .sum
                    case .avg: .avg
                    case .min: .min
                    case .max: .max
                    case .distinct: .distinct
                    }
                let compiled = try measure.expression.map { source throws(PipeError) in
                    try expression(source, field: "measures.\(name).\(measure.name)")
                }
                measures.append((name, kind, compiled))
            }
            let groupBy = try spec.groupBy.map { source throws(PipeError) in try expression(source, field: "groupBy") }
            operation = .aggregate(CompiledAggregate(groupBy: groupBy, window: spec.window, measures: measures))
        case .sort(let key, let descending): operation = .sort(try expression(key, field: "by"), descending: descending)
        case .parse(let format, let field):
            operation = .parse(
                format, field: try field.map { source throws(PipeError) in try expression(source, field: "field") })
        case .format(let format): operation = .format(format)
        case .custom(let name, let options):
            guard let entry = transforms[name] else {
                let known = transforms.names.isEmpty ? "none are registered" : transforms.names.joined(separator: ", ")
                throw DefinitionReader.invalid("\(path).name", "no transform is registered as \"\(name)\" (\(known))")
            }
            do {
                try entry.checkOptions?(options)
            } catch {
                throw DefinitionReader.invalid("\(path).options", error.message)
            }
            operation = .custom(entry.transform, options: options)
        }
        return CompiledStep(
            label: "\(path) (\(step.type))", operation: operation, onError: step.onError ?? definition.onError,
            retry: step.retry, timeout: step.timeout)
    }
}

/// A compiled definition, ready to run any number of times (each run has its own state).
public struct CompiledPipeline: Sendable {
    /// The definition it came from.
    public let definition: PipelineDefinition
    let steps: [CompiledStep]
    /// The fields of JSON source records the steps read, when not all (JSON sources build only these).
    let selection: JSONFieldSelection?

    /// A fresh report, to pass to ``execute(input:environment:sink:report:)`` and read while the run goes.
    public func makeReport() -> PipelineRunReport { PipelineRunReport(steps: steps.map(\.label)) }

    /// Runs the steps over `records`, as a pipeline the caller pulls from (and may extend with typed stages).
    /// The definition's source and sink are not used; see ``execute(input:environment:sink:report:)`` for those.
    public func run<Records: AsyncSequence & Sendable>(_ records: Records, report: PipelineRunReport? = nil) -> (
        records: Pipeline<DefinitionRun<Records>>, report: PipelineRunReport
    ) where Records.Element == JSONValue {
        let report = report ?? makeReport()
        return (Pipeline(DefinitionRun(base: records, pipeline: self, report: report, replay: [])), report)
    }

    /// Replays dead letters, each from the step that set it aside (after the cause is fixed — a new version of
    /// a transform, a service back up). Records that fail again become dead letters of this run.
    public func replay(_ letters: [DeadLetter], report: PipelineRunReport? = nil) -> (
        records: Pipeline<DefinitionRun<InlineRecords>>, report: PipelineRunReport
    ) {
        let report = report ?? makeReport()
        return (
            Pipeline(DefinitionRun(base: InlineRecords(records: []), pipeline: self, report: report, replay: letters)),
            report
        )
    }

    /// Runs an `inline` definition and collects its output.
    /// - Throws: `invalid_pipeline` for another source (use ``execute(input:environment:sink:report:)``), or the
    ///   run's error.
    public func collect(limit: Int = 1_000_000) async throws(PipeError) -> (
        records: [JSONValue], report: PipelineRunReport
    ) {
        guard case .inline(let records) = definition.source else {
            throw PipeError(.invalidPipeline, "source: collect(limit:) runs inline sources; use execute")
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

/// Any record sequence behind one concrete type, for sources chosen at run time.
public struct AnyRecords: AsyncSequence, Sendable {
    public typealias Element = JSONValue
    let make: @Sendable () -> AsyncIterator

    /// Wraps a sequence.
    public init<Records: AsyncSequence & Sendable>(_ base: Records) where Records.Element == JSONValue {
        if let decoded = base as? DecodedRecords {
            make = { AsyncIterator(decoded: decoded.makeAsyncIterator()) }
        } else {
            make = { AsyncIterator(base.makeAsyncIterator()) }
        }
    }

    /// A source's records a batch at a time, shared by the iterator that also hands them out one by one.
    final class BatchPull {
        private var iterator: DecodedRecords.AsyncIterator

        init(_ iterator: DecodedRecords.AsyncIterator) {
            self.iterator = iterator
        }

        func next() async throws -> DecodedChunk? { try await iterator.nextChunk() }
        func nextRecord() async throws -> JSONValue? { try await iterator.next() }
    }

    /// Pulls from the wrapped sequence.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let pull: () async throws -> JSONValue?
        let batches: BatchPull?

        init<Base: AsyncIteratorProtocol>(_ base: Base) where Base.Element == JSONValue {
            var base = base
            pull = { try await base.next() }
            batches = nil
        }

        init(decoded: DecodedRecords.AsyncIterator) {
            let batches = BatchPull(decoded)
            pull = { try await batches.nextRecord() }
            self.batches = batches
        }

        /// The next record, `nil` at the end.
        public mutating func next() async throws -> JSONValue? { try await pull() }
    }

    public func makeAsyncIterator() -> AsyncIterator { make() }
}
