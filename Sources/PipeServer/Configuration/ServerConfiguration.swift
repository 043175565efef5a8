import Foundation
import PipeAuth
import PipeCore
import Yams

/// What a deployment is configured with: one file (YAML or JSON) plus `PIPE_*` environment variables, with
/// defaults that run everything embedded under `.pipe/` on loopback.
///
/// ```yaml
/// host: 127.0.0.1
/// port: 8080
/// directory: .pipe
/// publicURL: https://pipe.example.com
/// allowSignUp: false
/// passwordHashCost: 15
/// rateLimitPerMinute: 600        # per account, or per client IP when anonymous
/// authRateLimitPerMinute: 20     # sign-in routes, per client IP
/// trustedProxies: [10.0.0.5]     # whose X-Forwarded-For is believed
/// corsOrigins: [https://app.example.com]
/// tlsCertificate: /etc/pipe/cert.pem   # with tlsKey: serve HTTPS
/// tlsKey: /etc/pipe/key.pem
/// idleTimeoutSeconds: 60         # a connection that sends nothing this long is closed
/// fastPath: true                 # answer cached small-object reads on the event loop
/// oauth: …                       # sign-in providers: see setOAuth
/// database: postgres://…         # scale out on PostgreSQL: see DatabaseSettings
/// ```
///
/// Environment variables override the file: `PIPE_HOST`, `PIPE_PORT`, `PIPE_DIRECTORY`, `PIPE_PUBLIC_URL`,
/// `PIPE_ALLOW_SIGN_UP`, `PIPE_RATE_LIMIT_PER_MINUTE`, `PIPE_AUTH_RATE_LIMIT_PER_MINUTE`, `PIPE_TRUSTED_PROXIES`
/// (comma-separated), `PIPE_CORS_ORIGINS` (comma-separated), `PIPE_JOB_LEASE_SECONDS`, `PIPE_PASSWORD_HASH_COST`,
/// `PIPE_TLS_CERTIFICATE`, `PIPE_TLS_KEY`, `PIPE_IDLE_TIMEOUT_SECONDS`, `PIPE_FAST_PATH`, `PIPE_DATABASE_URL`,
/// `PIPE_DATABASE_SCHEMA`, `PIPE_QUEUE`, `PIPE_MIGRATE_ON_START`, `PIPE_WORKERS`.
public struct ServerConfiguration: Sendable, Hashable {
    /// The address to listen on (default `127.0.0.1`: nothing is exposed until asked).
    public var host: String
    /// The port (default 8080; 0 picks a free one).
    public var port: Int
    /// Where the embedded stores live (default `.pipe`).
    public var directory: String
    /// The deployment's public base URL: the token issuer and the base of signed URLs (default
    /// `http://<host>:<port>`).
    public var publicURL: String?
    /// Whether anyone may create an account with `POST /v1/auth/users` (default no: admins create accounts).
    public var allowSignUp: Bool
    /// The largest JSON request body, in bytes (default 64 KiB).
    public var maxJSONBodyBytes: Int
    /// Browser origins allowed to call the API (exact `scheme://host[:port]`; default none).
    public var corsOrigins: Set<String>
    /// How long a worker's claim on a job lasts without renewal, in seconds (default 30; 2–3600): after a crash, the
    /// job runs again this long after its worker died.
    public var jobLeaseSeconds: Int
    /// Rate limits and the proxies whose `X-Forwarded-For` is believed.
    public var rateLimits: RateLimits
    /// The scrypt cost of new password hashes, as log2 of N (default 15: about 32 MiB and 100 ms per hash; 10–20).
    public var passwordHashCost: Int
    /// A PEM certificate chain to serve HTTPS with (with ``tlsKey``; default none: plain HTTP).
    public var tlsCertificate: String?
    /// The PEM private key of ``tlsCertificate``.
    public var tlsKey: String?
    /// How long a connection may stay silent, mid-request or between requests, before it is closed (default 60 s;
    /// 1–3600): slow or stalled clients cannot hold connections open.
    public var idleTimeoutSeconds: Int
    /// Whether reads of small objects that are cached, with every decision about them in memory, are answered on
    /// the connection's event loop instead of through the router (default `true`; same responses, a fraction of the
    /// cost). Off, every request goes through the router.
    public var fastPath: Bool
    /// OAuth / OpenID Connect sign-in providers (default none).
    public var oauthProviders: [OAuthProvider]
    /// The redirect URIs providers may send users back to, exactly (default none).
    public var oauthRedirectURIs: Set<String>

