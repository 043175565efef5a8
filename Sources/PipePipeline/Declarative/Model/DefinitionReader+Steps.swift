import PipeCore

extension DefinitionReader {
    static let stepTypes = [
        "filter", "map", "flatMap", "split", "dedupe", "validate", "batch", "aggregate", "sort", "parse", "format",
        "custom",
    ]
    /// The fields every step may carry besides its operation's own.
    static let policyFields = ["type", "onError", "retry", "timeout"]

    func readStep(_ raw: JSONValue, path: String) throws(PipeError) -> PipelineStep {
        guard case .object(let object) = raw else { throw Self.invalid(path, "must be an object") }
        guard let type = object["type"]?.stringValue else { throw Self.invalid("\(path).type", "is required") }
        let (operation, fields) = try readOperation(type, object, path: path)
        for key in object.keys where !Self.policyFields.contains(key) && !fields.contains(key) {
            throw Self.invalid("\(path).\(key)", "is not a field of a \(type) step")
        }
        var step = PipelineStep(operation)
        step.onError = try readFailureAction(object["onError"], path: "\(path).onError")
        if let raw = object["retry"] { step.retry = try readRetry(raw, path: "\(path).retry") }
        if let raw = object["timeout"] {
            guard case .custom = operation else {
                throw Self.invalid(
                    "\(path).timeout", "applies to custom steps only (built-in steps are bounded by expression limits)")
            }
            let timeout = try readDuration(raw, path: "\(path).timeout")
            guard timeout > .zero else { throw Self.invalid("\(path).timeout", "must be longer than zero") }
            step.timeout = timeout
        }
        return step
    }

    /// The operation of a step of `type`, and the fields it reads.
    func readOperation(_ type: String, _ object: JSONObject, path: String) throws(PipeError) -> (
        StepOperation, [String]
    ) {
        func string(_ field: String) throws(PipeError) -> String {
            guard let text = object[field]?.stringValue, !text.isEmpty else {
                throw Self.invalid("\(path).\(field)", "is required for a \(type) step, a non-empty string")
            }
            return text
        }
        func positive(_ field: String) throws(PipeError) -> Int {
            guard let n = object[field]?.intValue, n > 0 else {
                throw Self.invalid("\(path).\(field)", "is required for a \(type) step, a positive whole number")
            }
            return n
        }
        switch type {
        case "filter": return (.filter(expression: try string("expression")), ["expression"])
        case "map": return (.map(expression: try string("expression")), ["expression"])
        case "flatMap", "split": return (.flatMap(expression: try string("expression")), ["expression"])
        case "dedupe": return (.dedupe(key: try string("key")), ["key"])
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
            return (.validate(required: required), ["required"])
        case "batch":
            let size = try positive("size")
            guard size <= 1_000_000 else { throw Self.invalid("\(path).size", "must be at most 1000000") }
            return (.batch(size: size), ["size"])
        case "aggregate":
            return (.aggregate(try readAggregate(object, path: path)), ["groupBy", "window", "measures"])
        case "sort":
            var descending = false
            if let raw = object["order"] {
                guard let text = raw.stringValue, text == "ascending" || text == "descending" else {
                    throw Self.invalid("\(path).order", "must be \"ascending\" or \"descending\"")
                }
                descending = text == "descending"
            }
            return (.sort(by: try string("by"), descending: descending), ["by", "order"])
        case "parse":
            let format = try readFormat(object, path: path, allowed: ["json", "jsonl", "csv"])
            if case .csv(let options) = format, options.columns == nil {
                throw Self.invalid("\(path).csv.columns", "is required to parse CSV lines")
            }
            var field: String?
            if object["field"] != nil { field = try string("field") }
            return (
                .parse(format: format == .jsonArray ? .jsonLines : format, field: field), ["format", "csv", "field"]
            )
        case "format":
            let format = try readFormat(object, path: path, allowed: ["json", "jsonl", "csv"])
            return (.format(format == .jsonArray ? .jsonLines : format), ["format", "csv"])
        case "custom":
            return (.custom(name: try string("name"), options: object["options"] ?? .null), ["name", "options"])
        default:
            throw Self.invalid(
                "\(path).type",
                "unknown step type \"\(type)\" (expected \(Self.stepTypes.joined(separator: ", ")))")
        }
    }

