import PipeCore

/// Reads a ``PipelineDefinition`` from its JSON form, reporting the path of the first bad field
/// (`steps[2].expression`) in an `invalid_pipeline` error.
struct DefinitionReader {
    let value: JSONValue

    init(_ value: JSONValue) {
        self.value = value
    }

    static func invalid(_ path: String, _ problem: String) -> PipeError {
        PipeError(.invalidPipeline, "\(path): \(problem)", details: ["field": path])
    }

    static let fields = ["name", "version", "source", "steps", "sink", "onError", "deadLetter", "limits"]

    func definition() throws(PipeError) -> PipelineDefinition {
        guard case .object(let root) = value else { throw Self.invalid("(root)", "must be an object") }
        for key in root.keys where !Self.fields.contains(key) {
            throw Self.invalid(key, "is not a field of a pipeline definition")
        }
        guard let nameText = root["name"]?.stringValue else { throw Self.invalid("name", "is required, a string") }
        let name: PipelineName
        do {
            name = try PipelineName(nameText)
        } catch {
            throw Self.invalid("name", error.message)
        }
        var version = 1
        if let raw = root["version"] {
            guard let v = raw.intValue, v >= 1 else {
                throw Self.invalid("version", "must be a whole number, 1 or more")
            }
            version = v
        }
        let source = try readSource(root["source"])
        guard case .array(let rawSteps)? = root["steps"] else { throw Self.invalid("steps", "is required, an array") }
        guard rawSteps.count <= 1_000 else { throw Self.invalid("steps", "has more than 1000 steps") }
        var steps: [PipelineStep] = []
        for (index, raw) in rawSteps.enumerated() { steps.append(try readStep(raw, path: "steps[\(index)]")) }
        let sink = try readSink(root["sink"], path: "sink")
        let onError = try readFailureAction(root["onError"], path: "onError") ?? .fail
        let deadLetter = try readSink(root["deadLetter"], path: "deadLetter")
        if deadLetter == .caller { throw Self.invalid("deadLetter.type", "must be collect, file or storage") }
        let limits = try readLimits(root["limits"])
        return PipelineDefinition(
            name: name, version: version, source: source, steps: steps, sink: sink, onError: onError,
            deadLetter: deadLetter, limits: limits)
    }

    // MARK: Sources and sinks

    func readSource(_ raw: JSONValue?) throws(PipeError) -> PipelineSource {
        guard let raw else { return .caller }
        let kinds = "\"inline\", \"caller\", \"file\" or \"storage\""
        guard case .object(let object) = raw, let type = object["type"]?.stringValue else {
            throw Self.invalid("source.type", "is required: \(kinds)")
        }
        try checkFields(object, of: type, path: "source")
        switch type {
        case "inline":
            guard case .array(let records)? = object["records"] else {
                throw Self.invalid("source.records", "is required for an inline source, an array")
            }
            return .inline(records)
        case "caller": return .caller
        case "file":
            return .file(
                path: try requiredString(object, "path", in: "source"), format: try readFormat(object, path: "source"))
        case "storage":
            let (bucket, key) = try readObject(object, path: "source")
            return .storage(bucket: bucket, key: key, format: try readFormat(object, path: "source"))
        default:
            throw Self.invalid("source.type", "unknown source type \"\(type)\" (expected \(kinds))")
        }
    }

    func readSink(_ raw: JSONValue?, path: String) throws(PipeError) -> PipelineSink {
        guard let raw else { return .collect }
        let kinds = "\"collect\", \"caller\", \"file\" or \"storage\""
        guard case .object(let object) = raw, let type = object["type"]?.stringValue else {
            throw Self.invalid("\(path).type", "is required: \(kinds)")
        }
        try checkFields(object, of: type, path: path)
        switch type {
        case "collect": return .collect
        case "caller": return .caller
        case "file":
            return .file(path: try requiredString(object, "path", in: path), format: try readFormat(object, path: path))
        case "storage":
            let (bucket, key) = try readObject(object, path: path)
            return .storage(bucket: bucket, key: key, format: try readFormat(object, path: path))
        default:
            throw Self.invalid("\(path).type", "unknown sink type \"\(type)\" (expected \(kinds))")
        }
    }

    func readObject(_ object: JSONObject, path: String) throws(PipeError) -> (BucketName, ObjectKey) {
        let bucketText = try requiredString(object, "bucket", in: path)
        let keyText = try requiredString(object, "key", in: path)
        let bucket: BucketName
        let key: ObjectKey
        do {
            bucket = try BucketName(bucketText)
        } catch {
            throw Self.invalid("\(path).bucket", error.message)
        }
        do {
            key = try ObjectKey(keyText)
        } catch {
            throw Self.invalid("\(path).key", error.message)
        }
        return (bucket, key)
    }

