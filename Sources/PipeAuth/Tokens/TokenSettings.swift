import PipeCore

/// How access tokens are issued and checked.
///
/// The defaults follow current practice for first-party APIs: 15-minute ES256 tokens, 30 seconds of clock
/// leeway, a new signing key every 7 days.
public struct TokenSettings: Sendable, Hashable {
    /// The `iss` every token carries and every verification requires, e.g. `https://pipe.example.com`.
    public var issuer: String
    /// The `aud` every token carries and every verification requires, e.g. `pipe`.
    public var audience: String
    /// How long an access token lives, in seconds (default 900; 1 minute to 24 hours).
    public var accessTokenLifetime: Int
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (default 30; at most 60).
    public var leeway: Int
    /// The algorithm new signing keys use.
    public var algorithm: SigningAlgorithm
    /// How long a signing key signs before a new one takes over, in seconds (default 7 days).
    public var rotationInterval: Int
    /// How many verified tokens the cache keeps (0 turns the cache off).
    public var verifiedTokenCacheSize: Int

    /// Settings with the defaults above.
    ///
    /// - Parameters:
    ///   - issuer: the `iss` value.
    ///   - audience: the `aud` value.
    public init(issuer: String, audience: String = "pipe") {
        self.issuer = issuer
        self.audience = audience
        accessTokenLifetime = 900
        leeway = 30
        algorithm = .es256
        rotationInterval = 7 * 86_400
        verifiedTokenCacheSize = 10_000
    }

    /// The largest leeway accepted: more would let expired tokens live on.
    public static let maximumLeeway = 60
    /// Tokens longer than this are refused before any parsing.
    public static let maximumTokenBytes = 8 * 1024

    func validated() throws(PipeError) -> TokenSettings {
        guard !issuer.isEmpty, issuer.utf8.count <= 512, !audience.isEmpty, audience.utf8.count <= 512 else {
            throw PipeError(.invalidArgument, "issuer and audience must be 1–512 bytes")
        }
        guard (60...86_400).contains(accessTokenLifetime) else {
            throw PipeError(.invalidArgument, "accessTokenLifetime must be 60–86400 seconds")
        }
        guard (0...Self.maximumLeeway).contains(leeway) else {
            throw PipeError(.invalidArgument, "leeway must be 0–\(Self.maximumLeeway) seconds")
        }
        guard rotationInterval >= 3600 else { throw PipeError(.invalidArgument, "rotationInterval must be ≥ 1 hour") }
        guard (0...10_000_000).contains(verifiedTokenCacheSize) else {
            throw PipeError(.invalidArgument, "verifiedTokenCacheSize must be 0–10,000,000")
        }
        return self
    }
}
