import Foundation

/// The scriptable HTTP/1.1 test server, `Tests/PipeHTTPTests/Servers/behaviour_server.py`, running
/// on 127.0.0.1 in a `python3` child process.
///
/// Its routes (`/hello`, `/echo`, `/bytes/<n>`, `/stall-body/<ms>`, `/connection-count`, …) are listed
/// in `Tests/PipeHTTPTests/Servers/README.md`.
///
/// ```swift
/// try await BehaviourServer.withServer { server in
///     let response = try await client.get(server.url("/bytes/1048576"))
///     #expect(response.body.count == 1_048_576)
/// }
/// ```
///
/// The server exits when its standard input closes, and this object holds the other end: if the test
/// process dies without calling ``stop()``, the server goes too. Set `PIPE_TEST_PYTHON` to use another
/// interpreter than the `python3` on `PATH` (Python 3.11 or newer).
public final class BehaviourServer: Sendable {
    /// The port it listens on, on 127.0.0.1.
    public let port: Int

    private let child: ChildProcess

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// ``baseURL`` followed by `path`, e.g. `url("/status/404")`.
    public func url(_ path: String) -> String { baseURL + path }

    private init(port: Int, child: ChildProcess) {
        self.port = port
        self.child = child
    }

    /// Starts a server on an ephemeral port and returns once it accepts connections.
    ///
    /// - Parameters:
    ///   - timeout: how long to wait for the server's `PORT <n>` line.
    /// - Throws: ``TestServerError`` when the script is missing, Python cannot run it, or no port is
    ///   announced in time (the server's own stderr is in the test log).
    ///   - script: which server script in `Tests/PipeHTTPTests/Servers` to run; the default is the behaviour
    ///     server, `fake_oidc_provider.py` is the fake OAuth/OpenID Connect provider the auth tests sign in with.
    public static func start(script name: String = "behaviour_server.py", timeout: Duration = .seconds(10)) throws
        -> BehaviourServer
    {
        let script = try ServerScripts.path(name)
        let python = ProcessInfo.processInfo.environment["PIPE_TEST_PYTHON"] ?? "python3"
        let child = try ChildProcess(
            executable: ServerScripts.env, arguments: [python, script], keepsStdinOpen: true, capturesStderr: false)
        do {
            guard let line = try child.readLine(timeout: timeout) else {
                throw TestServerError("\(python) \(script) exited before announcing its port (stderr is above)")
            }
            guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)), port > 0 else {
                throw TestServerError("behaviour server announced \"\(line)\" instead of \"PORT <n>\"")
            }
            return BehaviourServer(port: port, child: child)
        } catch {
            child.stop()
            throw error
        }
    }

    /// One server for the whole test process, started on first use and never stopped: it exits with
    /// the process. Saves a Python start (≈ 0.2 s) per test; tests that count connections
    /// (`/connection-count`) should start their own server or compare before/after values. Never
    /// call ``stop()`` on it.
    public static func shared() throws -> BehaviourServer {
        try sharedServer.get()
    }

    // A static let is initialised once, thread-safely, on first use; a failed start is kept too.
    private static let sharedServer = Result { try BehaviourServer.start() }

    /// Starts a server, runs `body` with it, and stops the server afterwards, also when `body` throws.
    public static func withServer<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (BehaviourServer) async throws -> Result
    ) async throws -> Result {
        let server = try start()
        defer { server.stop() }
        return try await body(server)
    }

    /// Stops the server and waits for it to exit (SIGTERM, then SIGKILL after 5 s). Idempotent.
    public func stop() {
        child.stop()
    }

    deinit {
        child.stop()
    }
}