    /// `format` (`jsonl`, `json` or `csv`) and its `csv` options; JSON Lines when absent.
    func readFormat(_ object: JSONObject, path: String, allowed: [String] = ["jsonl", "json", "csv"])
        throws(PipeError) -> RecordFormat
    {
        let name = object["format"]?.stringValue ?? "jsonl"
        guard allowed.contains(name) else {
            throw Self.invalid("\(path).format", "must be one of \(allowed.joined(separator: ", "))")
        }
        switch name {
        case "csv": return .csv(try readCSVOptions(object["csv"], path: "\(path).csv"))
        case "json": return .jsonArray
        default:
            if object["csv"] != nil { throw Self.invalid("\(path).csv", "is only for the csv format") }
            return .jsonLines
        }
    }

    func readCSVOptions(_ raw: JSONValue?, path: String) throws(PipeError) -> CSVOptions {
        var options = CSVOptions()
        guard let raw else { return options }
        guard case .object(let object) = raw else { throw Self.invalid(path, "must be an object") }
        for key in object.keys where !["delimiter", "header", "columns", "inferTypes"].contains(key) {
            throw Self.invalid("\(path).\(key)", "is not a CSV option")
        }
        if let value = object["delimiter"] {
            guard let text = value.stringValue, text.utf8.count == 1, let byte = text.utf8.first,
                byte != UInt8(ascii: "\""), byte != 0x0A, byte != 0x0D
            else {
                throw Self.invalid("\(path).delimiter", "must be one ASCII character other than a quote or line break")
            }
            options.delimiter = byte
        }
        if let value = object["header"] {
            guard let flag = value.boolValue else { throw Self.invalid("\(path).header", "must be true or false") }
            options.header = flag
        }
        if let value = object["inferTypes"] {
            guard let flag = value.boolValue else {
                throw Self.invalid("\(path).inferTypes", "must be true or false")
            }
            options.inferTypes = flag
        }
        if let value = object["columns"] {
            guard case .array(let items) = value, !items.isEmpty else {
                throw Self.invalid("\(path).columns", "must be a non-empty array of names")
            }
            var names: [String] = []
            for item in items {
                guard let name = item.stringValue else {
                    throw Self.invalid("\(path).columns", "must be a non-empty array of names")
                }
                names.append(name)
            }
            guard Set(names).count == names.count else { throw Self.invalid("\(path).columns", "names a column twice") }
            options.columns = names
        }
        return options
    }

    /// Refuses fields a source or sink of `type` does not have, so a misspelt `formt` is an error rather than
    /// a silent fallback to the default.
    func checkFields(_ object: JSONObject, of type: String, path: String) throws(PipeError) {
        let allowed: [String] =
            switch type {
            case "inline": ["type", "records"]
            case "file": ["type", "path", "format", "csv"]
            case "storage": ["type", "bucket", "key", "format", "csv"]
            default: ["type"]
            }
        for key in object.keys where !allowed.contains(key) {
            throw Self.invalid("\(path).\(key)", "is not a field of a \(type) \(path == "source" ? "source" : "sink")")
        }
    }

    // MARK: Shared field readers

    func requiredString(_ object: JSONObject, _ field: String, in path: String) throws(PipeError) -> String {
        guard let text = object[field]?.stringValue, !text.isEmpty else {
            throw Self.invalid("\(path).\(field)", "is required, a non-empty string")
        }
        return text
    }

    func readFailureAction(_ raw: JSONValue?, path: String) throws(PipeError) -> StepFailureAction? {
        guard let raw else { return nil }
        guard let text = raw.stringValue, let action = StepFailureAction(rawValue: text) else {
            throw Self.invalid(path, "must be one of fail, skip, deadLetter")
        }
        return action
    }

    func readDuration(_ raw: JSONValue, path: String) throws(PipeError) -> Duration {
        guard let text = raw.stringValue, let duration = DurationText.parse(text) else {
            throw Self.invalid(path, "must be a duration such as \"250ms\", \"2s\" or \"1m\" (at most a day)")
        }
        return duration
    }

    func readLimits(_ raw: JSONValue?) throws(PipeError) -> PipelineLimits {
        var limits = PipelineLimits()
        guard let raw else { return limits }
        guard case .object(let object) = raw else { throw Self.invalid("limits", "must be an object") }
        for key in object.keys where !PipelineLimits.fields.contains(where: { $0.name == key }) {
            throw Self.invalid("limits.\(key)", "is not a limit")
        }
        for (name, path) in PipelineLimits.fields {
            guard let value = object[name] else { continue }
            guard let n = value.intValue, n > 0 else { throw Self.invalid("limits.\(name)", "must be positive") }
            limits[keyPath: path] = n
        }
        return limits
    }
}
