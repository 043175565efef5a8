/// The JWS algorithms Pipe signs and verifies access tokens with.
///
/// Each key allows exactly one algorithm: a token whose header names any other (`none`, `None`, `HS256` on an
/// ES256 key — the "public key as HMAC secret" trick) is refused before any cryptography runs.
public enum SigningAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    /// ECDSA on P-256 with SHA-256, the default: small tokens, public verification keys.
    case es256 = "ES256"
    /// RSASSA-PKCS1-v1_5 with SHA-256 (2048-bit or larger keys), for verifiers that only speak RSA.
    case rs256 = "RS256"
    /// HMAC-SHA-256 with a shared secret of at least 32 bytes; never published in the JWKS.
    case hs256 = "HS256"

    /// Whether verifying needs the secret (so the key must not be published).
    public var isSymmetric: Bool { self == .hs256 }
}
