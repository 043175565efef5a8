import PipeCore

/// One step of a definition: an operation, and what to do when it fails on a record.
///
/// ```json
/// {"type": "custom", "name": "geocode", "options": {"precision": 3},
///  "retry": {"attempts": 4, "initialDelay": "50ms"}, "timeout": "2s", "onError": "deadLetter"}
/// ```
public struct PipelineStep: Sendable, Hashable {
    /// What the step does.
    public var operation: StepOperation
    /// What happens to a record the step fails on, after any retries; `nil` takes the definition's ``PipelineDefinition/onError``.
    public var onError: StepFailureAction?
    /// Attempts and backoff for a failing record: each attempt starts again from the record as it reached the step.
    public var retry: RetryPolicy?
    /// How long one attempt of a `custom` step may take (built-in steps are bounded by the expression limits).
    public var timeout: Duration?

    /// Makes a step.
    public init(
        _ operation: StepOperation, onError: StepFailureAction? = nil, retry: RetryPolicy? = nil,
        timeout: Duration? = nil
    ) {
        self.operation = operation
        self.onError = onError
        self.retry = retry
        self.timeout = timeout
    }

    /// Keeps the records for which the expression is truthy.
    public static func filter(expression: String) -> PipelineStep { PipelineStep(.filter(expression: expression)) }
    /// Replaces each record with the expression's result (a `null` result drops the record).
    public static func map(expression: String) -> PipelineStep { PipelineStep(.map(expression: expression)) }
    /// Replaces each record with the elements of the array the expression gives.
    public static func flatMap(expression: String) -> PipelineStep { PipelineStep(.flatMap(expression: expression)) }
    /// Drops records whose key (an expression) was already seen.
    public static func dedupe(key: String) -> PipelineStep { PipelineStep(.dedupe(key: key)) }
    /// Checks that records have the fields given, of the kinds given.
    public static func validate(required: [String: JSONValue.Kind]) -> PipelineStep {
        PipelineStep(.validate(required: required))
    }

    /// The step's type as written in JSON.
    public var type: String { operation.type }

    /// The step in the definition's JSON format.
    public var json: JSONValue {
        guard case .object(var object) = operation.json else { return operation.json }
        if let onError { object["onError"] = .string(onError.rawValue) }
        if let retry {
            object["retry"] = [
                "attempts": .int(retry.attempts), "initialDelay": .string(DurationText.format(retry.initialDelay)),
                "maxDelay": .string(DurationText.format(retry.maximumDelay)), "jitter": .bool(retry.jitter),
            ]
        }
        if let timeout { object["timeout"] = .string(DurationText.format(timeout)) }
        return .object(object)
    }
}

/// What becomes of a record a step fails on (after any retries).
public enum StepFailureAction: String, Sendable, Hashable, CaseIterable {
    /// The run fails with `pipeline_stage_failed`, naming the step and the record.
    case fail
    /// The record is dropped and counted as skipped.
    case skip
    /// The record, the error, the attempt count and the step are kept as a ``DeadLetter``, to inspect and replay.
    case deadLetter
}

/// The operations a declarative step can perform.
public enum StepOperation: Sendable, Hashable {
    /// Keeps the records for which the expression is truthy.
    case filter(expression: String)
    /// Replaces each record with the expression's result (a `null` result drops the record).
    case map(expression: String)
    /// Replaces each record with the elements of the array the expression gives (`split` in JSON is the same).
    case flatMap(expression: String)
    /// Drops records whose key (an expression) was already seen in the run.
    case dedupe(key: String)
    /// Checks that records have the fields given, of the kinds given; others fail the step.
    case validate(required: [String: JSONValue.Kind])
    /// Groups records into arrays of `size` (the last may be shorter).
    case batch(size: Int)
    /// Groups records by key, in windows or over the whole run, and puts out one summary per key and window.
    case aggregate(AggregateSpec)
    /// Sorts the whole run by a key (numbers or strings), holding at most ``PipelineLimits/maxSortRecords``.
    case sort(by: String, descending: Bool)
    /// Reads a string (the record, or the expression's result) as a record in `format` (`json` or `csv`).
    case parse(format: RecordFormat, field: String?)
    /// Writes each record as a string in `format` (`json` or `csv`, one line without its line break).
    case format(RecordFormat)
    /// A transform the embedding program registered by `name`, given `options`.
    case custom(name: String, options: JSONValue)

    /// The step's type as written in JSON.
    public var type: String {
        switch self {
        case .filter: "filter"
        case .map: "map"
        case .flatMap: "flatMap"
        case .dedupe: "dedupe"
        case .validate: "validate"
        case .batch: "batch"
        case .aggregate: "aggregate"
        case .sort: "sort"
        case .parse: "parse"
        case .format: "format"
        case .custom: "custom"
        }
    }

    /// The operation in the definition's JSON format.
    public var json: JSONValue {
        switch self {
        case .filter(let expression), .map(let expression), .flatMap(let expression):
            return ["type": .string(type), "expression": .string(expression)]
        case .dedupe(let key): return ["type": "dedupe", "key": .string(key)]
        case .validate(let required):
            return [
                "type": "validate",
                "required": .object(
                    JSONObject(required.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value.rawValue)) })),
            ]
        case .batch(let size): return ["type": "batch", "size": .int(size)]
        case .aggregate(let spec): return spec.json
        case .sort(let key, let descending):
            return ["type": "sort", "by": .string(key), "order": descending ? "descending" : "ascending"]
        case .parse(let format, let field):
            guard case .object(var object) = RecordFormat.merge(["type": "parse"], format) else { return .null }
            if let field { object["field"] = .string(field) }
            return .object(object)
        case .format(let format): return RecordFormat.merge(["type": "format"], format)
        case .custom(let name, let options):
            return ["type": "custom", "name": .string(name), "options": options]
        }
    }
}
