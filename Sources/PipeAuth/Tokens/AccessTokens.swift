import Crypto
import PipeCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Issues and verifies access tokens: short-lived JWTs signed by the deployment's current key.
///
/// Verification is strict. A token is refused, with `token_invalid` and a `reason` detail, unless all of these
/// hold:
/// - it is at most 8 KB, three canonical base64url segments, with a JSON object header;
/// - the header's `kid` names a key of this deployment that still verifies (no default key, no key taken from
///   the token), and its `alg` is exactly that key's one algorithm (`none`, case variants and algorithm
///   confusion are refused before any cryptography);
/// - `typ` is `at+jwt` (RFC 9068), so id tokens and other JWTs signed by the same key do not pass;
/// - the signature verifies;
/// - `iss` and `aud` match the settings; `sub`, `jti`, `iat` and `exp` are present; `exp` has not passed and
///   `nbf`/`iat` are not in the future (both within the leeway); the token does not claim to live longer than
///   24 hours;
/// - its session (`sid`) has not been revoked.
///
/// An expired but otherwise valid token gets `token_expired`, the signal to refresh.
///
/// Tokens that pass are cached by their SHA-256 until they expire, so a token presented again costs a hash and a
/// dictionary lookup; revoking a session drops its tokens from the cache and refuses them from then on.
public final class AccessTokens: Sendable {
    /// The settings tokens are issued and checked with.
    public let settings: TokenSettings

    private struct State {
        var ring: KeyRing
        var cache: VerifiedTokenCache
        /// Revoked sessions, until the last access token issued before the revocation has expired.
        var revokedSessions: [SessionID: Date]
    }

    private let state: Mutex<State>

    /// Access tokens signed and verified with `keys`.
    ///
    /// - Parameters:
    ///   - settings: issuer, audience, lifetimes, leeway.
    ///   - keys: the signing keys (usually the auth store's, rotated by ``AuthService/rotateKeysIfDue(force:)``).
    /// - Throws: `invalid_argument` for settings out of bounds or unreadable key material.
    public init(settings: TokenSettings, keys: [SigningKey]) async throws(PipeError) {
        self.settings = try settings.validated()
        let ring = try await KeyRing.load(keys)
        state = Mutex(State(ring: ring, cache: VerifiedTokenCache(capacity: settings.verifiedTokenCacheSize), revokedSessions: [:]))
    }

    /// Replaces the key set (after a rotation). Cached verifications made with keys no longer present are dropped.
    ///
    /// - Parameter keys: the keys that now sign and verify.
    public func install(keys: [SigningKey]) async throws(PipeError) {
        let ring = try await KeyRing.load(keys)
        state.withLock { state in
            state.ring = ring
            state.cache.removeAll { ring.keys[$0.keyID] == nil }
        }
    }

    /// The key that signs at `now`, if any.
    func signingKey(at now: Date) -> SigningKey? { state.withLock { $0.ring.signer(at: now)?.key } }

    /// The ids of the keys loaded now.
    public var keyIDs: Set<String> { state.withLock { Set($0.ring.keys.keys) } }

    // MARK: Issuing

    /// Signs an access token for `claims` with the key that signs now.
    ///
    /// - Parameter claims: what the token says; its `issuedAt` picks the signing key.
    /// - Returns: the compact JWT.
    /// - Throws: `unavailable` when no key signs at that time.
    public func issue(_ claims: AccessToken) throws(PipeError) -> String {
        guard let key = state.withLock({ $0.ring.signer(at: claims.issuedAt) }) else {
            throw PipeError(.unavailable, "no signing key is active; rotate keys first")
        }
        let header: JSONValue = [
            "alg": .string(key.key.algorithm.rawValue), "kid": .string(key.key.id), "typ": "at+jwt",
        ]
        var members: [(String, JSONValue)] = [
            ("iss", .string(settings.issuer)), ("aud", .string(settings.audience)),
            ("sub", .string(claims.subject.rawValue)),
            ("iat", .number(.int(Int64(claims.issuedAt.timeIntervalSince1970.rounded(.down))))),
            ("exp", .number(.int(Int64(claims.expiresAt.timeIntervalSince1970.rounded(.down))))),
            ("jti", .string(claims.tokenID)),
            ("kind", .string(claims.kind == .user ? "user" : "service")),
        ]
        if let session = claims.sessionID { members.append(("sid", .string(session.rawValue))) }
        if !claims.scopes.isEmpty { members.append(("scope", .string(claims.scopes.sorted().joined(separator: " ")))) }
        if !claims.roles.isEmpty { members.append(("roles", .array(claims.roles.sorted().map { .string($0) }))) }
        if !claims.methods.isEmpty { members.append(("amr", .array(claims.methods.map { .string($0) }))) }
        return try CompactJWS.sign(header: header, claims: .object(JSONObject(members)), with: key)
    }

