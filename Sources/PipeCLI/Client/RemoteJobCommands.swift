import ArgumentParser
import Foundation
import PipeClient
import PipeCore
import PipePipeline

/// `pipe jobs submit|watch|cancel|get`: jobs on a deployment.
enum RemoteJobCommands {
    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit", abstract: "Run a pipeline definition as a job on a deployment.",
            discussion: """
                With --input, the records of that JSON Lines file are sent with the job (the definition's source \
                becomes `caller`). With --watch, follows the job and prints its output records.
                """)
        @OptionGroup var client: ClientOptions
        @Argument(help: "The definition (JSON, or YAML for .yaml and .yml).") var definition: String
        @Option(name: .long, help: "A JSON Lines file of input records.") var input: String?
        @Option(name: .customLong("idempotency-key"), help: "Submitting the same key again returns the first job.")
        var idempotencyKey: String?
        @Flag(help: "Follow the job until it ends, then print its records.") var watch = false

        /// The most input sent with one job (the gateway's limit for submissions).
        static let maxInputBytes = 4 << 20

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                var loaded = try DefinitionFile.load(definition, input: nil, output: nil)
                var records: [JSONValue]? = nil
                if let input {
                    loaded.source = .caller
                    records = try Self.records(input)
                }
                let job = try await pipe.jobs.submit(loaded.json, input: records, idempotencyKey: idempotencyKey)
                if watch { return try await Watch.follow(job.id, pipe, json: client.json) }
                if client.json { printJSON(JobView(job)) } else { print("Queued job \(job.id) (\(job.pipeline)).") }
            }
        }

        static func records(_ path: String) throws(PipeError) -> [JSONValue] {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw PipeError(.notFound, "cannot open \(path)") }
            defer { try? handle.close() }
            var reader = JSONLinesReader(fileDescriptor: handle.fileDescriptor, maxLineBytes: maxInputBytes)
            var records: [JSONValue] = []
            var total = 0
            try reader.forEachLine { (line, number) throws(PipeError) -> Bool in
                total += line.count
                guard total <= maxInputBytes else {
                    throw PipeError(.limitExceeded, "\(path) is over \(maxInputBytes) bytes: too much to send with a job")
                }
                do throws(PipeError) {
                    records.append(try JSONValue(parsing: line))
                } catch {
                    throw PipeError(error.code, "\(path) line \(number): \(error.message)")
                }
                return true
            }
            return records
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "watch", abstract: "Follow a job's state and progress until it ends, then print its records.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The job's id.") var id: String

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                try await Self.follow(try JobID(id), pipe, json: client.json)
            }
        }

        /// Prints state changes and progress (on standard error for people, as JSON lines with --json), then the
        /// result's records on standard output; fails when the job did not succeed.
        static func follow(_ id: JobID, _ pipe: PipeClient, json: Bool) async throws(PipeError) {
            do {
                for try await event in try await pipe.jobs.events(id) {
                    switch event {
                    case .state(let state):
                        if json { printJSON(["event": "state", "state": state.rawValue]) } else {
                            FileHandle.standardError.write(Data("job \(id): \(state.rawValue)\n".utf8))
                        }
                    case .progress(let read, let written):
                        if json { printJSON(["event": "progress", "read": String(read), "written": String(written)]) } else {
                            FileHandle.standardError.write(Data("job \(id): read \(read), wrote \(written)\n".utf8))
                        }
                    }
                }
            } catch let error as PipeError {
                throw error
            } catch {
                throw PipeError(.unavailable, "following job \(id) failed: \(error)")
            }
            let result = try await pipe.jobs.result(id)
            var output = CommandOutput()
            for record in result.records { try output.emit(record, skipNulls: false) }
            output.flush()
            if let error = result.error { throw error }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a job on a deployment.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The job's id.") var id: String

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                let job = try await pipe.jobs.cancel(try JobID(id))
                if client.json { printJSON(JobView(job)) } else { print("Job \(job.id) is \(job.state.rawValue).") }
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get", abstract: "Show a job on a deployment.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The job's id.") var id: String

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                let job = try await pipe.jobs.job(try JobID(id))
                if client.json { return printJSON(JobView(job)) }
                var table = Table("ID", "PIPELINE", "STATE", "ATTEMPTS", "UPDATED")
                table.add(job.id.rawValue, job.pipeline.rawValue, job.state.rawValue, String(job.attempts), Table.date(job.updatedAt))
                table.print()
                if let error = job.error { print("error: \(error)") }
            }
        }
    }
}

/// A job as the client commands print it.
struct JobView: Encodable {
    let id: String
    let pipeline: String
    let state: String
    let attempts: Int
    let createdAt: Date
    let updatedAt: Date
    let error: String?

    init(_ job: Job) {
        id = job.id.rawValue
        pipeline = job.pipeline.rawValue
        state = job.state.rawValue
        attempts = job.attempts
        createdAt = job.createdAt
        updatedAt = job.updatedAt
        error = job.error
    }
}
