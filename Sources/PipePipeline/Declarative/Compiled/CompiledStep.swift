import PipeCore
import PipeExpression

/// One compiled declarative step: its operation with expressions compiled, its label, and its failure policy.
///
/// A class, so the run's per-record path passes one reference around rather than copying the step's fields.
final class CompiledStep: Sendable {
    enum Operation: Sendable {
        case filter(JMESPathExpression)
        case map(JMESPathExpression)
        case flatMap(JMESPathExpression)
        case dedupe(JMESPathExpression)
        case validate([(field: String, kind: JSONValue.Kind)])
        case batch(Int)
        case aggregate(CompiledAggregate)
        case sort(JMESPathExpression, descending: Bool)
        case parse(RecordFormat, field: JMESPathExpression?)
        case format(RecordFormat)
        case custom(PipelineTransforms.Transform, options: JSONValue)
    }

    /// `steps[i] (type)`.
    let label: String
    let operation: Operation
    let onError: StepFailureAction
    let retry: RetryPolicy?
    let timeout: Duration?
    /// Whether a record's trip through the step may suspend (a custom transform, a retry's backoff, a
    /// timeout); the run takes other steps synchronously, without the cost of an `await` per record.
    let isAsynchronous: Bool

    init(label: String, operation: Operation, onError: StepFailureAction, retry: RetryPolicy?, timeout: Duration?) {
        self.label = label
        self.operation = operation
        self.onError = onError
        self.retry = retry
        self.timeout = timeout
        if case .custom = operation {
            isAsynchronous = true
        } else {
            isAsynchronous = (retry?.attempts ?? 1) > 1 || timeout != nil
        }
    }

    /// Whether the step keeps records (and puts out results later): a record it takes in without putting
    /// anything out is counted as passed, not dropped.
    var absorbs: Bool {
        switch operation {
        case .batch, .aggregate, .sort: true
        default: false
        }
    }

    /// Fresh state for one run.
    func makeState() -> StepState {
        switch operation {
        case .dedupe: .dedupe(DedupeMemory())
        case .batch(let size): .batch(BatchBuffer(size: size))
        case .aggregate: .aggregate(AggregateGroups())
        case .sort: .sort(SortBuffer())
        default: .none
        }
    }

    /// One attempt at one record. Stateful steps change their state only when the attempt succeeds, so a retry
    /// starts from the same place. Breaking a run limit throws ``RunLimitError``, which no error policy absorbs.
    func run(_ record: JSONValue, state: StepState, limits: PipelineLimits) async throws -> Emission<JSONValue> {
        if case .custom(let transform, let options) = operation { return .many(try await transform(record, options)) }
        return try runSynchronously(record, state: state, limits: limits)
    }

    /// One attempt of a built-in step (a custom step is never run here).
    func runSynchronously(_ record: JSONValue, state: StepState, limits: PipelineLimits) throws -> Emission<JSONValue> {
        switch operation {
        case .filter(let expression):
            return try expression.evaluate(record).isTruthy ? .one(record) : .none
        case .map(let expression):
            let value = try expression.evaluate(record)
            return value.isNull ? .none : .one(value)
        case .flatMap(let expression):
            switch try expression.evaluate(record) {
            case .array(let elements): return .many(elements.filter { !$0.isNull })
            case .null: return .none
            case let other:
                throw PipeError(.expressionInvalidType, "flatMap needs an array, got \(other.kind.rawValue)")
            }
        case .dedupe(let key):
            guard case .dedupe(let memory) = state else { return .none }
            return try memory.insert(try key.evaluate(record), limit: limits.maxDistinctKeys, step: label)
                ? .one(record) : .none
        case .validate(let required):
            guard case .object(let object) = record else {
                throw PipeError(.invalidArgument, "record is \(record.kind.rawValue), not an object")
            }
            for (field, kind) in required {
                guard let value = object[field] else { throw PipeError(.invalidArgument, "missing field \(field)") }
                guard value.kind == kind else {
                    throw PipeError(.invalidArgument, "field \(field) is \(value.kind.rawValue), not \(kind.rawValue)")
                }
            }
            return .one(record)
        case .batch:
            guard case .batch(let buffer) = state else { return .none }
            return buffer.add(record).map { .one(.array($0)) } ?? .none
        case .aggregate(let aggregate):
            guard case .aggregate(let groups) = state else { return .none }
            let results = try groups.add(record, aggregate: aggregate, limits: limits, step: label)
            return results.isEmpty ? .none : .many(results)
        case .sort(let key, _):
            guard case .sort(let buffer) = state else { return .none }
            try buffer.add(record, key: try key.evaluate(record), limit: limits.maxSortRecords, step: label)
            return .none
        case .parse(let format, let field):
            return .one(try Self.parse(field.map { try $0.evaluate(record) } ?? record, format: format, limits: limits))
        case .format(let format):
            return .one(try Self.format(record, format: format))
        case .custom:
            throw PipeError(.internalError, "\(label) is asynchronous")
        }
    }

