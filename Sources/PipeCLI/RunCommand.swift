import ArgumentParser
import Foundation
import PipeCore
import PipePipeline

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pipe run`: run a declarative pipeline in this process.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a declarative pipeline definition (JSON) in this process.",
        discussion: """
            Records come from --input (JSON Lines; '-' for standard input), or from the definition's
            inline source. Results go to --output as JSON Lines (written to a temporary file and
            renamed when the run succeeds), or to standard output. Progress goes to standard error:
            a live line on a terminal, one summary line otherwise. Exits 2 for a definition that
            does not check out, 1 for a failed run.
            """
    )

    @Argument(help: "The pipeline definition, a JSON file.")
    var definition: String

    @Option(name: .long, help: "JSON Lines input ('-' for standard input).")
    var input: String?

    @Option(name: .long, help: "JSON Lines output file (standard output when omitted).")
    var output: String?

    func run() async throws {
        let compiled: CompiledPipeline
        do {
            guard let data = FileManager.default.contents(atPath: definition) else {
                throw PipeError(.notFound, "cannot read \(definition)")
            }
            compiled = try PipelineDefinition.decode(try JSONValue(parsing: [UInt8](data))).compile()
        } catch let error as PipeError {
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

    func execute(_ compiled: CompiledPipeline, progress: RunProgress) async throws(PipeError) {
        var sink = try RunSink(path: output)
        var inputHandle: FileHandle?
        defer { try? inputHandle?.close() }
        let records: any AsyncSequence<JSONValue, any Error> & Sendable
        if let input {
            if input == "-" {
                records = JSONLinesRecords(fileDescriptor: FileHandle.standardInput.fileDescriptor)
            } else {
                guard let handle = FileHandle(forReadingAtPath: input) else {
                    throw PipeError(.notFound, "cannot open \(input)")
                }
                inputHandle = handle
                records = JSONLinesRecords(fileDescriptor: handle.fileDescriptor)
            }
        } else if case .inline(let inline) = compiled.definition.source {
            records = InlineRecords(records: inline)
        } else {
            records = JSONLinesRecords(fileDescriptor: FileHandle.standardInput.fileDescriptor)
        }
        let (pipeline, report) = compiled.run(ErasedRecords(records))
        progress.start(report)
        do {
            for try await record in pipeline { try sink.write(record) }
            try sink.commit()
        } catch let error as PipeError {
            sink.abandon()
            throw error
        } catch {
            sink.abandon()
            throw PipeError(.internalError, "\(error)")
        }
        progress.finish()
    }
}

/// Any record sequence, behind one concrete type for `CompiledPipeline.run`.
struct ErasedRecords: AsyncSequence, Sendable {
    typealias Element = JSONValue
    let base: any AsyncSequence<JSONValue, any Error> & Sendable

    init(_ base: any AsyncSequence<JSONValue, any Error> & Sendable) {
        self.base = base
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: any AsyncIteratorProtocol<JSONValue, any Error>
        mutating func next() async throws -> JSONValue? { try await base.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator()) }
}
