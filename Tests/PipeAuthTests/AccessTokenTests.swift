import Crypto
import Foundation
import PipeCore
import Testing

@testable import PipeAuth

@Suite("Access tokens: strict verification")
struct AccessTokenTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let settings = TokenSettings(issuer: "https://pipe.test")

    func key(_ algorithm: SigningAlgorithm = .es256) throws -> SigningKey {
        try SigningKey.generate(
            algorithm, createdAt: now.addingTimeInterval(-60), signsUntil: now.addingTimeInterval(3600),
            verifiesUntil: now.addingTimeInterval(7200))
    }

    func claims(session: SessionID? = .random(), lifetime: TimeInterval = 900) -> AccessToken {
        AccessToken(
            subject: .random(), kind: .user, sessionID: session, roles: ["member", "editor"],
            scopes: ["storage:read", "pipelines:run"], methods: ["pwd", "otp", "mfa"], issuedAt: now,
            expiresAt: now.addingTimeInterval(lifetime), tokenID: AccessTokens.newTokenID())
    }

    /// The `reason` detail of the error verifying `token` throws, or `nil` when it verifies.
    func rejection(_ tokens: AccessTokens, _ token: String, at date: Date? = nil) -> String? {
        do {
            _ = try tokens.verify(token, at: date ?? now)
            return nil
        } catch {
            return error.code == .tokenExpired ? "expired" : error.details["reason"] ?? error.code.rawValue
        }
    }

    @Test("tokens of every algorithm verify and say what they were issued with", arguments: SigningAlgorithm.allCases)
    func roundTrip(algorithm: SigningAlgorithm) async throws {
        let tokens = try await AccessTokens(settings: settings, keys: [try key(algorithm)])
        let issued = claims()
        let token = try tokens.issue(issued)
        let verified = try tokens.verify(token, at: now)
        #expect(verified == AccessToken(
            subject: issued.subject, kind: .user, sessionID: issued.sessionID, roles: issued.roles,
            scopes: issued.scopes, methods: issued.methods, issuedAt: now, expiresAt: issued.expiresAt,
            tokenID: issued.tokenID))
        #expect(verified.principal.scopes == ["storage:read", "pipelines:run"])
        let header = try #require(Base64URL.decode(String(token.split(separator: ".")[0])))
        let parsed = try JSONValue(parsing: header)
        #expect(parsed["typ"] == "at+jwt" && parsed["alg"] == .string(algorithm.rawValue) && parsed["kid"] != nil)
    }

    @Test("alg none and its case variants, and algorithm confusion, are refused before any cryptography")
    func algorithmConfusion() async throws {
        let es = try key()
        let tokens = try await AccessTokens(settings: settings, keys: [es])
        let body = TokenForge.object(TokenForge.claims(settings, now: now))
        for alg in ["none", "None", "NONE", "nOnE", "es256", "ES384", "RS256", "HS256", ""] {
            let header: JSONValue = ["alg": .string(alg), "kid": .string(es.id), "typ": "at+jwt"]
            let unsigned = TokenForge.token(header: header, claims: body) { _ in [] }
            #expect(rejection(tokens, unsigned) != nil, "alg \(alg) with an empty signature")
            #expect(rejection(tokens, unsigned) == "algorithm" || rejection(tokens, unsigned) == "malformed:segments")
        }
        // The classic: HS256 keyed with the public key the JWKS publishes.
        let publicPEM = try P256.Signing.PrivateKey(pemRepresentation: es.material).publicKey.pemRepresentation
        let confused = try TokenForge.token(
            header: ["alg": "HS256", "kid": .string(es.id), "typ": "at+jwt"], claims: body,
            sign: TokenForge.hs256(Array(publicPEM.utf8)))
        #expect(rejection(tokens, confused) == "algorithm")
        // The right algorithm and key verify the same claims.
        let genuine = try TokenForge.token(
            header: ["alg": "ES256", "kid": .string(es.id), "typ": "at+jwt"], claims: body, sign: TokenForge.es256(es))
        #expect(rejection(tokens, genuine) == nil)
    }

    @Test("kid is required and must name a key of this deployment: no default key, no hostile lookups")
    func keyIDs() async throws {
        let es = try key()
        let other = try key()
        let tokens = try await AccessTokens(settings: settings, keys: [es])
        let body = TokenForge.object(TokenForge.claims(settings, now: now))
        func signed(_ header: JSONValue, with key: SigningKey = es) throws -> String {
            try TokenForge.token(header: header, claims: body, sign: TokenForge.es256(key))
        }
        #expect(rejection(tokens, try signed(["alg": "ES256", "typ": "at+jwt"])) == "unknown_key")
        for kid in [other.id, "", "../../../etc/passwd", "' OR 1=1 --", String(repeating: "k", count: 2000), es.id.uppercased()] {
            #expect(rejection(tokens, try signed(["alg": "ES256", "kid": .string(kid), "typ": "at+jwt"])) == "unknown_key")
        }
        #expect(rejection(tokens, try signed(["alg": "ES256", "kid": 7, "typ": "at+jwt"])) == "malformed:kid")
        // A genuine kid with another key's signature.
        #expect(rejection(tokens, try signed(["alg": "ES256", "kid": .string(es.id), "typ": "at+jwt"], with: other)) == "signature")
        // Headers that point at keys elsewhere are refused outright.
        for member in ["jku", "jwk", "x5u", "x5c", "crit"] {
            let header = TokenForge.object(["alg": "ES256", "kid": .string(es.id), "typ": "at+jwt", member: "https://evil.example/k"])
            #expect(rejection(tokens, try signed(header)) == "malformed:header_\(member)")
        }
    }

    @Test("exp, iat, nbf, iss, aud, sub and jti are required and checked, with at most the configured leeway")
    func claimRules() async throws {
        let es = try key()
        let tokens = try await AccessTokens(settings: settings, keys: [es])
        let header: JSONValue = ["alg": "ES256", "kid": .string(es.id), "typ": "at+jwt"]
        let t = Int64(now.timeIntervalSince1970)
        func with(_ change: (inout [String: JSONValue]) -> Void) throws -> String {
            var claims = TokenForge.claims(settings, now: now)
            change(&claims)
            return try TokenForge.token(header: header, claims: TokenForge.object(claims), sign: TokenForge.es256(es))
        }
        #expect(rejection(tokens, try with { _ in }) == nil)
        #expect(rejection(tokens, try with { $0["exp"] = .number(.int(t - 31)); $0["iat"] = .number(.int(t - 600)) }) == "expired")
        // Inside the 30 s leeway.
        #expect(rejection(tokens, try with { $0["exp"] = .number(.int(t - 29)); $0["iat"] = .number(.int(t - 600)) }) == nil)
        #expect(rejection(tokens, try with { $0["exp"] = .number(.int(t - 10)) }) == "claim:exp")  // before iat
        #expect(rejection(tokens, try with { $0["exp"] = nil }) == "claim:exp")
        #expect(rejection(tokens, try with { $0["exp"] = "tomorrow" }) == "claim:exp")
        #expect(rejection(tokens, try with { $0["exp"] = .number(.int(t + 90_000)) }) == "claim:exp")  // > 24 h
        #expect(rejection(tokens, try with { $0["iat"] = nil }) == "claim:iat")
        #expect(rejection(tokens, try with { $0["iat"] = .number(.int(t + 120)) }) == "claim:iat")
        #expect(rejection(tokens, try with { $0["nbf"] = .number(.int(t + 120)) }) == "claim:nbf")
        #expect(rejection(tokens, try with { $0["nbf"] = .number(.int(t + 20)) }) == nil)
        #expect(rejection(tokens, try with { $0["iss"] = "https://evil.example" }) == "claim:iss")
        #expect(rejection(tokens, try with { $0["iss"] = nil }) == "claim:iss")
        #expect(rejection(tokens, try with { $0["aud"] = "someone-else" }) == "claim:aud")
        #expect(rejection(tokens, try with { $0["aud"] = nil }) == "claim:aud")
        #expect(rejection(tokens, try with { $0["aud"] = ["other", "pipe"] }) == nil)
        #expect(rejection(tokens, try with { $0["sub"] = nil }) == "claim:sub")
        #expect(rejection(tokens, try with { $0["sub"] = "has spaces" }) == "claim:sub")
        #expect(rejection(tokens, try with { $0["jti"] = nil }) == "claim:jti")
        #expect(rejection(tokens, try with { $0["scope"] = ["not", "a", "string"] }) == "claim:scope")
        #expect(rejection(tokens, try with { $0["kind"] = "root" }) == "claim:kind")
    }

    @Test("typ tells access tokens from id tokens and other JWTs signed by the same key")
    func tokenType() async throws {
        let es = try key()
        let tokens = try await AccessTokens(settings: settings, keys: [es])
        let body = TokenForge.object(TokenForge.claims(settings, now: now))
        for typ: JSONValue? in ["JWT", "id_token", "refresh", nil] {
            var header: [String: JSONValue] = ["alg": "ES256", "kid": .string(es.id)]
            header["typ"] = typ
            let token = try TokenForge.token(header: TokenForge.object(header), claims: body, sign: TokenForge.es256(es))
            #expect(rejection(tokens, token) == "type")
        }
        let mediaType = try TokenForge.token(
            header: ["alg": "ES256", "kid": .string(es.id), "typ": "application/at+jwt"], claims: body,
            sign: TokenForge.es256(es))
        #expect(rejection(tokens, mediaType) == nil)
        // An opaque refresh token presented as an access token.
        #expect(rejection(tokens, "q7Xc0Jr2vGZlY6c9bV3hkAN1yPo4pM3i8sT0wQeRuYz") == "malformed:segments")
    }

    @Test("an ES256 signature with r = s = 0, a truncated one, or a tampered payload fails")
    func signatures() async throws {
        let es = try key()
        let tokens = try await AccessTokens(settings: settings, keys: [es])
        let token = try tokens.issue(claims())
        let parts = token.split(separator: ".").map(String.init)
        #expect(rejection(tokens, parts[0] + "." + parts[1] + "." + TokenForge.base64url([UInt8](repeating: 0, count: 64))) == "signature")
        let signature = try #require(Base64URL.decode(parts[2]))
        #expect(rejection(tokens, parts[0] + "." + parts[1] + "." + TokenForge.base64url(signature.prefix(32))) == "signature")
        let forgedClaims = TokenForge.object(TokenForge.claims(settings, now: now).merging(["roles": ["admin"]]) { $1 })
        let tampered = parts[0] + "." + TokenForge.base64url(Array(TokenForge.json(forgedClaims).utf8)) + "." + parts[2]
        #expect(rejection(tokens, tampered) == "signature")
        #expect(rejection(tokens, token) == nil)
    }

    @Test("malformed and oversized tokens are refused before parsing")
    func malformed() async throws {
        let es = try key()
        let tokens = try await AccessTokens(settings: settings, keys: [es])
        let token = try tokens.issue(claims())
        let parts = token.split(separator: ".").map(String.init)
        let cases: [(String, String)] = [
            ("", "malformed:segments"), ("a.b", "malformed:segments"), (token + ".x", "malformed:segments"),
            (".." , "malformed:segments"), ("." + parts[1] + "." + parts[2], "malformed:segments"),
            (parts[0] + "=." + parts[1] + "." + parts[2], "malformed:header_encoding"),
            ("e30." + parts[1] + "." + parts[2], "malformed:alg"),  // {} as the header
            (TokenForge.base64url(Array("[1,2]".utf8)) + "." + parts[1] + "." + parts[2], "malformed:header_json"),
            (TokenForge.base64url(Array("{\"alg\":".utf8)) + "." + parts[1] + "." + parts[2], "malformed:header_json"),
            (parts[0] + "." + parts[1] + "." + parts[2] + "!", "malformed:signature_encoding"),
            (String(repeating: "a", count: 8193), "malformed:too_large"),
            (parts[0] + "." + String(repeating: "a", count: 9000) + "." + parts[2], "malformed:too_large"),
        ]
        for (text, reason) in cases {
            #expect(rejection(tokens, text) == reason, "\(text.prefix(40))")
        }
        // A signed payload that is not JSON.
        let notJSON = try TokenForge.token(
            header: ["alg": "ES256", "kid": .string(es.id), "typ": "at+jwt"], claims: "just a string",
            sign: TokenForge.es256(es))
        #expect(rejection(tokens, notJSON) == "malformed:payload_json")
    }

    @Test("HMAC secrets shorter than 32 bytes refuse to start")
    func shortSecrets() throws {
        #expect(throws: PipeError.self) {
            try SigningKey.configured(
                id: "shared", algorithm: .hs256, secret: Array(repeating: 7, count: 31), createdAt: now,
                verifiesUntil: now.addingTimeInterval(3600))
        }
        #expect(throws: PipeError.self) {
            try SigningKey.configured(id: "no pem", algorithm: .es256, pem: "not a pem", createdAt: now, verifiesUntil: now)
        }
        _ = try SigningKey.configured(
            id: "shared", algorithm: .hs256, secret: Array(repeating: 7, count: 32), createdAt: now,
            verifiesUntil: now.addingTimeInterval(3600))
    }

    @Test("verified tokens are cached until exp, and revoking a session drops and refuses its tokens")
    func cacheAndRevocation() async throws {
        let tokens = try await AccessTokens(settings: settings, keys: [try key()])
        let session = SessionID.random()
        let token = try tokens.issue(claims(session: session))
        let other = try tokens.issue(claims())
        _ = try tokens.verify(token, at: now)
        _ = try tokens.verify(token, at: now)
        _ = try tokens.verify(other, at: now)
        #expect(tokens.cachedTokenCount == 2)
        #expect(rejection(tokens, token, at: now.addingTimeInterval(900 + 31)) == "expired")  // cached, but expired
        tokens.revoke(session: session, at: now)
        #expect(tokens.cachedTokenCount == 1)
        #expect(rejection(tokens, token) == "revoked")
        #expect(rejection(tokens, other) == nil)
    }

    @Test("the JWKS publishes public keys only, in the RFC 7517 shape")
    func jwks() async throws {
        let es = try key(.es256)
        let rs = try key(.rs256)
        let hs = try key(.hs256)
        let tokens = try await AccessTokens(settings: settings, keys: [es, rs, hs])
        let document = try tokens.jwks(at: now)
        let keys = try #require(document["keys"]?.arrayValue)
        #expect(keys.count == 2)
        let ec = try #require(keys.first { $0["kid"]?.stringValue == es.id })
        #expect(ec["kty"] == "EC" && ec["crv"] == "P-256" && ec["alg"] == "ES256" && ec["use"] == "sig")
        #expect(ec["x"]?.stringValue?.count == 43 && ec["y"]?.stringValue?.count == 43 && ec["d"] == nil)
        let rsa = try #require(keys.first { $0["kid"]?.stringValue == rs.id })
        #expect(rsa["kty"] == "RSA" && rsa["e"] == "AQAB" && (rsa["n"]?.stringValue?.count ?? 0) >= 342 && rsa["d"] == nil)
        #expect(!TokenForge.json(document).contains(hs.material))
    }
}
