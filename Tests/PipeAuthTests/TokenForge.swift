import Crypto
import Foundation
import PipeCore
import _CryptoExtras

@testable import PipeAuth

/// Builds tokens by hand, independently of `AccessTokens.issue`, to feed the verifier hostile input.
enum TokenForge {
    static func base64url(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func json(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.write(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// `header.claims.` plus `sign(signingInput)`.
    static func token(header: JSONValue, claims: JSONValue, sign: ([UInt8]) throws -> [UInt8]) rethrows -> String {
        let input = base64url(Array(json(header).utf8)) + "." + base64url(Array(json(claims).utf8))
        return input + "." + base64url(try sign(Array(input.utf8)))
    }

    static func es256(_ key: SigningKey) -> ([UInt8]) throws -> [UInt8] {
        { input in
            Array(try P256.Signing.PrivateKey(pemRepresentation: key.material).signature(for: input).rawRepresentation)
        }
    }

    static func rs256(_ key: SigningKey) -> ([UInt8]) throws -> [UInt8] {
        { input in
            Array(
                try _RSA.Signing.PrivateKey(pemRepresentation: key.material)
                    .signature(for: input, padding: .insecurePKCS1v1_5).rawRepresentation)
        }
    }

    static func hs256(_ secret: [UInt8]) -> ([UInt8]) throws -> [UInt8] {
        { input in Array(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: secret))) }
    }

    /// Claims a valid access token of `settings` would carry at `now`.
    static func claims(_ settings: TokenSettings, now: Date, sid: SessionID? = nil) -> [String: JSONValue] {
        var claims: [String: JSONValue] = [
            "iss": .string(settings.issuer), "aud": .string(settings.audience), "sub": .string(UserID.random().rawValue),
            "iat": .number(.int(Int64(now.timeIntervalSince1970))),
            "exp": .number(.int(Int64(now.timeIntervalSince1970) + 600)), "jti": "forged-1", "kind": "user",
        ]
        if let sid { claims["sid"] = .string(sid.rawValue) }
        return claims
    }

    static func object(_ members: [String: JSONValue]) -> JSONValue {
        .object(JSONObject(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }
}
