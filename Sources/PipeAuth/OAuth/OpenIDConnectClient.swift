import JWTKit
import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One OpenID Connect provider: its discovery document and signing keys (both cached for an hour), the code
/// exchange, and strict id token verification.
actor OpenIDConnectClient {
    struct Discovery: Sendable {
        let issuer: String
        let authorizationEndpoint: URL
        let tokenEndpoint: URL
        let jwksURI: URL
    }

    struct ProviderKey: Sendable {
        let algorithm: String
        let verifier: any JWTAlgorithm
    }

    let provider: OAuthProvider
    let issuer: String
    let acceptedIssuers: Set<String>
    let calls: ProviderCalls
    private var discovery: (value: Discovery, fetchedAt: Date)?
    private var keys: (value: [String: ProviderKey], fetchedAt: Date)?
    private var lastForcedKeyFetch: Date?

    static let cacheLifetime: TimeInterval = 3600
    /// An unknown `kid` makes the keys be fetched again (the provider rotated), at most this often.
    static let refetchInterval: TimeInterval = 30
    /// Id token algorithms accepted from providers; never `none` or HMAC (the client secret is not a key).
    static let allowedAlgorithms: Set<String> = ["ES256", "ES384", "RS256", "RS384", "RS512"]
    static let leeway: TimeInterval = 60

    init(provider: OAuthProvider, issuer: String, alternateIssuers: [String], http: any HTTPTransport) {
        self.provider = provider
        self.issuer = issuer
        acceptedIssuers = Set([issuer] + alternateIssuers)
        calls = ProviderCalls(provider: provider.name, http: http)
    }

    func discover(now: Date) async throws(PipeError) -> Discovery {
        if let discovery, now.timeIntervalSince(discovery.fetchedAt) < Self.cacheLifetime { return discovery.value }
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        let url = try OAuthProvider.endpoint(base + "/.well-known/openid-configuration", provider: provider.name)
        let document = try await calls.json(HTTPRequest(url: url))
        // OpenID Connect Discovery §4.3: the document's issuer must be exactly the one it was fetched for.
        guard try calls.string(document, "issuer") == issuer else {
            throw calls.failure("discovery_issuer", "the discovery document names another issuer")
        }
        if let methods = document["code_challenge_methods_supported"]?.arrayValue,
            !methods.contains(.string(PKCE.method))
        {
            throw calls.failure("discovery_pkce", "the provider does not support PKCE S256")
        }
        let value = Discovery(
            issuer: issuer,
            authorizationEndpoint: try OAuthProvider.endpoint(
                try calls.string(document, "authorization_endpoint"), provider: provider.name),
            tokenEndpoint: try OAuthProvider.endpoint(try calls.string(document, "token_endpoint"), provider: provider.name),
            jwksURI: try OAuthProvider.endpoint(try calls.string(document, "jwks_uri"), provider: provider.name))
        discovery = (value, now)
        return value
    }

    /// Exchanges `code` at the token endpoint and verifies the id token it returns.
    func identity(code: String, redirectURI: String, verifier: String, nonce: String, now: Date) async throws(PipeError)
        -> ProviderIdentity
    {
        let discovery = try await discover(now: now)
        let credentials = FormEncoding.escape(provider.clientID) + ":" + FormEncoding.escape(provider.clientSecret)
        let request = ProviderCalls.formPost(
            discovery.tokenEndpoint,
            [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
                ("code_verifier", verifier), ("client_id", provider.clientID),
            ],
            headers: ["Authorization": "Basic " + Data(credentials.utf8).base64EncodedString()])
        let response = try await calls.json(request)
        let idToken = try calls.string(response, "id_token", limit: TokenSettings.maximumTokenBytes)
        let claims = try await verifiedClaims(idToken, nonce: nonce, now: now, discovery: discovery)
        guard case .string(let subject)? = claims["sub"], !subject.isEmpty, subject.utf8.count <= 255 else {
            throw calls.failure("id_token", "the id token has no valid sub")
        }
        let verified: Bool
        switch claims["email_verified"] {
        case .bool(let flag)?: verified = flag
        case .string(let text)?: verified = text == "true"  // some providers send a string
        default: verified = false
        }
        let email = verified ? claims["email"]?.stringValue.flatMap { try? AuthService.normalizedEmail($0) } : nil
        return ProviderIdentity(
            subject: subject, verifiedEmail: email, name: claims["name"]?.stringValue.map { String($0.prefix(200)) })
    }

    /// The claims of an id token that passed every check: signature by a key from the provider's JWKS with an
    /// allowed asymmetric algorithm that matches the key, `iss`, `aud` (and `azp` when there are several
    /// audiences), `exp`, `iat`, and the login attempt's `nonce`.
    func verifiedClaims(_ token: String, nonce: String, now: Date, discovery: Discovery) async throws(PipeError)
        -> JSONObject
    {
        func refuse(_ reason: String) -> PipeError { calls.failure("id_token", "the id token was refused (\(reason))") }
        let jws: CompactJWS
        do { jws = try CompactJWS(Array(token.utf8)) } catch { throw refuse(error.reason) }
        guard Self.allowedAlgorithms.contains(jws.algorithm) else { throw refuse("algorithm") }
        guard let kid = jws.keyID else { throw refuse("kid") }
        guard let key = try await key(kid, discovery: discovery, now: now) else { throw refuse("unknown_key") }
        guard key.algorithm == jws.algorithm else { throw refuse("algorithm") }
        guard (try? key.verifier.verify(jws.signature, signs: jws.signingInput)) == true else {
            throw refuse("signature")
        }
        let claims: JSONObject
        do { claims = try jws.claims() } catch { throw refuse(error.reason) }
        guard case .string(let issuer)? = claims["iss"], acceptedIssuers.contains(issuer) else { throw refuse("iss") }
        switch claims["aud"] {
        case .string(let audience)? where audience == provider.clientID: break
        case .array(let audiences)? where audiences.contains(.string(provider.clientID)):
            if audiences.count > 1, claims["azp"]?.stringValue != provider.clientID { throw refuse("azp") }
        default: throw refuse("aud")
        }
        guard let expires = AccessTokens.time(claims["exp"]) else { throw refuse("exp") }
        guard now <= expires.addingTimeInterval(Self.leeway) else { throw refuse("expired") }
        guard let issued = AccessTokens.time(claims["iat"]), issued <= now.addingTimeInterval(Self.leeway) else {
            throw refuse("iat")
        }
        guard case .string(let presented)? = claims["nonce"], ConstantTime.equal(Array(presented.utf8), Array(nonce.utf8))
        else { throw refuse("nonce") }
        return claims
    }

    private func key(_ kid: String, discovery: Discovery, now: Date) async throws(PipeError) -> ProviderKey? {
        if let keys, now.timeIntervalSince(keys.fetchedAt) < Self.cacheLifetime, let key = keys.value[kid] {
            return key
        }
        let stale = keys.map { now.timeIntervalSince($0.fetchedAt) >= Self.cacheLifetime } ?? true
        let mayRefetch = lastForcedKeyFetch.map { now.timeIntervalSince($0) >= Self.refetchInterval } ?? true
        guard stale || mayRefetch else { return nil }
        if !stale { lastForcedKeyFetch = now }
        let loaded = try await fetchKeys(discovery.jwksURI)
        keys = (loaded, now)
        return loaded[kid]
    }

    /// The provider's JWKS, as verifiers by `kid`. Keys without a `kid`, of other types, or with an algorithm
    /// outside the allowed set are skipped.
    private func fetchKeys(_ url: URL) async throws(PipeError) -> [String: ProviderKey] {
        let document = try await calls.json(HTTPRequest(url: url))
        guard let entries = document["keys"]?.arrayValue, entries.count <= 100 else {
            throw calls.failure("jwks", "the JWKS document has no key list")
        }
        var result: [String: ProviderKey] = [:]
        for entry in entries {
            guard case .object(let members) = entry, let kid = members["kid"]?.stringValue,
                members["use"]?.stringValue.map({ $0 == "sig" }) ?? true,
                let algorithm = Self.algorithm(of: members), Self.allowedAlgorithms.contains(algorithm)
            else { continue }
            var writer = JSONWriter(capacity: 512)
            writer.write(entry)
            do {
                let jwk = try JSONDecoder().decode(JWK.self, from: Data(writer.bytes))
                let collection = JWTKeyCollection()
                try await collection.add(jwk: jwk)
                let verifier = try await collection.getKey(for: JWKIdentifier(string: kid), alg: algorithm)
                guard verifier.name == algorithm else { continue }
                result[kid] = ProviderKey(algorithm: algorithm, verifier: verifier)
            } catch {
                continue  // a key Pipe cannot use is skipped, not fatal: the others may still verify
            }
        }
        return result
    }

    /// The JWK's `alg`, or the one its type implies (EC P-256 → ES256, P-384 → ES384, RSA → RS256).
    static func algorithm(of jwk: JSONObject) -> String? {
        if let algorithm = jwk["alg"]?.stringValue { return algorithm }
        switch (jwk["kty"]?.stringValue, jwk["crv"]?.stringValue) {
        case ("EC", "P-256"): return "ES256"
        case ("EC", "P-384"): return "ES384"
        case ("RSA", _): return "RS256"
        default: return nil
        }
    }
}
