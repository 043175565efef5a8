// custom-transform DIRECTORY
//
// A pipeline step written in Swift. Registers a `slugify` transform with the in-process services, registers a
// pipeline that uses it as a `custom` step (a definition with a custom step the program does not know is refused),
// runs the pipeline by name over a few records, and prints what it put out, one JSON line each.
import Foundation
import PipeClient
import PipeCore
import PipePipeline

/// "Hello, World!" → "hello-world": lowercase ASCII letters and digits, runs of anything else as one "-".
func slug(_ text: String) -> String {
    var output = ""
    var pendingDash = false
    for character in text.lowercased() {
        if character.isASCII && (character.isLetter || character.isNumber) {
            if pendingDash && !output.isEmpty { output.append("-") }
            output.append(character)
            pendingDash = false
        } else {
            pendingDash = true
        }
    }
    return output
}

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: custom-transform DIRECTORY\n".utf8))
    exit(2)
}

do {
    var options = EmbeddedServices.Options()
    // The transform's options are checked when a definition is registered or submitted, not when it first runs.
    options.transforms.register(
        "slugify",
        checkOptions: { options throws(PipeError) in
            guard options["from"]?.stringValue != nil, options["to"]?.stringValue != nil else {
                throw PipeError(.invalidPipeline, "slugify needs options.from and options.to (field names)")
            }
        }
    ) { record, options in
        guard case .object(var fields) = record, let from = options["from"]?.stringValue,
            let to = options["to"]?.stringValue, let text = fields[from]?.stringValue
        else { return [record] }  // records without the field pass unchanged
        fields[to] = .string(slug(text))
        return [.object(fields)]
    }
    let services = try await EmbeddedServices.open(directory: arguments[1], options: options)
    guard let admin = try await services.bootstrapAdmin() else {
        FileHandle.standardError.write(Data("custom-transform: use a fresh directory\n".utf8))
        exit(2)
    }
    let pipe = try await PipeClient.embedded(services, credentials: .apiKey(admin.apiKey))
    let workers = Task { await services.runWorkers() }

    let definition = try PipelineDefinition.decode([
        "name": "articles", "source": ["type": "caller"],
        "steps": [
            ["type": "custom", "name": "slugify", "options": ["from": "title", "to": "slug"]],
            ["type": "map", "expression": "{slug: slug, characters: length(title)}"],
        ],
        "sink": ["type": "collect"],
    ])
    let registration = try await pipe.pipelines.register(definition)
    FileHandle.standardError.write(Data("registered \(registration.pipeline.name) v\(registration.pipeline.version)\n".utf8))

    let records: [JSONValue] = [["title": "Hello, World!"], ["title": "Pipe: one API, two modes"]]
    let job = try await pipe.jobs.run(definition.name, version: nil, input: records, idempotencyKey: nil)
    let result = try await pipe.jobs.wait(for: job.id)
    var writer = JSONWriter()
    for record in result.records {
        writer.write(record)
        writer.appendRaw(0x0A)
    }
    FileHandle.standardOutput.write(Data(writer.bytes))

    await services.stopWorkers()
    await workers.value
    await pipe.shutdown()
    if let error = result.error { throw error }
} catch {
    FileHandle.standardError.write(Data("custom-transform: \(error)\n".utf8))
    exit(1)
}
