import PipeCore

/// A pipeline as data: a source, steps written in JMESPath Community, and limits. It is `Codable`
/// (JSON), so the same definition runs embedded or, later, on a deployment's workers.
///
/// ```json
/// {
///   "name": "paid-orders", "version": 1,
///   "source": {"type": "inline", "records": [{"id": 1, "status": "paid", "total": 120}]},
///   "steps": [
///     {"type": "filter", "expression": "status == 'paid'"},
///     {"type": "map", "expression": "{id: id, total: total}"},
///     {"type": "dedupe", "key": "id"}
///   ]
/// }
/// ```
///
/// Compile it with ``compile()``, which checks every step up front and points errors at the step
/// and field (`steps[2].expression: …`).
public struct PipelineDefinition: Codable, Sendable, Hashable {
    /// The pipeline's name.
    public var name: PipelineName
    /// The definition's version, for the caller's bookkeeping (at least 1).
    public var version: Int
    /// Where records come from.
    public var source: PipelineSource
    /// The steps every record goes through, in order.
    public var steps: [PipelineStep]
    /// Bounds on a run.
    public var limits: PipelineLimits

    /// Makes a definition.
    public init(
        name: PipelineName, version: Int = 1, source: PipelineSource = .caller, steps: [PipelineStep],
        limits: PipelineLimits = PipelineLimits()
    ) {
        self.name = name
        self.version = version
        self.source = source
        self.steps = steps
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
            "steps": .array(steps.map(\.json)),
            "limits": ["maxRecords": .int(limits.maxRecords), "maxDistinctKeys": .int(limits.maxDistinctKeys)],
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

/// Bounds on one run of a definition.
public struct PipelineLimits: Codable, Sendable, Hashable {
    /// The most records a run reads from its source.
    public var maxRecords: Int
    /// The most distinct keys a `dedupe` step remembers.
    public var maxDistinctKeys: Int

    /// Makes limits; the defaults suit files of millions of records.
    public init(maxRecords: Int = 100_000_000, maxDistinctKeys: Int = 10_000_000) {
        self.maxRecords = maxRecords
        self.maxDistinctKeys = maxDistinctKeys
    }
}

/// Where a definition's records come from.
public enum PipelineSource: Sendable, Hashable {
    /// Records written in the definition itself.
    case inline([JSONValue])
    /// Records handed in by the program that runs the pipeline.
    case caller

    /// The source in the definition's JSON format.
    public var json: JSONValue {
        switch self {
        case .inline(let records): ["type": "inline", "records": .array(records)]
        case .caller: ["type": "caller"]
        }
    }
}

/// One step of a definition.
public enum PipelineStep: Sendable, Hashable {
    /// Keeps the records for which the expression is truthy.
    case filter(expression: String)
    /// Replaces each record with the expression's result (a `null` result drops the record).
    case map(expression: String)
    /// Replaces each record with the elements of the array the expression gives.
    case flatMap(expression: String)
    /// Drops records whose key (an expression) was already seen.
    case dedupe(key: String)
    /// Checks that records have the fields given, of the kinds given; others fail the step.
    case validate(required: [String: JSONValue.Kind])

    /// The step's type as written in JSON.
    public var type: String {
        switch self {
        case .filter: "filter"
        case .map: "map"
        case .flatMap: "flatMap"
        case .dedupe: "dedupe"
        case .validate: "validate"
        }
    }

    /// The step in the definition's JSON format.
    public var json: JSONValue {
        switch self {
        case .filter(let expression), .map(let expression), .flatMap(let expression):
            ["type": .string(type), "expression": .string(expression)]
        case .dedupe(let key): ["type": "dedupe", "key": .string(key)]
        case .validate(let required):
            [
                "type": "validate",
                "required": .object(
                    JSONObject(required.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value.rawValue)) })),
            ]
        }
    }
}
