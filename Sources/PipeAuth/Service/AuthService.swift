import Crypto
import Foundation
import Logging
import PipeCore
import PipeHTTP
import Synchronization

/// Authentication and account management: sign-in with passwords, providers and API keys; access tokens;
/// sessions with rotating refresh tokens; second factors; signing keys; the audit log.
///
/// ```swift
/// let auth = try await AuthService.embedded(directory: URL(fileURLWithPath: ".pipe/auth"),
///                                           configuration: AuthConfiguration(issuer: "https://pipe.example.com"))
/// let ada = try await auth.createUser(email: "ada@example.com", password: "correct horse battery staple")
/// guard case .signedIn(let tokens) = try await auth.signIn(email: "ada@example.com", password: "…") else { … }
/// let principal = try auth.authenticate(bearer: tokens.accessToken)   // on every request
/// let next = try await auth.refresh(tokens.refreshToken)               // before the access token expires
/// ```
///
/// Every state change is written to the store before it is acknowledged, and every authentication event goes to
/// the audit log.
public final class AuthService: Sendable {
    /// The configuration it runs with.
    public let configuration: AuthConfiguration
    /// Issues and verifies access tokens.
    public let tokens: AccessTokens
    let store: any AuthStore
    let http: (any HTTPTransport)?
    let providers: ProviderDirectory
    let logger: Logger
    let clock: @Sendable () -> Date
    /// A hash of a random password, checked against when an email has no account, so that a login for a missing
    /// account costs the same time as a wrong password.
    let decoyPasswordHash: String
    let hashing: HashingLimiter
    /// When keys were last reloaded because a token named an unknown key (another replica rotated).
    let lastKeyReload: Mutex<ContinuousClock.Instant?>
    /// When keys were last reloaded on schedule (see ``reloadKeysIfStale()``).
    let lastScheduledKeyReload: Mutex<ContinuousClock.Instant>
    /// API keys verified in the last second.
    let verifiedAPIKeys = VerifiedAPIKeyCache()

    package init(
        store: any AuthStore, configuration: AuthConfiguration, http: (any HTTPTransport)?, logger: Logger,
        clock: @escaping @Sendable () -> Date
    ) async throws(PipeError) {
        self.store = store
        self.configuration = configuration
        self.http = http
        self.logger = logger
        self.clock = clock
        let now = clock()
        var keys = configuration.signingKeys
        if keys.isEmpty {
            keys = try await KeyRotation.rotateIfDue(store: store, settings: configuration.tokens, now: now).keys
        }
        tokens = try await AccessTokens(settings: configuration.tokens, keys: keys)
        providers = try ProviderDirectory(configuration.providers, http: http)
        decoyPasswordHash = try configuration.passwordHasher.hash(Base64URL.encode(Self.randomBytes(16)))
        hashing = HashingLimiter(limit: configuration.maximumConcurrentPasswordHashes)
        lastKeyReload = Mutex(nil)
        lastScheduledKeyReload = Mutex(.now)
        // Sessions revoked within an access token's lifetime still have live access tokens out there.
        let recent = now.addingTimeInterval(-TimeInterval(configuration.tokens.accessTokenLifetime + configuration.tokens.leeway))
        for session in try await store.sessionsRevoked(since: recent) { tokens.revoke(session: session, at: now) }
    }

    /// An auth service on the embedded store: a SQLite database `auth.sqlite` in `directory` (created if missing).
    ///
    /// - Parameters:
    ///   - directory: where the database lives.
    ///   - configuration: tokens, sessions, providers.
    ///   - http: the HTTP client for provider calls (a `CurlHTTPClient`); `nil` disables OAuth providers.
    ///   - logger: where auth events are logged (never with secrets).
    ///   - clock: the time source (tests move it).
    public static func embedded(
        directory: URL, configuration: AuthConfiguration, http: (any HTTPTransport)? = nil,
        logger: Logger = Logger(label: "pipe.auth"), clock: @escaping @Sendable () -> Date = { Date() }
    ) async throws(PipeError) -> AuthService {
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw PipeError(.unavailable, "cannot create the auth directory \(directory.path): \(error)")
        }
        let store = try SQLiteAuthStore(path: directory.appendingPathComponent("auth.sqlite").path)
        return try await AuthService(store: store, configuration: configuration, http: http, logger: logger, clock: clock)
    }

    // MARK: Shared helpers

    func audit(
        _ kind: AuditEvent.Kind, user: UserID? = nil, session: SessionID? = nil, _ details: [String: String] = [:]
    ) async {
        let event = AuditEvent(at: clock(), kind: kind, userID: user, sessionID: session, details: details)
        do {
            try await store.appendAudit(event)
        } catch {
            // The action already happened; losing its audit line must be loud, not fatal.
            logger.error("audit event lost", metadata: ["kind": "\(kind.rawValue)", "error": "\(error)"])
        }
        logger.info("auth event", metadata: ["kind": "\(kind.rawValue)", "user": "\(user?.rawValue ?? "-")"])
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// A random secret for a client to hold (refresh tokens, `state`, challenges): 256 bits in base64url.
    static func newSecret() -> String { Base64URL.encode(randomBytes(32)) }

    /// SHA-256 (hex) of a secret, as stored.
    static func hash(_ secret: String) -> String { Hex.encode(SHA256.hash(data: Array(secret.utf8))) }

    /// Requires `principal` to be allowed `action` on the account `target` (its owner, or an admin), through the
    /// same ``AccessPolicy`` evaluation as storage and pipelines. Missing and forbidden read the same.
    func authorize(_ principal: Principal?, _ action: Action, account target: UserID) throws(PipeError) {
        guard AccessPolicy(owner: target).allows(principal, action, on: .account(target)) else {
            throw PipeError(.notFound, "no such account")
        }
    }

    /// Lowercased, trimmed email; `invalid_argument` unless it looks like `local@domain` within 254 bytes.
    static func normalizedEmail(_ email: String) throws(PipeError) -> String {
        let trimmed = email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else { throw PipeError(.invalidArgument, "not a valid email address") }
        return trimmed
    }
}