    /// What a stateful step still holds at the end of the run.
    func finish(state: StepState) -> [JSONValue] {
        switch (operation, state) {
        case (.batch, .batch(let buffer)): buffer.drain().map { [.array($0)] } ?? []
        case (.aggregate(let aggregate), .aggregate(let groups)): groups.drain(aggregate: aggregate)
        case (.sort(_, let descending), .sort(let buffer)): buffer.drain(descending: descending)
        default: []
        }
    }

    static func parse(_ input: JSONValue, format: RecordFormat, limits: PipelineLimits) throws(PipeError) -> JSONValue {
        guard case .string(let text) = input else {
            throw PipeError(.invalidArgument, "parse needs a string, got \(input.kind.rawValue)")
        }
        guard text.utf8.count <= limits.maxRecordBytes else {
            throw PipeError(.limitExceeded, "the text is longer than \(limits.maxRecordBytes) bytes")
        }
        switch format {
        case .csv(var options):
            options.header = false
            var decoder = CSVDecoder(options: options, maxRecordBytes: limits.maxRecordBytes)
            let records = try decoder.decodeAll(Array(text.utf8))
            guard records.count == 1, let record = records.first else {
                throw PipeError(.invalidArgument, "the text holds \(records.count) CSV rows, not one")
            }
            return record
        case .jsonLines, .jsonArray:
            return try JSONValue(parsing: text)
        }
    }

    static func format(_ record: JSONValue, format: RecordFormat) throws(PipeError) -> JSONValue {
        switch format {
        case .csv(let options):
            guard case .object(let object) = record else {
                throw PipeError(.invalidArgument, "CSV needs object records, got \(record.kind.rawValue)")
            }
            let columns = options.columns ?? Array(object.keys)
            var output: [UInt8] = []
            var writer = JSONWriter()
            RecordEncoder.appendRow(
                columns.map { object[$0] ?? .null }, delimiter: options.delimiter, into: &output, with: &writer)
            output.removeLast()  // the line break
            return .string(String(decoding: output, as: UTF8.self))
        case .jsonLines, .jsonArray:
            return .string(record.serializedString())
        }
    }
}

extension CompiledStep {
    /// The fields of source records `steps` read, when that is not all of them: the steps up to the first one
    /// that replaces the record (`map`, `flatMap`, `aggregate`) read only the fields their expressions name.
    /// Records that can reach the sink whole, or a dead letter, or a step that takes the whole record (`sort`,
    /// `batch`, `format`, `custom`, …), keep every field.
    static func fieldSelection(of steps: [CompiledStep]) -> JSONFieldSelection? {
        var paths: [[String]] = []
        func read(_ expressions: [JMESPathExpression]) -> Bool {
            for expression in expressions {
                guard let used = expression.fieldPaths else { return false }
                paths += used
            }
            return true
        }
        for step in steps {
            if step.onError == .deadLetter { return nil }  // a dead letter keeps its whole record
            switch step.operation {
            case .filter(let expression), .dedupe(let expression): guard read([expression]) else { return nil }
            case .validate(let required): paths += required.map { [$0.field] }
            case .map(let expression), .flatMap(let expression):
                return read([expression]) ? JSONFieldSelection(paths: paths) : nil
            case .aggregate(let aggregate):
                return read([aggregate.groupBy].compactMap { $0 } + aggregate.expressions)
                    ? JSONFieldSelection(paths: paths) : nil
            case .batch, .sort, .parse, .format, .custom: return nil
            }
        }
        return nil
    }
}

/// A run limit was broken: the run fails whatever the step's error policy says, since going on would lose
/// records or grow without bound.
struct RunLimitError: Error {
    let error: PipeError
}
