import Foundation
import PipeCore
import PipeExpression

/// Buffered compact-JSON output to standard output, and one-line errors to standard error.
struct CommandOutput {
    /// Largest single result printed; a bigger one is an error rather than an unbounded write.
    static let maxResultBytes = 1 << 30
    var writer = JSONWriter(capacity: 1 << 17)

    mutating func emit(_ value: JSONValue, skipNulls: Bool) throws(PipeError) {
        if skipNulls, value.isNull { return }
        switch value {
        case .array, .object:
            guard value.serializedSize(limit: Self.maxResultBytes) != nil else {
                throw PipeError(
                    .limitExceeded, "result larger than \(Self.maxResultBytes) bytes", details: ["kind": "limit"])
            }
        default: break
        }
        writer.write(value)
        writer.appendRaw(0x0A)
        if writer.bytes.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !writer.bytes.isEmpty else { return }
        FileHandle.standardOutput.write(Data(writer.bytes))
        writer.reset()
    }

    /// Prints `pipe: KIND: message` and exits with `exitCode`.
    static func fail(_ error: any Error, exitCode: Int32) -> Never {
        let line: String
        if let error = error as? PipeError {
            line = "pipe: \(kind(of: error)): \(error.message)"
        } else {
            line = "pipe: error: \(error)"
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
        exit(exitCode)
    }

    /// The error kind users see: the JMESPath name for expression errors, else a kebab-case code.
    static func kind(of error: PipeError) -> String {
        if let kind = error.expressionErrorKind { return kind }
        if error.code == .limitExceeded { return "limit" }
        return error.code.rawValue.replacingOccurrences(of: "_", with: "-")
    }
}
