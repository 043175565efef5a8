import ArgumentParser
import Foundation
import Logging
import Metrics
import PipeClient
import PipeCore
import PipeServer
import Prometheus

/// `pipe serve`: a whole deployment in this process, on the embedded defaults.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a Pipe deployment: the HTTP API with auth, storage and job workers in one process.",
        discussion: """
            With no configuration everything lives under .pipe/ and the API listens on 127.0.0.1:8080. \
            On the first start an admin account is created and its API key is printed once: keep it. \
            SIGINT or SIGTERM stops accepting, lets requests and running jobs finish, and exits.
            """
    )

    @Option(name: .long, help: "A configuration file (YAML or JSON).")
    var config: String?

    @Option(name: .long, help: "The address to listen on (overrides the configuration).")
    var host: String?

    @Option(name: .long, help: "The port (0 picks a free one; overrides the configuration).")
    var port: Int?

    @Option(name: .long, help: "Where the data lives (overrides the configuration).")
    var directory: String?

    func run() async throws {
        // Logs go to stderr: stdout carries only the announcement (URL, first admin key), which scripts read.
        // PIPE_LOG_LEVEL (trace … critical; default info) sets how much reaches stderr.
        let level = ProcessInfo.processInfo.environment["PIPE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        // One registry for everything: the libraries' swift-metrics and the gateway's own, served at /metrics.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        do throws(PipeError) {
            var configuration = try ServerConfiguration.load(file: config)
            if let host { configuration.host = host }
            if let port { configuration.port = port }
            if let directory { configuration.directory = directory }
            let server = try await PipeServer(configuration: configuration, metrics: registry)
            let admin = try await server.deployment.bootstrapAdmin()
            try await runServer(server, announcing: admin)
        } catch {
            FileHandle.standardError.write(Data("pipe: \(error.code.rawValue): \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func runServer(_ server: PipeServer, announcing admin: Deployment.FirstAdmin?) async throws(PipeError) {
        do {
            try await server.run { port in
                let url = server.configuration.baseURL(port: port)
                var lines = ["pipe is serving \(url)"]
                if let admin {
                    lines += [
                        "first start: created an admin account; its API key is shown this once:",
                        "  \(admin.apiKey)",
                        "try:  curl -H 'Authorization: Bearer \(admin.apiKey)' \(url)/v1/auth/me",
                    ]
                }
                // Written straight to the descriptor: unbuffered, so a script reading the output sees it at once.
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
        } catch let error as PipeError {
            throw error
        } catch {
            throw PipeError(.unavailable, "the server stopped: \(error)")
        }
    }
}
