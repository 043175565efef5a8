import Foundation
import PipeCore
import PipePipeline

/// Reading a definition file (JSON or YAML) and pointing its source and sink at files named on the command line.
enum DefinitionFile {
    static func load(_ path: String, input: String?, output: String?) throws(PipeError) -> PipelineDefinition {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipeError(.notFound, "cannot read \(path)")
        }
        var loaded: PipelineDefinition
        if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            loaded = try PipelineDefinition.parse(yaml: String(decoding: data, as: UTF8.self))
        } else {
            loaded = try PipelineDefinition.decode(try JSONValue(parsing: [UInt8](data)))
        }
        if let input { loaded.source = .file(path: input, format: format(of: input)) }
        if let output { loaded.sink = .file(path: output, format: format(of: output)) }
        return loaded
    }

    /// The format a file name suggests: `.csv` (with types inferred), `.json` (one array), else JSON Lines.
    static func format(of path: String) -> RecordFormat {
        if path.hasSuffix(".csv") { return .csv(CSVOptions(inferTypes: true)) }
        if path.hasSuffix(".json") { return .jsonArray }
        return .jsonLines
    }

    /// `path` made absolute against the current directory.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The definition with its file source, sink and dead-letter paths made absolute.
    static func absolutePaths(_ definition: PipelineDefinition) -> PipelineDefinition {
        var definition = definition
        if case .file(let path, let format) = definition.source {
            definition.source = .file(path: absolute(path), format: format)
        }
        if case .file(let path, let format) = definition.sink {
            definition.sink = .file(path: absolute(path), format: format)
        }
        if case .file(let path, let format) = definition.deadLetter {
            definition.deadLetter = .file(path: absolute(path), format: format)
        }
        return definition
    }
}
