import Foundation
import Synchronization

/// nginx on 127.0.0.1 for TLS, HTTP/2 and client-certificate tests, started by
/// `Tests/PipeHTTPTests/Servers/start-nginx.sh` in a fresh temporary directory.
///
/// It listens on three ports: plain HTTP/1.1 (``httpURL``), TLS with HTTP/2 by ALPN (``httpsURL``),
/// and TLS with HTTP/2 that requires a client certificate (``mtlsURL``). Each answers `/hello`
/// ("hello"), `/protocol` (`HTTP/2.0` or `HTTP/1.1`, as nginx saw the request) and
/// ``bigFileURLPath`` (``bigFilePath``, where byte `i` is `i % 251`); the mTLS port also answers
/// `/client-cert` (`SUCCESS CN=pipehttp-test-client`). Started with `proxyingTo:`, every other path
/// is passed to a ``BehaviourServer``, so `/echo`, `/upload-count`, `/bytes/<n>`, … run over TLS
/// and HTTP/2 too.
///
/// ```swift
/// let nginx = try NginxServer.start()
/// defer { nginx.stop() }
/// // trust nginx.caPath, then GET nginx.httpsURL + "/hello" and expect HTTP/2
/// ```
///
/// Without a client certificate, or with ``untrustedClientCertPath``, nginx still completes the TLS
/// handshake on the mTLS port and answers 400. Needs `nginx`, `openssl`, `python3` and `bash`
/// (Linux: the scripts use GNU `stat`, `tail --pid` and `setsid`). If this process dies without
/// calling ``stop()``, a watchdog started by the script stops nginx and removes its directory.
public final class NginxServer: Sendable {
    /// The plain HTTP/1.1 port.
    public let httpPort: Int
    /// The TLS port offering HTTP/2 and HTTP/1.1 by ALPN.
    public let httpsPort: Int
    /// The TLS port that requires a client certificate signed by ``caPath``.
    public let mtlsPort: Int
    /// The directory holding the configuration, certificates, logs and ``bigFilePath``; removed by
    /// ``stop()``.
    public let directory: URL
    /// The size of ``bigFilePath`` in bytes.
    public let bigFileSize: Int

    private let stopped = Atomic<Bool>(false)

    /// The URL path of the big static file on every port.
    public static let bigFileURLPath = "/bytes/big.bin"

    /// `http://127.0.0.1:<httpPort>`.
    public var httpURL: String { "http://127.0.0.1:\(httpPort)" }
    /// `https://127.0.0.1:<httpsPort>`; the certificate also names `localhost`.
    public var httpsURL: String { "https://127.0.0.1:\(httpsPort)" }
    /// `https://127.0.0.1:<mtlsPort>`.
    public var mtlsURL: String { "https://127.0.0.1:\(mtlsPort)" }

    /// The test CA (PEM) that signed the server and client certificates; trust it for TLS.
    public var caPath: String { path("ca.pem") }
    /// A client certificate (PEM) signed by ``caPath``, accepted on ``mtlsURL``.
    public var clientCertPath: String { path("client.pem") }
    /// The private key (PEM, unencrypted) of ``clientCertPath``.
    public var clientKeyPath: String { path("client.key") }
    /// A client certificate (PEM) from another CA, which ``mtlsURL`` rejects with 400.
    public var untrustedClientCertPath: String { path("untrusted-client.pem") }
    /// The private key (PEM, unencrypted) of ``untrustedClientCertPath``.
    public var untrustedClientKeyPath: String { path("untrusted-client.key") }
    /// The file served at ``bigFileURLPath``: ``bigFileSize`` bytes, byte `i` being `i % 251`.
    public var bigFilePath: String { path("www/big.bin") }

    private init(httpPort: Int, httpsPort: Int, mtlsPort: Int, directory: URL, bigFileSize: Int) {
        self.httpPort = httpPort
        self.httpsPort = httpsPort
        self.mtlsPort = mtlsPort
        self.directory = directory
        self.bigFileSize = bigFileSize
    }

    /// Creates a temporary directory, generates certificates and the big file there, starts nginx
    /// and returns once all three ports accept connections.
    ///
    /// - Parameters:
    ///   - bigFileMegabytes: the size of ``bigFilePath`` in MiB.
    ///   - behaviour: a behaviour server to pass every path nginx does not answer itself to.
    ///   - timeout: how long the start script may take (making a 1 GiB file takes a few seconds).
    /// - Throws: ``TestServerError`` with the script's stderr when nginx cannot be started.
    public static func start(
        bigFileMegabytes: Int = 16, proxyingTo behaviour: BehaviourServer? = nil, timeout: Duration = .seconds(120)
    ) throws -> NginxServer {
        let script = try ServerScripts.path("start-nginx.sh")
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pipehttp-nginx-\(UUID().uuidString)", isDirectory: true)
        var environment = [
            "NGINX_BIG_MB": String(bigFileMegabytes),
            // The script's watchdog stops nginx and removes the directory when this process exits,
            // however it exits.
            "NGINX_WATCH_PID": String(ProcessInfo.processInfo.processIdentifier),
            "NGINX_WATCH_REMOVES_DIR": "1",
        ]
        if let behaviour { environment["BEHAVIOUR_PORT"] = String(behaviour.port) }

        let output: ChildProcess.Output
        do {
            output = try ChildProcess.run(
                ServerScripts.env, ["bash", script, directory.path], environment: environment, timeout: timeout)
        } catch {
            stopNginx(in: directory)
            throw error
        }
        var ports: [String: Int] = [:]
        for line in output.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let port = Int(fields[1]) { ports[String(fields[0])] = port }
        }
        guard output.status == 0, let http = ports["HTTP_PORT"], let https = ports["HTTPS_PORT"],
            let mtls = ports["MTLS_PORT"]
        else {
            stopNginx(in: directory)
            throw TestServerError(
                "start-nginx.sh failed (status \(output.status)): \(output.stderr)\(output.stdout)")
        }
        return NginxServer(
            httpPort: http, httpsPort: https, mtlsPort: mtls, directory: directory,
            bigFileSize: bigFileMegabytes * 1024 * 1024)
    }

    /// Starts nginx, runs `body` with it, and stops nginx afterwards, also when `body` throws.
    public static func withServer<Result>(
        bigFileMegabytes: Int = 16,
        proxyingTo behaviour: BehaviourServer? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (NginxServer) async throws -> Result
    ) async throws -> Result {
        let server = try start(bigFileMegabytes: bigFileMegabytes, proxyingTo: behaviour)
        defer { server.stop() }
        return try await body(server)
    }

    /// Stops nginx (stop-nginx.sh) and removes ``directory``. Idempotent.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        Self.stopNginx(in: directory)
    }

    /// Runs stop-nginx.sh for `directory` (harmless when nothing runs there) and removes it.
    private static func stopNginx(in directory: URL) {
        if let stop = try? ServerScripts.path("stop-nginx.sh") {
            _ = try? ChildProcess.run(ServerScripts.env, ["bash", stop, directory.path], timeout: .seconds(15))
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        stop()
    }

    private func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }
}
