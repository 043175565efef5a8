import ArgumentParser
import Foundation
import Logging
import PipeCore
import PipePipeline
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pipe run`: run a declarative pipeline in this process.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a declarative pipeline definition (JSON or YAML) in this process.",
        discussion: """
            Records come from the definition's source, or from --input (a file: .csv, .json for one \
            array, JSON Lines otherwise; '-' for JSON Lines on standard input). Results go to the \
            definition's sink, or to --output (the same formats by extension), or to standard output \
            as JSON Lines. Files appear only when the run succeeds (written under a temporary name, \
            then renamed). Dead letters go to the definition's deadLetter sink or --dead-letters \
            (JSON Lines), and --replay runs such a file again from each record's step. Progress goes \
            to standard error: a live line on a terminal, one summary line otherwise. Exits 2 for a \
            definition that does not check out, 1 for a failed run.
            """
    )

    @Argument(help: "The pipeline definition: a JSON file, or YAML (.yaml, .yml).")
    var definition: String

    @Option(name: .long, help: "Input file (.csv, .json, or JSON Lines; '-' for standard input).")
    var input: String?

    @Option(
        name: .long,
        help:
            "Output file (.csv, .json, or JSON Lines); standard output when neither this nor the definition names one.")
    var output: String?

    @Option(name: .customLong("dead-letters"), help: "Write dead letters to this JSON Lines file.")
    var deadLetters: String?

    @Option(name: .long, help: "Replay the dead letters in this JSON Lines file instead of reading the source.")
    var replay: String?

    func run() async throws {
        let compiled: CompiledPipeline
        do throws(PipeError) {
            compiled = try loadDefinition().compile()
        } catch {
            CommandOutput.fail(error, exitCode: 2)
        }
        let progress = RunProgress(interactive: isatty(STDERR_FILENO) != 0)
        do {
            try await execute(compiled, progress: progress)
        } catch {
            progress.finish()
            CommandOutput.fail(error, exitCode: 1)
        }
    }

    /// The definition, with the source, sink and dead-letter file the options name.
    func loadDefinition() throws(PipeError) -> PipelineDefinition {
        var loaded = try DefinitionFile.load(definition, input: input == "-" ? nil : input, output: output)
        if input == "-" { loaded.source = .caller }
        if let deadLetters { loaded.deadLetter = .file(path: deadLetters, format: .jsonLines) }
        return loaded
    }

    func execute(_ compiled: CompiledPipeline, progress: RunProgress) async throws(PipeError) {
        let standardOutput = StandardOutput()
        let sink: (@Sendable (JSONValue) async throws -> Void)?
        var pipeline = compiled
        if compiled.definition.sink == .collect {
            // Nothing named an output: stream to standard output rather than collect in memory.
            var definition = compiled.definition
            definition.sink = .caller
            pipeline = try definition.compile()
            sink = { record throws in try standardOutput.write(record) }
        } else {
            sink = nil
        }
        let environment = PipelineEnvironment(logger: Self.logger())
        let report = pipeline.makeReport()
        progress.start(report)
        if let replay {
            let letters = try Self.readDeadLetters(replay)
            _ = try await pipeline.execute(replaying: letters, environment: environment, sink: sink, report: report)
        } else if case .caller = pipeline.definition.source {
            let records = JSONLinesRecords(fileDescriptor: FileHandle.standardInput.fileDescriptor)
            _ = try await pipeline.execute(input: records, environment: environment, sink: sink, report: report)
        } else {
            _ = try await pipeline.execute(environment: environment, sink: sink, report: report)
        }
        try standardOutput.flush()
        progress.finish()
    }

    /// Run logs on standard error, at `PIPE_LOG_LEVEL` (`warning` by default: dead letters and failures).
    static func logger() -> Logger {
        var logger = Logger(label: "pipe.run") { StreamLogHandler.standardError(label: $0) }
        let level = ProcessInfo.processInfo.environment["PIPE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = level ?? .warning
        return logger
    }

    static func readDeadLetters(_ path: String) throws(PipeError) -> [DeadLetter] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipeError(.notFound, "cannot read \(path)")
        }
        var letters: [DeadLetter] = []
        for (index, line) in data.split(separator: UInt8(ascii: "\n")).enumerated()
        where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
            do {
                letters.append(try DeadLetter(json: try JSONValue(parsing: [UInt8](line))))
            } catch {
                throw PipeError(error.code, "\(path) line \(index + 1): \(error.message)")
            }
        }
        return letters
    }
}

/// Buffered JSON Lines on standard output, written in 64 KiB chunks.
final class StandardOutput: Sendable {
    private let buffer = Mutex(JSONWriter(capacity: 1 << 17))

    func write(_ record: JSONValue) throws(PipeError) {
        let chunk: [UInt8]? = buffer.withLock { writer in
            writer.write(record)
            writer.appendRaw(0x0A)
            guard writer.bytes.count >= 1 << 16 else { return nil }
            defer { writer.reset() }
            return writer.bytes
        }
        if let chunk { try Self.emit(chunk) }
    }

    func flush() throws(PipeError) {
        let chunk = buffer.withLock { writer in
            defer { writer.reset() }
            return writer.bytes
        }
        try Self.emit(chunk)
    }

    private static func emit(_ bytes: [UInt8]) throws(PipeError) {
        guard !bytes.isEmpty else { return }
        do {
            try FileHandle.standardOutput.write(contentsOf: bytes)
        } catch {
            throw PipeError(.unavailable, "writing to standard output failed: \(error)")
        }
    }
}
