import PipeCore

/// A pipeline as data: a source, steps written in JMESPath Community, a sink, an error policy and limits. It is
/// `Codable` (JSON; YAML through ``parse(yaml:)``), so the same definition runs embedded or on a deployment's workers.
///
/// ```json
/// {
///   "name": "paid-orders", "version": 1,
///   "source": {"type": "file", "path": "orders.csv", "format": "csv", "csv": {"inferTypes": true}},
///   "steps": [
///     {"type": "filter", "expression": "status == 'paid'"},
///     {"type": "map", "expression": "{id: id, total: total}", "onError": "deadLetter"},
///     {"type": "dedupe", "key": "id"}
///   ],
///   "sink": {"type": "file", "path": "paid.jsonl", "format": "jsonl"},
///   "onError": "fail",
///   "deadLetter": {"type": "file", "path": "paid.dead.jsonl", "format": "jsonl"}
/// }
/// ```
///
/// Compile it with ``compile(transforms:)``, which checks every step up front and points errors at the step and
/// field (`steps[2].expression: …`).
public struct PipelineDefinition: Codable, Sendable, Hashable {
    /// The pipeline's name.
    public var name: PipelineName
    /// The definition's version, for the caller's bookkeeping (at least 1).
    public var version: Int
    /// Where records come from.
    public var source: PipelineSource
    /// The steps every record goes through, in order.
    public var steps: [PipelineStep]
    /// Where output records go.
    public var sink: PipelineSink
    /// What a failing step does with the record when the step does not say (by default, fail the run).
    public var onError: StepFailureAction
    /// Where dead letters are written when the run ends (they are always in the result, too); `collect` keeps
    /// them in the result only.
    public var deadLetter: PipelineSink
    /// Bounds on a run.
    public var limits: PipelineLimits

    /// Makes a definition.
    public init(
        name: PipelineName, version: Int = 1, source: PipelineSource = .caller, steps: [PipelineStep],
        sink: PipelineSink = .collect, onError: StepFailureAction = .fail, deadLetter: PipelineSink = .collect,
        limits: PipelineLimits = PipelineLimits()
    ) {
        self.name = name
        self.version = version
        self.source = source
        self.steps = steps
        self.sink = sink
        self.onError = onError
        self.deadLetter = deadLetter
        self.limits = limits
    }

    /// Decodes the JSON format shown above; a problem is a `DecodingError` whose underlying error
    /// is the `invalid_pipeline` `PipeError` naming the field.
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        do {
            self = try DefinitionReader(value).definition()
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath, debugDescription: error.message, underlyingError: error))
        }
    }

    /// Encodes the JSON format shown above.
    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    /// The definition in its JSON format.
    public var json: JSONValue {
        [
            "name": .string(name.rawValue), "version": .int(version), "source": source.json,
            "steps": .array(steps.map(\.json)), "sink": sink.json, "onError": .string(onError.rawValue),
            "deadLetter": deadLetter.json, "limits": limits.json,
        ]
    }

    /// Reads a definition from JSON text, turning every decoding problem into `invalid_pipeline`
    /// with the path of the offending field.
    public static func parse(json: String) throws(PipeError) -> PipelineDefinition {
        let value = try JSONValue(parsing: json)
        return try decode(value)
    }

    /// Reads a definition from a JSON value (see ``parse(json:)``).
    public static func decode(_ value: JSONValue) throws(PipeError) -> PipelineDefinition {
        try DefinitionReader(value).definition()
    }
}

/// Bounds on one run of a definition. Every buffer a run keeps is bounded by one of these, except a storage
/// source or sink, which holds the object whole (up to 1 GiB for a sink) until the storage port streams.
public struct PipelineLimits: Codable, Sendable, Hashable {
    /// The most records a run reads from its source.
    public var maxRecords: Int
    /// The most distinct keys a `dedupe` step, an `aggregate` group set or a `distinct` measure remembers.
    public var maxDistinctKeys: Int
    /// The longest record a source or `parse` step reads, in bytes.
    public var maxRecordBytes: Int
    /// The most records a `sort` step holds.
    public var maxSortRecords: Int
    /// The most dead letters a run keeps; one more fails the run rather than lose a record.
    public var maxDeadLetters: Int
    /// The most records a `collect` sink returns.
    public var maxCollectedRecords: Int

    /// Makes limits; the defaults suit files of millions of records.
    public init(
        maxRecords: Int = 100_000_000, maxDistinctKeys: Int = 10_000_000, maxRecordBytes: Int = 64 << 20,
        maxSortRecords: Int = 1_000_000, maxDeadLetters: Int = 100_000, maxCollectedRecords: Int = 1_000_000
    ) {
        self.maxRecords = maxRecords
        self.maxDistinctKeys = maxDistinctKeys
        self.maxRecordBytes = maxRecordBytes
        self.maxSortRecords = maxSortRecords
        self.maxDeadLetters = maxDeadLetters
        self.maxCollectedRecords = maxCollectedRecords
    }

    /// Every limit by its JSON name, in order.
    static var fields: [(name: String, path: WritableKeyPath<PipelineLimits, Int>)] {
        [
            ("maxRecords", \.maxRecords), ("maxDistinctKeys", \.maxDistinctKeys), ("maxRecordBytes", \.maxRecordBytes),
            ("maxSortRecords", \.maxSortRecords), ("maxDeadLetters", \.maxDeadLetters),
            ("maxCollectedRecords", \.maxCollectedRecords),
        ]
    }

    /// The limits in the definition's JSON format.
    var json: JSONValue { .object(JSONObject(Self.fields.map { ($0.name, .int(self[keyPath: $0.path])) })) }
}