    /// A new random token id (`jti`): 22 base64url characters.
    public static func newTokenID() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    // MARK: Verifying

    /// Verifies `token` strictly (see the type's discussion) and says what it grants.
    ///
    /// - Parameters:
    ///   - token: the compact JWT from an `Authorization: Bearer` header.
    ///   - now: the time to check against.
    /// - Throws: `token_expired` for an expired token; `token_invalid` with `details["reason"]` for anything else.
    public func verify(_ token: String, at now: Date = Date()) throws(PipeError) -> AccessToken {
        do {
            return try check(token, at: now)
        } catch let rejection {
            throw rejection.error
        }
    }

    func check(_ token: String, at now: Date) throws(TokenRejection) -> AccessToken {
        guard token.utf8.count <= TokenSettings.maximumTokenBytes else { throw .malformed("too_large") }
        let bytes = Array(token.utf8)
        let caching = settings.verifiedTokenCacheSize > 0
        let digest = caching ? SHA256.hash(data: bytes) : nil
        let leeway = TimeInterval(settings.leeway)
        // One lock per verification: the key ring, the cache entry and the revocation list are read together
        // (a revocation landing between this read and the end of this call is, harmlessly, seen by the next one).
        let (ring, cached, revoked) = state.withLock { state in
            (state.ring, digest.flatMap { state.cache.lookUp($0) }, state.revokedSessions)
        }
        func checkNotRevoked(_ session: SessionID?) throws(TokenRejection) {
            if let session, let until = revoked[session], now < until { throw .revoked }
        }
        if let cached, ring.keys[cached.keyID] != nil {
            guard now <= cached.acceptedUntil else { throw .expired }
            try checkNotRevoked(cached.token.sessionID)
            return cached.token
        }

        let jws = try CompactJWS(bytes)
        guard let kid = jws.keyID, let key = ring.keys[kid] else { throw .unknownKey }
        guard jws.algorithm == key.key.algorithm.rawValue else { throw .algorithm }
        guard let type = jws.type, Self.isAccessTokenType(type) else { throw .type }
        guard now < key.key.verifiesUntil else { throw .unknownKey }
        guard key.verifies(jws.signature, for: jws.signingInput) else { throw .signature }

        let claims = try jws.claims()
        let verified = try accessToken(from: claims, now: now, leeway: leeway)
        try checkNotRevoked(verified.sessionID)
        let entry = VerifiedTokenCache.Entry(
            token: verified, keyID: kid, acceptedUntil: verified.expiresAt.addingTimeInterval(leeway))
        if let digest { state.withLock { $0.cache.insert(entry, for: digest, now: now) } }
        return verified
    }

    /// What `token` grants when this instance verified it before and that verification still stands (the token
    /// is unexpired, its key still loaded and its session not revoked); `nil` otherwise. Checks no signature, so it
    /// costs a hash and one lock: for callers that must not wait, which call ``verify(_:at:)`` on `nil`.
    public func previouslyVerified(_ token: String, at now: Date = Date()) -> AccessToken? {
        guard settings.verifiedTokenCacheSize > 0, token.utf8.count <= TokenSettings.maximumTokenBytes else { return nil }
        let digest = SHA256.hash(data: Array(token.utf8))
        return state.withLock { state -> AccessToken? in
            guard let cached = state.cache.lookUp(digest), state.ring.keys[cached.keyID] != nil,
                now <= cached.acceptedUntil
            else { return nil }
            if let session = cached.token.sessionID, let until = state.revokedSessions[session], now < until {
                return nil
            }
            return cached.token
        }
    }

    static func isAccessTokenType(_ type: String) -> Bool {
        let lowered = type.lowercased()
        return lowered == "at+jwt" || lowered == "application/at+jwt"
    }

    /// The longest lifetime a token may claim (`exp - iat`), whatever the settings were when it was issued.
    static let maximumLifetime: TimeInterval = 86_400

