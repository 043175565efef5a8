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

    func definition() throws(PipeError) -> PipelineDefinition {
        guard case .object(let root) = value else { throw Self.invalid("(root)", "must be an object") }
        for key in root.keys where !["name", "version", "source", "steps", "limits"].contains(key) {
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
        var steps: [PipelineStep] = []
        for (index, raw) in rawSteps.enumerated() { steps.append(try readStep(raw, path: "steps[\(index)]")) }
        let limits = try readLimits(root["limits"])
        return PipelineDefinition(name: name, version: version, source: source, steps: steps, limits: limits)
    }

    func readSource(_ raw: JSONValue?) throws(PipeError) -> PipelineSource {
        guard let raw else { return .caller }
        guard case .object(let object) = raw, let type = object["type"]?.stringValue else {
            throw Self.invalid("source.type", "is required: \"inline\" or \"caller\"")
        }
        switch type {
        case "inline":
            guard case .array(let records)? = object["records"] else {
                throw Self.invalid("source.records", "is required for an inline source, an array")
            }
            return .inline(records)
        case "caller": return .caller
        default:
            throw Self.invalid("source.type", "unknown source type \"\(type)\" (expected \"inline\" or \"caller\")")
        }
    }

    func readStep(_ raw: JSONValue, path: String) throws(PipeError) -> PipelineStep {
        guard case .object(let object) = raw else { throw Self.invalid(path, "must be an object") }
        guard let type = object["type"]?.stringValue else { throw Self.invalid("\(path).type", "is required") }
        func string(_ field: String) throws(PipeError) -> String {
            guard let text = object[field]?.stringValue, !text.isEmpty else {
                throw Self.invalid("\(path).\(field)", "is required for a \(type) step, a non-empty string")
            }
            return text
        }
        switch type {
        case "filter": return .filter(expression: try string("expression"))
        case "map": return .map(expression: try string("expression"))
        case "flatMap": return .flatMap(expression: try string("expression"))
        case "dedupe": return .dedupe(key: try string("key"))
        case "validate":
            guard case .object(let fields)? = object["required"], !fields.isEmpty else {
                throw Self.invalid("\(path).required", "is required: an object of field name to type")
            }
            var required: [String: JSONValue.Kind] = [:]
            for member in fields {
                guard let name = member.value.stringValue, let kind = JSONValue.Kind(rawValue: name) else {
                    let kinds = JSONValue.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw Self.invalid("\(path).required.\(member.key)", "must be one of \(kinds)")
                }
                required[member.key] = kind
            }
            return .validate(required: required)
        default:
            throw Self.invalid(
                "\(path).type", "unknown step type \"\(type)\" (expected filter, map, flatMap, dedupe or validate)")
        }
    }

    func readLimits(_ raw: JSONValue?) throws(PipeError) -> PipelineLimits {
        var limits = PipelineLimits()
        guard let raw else { return limits }
        guard case .object(let object) = raw else { throw Self.invalid("limits", "must be an object") }
        if let value = object["maxRecords"] {
            guard let n = value.intValue, n > 0 else { throw Self.invalid("limits.maxRecords", "must be positive") }
            limits.maxRecords = n
        }
        if let value = object["maxDistinctKeys"] {
            guard let n = value.intValue, n > 0 else {
                throw Self.invalid("limits.maxDistinctKeys", "must be positive")
            }
            limits.maxDistinctKeys = n
        }
        return limits
    }
}
