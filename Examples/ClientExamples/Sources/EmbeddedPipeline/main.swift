// embedded-pipeline DIRECTORY DEFINITION RECORDS
//
// Everything in this process: opens (creating) the stores in DIRECTORY, makes the first admin, runs DEFINITION (a
// pipeline definition file, JSON) over the records of RECORDS (a JSON Lines file) as a job, follows its events and
// prints the records it put out, one JSON line each.
import Foundation
import PipeClient
import PipeCore
import PipePipeline

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: embedded-pipeline DIRECTORY DEFINITION RECORDS\n".utf8))
    exit(2)
}

do {
    let services = try await EmbeddedServices.open(directory: arguments[1])
    guard let admin = try await services.bootstrapAdmin() else {
        FileHandle.standardError.write(Data("embedded-pipeline: use a fresh directory\n".utf8))
        exit(2)
    }
    let pipe = try await PipeClient.embedded(services, credentials: .apiKey(admin.apiKey))
    let workers = Task { await services.runWorkers() }

    let definition = try PipelineDefinition.decode(
        try JSONValue(parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[2])))))
    let records = try String(contentsOfFile: arguments[3], encoding: .utf8).split(separator: "\n").map {
        try JSONValue(parsing: String($0))
    }
    let job = try await pipe.jobs.submit(definition.json, input: records, idempotencyKey: nil)
    for try await event in try await pipe.jobs.events(job.id) {
        FileHandle.standardError.write(Data("job \(job.id): \(event)\n".utf8))
    }
    let result = try await pipe.jobs.result(job.id)
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
    FileHandle.standardError.write(Data("embedded-pipeline: \(error)\n".utf8))
    exit(1)
}