    private func accessToken(from claims: JSONObject, now: Date, leeway: TimeInterval) throws(TokenRejection)
        -> AccessToken
    {
        guard case .string(let issuer)? = claims["iss"], issuer == settings.issuer else { throw .claim("iss") }
        switch claims["aud"] {
        case .string(let audience)? where audience == settings.audience: break
        case .array(let audiences)? where audiences.contains(.string(settings.audience)): break
        default: throw .claim("aud")
        }
        guard case .string(let subjectText)? = claims["sub"], let subject = try? UserID(subjectText) else {
            throw .claim("sub")
        }
        guard case .string(let tokenID)? = claims["jti"], !tokenID.isEmpty, tokenID.utf8.count <= 128 else {
            throw .claim("jti")
        }
        guard let expires = Self.time(claims["exp"]) else { throw .claim("exp") }
        guard let issued = Self.time(claims["iat"]) else { throw .claim("iat") }
        guard issued <= now.addingTimeInterval(leeway) else { throw .claim("iat") }
        if let notBefore = claims["nbf"] {
            guard let notBefore = Self.time(notBefore) else { throw .claim("nbf") }
            guard notBefore <= now.addingTimeInterval(leeway) else { throw .claim("nbf") }
        }
        guard expires > issued, expires.timeIntervalSince(issued) <= Self.maximumLifetime else { throw .claim("exp") }
        guard now <= expires.addingTimeInterval(leeway) else { throw .expired }

        let kind: Principal.Kind
        switch claims["kind"] {
        case .string("user")?, nil: kind = .user
        case .string("service")?: kind = .serviceAccount
        default: throw .claim("kind")
        }
        var session: SessionID?
        if let sid = claims["sid"] {
            guard case .string(let text) = sid, let id = try? SessionID(text) else { throw .claim("sid") }
            session = id
        }
        var scopes: Set<String> = []
        if let scope = claims["scope"] {
            guard case .string(let text) = scope else { throw .claim("scope") }
            scopes = Set(text.split(separator: " ").map(String.init))
        }
        guard let roles = Self.strings(claims["roles"]) else { throw .claim("roles") }
        guard let methods = Self.strings(claims["amr"]) else { throw .claim("amr") }
        return AccessToken(
            subject: subject, kind: kind, sessionID: session, roles: Set(roles), scopes: scopes, methods: methods,
            issuedAt: issued, expiresAt: expires, tokenID: tokenID)
    }

    /// A NumericDate claim (seconds since the epoch), or `nil` when absent, not a number, or absurd.
    static func time(_ value: JSONValue?) -> Date? {
        guard case .number(let number)? = value else { return nil }
        let seconds = number.doubleValue
        guard seconds.isFinite, seconds >= 0, seconds < 32_503_680_000 else { return nil }  // before year 3000
        return Date(timeIntervalSince1970: seconds)
    }

    /// An optional array of at most 64 strings; `nil` when present but of another shape.
    static func strings(_ value: JSONValue?) -> [String]? {
        guard let value else { return [] }
        guard case .array(let items) = value, items.count <= 64 else { return nil }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else { return nil }
            strings.append(text)
        }
        return strings
    }

    // MARK: Revocation

    /// Refuses every access token of `session` from now on (until they would have expired anyway), and drops them
    /// from the verified-token cache.
    ///
    /// - Parameters:
    ///   - session: the revoked session.
    ///   - now: the revocation time.
    public func revoke(session: SessionID, at now: Date = Date()) {
        let until = now.addingTimeInterval(TimeInterval(settings.accessTokenLifetime + settings.leeway))
        state.withLock { state in
            state.revokedSessions = state.revokedSessions.filter { $0.value > now }
            state.revokedSessions[session] = until
            state.cache.removeAll { $0.token.sessionID == session }
        }
    }

    /// How many verified tokens the cache holds now.
    public var cachedTokenCount: Int { state.withLock { $0.cache.count } }

    // MARK: Publishing

    /// The JWKS document (RFC 7517 §5) with the public keys that still verify: what other services fetch to verify
    /// Pipe's tokens themselves. HMAC keys are never included.
    ///
    /// - Parameter now: keys that stopped verifying before this are left out.
    public func jwks(at now: Date = Date()) throws(PipeError) -> JSONValue {
        let keys = state.withLock { $0.ring.keys.values.map(\.key) }
            .filter { $0.verifiesUntil > now }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        var published: [JSONValue] = []
        for key in keys {
            if let jwk = try key.publicJWK() { published.append(jwk) }
        }
        return ["keys": .array(published)]
    }
}