    /// The defaults above.
    /// Where records and jobs live (default: embedded SQLite under ``directory``).
    public var database: DatabaseSettings

    public init() {
        database = DatabaseSettings()
        host = "127.0.0.1"
        port = 8080
        directory = ".pipe"
        publicURL = nil
        allowSignUp = false
        maxJSONBodyBytes = 64 * 1024
        passwordHashCost = 15
        rateLimits = RateLimits()
        jobLeaseSeconds = 30
        corsOrigins = []
        oauthProviders = []
        oauthRedirectURIs = []
        tlsCertificate = nil
        tlsKey = nil
        idleTimeoutSeconds = 60
        fastPath = true
    }

    /// The base URL clients reach the deployment at.
    public var baseURL: String { baseURL(port: port) }

    /// The base URL when the server listens on `port` (the bound one, when ``port`` is 0).
    ///
    /// - Parameter port: the port the server listens on.
    public func baseURL(port: Int) -> String {
        publicURL ?? "\(tlsCertificate == nil ? "http" : "https")://\(host):\(port)"
    }

    /// Reads `file` (YAML or JSON; `nil` for none), then applies `environment` over it.
    ///
    /// - Throws: `invalid_argument` naming the file and field for anything unreadable or unknown (a misspelt field
    ///   is an error, not a silent default).
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(PipeError) -> ServerConfiguration
    {
        var configuration = ServerConfiguration()
        if let file {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw PipeError(.invalidArgument, "cannot read the configuration file \(file): \(error.localizedDescription)")
            }
            let node: Any?
            do { node = try Yams.load(yaml: text) } catch {
                throw PipeError(.invalidArgument, "\(file) is not valid YAML or JSON: \(error)")
            }
            guard let fields = node as? [String: Any] else {
                throw PipeError(.invalidArgument, "\(file) must hold a mapping of settings")
            }
            for (key, value) in fields {
                if key == "oauth" {
                    try configuration.setOAuth(value, source: file, environment: environment)
                } else {
                    try configuration.set(key, value, source: file)
                }
            }
        }
        let names = [
            "PIPE_HOST": "host", "PIPE_PORT": "port", "PIPE_DIRECTORY": "directory", "PIPE_PUBLIC_URL": "publicURL",
            "PIPE_ALLOW_SIGN_UP": "allowSignUp", "PIPE_RATE_LIMIT_PER_MINUTE": "rateLimitPerMinute",
            "PIPE_AUTH_RATE_LIMIT_PER_MINUTE": "authRateLimitPerMinute", "PIPE_TRUSTED_PROXIES": "trustedProxies",
            "PIPE_JOB_LEASE_SECONDS": "jobLeaseSeconds", "PIPE_CORS_ORIGINS": "corsOrigins", "PIPE_PASSWORD_HASH_COST": "passwordHashCost",
            "PIPE_TLS_CERTIFICATE": "tlsCertificate", "PIPE_TLS_KEY": "tlsKey", "PIPE_IDLE_TIMEOUT_SECONDS": "idleTimeoutSeconds",
            "PIPE_FAST_PATH": "fastPath", "PIPE_DATABASE_URL": "database", "PIPE_DATABASE_SCHEMA": "databaseSchema",
            "PIPE_QUEUE": "queue", "PIPE_MIGRATE_ON_START": "migrateOnStart", "PIPE_WORKERS": "workers",
        ]
        for (variable, key) in names.sorted(by: { $0.key < $1.key }) {
            if let value = environment[variable] { try configuration.set(key, value, source: variable) }
        }
        return try configuration.validated()
    }

    private mutating func set(_ key: String, _ value: Any, source: String) throws(PipeError) {
        func invalid(_ expected: String) -> PipeError {
            PipeError(.invalidArgument, "\(source): \(key) must be \(expected)", details: ["field": key])
        }
        func text() throws(PipeError) -> String {
            if let string = value as? String { return string }
            if let number = value as? Int { return String(number) }
            throw invalid("a string")
        }
        func integer(_ expected: String) throws(PipeError) -> Int {
            if let number = value as? Int { return number }
            guard let number = Int(try text()) else { throw invalid(expected) }
            return number
        }
        func flag() throws(PipeError) -> Bool {
            if let flag = value as? Bool { return flag }
            switch try text().lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: throw invalid("true or false")
            }
        }
        switch key {
        case "host": host = try text()
        case "port":
            let number = try integer("a port number")
            port = number
        case "directory": directory = try text()
        case "publicURL": publicURL = try text()
        case "allowSignUp": allowSignUp = try flag()
        case "fastPath": fastPath = try flag()
        case "maxJSONBodyBytes":
            let number = try integer("a number of bytes")
            maxJSONBodyBytes = number
        case "rateLimitPerMinute":
            let number = try integer("a number of requests")
            rateLimits.default = RateLimitPolicy(name: "default", limit: number, window: 60)
        case "authRateLimitPerMinute":
            let number = try integer("a number of requests")
            rateLimits.auth = RateLimitPolicy(name: "auth", limit: number, window: 60)
        case "trustedProxies":
            if let list = value as? [String] {
                rateLimits.trustedProxies = Set(list)
            } else {
                rateLimits.trustedProxies = Set(try text().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            }
        case "corsOrigins":
            if let list = value as? [String] {
                corsOrigins = Set(list)
            } else {
                corsOrigins = Set(try text().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            }
        case "tlsCertificate": tlsCertificate = try text()
        case "tlsKey": tlsKey = try text()
        case "idleTimeoutSeconds": idleTimeoutSeconds = try integer("a number of seconds")
        case "jobLeaseSeconds":
            jobLeaseSeconds = try integer("a number of seconds")
        case "passwordHashCost":
            let number = try integer("a number (log2 of scrypt's N)")
            passwordHashCost = number
        case "database": database.url = try text()
        case "databaseSchema": database.schema = try text()
        case "databaseMaxConnections": database.maxConnections = try integer("a number of connections")
        case "queue":
            guard let backend = DatabaseSettings.QueueBackend(rawValue: try text()) else { throw invalid("sqlite or postgres") }
            database.queue = backend
        case "migrateOnStart": database.migrateOnStart = try flag()
        case "workers": database.workers = try flag()
        case "jobRetentionDays": database.jobRetentionDays = try integer("a number of days")
        default:
            throw PipeError(.invalidArgument, "\(source): unknown setting \(key)", details: ["field": key])
        }
    }

    func validated() throws(PipeError) -> ServerConfiguration {
        guard (0...65_535).contains(port) else { throw PipeError(.invalidArgument, "port must be 0–65535") }
        guard !host.isEmpty, !directory.isEmpty else { throw PipeError(.invalidArgument, "host and directory are required") }
        guard (1024...(16 << 20)).contains(maxJSONBodyBytes) else {
            throw PipeError(.invalidArgument, "maxJSONBodyBytes must be 1 KiB–16 MiB")
        }
        _ = try rateLimits.default.validated()
        _ = try rateLimits.auth.validated()
        guard (2...3600).contains(jobLeaseSeconds) else { throw PipeError(.invalidArgument, "jobLeaseSeconds must be 2–3600") }
        guard (10...20).contains(passwordHashCost) else { throw PipeError(.invalidArgument, "passwordHashCost must be 10–20") }
        guard (1...3600).contains(idleTimeoutSeconds) else {
            throw PipeError(.invalidArgument, "idleTimeoutSeconds must be 1–3600", details: ["field": "idleTimeoutSeconds"])
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw PipeError(.invalidArgument, "tlsCertificate and tlsKey go together", details: ["field": tlsKey == nil ? "tlsKey" : "tlsCertificate"])
        }
        for origin in corsOrigins {
            guard let url = URL(string: origin), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil,
                url.path.isEmpty, !origin.hasSuffix("/")
            else { throw PipeError(.invalidArgument, "corsOrigins: \(origin) is not an origin (scheme://host[:port])") }
        }
        if let publicURL {
            guard let url = URL(string: publicURL), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil
            else { throw PipeError(.invalidArgument, "publicURL must be an http or https URL") }
        }
        _ = try database.validated()
        return self
    }
}
