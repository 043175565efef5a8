import Foundation

/// Runs a Python helper script of the tests (Python 3.11+, with the packages `make test` installs) to completion.
///
/// The interpreter is `$PIPE_TEST_PYTHON` when set (`make test` points it at its virtual environment), else the
/// `python3` on `PATH`.
public enum PythonScript {
    /// What a finished script printed and returned.
    public struct Outcome: Sendable {
        /// The exit status.
        public let status: Int32
        /// Standard output.
        public let stdout: String
        /// Standard error.
        public let stderr: String
    }

    /// Runs `path` with `arguments`, writing `input` to its stdin; kills it after `timeout`.
    public static func run(_ path: String, _ arguments: [String], input: String = "", timeout: Duration = .seconds(30))
        throws -> Outcome
    {
        let python = ProcessInfo.processInfo.environment["PIPE_TEST_PYTHON"] ?? "python3"
        let output = try ChildProcess.run(ServerScripts.env, [python, path] + arguments, input: input, timeout: timeout)
        return Outcome(status: output.status, stdout: output.stdout, stderr: output.stderr)
    }
}
