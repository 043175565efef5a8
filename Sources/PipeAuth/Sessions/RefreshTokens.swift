import Crypto

/// Refresh tokens: 256 random bits for the first of a session, then each derived from the one it replaces.
///
/// A child token is `HMAC-SHA-256(key: parent, message: nonce)`, with a fresh random nonce per rotation stored next
/// to the session. Deriving it needs both the parent token, which only its holder has (the store keeps hashes),
/// and the nonce, which only the store has. That lets a refresh that lost a race — the same parent presented
/// twice within the grace interval, as when two requests of one app refresh at once — recompute and receive the
/// very token the winner received, instead of a second valid token or a false reuse alarm. A stolen parent alone
/// derives nothing.
enum RefreshTokens {
    static func child(of parent: String, nonce: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array(nonce.utf8), using: SymmetricKey(data: Array(parent.utf8)))
        return Base64URL.encode(Array(mac))
    }

    /// Whether `text` has the shape of a refresh token (43 base64url characters), checked before any lookup.
    static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 43 && Base64URL.decode(text)?.count == 32
    }
}
