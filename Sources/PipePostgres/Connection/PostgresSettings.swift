import Foundation
import NIOSSL
import PipeCore
import PostgresNIO

/// A `postgres://` URL read into the client's configuration, checked at the boundary so a typo fails with a clear
/// message at startup rather than as a connection error later.
struct PostgresSettings: Sendable {
    var clientConfiguration: PostgresClient.Configuration
    /// `host:port/database`, never the password.
    var endpoint: String

    init(url: String) throws(PipeError) {
        func invalid(_ why: String) -> PipeError {
            PipeError(.invalidArgument, "the database URL \(why) (expected postgres://user[:password]@host[:port]/name)")
        }
        guard url.utf8.count <= 4096, let components = URLComponents(string: url) else {
            throw invalid("is not a URL")
        }
        guard components.scheme == "postgres" || components.scheme == "postgresql" else {
            throw invalid("must start with postgres://")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("names no host") }
        guard let user = components.user, !user.isEmpty else { throw invalid("names no user") }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw invalid("has a port out of range") }
        let name = String(components.path.drop(while: { $0 == "/" }))
        guard !name.isEmpty, !name.contains("/") else { throw invalid("names no database") }
        let tls: PostgresClient.Configuration.TLS
        switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw invalid("has an unknown sslmode (disable, prefer or require)")
        }
        clientConfiguration = PostgresClient.Configuration(
            host: host, port: port, username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 }, database: name, tls: tls)
        endpoint = "\(host):\(port)/\(name)"
    }
}
