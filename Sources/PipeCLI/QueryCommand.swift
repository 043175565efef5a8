import ArgumentParser
import Foundation
import PipeCore
import PipeExpression

/// `pipe query`: evaluate a JMESPath Community expression on JSON or JSON Lines.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Evaluate a JMESPath Community expression on a JSON document.",
        discussion: """
            Reads FILE (or standard input), prints the result as compact JSON. With --lines, every
            line is a JSON document and each gives one result line. Errors print one line naming the
            error kind (syntax, invalid-type, invalid-arity, unknown-function, invalid-value,
            not-a-number, undefined-variable, invalid-json, json-too-deep, limit, not-found) and exit
            with status 1 (2 when the expression itself does not compile).
            """
    )

    @Argument(help: "The JMESPath Community expression, e.g. 'items[?price > `10`].name'.")
    var expression: String

    @Argument(help: "The JSON file to read; standard input when omitted or '-'.")
    var file: String?

    @Flag(name: .long, help: "Treat the input as JSON Lines: one document per line, one result per line.")
    var lines = false

    @Flag(name: .long, help: "Print nothing for null results (with --lines this filters records).")
    var skipNulls = false

    func run() throws {
        let compiled: JMESPathExpression
        do {
            compiled = try JMESPathExpression(expression)
        } catch {
            CommandOutput.fail(error, exitCode: 2)
        }
        let input = try openInput()
        defer { if input.fileDescriptor != FileHandle.standardInput.fileDescriptor { try? input.close() } }
        var output = CommandOutput()
        do {
            if lines {
                try queryLines(compiled, input, &output)
            } else {
                let data = input.readDataToEndOfFile()
                let document = try [UInt8](data).withUnsafeBytes { raw in
                    Result { () throws(PipeError) -> JSONValue in try JSONValue(parsing: raw) }
                }.get()
                try output.emit(try compiled.evaluate(document), skipNulls: skipNulls)
            }
            output.flush()
        } catch {
            output.flush()
            CommandOutput.fail(error, exitCode: 1)
        }
    }

    func openInput() throws -> FileHandle {
        guard let file, file != "-" else { return FileHandle.standardInput }
        guard let handle = FileHandle(forReadingAtPath: file) else {
            CommandOutput.fail(PipeError(.notFound, "cannot open \(file)"), exitCode: 1)
        }
        return handle
    }

    func queryLines(_ compiled: JMESPathExpression, _ input: FileHandle, _ output: inout CommandOutput)
        throws(PipeError)
    {
        var reader = JSONLinesReader(fileDescriptor: input.fileDescriptor)
        let skipNulls = skipNulls
        try reader.forEachLine { (line, lineNumber) throws(PipeError) -> Bool in
            do throws(PipeError) {
                let document = try JSONValue(parsing: line)
                try output.emit(try compiled.evaluate(document), skipNulls: skipNulls)
            } catch {
                var details = error.details
                details["line"] = String(lineNumber)
                throw PipeError(error.code, "line \(lineNumber): \(error.message)", details: details)
            }
            return true
        }
    }
}
