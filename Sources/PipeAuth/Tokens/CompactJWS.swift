import PipeCore

/// A JWS in compact serialization (`header.payload.signature`), split and decoded but not yet trusted.
///
/// Parsing is bounded and strict: at most ``TokenSettings/maximumTokenBytes`` bytes, exactly three
/// segments, canonical base64url in each, a JSON object header (at most 8 levels deep) whose `alg` and `kid`
/// are strings, and no `crit`, `jku`, `jwk`, `x5u` or `x5c` member — Pipe never follows a token's advice about
/// where to find its key.
struct CompactJWS {
    let algorithm: String
    let keyID: String?
    let type: String?
    /// The base64url header and payload, joined by the dot: the bytes the signature covers.
    let signingInput: ArraySlice<UInt8>
    let payloadSegment: ArraySlice<UInt8>
    let signature: [UInt8]

    static let refusedHeaderMembers: Set<String> = ["crit", "jku", "jwk", "x5u", "x5c"]
    static let parsing = JSONParsingOptions(maxDepth: 8, maxBytes: TokenSettings.maximumTokenBytes)

    /// Splits and decodes `token`; `reason` names what was wrong (for logs and the error's details, never the
    /// token itself).
    init(_ token: [UInt8]) throws(TokenRejection) {
        guard token.count <= TokenSettings.maximumTokenBytes else { throw .malformed("too_large") }
        guard let first = token.firstIndex(of: UInt8(ascii: ".")),
            let second = token[(first + 1)...].firstIndex(of: UInt8(ascii: ".")),
            !token[(second + 1)...].contains(UInt8(ascii: "."))
        else { throw .malformed("segments") }
        guard first > 0, second > first + 1 else { throw .malformed("segments") }
        guard let headerBytes = Base64URL.decode(token[..<first]) else { throw .malformed("header_encoding") }
        guard let signature = Base64URL.decode(token[(second + 1)...]) else { throw .malformed("signature_encoding") }
        guard case .object(let header)? = try? JSONValue(parsing: headerBytes, options: Self.parsing) else {
            throw .malformed("header_json")
        }
        guard case .string(let algorithm)? = header["alg"] else { throw .malformed("alg") }
        if let refused = header.keys.first(where: Self.refusedHeaderMembers.contains) {
            throw .malformed("header_\(refused)")
        }
        switch header["kid"] {
        case nil: keyID = nil
        case .string(let kid)?: keyID = kid
        default: throw .malformed("kid")
        }
        switch header["typ"] {
        case nil: type = nil
        case .string(let typ)?: type = typ
        default: throw .malformed("typ")
        }
        self.algorithm = algorithm
        self.signature = signature
        signingInput = token[..<second]
        payloadSegment = token[(first + 1)..<second]
    }

    /// The payload, decoded: only call after the signature checked out.
    func claims() throws(TokenRejection) -> JSONObject {
        guard let bytes = Base64URL.decode(payloadSegment) else { throw .malformed("payload_encoding") }
        guard case .object(let claims)? = try? JSONValue(parsing: bytes, options: Self.parsing) else {
            throw .malformed("payload_json")
        }
        return claims
    }

    /// Builds a signed compact JWS.
    static func sign(header: JSONValue, claims: JSONValue, with algorithm: any JWTSigningFunction) throws(PipeError)
        -> String
    {
        var writer = JSONWriter(capacity: 128)
        writer.write(header)
        var token = Base64URL.encode(writer.bytes)
        writer.reset()
        writer.write(claims)
        token += "." + Base64URL.encode(writer.bytes)
        let signature = try algorithm.signature(for: Array(token.utf8))
        return token + "." + Base64URL.encode(signature)
    }
}

/// What signs a JWS: one key's algorithm.
protocol JWTSigningFunction: Sendable {
    func signature(for input: [UInt8]) throws(PipeError) -> [UInt8]
}

/// Why a token was refused, kept apart from the error the caller sees so tests and logs can tell the cases apart
/// while clients get one `token_invalid` (or `token_expired`).
enum TokenRejection: Error, Equatable {
    case malformed(String)
    case unknownKey
    case algorithm
    case signature
    case type
    case claim(String)
    case expired
    case revoked

    var reason: String {
        switch self {
        case .malformed(let what): "malformed:\(what)"
        case .unknownKey: "unknown_key"
        case .algorithm: "algorithm"
        case .signature: "signature"
        case .type: "type"
        case .claim(let name): "claim:\(name)"
        case .expired: "expired"
        case .revoked: "revoked"
        }
    }

    var error: PipeError {
        if self == .expired {
            return PipeError(.tokenExpired, "the access token has expired", details: ["reason": reason])
        }
        return PipeError(.tokenInvalid, "the token is not valid", details: ["reason": reason])
    }
}
