import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A PostgreSQL cluster of a test's own (scripts/test-postgres.sh), for tests that crash and restart the database
/// without disturbing the cluster other suites share.
public final class PostgresCluster: Sendable {
    /// Where its data and logs live.
    public let directory: String
    /// `postgres://pipe@127.0.0.1:<port>/postgres`.
    public let url: String
    private let script: String

    /// Initialises and starts a cluster in a fresh temporary directory.
    public init() throws {
        script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/test-postgres.sh").path
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-pg-\(UUID().uuidString)").path
        url = try Self.run(script, ["start", directory]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Kills the server with SIGKILL, as a crash would (in-flight transactions are lost, committed ones recovered).
    public func crash() throws {
        _ = try Self.run(script, ["kill", directory])
    }

    /// Starts the server again on the same port and data.
    public func start() throws {
        _ = try Self.run(script, ["start", directory])
    }

    /// Runs one SQL statement with `psql` and returns its unaligned, tuples-only output (`-At`), trimmed.
    public func psql(_ sql: String) throws -> String {
        let output = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/psql"), [url, "-At", "-c", sql], timeout: .seconds(60))
        guard output.status == 0 else { throw TestServerError("psql failed: \(output.stderr)") }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        _ = try? Self.run(script, ["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs the script with `posix_spawn` and `waitpid` rather than Foundation's `Process`, whose exit detection
    /// missed this script's exit (it starts a daemon) and waited out its timeout.
    private static func run(_ script: String, _ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-pg-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let quoted = ([script] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = "/bin/bash " + quoted.joined(separator: " ") + " >'\(output)' 2>&1 </dev/null; echo \"exit=$?\" >>'\(output)'"
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else {
            throw TestServerError("cannot start scripts/test-postgres.sh")
        }
        let deadline = ContinuousClock.now + .seconds(120)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            guard ContinuousClock.now < deadline else {
                kill(pid, SIGKILL)
                throw TestServerError("scripts/test-postgres.sh \(arguments.joined(separator: " ")) did not finish")
            }
            usleep(10_000)
        }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard text.hasSuffix("exit=0\n") else {
            throw TestServerError("scripts/test-postgres.sh \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return String(text.dropLast("exit=0\n".count))
    }
}
