import Crypto

/// Proof Key for Code Exchange (RFC 7636), S256 only: the `plain` method would send the verifier itself.
struct PKCE {
    /// 43 base64url characters (256 bits): the secret sent only to the token endpoint.
    let verifier: String

    init(verifier: String) {
        self.verifier = verifier
    }

    /// `BASE64URL(SHA256(verifier))`, sent with the authorization request.
    var challenge: String { Base64URL.encode(Array(SHA256.hash(data: Array(verifier.utf8)))) }

    static let method = "S256"
}
