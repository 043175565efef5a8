import PipeCore
import Yams

extension PipelineDefinition {
    /// Reads a definition written in YAML: the same fields as the JSON form.
    ///
    /// ```yaml
    /// name: paid-orders
    /// source: {type: file, path: orders.jsonl}
    /// steps:
    ///   - type: filter
    ///     expression: "status == 'paid'"
    /// ```
    ///
    /// YAML anchors and aliases are refused (they can expand a small text into a huge one), as are tags other
    /// than the core schema's, and documents over 1 MiB or nested deeper than 64.
    /// - Throws: `invalid_pipeline` naming the line and column of a YAML error, or the field of a definition error.
    public static func parse(yaml: String) throws(PipeError) -> PipelineDefinition {
        try decode(try YAMLDocument.json(yaml))
    }
}

/// YAML text as a JSON value, under bounds.
package enum YAMLDocument {
    static let maxBytes = 1 << 20
    static let maxDepth = 64

    package static func json(_ text: String) throws(PipeError) -> JSONValue {
        guard text.utf8.count <= maxBytes else {
            throw PipeError(.invalidPipeline, "the YAML document is larger than \(maxBytes) bytes")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw PipeError(.invalidPipeline, "YAML: \(error)", details: ["field": "(yaml)"])
        } catch {
            throw PipeError(.invalidPipeline, "YAML: \(error)", details: ["field": "(yaml)"])
        }
        guard let root else { throw PipeError(.invalidPipeline, "the YAML document is empty") }
        return try convert(root, depth: 0)
    }

    static func convert(_ node: Node, depth: Int) throws(PipeError) -> JSONValue {
        guard depth < maxDepth else { throw invalid(node, "nests deeper than \(maxDepth)") }
        if node.anchor != nil { throw invalid(node, "anchors and aliases are not accepted") }
        switch node {
        case .alias: throw invalid(node, "anchors and aliases are not accepted")
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue:
                guard let flag = node.bool else { throw invalid(node, "is not a boolean") }
                return .bool(flag)
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue:
                if let value = try? JSONValue(parsing: scalar.string), case .number = value { return value }
                if node.tag.rawValue == Tag.Name.int.rawValue, let n = node.int { return .int(n) }
                guard let number = node.float, number.isFinite else {
                    throw invalid(node, "\(scalar.string) is not a finite number")
                }
                return .double(number)
            case Tag.Name.str.rawValue: return .string(scalar.string)
            default: throw invalid(node, "the tag \(node.tag.rawValue) is not accepted")
            }
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try convert(item, depth: depth + 1)) }
            return .array(items)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard case .scalar(let name) = key else { throw invalid(key, "mapping keys must be strings") }
                object[name.string] = try convert(value, depth: depth + 1)
            }
            return .object(object)
        }
    }

    static func invalid(_ node: Node, _ problem: String) -> PipeError {
        let place = node.mark.map { "line \($0.line), column \($0.column): " } ?? ""
        return PipeError(.invalidPipeline, "YAML \(place)\(problem)", details: ["field": "(yaml)"])
    }
}
