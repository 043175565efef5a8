import ArgumentParser
import Foundation
import PipeClient
import PipeCore
import PipePipeline

/// `pipe pipelines …`: registered pipeline definitions on a deployment, and runs of them.
struct PipelinesClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipelines", abstract: "Register, show, run and delete pipeline definitions on a deployment.",
        subcommands: [List.self, Register.self, Show.self, Versions.self, Run.self, Delete.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List your pipelines.")
        @OptionGroup var client: ClientOptions

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                let pipelines = try await pipe.pipelines.allPipelines()
                if client.json { return pipelines.forEach { printJSON(PipelineSummaryView($0)) } }
                var table = Table("NAME", "LATEST", "UPDATED")
                for pipeline in pipelines {
                    table.add(pipeline.name.rawValue, String(pipeline.latestVersion), Table.date(pipeline.updatedAt))
                }
                table.print()
            }
        }
    }

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register",
            abstract: "Store a definition as the next version of its name (nothing changes when it equals the latest).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The definition (JSON, or YAML for .yaml and .yml).") var definition: String

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                let loaded = try DefinitionFile.load(definition, input: nil, output: nil)
                let registration = try await pipe.pipelines.register(loaded)
                let pipeline = registration.pipeline
                if client.json { return printJSON(PipelineView(pipeline, created: registration.created)) }
                print(
                    registration.created
                        ? "Registered \(pipeline.name) version \(pipeline.version)."
                        : "\(pipeline.name) version \(pipeline.version) is already this definition.")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Print a pipeline's definition (the latest version, or --version).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The pipeline's name.") var name: String
        @Option(help: "The version (default: the latest).") var version: Int?

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                let pipeline = try await pipe.pipelines.pipeline(try PipelineName(name), version: version)
                if client.json { return printJSON(PipelineView(pipeline, created: nil)) }
                print("\(pipeline.name) version \(pipeline.version), stored \(Table.date(pipeline.createdAt)):")
                printJSON(pipeline.definition)
            }
        }
    }

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "versions", abstract: "List a pipeline's versions.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The pipeline's name.") var name: String

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                let pipelineName = try PipelineName(name)
                var versions: [PipelineVersionSummary] = []
                var cursor: String? = nil
                repeat {
                    let page = try await pipe.pipelines.versions(of: pipelineName, limit: 1000, cursor: cursor)
                    versions += page.items
                    cursor = page.nextCursor
                } while cursor != nil
                if client.json { return versions.forEach { printJSON(VersionView($0)) } }
                var table = Table("VERSION", "STORED")
                for version in versions { table.add(String(version.version), Table.date(version.createdAt)) }
                table.print()
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Run a registered pipeline as a job.",
            discussion: """
                With --input, the records of that JSON Lines file are sent with the job (for a pipeline whose \
                source is `caller`). With --watch, follows the job and prints its output records.
                """)
        @OptionGroup var client: ClientOptions
        @Argument(help: "The pipeline's name.") var name: String
        @Option(help: "The version to run (default: the latest).") var version: Int?
        @Option(name: .long, help: "A JSON Lines file of input records.") var input: String?
        @Option(name: .customLong("idempotency-key"), help: "Running with the same key again returns the first job.")
        var idempotencyKey: String?
        @Flag(help: "Follow the job until it ends, then print its records.") var watch = false

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                let records = try input.map { path throws(PipeError) in try RemoteJobCommands.Submit.records(path) }
                let job = try await pipe.jobs.run(
                    try PipelineName(name), version: version, input: records, idempotencyKey: idempotencyKey)
                if watch { return try await RemoteJobCommands.Watch.follow(job.id, pipe, json: client.json) }
                if client.json { printJSON(JobView(job)) } else { print("Queued job \(job.id) (\(job.pipeline)).") }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Delete a pipeline with all its versions (jobs already queued still run).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The pipeline's name.") var name: String

        func run() async {
            await clientCommand(client) { (pipe: PipeClient) throws(PipeError) in
                try await pipe.pipelines.delete(try PipelineName(name))
                if !client.json { print("Deleted \(name).") }
            }
        }
    }
}

/// A registered pipeline as the client commands print it.
struct PipelineView: Encodable {
    let name: String
    let version: Int
    let createdAt: Date
    let created: Bool?
    let definition: PipelineDefinition

    init(_ pipeline: RegisteredPipeline, created: Bool?) {
        name = pipeline.name.rawValue
        version = pipeline.version
        createdAt = pipeline.createdAt
        self.created = created
        definition = pipeline.definition
    }
}

struct PipelineSummaryView: Encodable {
    let name: String
    let latestVersion: Int
    let updatedAt: Date

    init(_ summary: PipelineSummary) {
        name = summary.name.rawValue
        latestVersion = summary.latestVersion
        updatedAt = summary.updatedAt
    }
}

struct VersionView: Encodable {
    let version: Int
    let createdAt: Date

    init(_ version: PipelineVersionSummary) {
        self.version = version.version
        createdAt = version.createdAt
    }
}
