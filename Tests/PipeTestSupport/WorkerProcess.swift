import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pipe worker --deployment` running as a child process: a worker replica that crash tests kill with SIGKILL and
/// start again.
public final class WorkerProcess: Sendable {
    private let child: ChildProcess

    /// Starts a worker replica of the deployment `environment` configures (`PIPE_DATABASE_URL`, `PIPE_DIRECTORY`…).
    public init(concurrency: Int, environment: [String: String]) throws {
        child = try ChildProcess(
            executable: CommandRunner(product: "pipe").executable,
            arguments: ["worker", "--deployment", "--concurrency", String(concurrency)],
            environment: environment, keepsStdinOpen: false, capturesStderr: false)
    }

    /// The worker's process id.
    public var processIdentifier: Int32 { child.processIdentifier }

    /// Kills the worker with SIGKILL (mid-job, no chance to clean up) and waits for it to go.
    public func kill() {
        #if canImport(Glibc)
            _ = Glibc.kill(child.processIdentifier, SIGKILL)
        #else
            _ = Darwin.kill(child.processIdentifier, SIGKILL)
        #endif
        child.stop(grace: .seconds(5))
    }

    /// Asks the worker to stop (SIGTERM) and waits up to `grace` for its running jobs to finish.
    public func stop(grace: Duration = .seconds(30)) {
        child.stop(grace: grace)
    }

    deinit {
        child.stop(grace: .seconds(5))
    }
}
