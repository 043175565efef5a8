import Foundation
import Synchronization

/// A child process started for a test server, whose output is read with deadlines.
///
/// Reads wait with `poll(2)` on the pipes, so a child that hangs costs the test a timeout and an
/// error, never a stuck test run. Foundation's `Process` closes every other descriptor in the child,
/// so one server never keeps another's pipes open.
final class ChildProcess: Sendable {
    /// What a finished child printed and returned.
    struct Output: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    private let process: Process
    /// The write end of the child's stdin while we keep it open (the child watches it for EOF).
    private let input: FileHandle?
    private let output: FileHandle
    private let errorOutput: FileHandle?
    private let stopped = Atomic<Bool>(false)

    /// Starts `executable` with `arguments`; `environment` is added to this process's environment.
    ///
    /// - Parameters:
    ///   - keepsStdinOpen: give the child a pipe as stdin and hold its write end until ``stop(grace:)``
    ///     (or until this process dies); otherwise stdin is `/dev/null`.
    ///   - capturesStderr: read stderr through a pipe (``readToEnd(timeout:)``); otherwise the child
    ///     writes to this process's stderr, so its complaints show up in the test log.
    init(
        executable: URL, arguments: [String], environment: [String: String] = [:],
        keepsStdinOpen: Bool, capturesStderr: Bool
    ) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let inputPipe = keepsStdinOpen ? Pipe() : nil
        let outputPipe = Pipe()
        let errorPipe = capturesStderr ? Pipe() : nil
        process.standardInput = inputPipe ?? FileHandle.nullDevice
        process.standardOutput = outputPipe
        // Unset, Foundation would send it to /dev/null; the test log is where it helps.
        process.standardError = errorPipe ?? FileHandle.standardError
        try process.run()
        self.process = process
        input = inputPipe?.fileHandleForWriting
        output = outputPipe.fileHandleForReading
        errorOutput = errorPipe?.fileHandleForReading
    }

    /// Runs `executable` to completion and returns what it printed; kills it after `timeout`.
    static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], timeout: Duration
    ) throws -> Output {
        let child = try ChildProcess(
            executable: executable, arguments: arguments, environment: environment,
            keepsStdinOpen: false, capturesStderr: true)
        return try child.readToEnd(timeout: timeout)
    }

    /// Runs `executable` with `input` on its stdin to completion; kills it after `timeout`.
    static func run(
        _ executable: URL, _ arguments: [String], input: String, environment: [String: String] = [:], timeout: Duration
    ) throws -> Output {
        let child = try ChildProcess(
            executable: executable, arguments: arguments, environment: environment,
            keepsStdinOpen: true, capturesStderr: true)
        try child.input?.write(contentsOf: Array(input.utf8))
        try child.input?.close()
        return try child.readToEnd(timeout: timeout)
    }

    /// The child's process id.
    var processIdentifier: Int32 { process.processIdentifier }

    /// The next line of stdout without its newline, or `nil` if stdout closed first.
    ///
    /// Reads one byte at a time so that nothing after the line is consumed; meant for a short
    /// handshake line such as `PORT 8080`. Throws when no line arrives within `timeout`.
    func readLine(timeout: Duration) throws -> String? {
        let deadline = ContinuousClock.now + timeout
        var line: [UInt8] = []
        while true {
            guard try Self.waitReadable([output.fileDescriptor], until: deadline) != nil else {
                throw TestServerError(
                    "no line on stdout within \(timeout) from \(describe()); got so far: "
                        + String(decoding: line, as: UTF8.self))
            }
            var byte: UInt8 = 0
            let count = read(output.fileDescriptor, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
    }

    /// Reads stdout and the captured stderr until both close, then waits for the child to exit.
    /// Kills the child and throws if that takes longer than `timeout`.
    func readToEnd(timeout: Duration) throws -> Output {
        let deadline = ContinuousClock.now + timeout
        var open = [output.fileDescriptor] + (errorOutput.map { [$0.fileDescriptor] } ?? [])
        var collected: [Int32: [UInt8]] = [:]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            guard let ready = try Self.waitReadable(open, until: deadline) else {
                kill(process.processIdentifier, SIGKILL)
                let stderr = errorOutput.flatMap { collected[$0.fileDescriptor] } ?? []
                throw TestServerError(
                    "\(describe()) did not finish within \(timeout); stderr: "
                        + String(decoding: stderr, as: UTF8.self))
            }
            let count = buffer.withUnsafeMutableBytes { read(ready, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                open.removeAll { $0 == ready }
            } else {
                collected[ready, default: []].append(contentsOf: buffer[..<count])
            }
        }
        guard waitForExit(until: deadline) else {
            kill(process.processIdentifier, SIGKILL)
            throw TestServerError("\(describe()) closed its output but did not exit within \(timeout)")
        }
        return Output(
            status: process.terminationStatus,
            stdout: String(decoding: collected[output.fileDescriptor] ?? [], as: UTF8.self),
            stderr: String(decoding: errorOutput.flatMap { collected[$0.fileDescriptor] } ?? [], as: UTF8.self))
    }

    /// Ends the child: closes its stdin, sends SIGTERM, and after `grace` SIGKILL. Waits for it to
    /// exit. Safe to call more than once and from any thread; only the first call does anything.
    func stop(grace: Duration = .seconds(5)) {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? input?.close()
        guard process.isRunning else { return }
        process.terminate()
        if !waitForExit(until: .now + grace) {
            kill(process.processIdentifier, SIGKILL)
            _ = waitForExit(until: .now + .seconds(5))
        }
    }

    /// The child's exit status once it has exited (a signal's number when one ended it); `nil` while it runs.
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// `true` once the child has exited; `false` if `deadline` passed first.
    private func waitForExit(until deadline: ContinuousClock.Instant) -> Bool {
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            usleep(2_000)
        }
        return true
    }

    private func describe() -> String {
        ([process.executableURL?.path ?? "?"] + (process.arguments ?? [])).joined(separator: " ")
    }

    /// The first of `descriptors` that is readable (or closed), or `nil` once `deadline` passes.
    private static func waitReadable(
        _ descriptors: [Int32], until deadline: ContinuousClock.Instant
    ) throws -> Int32? {
        var polled = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        while true {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return nil }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            let result = poll(&polled, nfds_t(polled.count), milliseconds)
            if result < 0 {
                if errno == EINTR { continue }
                throw TestServerError("poll failed: errno \(errno)")
            }
            if let ready = polled.first(where: { $0.revents != 0 }) { return ready.fd }
        }
    }
}
