import Foundation
import PipeCore

/// Everything an ``AuthService`` is configured with.
public struct AuthConfiguration: Sendable {
    /// Access tokens: issuer, audience, lifetime, leeway, algorithm, key rotation.
    public var tokens: TokenSettings
    /// Sessions: timeouts and the refresh grace interval.
    public var sessions: SessionSettings
    /// The password hash for new passwords (existing hashes keep their own parameters until rehashed on login).
    public var passwordHasher: PasswordHasher
    /// Lockout after repeated failed logins.
    public var lockout: LockoutPolicy
    /// How many password hashes may run at once (default: twice the cores); sign-ins beyond that get
    /// `rate_limited` instead of queueing 32 MiB each.
    public var maximumConcurrentPasswordHashes: Int
    /// Configured signing keys (for example an HS256 secret shared with another service). When empty, the service
    /// generates and rotates its own keys in the store.
    public var signingKeys: [SigningKey]
    /// The OAuth / OpenID Connect providers users may sign in with.
    public var providers: [OAuthProvider]
    /// The redirect URIs an OAuth flow may return to, compared exactly (scheme, host, port, path and query).
    public var redirectURIs: Set<String>
    /// How long audit events are kept, in seconds (default 90 days).
    public var auditRetention: Int

    /// A configuration with defaults for everything but the token issuer.
    ///
    /// - Parameter issuer: the `iss` of the deployment's tokens (its public base URL).
    public init(issuer: String) {
        tokens = TokenSettings(issuer: issuer)
        sessions = SessionSettings()
        passwordHasher = PasswordHasher()
        lockout = LockoutPolicy()
        maximumConcurrentPasswordHashes = 2 * ProcessInfo.processInfo.activeProcessorCount
        signingKeys = []
        providers = []
        redirectURIs = []
        auditRetention = 90 * 86_400
    }
}

/// Session lifetimes.
public struct SessionSettings: Sendable, Hashable {
    /// A session unused (not refreshed) for this long ends, in seconds (default 7 days).
    public var idleTimeout: Int
    /// A session ends this long after login whatever its use, in seconds (default 30 days).
    public var absoluteTimeout: Int
    /// Two refreshes with the same token this close together (in seconds, default 10) are a race, not reuse: both
    /// get the same new token.
    public var refreshGrace: Int

    /// The defaults above.
    public init(idleTimeout: Int = 7 * 86_400, absoluteTimeout: Int = 30 * 86_400, refreshGrace: Int = 10) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.refreshGrace = refreshGrace
    }
}

/// When repeated failed logins lock an email out, and for how long.
///
/// Failures are counted per email whether or not an account has it, so lockout reveals nothing about which
/// emails exist. Each attempt counts as soon as it starts (parallel guesses cannot slip past), and a success resets
/// the count. Once ``threshold`` attempts have failed in a row, the email is locked for ``baseDelay``, doubled for
/// each further failure, at most ``maximumDelay``. The same policy counts wrong second-factor codes per account
/// and wrong current passwords when changing a password.
public struct LockoutPolicy: Sendable, Hashable {
    /// Failures allowed before the first lock (default 5).
    public var threshold: Int
    /// The first lock, in seconds (default 30).
    public var baseDelay: Int
    /// The longest lock, in seconds (default 15 minutes).
    public var maximumDelay: Int

    /// The defaults above.
    public init(threshold: Int = 5, baseDelay: Int = 30, maximumDelay: Int = 900) {
        self.threshold = threshold
        self.baseDelay = baseDelay
        self.maximumDelay = maximumDelay
    }

    /// The lock after `failures` consecutive failures, in seconds (0: none).
    func delay(afterFailures failures: Int) -> Int {
        guard failures >= threshold else { return 0 }
        let doublings = min(failures - threshold, 20)
        return min(maximumDelay, baseDelay << doublings)
    }
}
