import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sends `number` to process `pid`.
private func signal(_ pid: Int32, _ number: Int32) {
    #if canImport(Glibc)
        _ = Glibc.kill(pid, number)
    #else
        _ = Darwin.kill(pid, number)
    #endif
}

/// `pipe serve` running as a child process on 127.0.0.1 (a free port) over `directory`: what crash tests kill and
/// restart.
public final class ServeProcess: Sendable {
    /// `http://127.0.0.1:<port>`.
    public let baseURL: String
    /// The admin API key printed on the first start over `directory`; `nil` on later starts.
    public let adminKey: String?
    private let child: ChildProcess

    private init(baseURL: String, adminKey: String?, child: ChildProcess) {
        self.baseURL = baseURL
        self.adminKey = adminKey
        self.child = child
    }

    /// Starts `pipe serve --port 0 --directory <directory>` and returns once it announced its URL.
    ///
    /// - Parameters:
    ///   - directory: the deployment's data directory.
    ///   - environment: extra `PIPE_*` settings.
    ///   - timeout: how long to wait for the announcement.
    public static func start(directory: String, environment: [String: String] = [:], timeout: Duration = .seconds(60))
        throws -> ServeProcess
    {
        let executable = CommandRunner(product: "pipe").executable
        let child = try ChildProcess(
            executable: executable, arguments: ["serve", "--port", "0", "--directory", directory],
            environment: environment, keepsStdinOpen: false, capturesStderr: false)
        do {
            var url: String?
            while url == nil {
                guard let line = try child.readLine(timeout: timeout) else {
                    throw TestServerError("pipe serve exited before announcing its URL (its stderr is above)")
                }
                if line.hasPrefix("pipe is serving ") { url = String(line.dropFirst("pipe is serving ".count)) }
            }
            // On a first start the key follows at once (one write); on later starts nothing does.
            var key: String?
            if let line = try? child.readLine(timeout: .milliseconds(500)), line.hasPrefix("first start") {
                key = try child.readLine(timeout: .seconds(2))?.trimmingCharacters(in: .whitespaces)
            }
            return ServeProcess(baseURL: url ?? "", adminKey: key, child: child)
        } catch {
            child.stop()
            throw error
        }
    }

    /// The server's process id.
    public var processIdentifier: Int32 { child.processIdentifier }

    /// Kills the server with SIGKILL (no chance to clean up) and waits for it to go.
    public func kill() {
        signal(child.processIdentifier, SIGKILL)
        child.stop(grace: .seconds(5))
    }

    /// Asks the server to stop (SIGTERM), waits up to `grace` for it to drain and exit, then kills it.
    ///
    /// - Returns: its exit status (0 after a clean drain).
    @discardableResult
    public func stop(grace: Duration = .seconds(30)) -> Int32? {
        child.stop(grace: grace)
        return child.exitStatus
    }

    /// ``stop(grace:)`` off the caller's thread, so requests in flight on this process's own tasks keep running
    /// while the server drains.
    public func stopInBackground(grace: Duration = .seconds(30)) async -> Int32? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.stop(grace: grace)) }
        }
    }

    deinit {
        child.stop(grace: .seconds(5))  // a test that failed half-way leaves no server behind
    }
}
