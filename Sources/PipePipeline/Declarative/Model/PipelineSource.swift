import PipeCore

/// Where a definition's records come from.
public enum PipelineSource: Sendable, Hashable {
    /// Records written in the definition itself.
    case inline([JSONValue])
    /// Records handed in by the program that runs the pipeline (any `AsyncSequence` of records).
    case caller
    /// A file in a ``RecordFormat``, read as the pipeline pulls (within the run's ``PipelineEnvironment/FileAccess``).
    case file(path: String, format: RecordFormat)
    /// An object in the run's storage service, in a ``RecordFormat``.
    case storage(bucket: BucketName, key: ObjectKey, format: RecordFormat)

    /// The source in the definition's JSON format.
    public var json: JSONValue {
        switch self {
        case .inline(let records): ["type": "inline", "records": .array(records)]
        case .caller: ["type": "caller"]
        case .file(let path, let format): RecordFormat.merge(["type": "file", "path": .string(path)], format)
        case .storage(let bucket, let key, let format):
            RecordFormat.merge(
                ["type": "storage", "bucket": .string(bucket.rawValue), "key": .string(key.rawValue)], format)
        }
    }
}

/// Where a definition's output records go.
public enum PipelineSink: Sendable, Hashable {
    /// Returned to the caller (``PipelineRunResult/records``), up to ``PipelineLimits/maxCollectedRecords``.
    case collect
    /// Handed to a closure the caller gives ``CompiledPipeline/execute(input:environment:sink:report:)``.
    case caller
    /// Written to a file in a ``RecordFormat``: to a temporary file beside it, renamed into place when the run
    /// succeeds, so a failed run leaves any earlier file as it was.
    case file(path: String, format: RecordFormat)
    /// Written to an object in the run's storage service (replacing it) when the run succeeds.
    case storage(bucket: BucketName, key: ObjectKey, format: RecordFormat)

    /// The sink in the definition's JSON format.
    public var json: JSONValue {
        switch self {
        case .collect: ["type": "collect"]
        case .caller: ["type": "caller"]
        case .file(let path, let format): RecordFormat.merge(["type": "file", "path": .string(path)], format)
        case .storage(let bucket, let key, let format):
            RecordFormat.merge(
                ["type": "storage", "bucket": .string(bucket.rawValue), "key": .string(key.rawValue)], format)
        }
    }
}

extension RecordFormat {
    /// `object` with `format` (and `csv` options) added.
    static func merge(_ object: JSONObject, _ format: RecordFormat) -> JSONValue {
        var object = object
        object["format"] = .string(format.name)
        if case .csv(let options) = format { object["csv"] = options.json }
        return .object(object)
    }
}