    func readRetry(_ raw: JSONValue, path: String) throws(PipeError) -> RetryPolicy {
        guard case .object(let object) = raw else { throw Self.invalid(path, "must be an object") }
        for key in object.keys where !["attempts", "initialDelay", "maxDelay", "jitter"].contains(key) {
            throw Self.invalid("\(path).\(key)", "is not a retry option")
        }
        guard let attempts = object["attempts"]?.intValue, (1...100).contains(attempts) else {
            throw Self.invalid("\(path).attempts", "is required, a whole number from 1 to 100")
        }
        var policy = RetryPolicy.exponential(attempts: attempts)
        if let value = object["initialDelay"] {
            policy.initialDelay = try readDuration(value, path: "\(path).initialDelay")
        }
        if let value = object["maxDelay"] { policy.maximumDelay = try readDuration(value, path: "\(path).maxDelay") }
        if let value = object["jitter"] {
            guard let flag = value.boolValue else { throw Self.invalid("\(path).jitter", "must be true or false") }
            policy.jitter = flag
        }
        return policy
    }

    func readAggregate(_ object: JSONObject, path: String) throws(PipeError) -> AggregateSpec {
        var groupBy: String?
        if let raw = object["groupBy"] {
            guard let text = raw.stringValue, !text.isEmpty else {
                throw Self.invalid("\(path).groupBy", "must be a non-empty expression")
            }
            groupBy = text
        }
        var window: WindowShape?
        if let raw = object["window"] { window = try readWindow(raw, path: "\(path).window") }
        guard case .object(let rawMeasures)? = object["measures"], !rawMeasures.isEmpty else {
            throw Self.invalid("\(path).measures", "is required: an object of output field to measure")
        }
        var measures: [(name: String, measure: AggregateSpec.Measure)] = []
        for member in rawMeasures {
            let field = "\(path).measures.\(member.key)"
            guard member.key != "key" && member.key != "window" else {
                throw Self.invalid(field, "\"key\" and \"window\" are the group's own fields")
            }
            if member.value.stringValue == "count" {
                measures.append((member.key, .count(nil)))
                continue
            }
            let kinds = "\"count\" or an object such as {\"sum\": \"price\"} (count, sum, avg, min, max, distinct)"
            guard case .object(let spec) = member.value, spec.count == 1, let only = spec.first else {
                throw Self.invalid(field, "must be \(kinds)")
            }
            let kind = only.key
            guard let expression = only.value.stringValue, !expression.isEmpty else {
                throw Self.invalid("\(field).\(kind)", "must be a non-empty expression")
            }
            let measure: AggregateSpec.Measure
            switch kind {
            case "count": measure = .count(expression)
            case "sum": measure = .sum(expression)
            case "avg": measure = .avg(expression)
            case "min": measure = .min(expression)
            case "max": measure = .max(expression)
            case "distinct": measure = .distinct(expression)
            default: throw Self.invalid(field, "must be \(kinds)")
            }
            measures.append((member.key, measure))
        }
        return AggregateSpec(groupBy: groupBy, window: window, measures: measures)
    }

    func readWindow(_ raw: JSONValue, path: String) throws(PipeError) -> WindowShape {
        guard case .object(let object) = raw else { throw Self.invalid(path, "must be an object") }
        let shape = "{\"tumbling\": N} or {\"sliding\": N, \"step\": M} (counts of records)"
        if let size = object["tumbling"] {
            guard object.count == 1, let n = size.intValue, n > 0 else { throw Self.invalid(path, "must be \(shape)") }
            return .tumbling(count: n)
        }
        guard let size = object["sliding"]?.intValue, let step = object["step"]?.intValue, object.count == 2, size > 0,
            step > 0
        else {
            throw Self.invalid(path, "must be \(shape)")
        }
        guard step <= size, size / step <= 1_000 else {
            throw Self.invalid("\(path).step", "must be at most the size, and the size at most 1000 steps")
        }
        return .sliding(count: size, step: step)
    }
}
