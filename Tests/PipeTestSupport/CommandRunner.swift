import Foundation

/// Runs an executable built by this package (e.g. `pipe`) and captures its output.
public struct CommandRunner: Sendable {
    /// What a finished command printed and returned.
    public struct Outcome: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The executable's path: beside the test bundle in the build directory.
    public let executable: URL

    /// Finds `name` next to the running test binary.
    public init(product name: String) {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On macOS the runner is inside a .xctest bundle; step out of it.
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "Contents"
            || directory.lastPathComponent == "MacOS"
        {
            directory = directory.deletingLastPathComponent()
        }
        executable = directory.appendingPathComponent(name)
    }

    /// Runs the executable with `arguments`, feeding `input` on standard input; `environment` is added to this
    /// process's environment.
    public func run(_ arguments: [String], input: String? = nil, environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
        // Drain stderr on another thread while stdout is read here, so neither pipe can fill up and
        // block the child; inputs in these tests are small enough to write before reading.
        let errorBox = DataBox()
        let errorReader = Thread { errorBox.data = stderrPipe.fileHandleForReading.readDataToEndOfFile() }
        errorReader.start()
        if let input { stdinPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try stdinPipe.fileHandleForWriting.close()
        let out = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorBox.isSet { usleep(1_000) }
        let err = errorBox.data
        return Outcome(
            status: process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }
}

/// A hand-off slot between the stderr reader thread and the caller.
// @unchecked Sendable: `data` is written once by the reader thread before `isSet` flips (under
// the lock), and the caller reads it only after observing `isSet`.
private final class DataBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()
    private var done = false
    var data: Data {
        get { lock.withLock { stored } }
        set {
            lock.withLock {
                stored = newValue; done = true
            }
        }
    }
    var isSet: Bool { lock.withLock { done } }
}
