import PipeCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension AuthService {
    /// The longest client description kept with a session.
    static let maximumClientBytes = 256

    /// The client description as kept: at most ``maximumClientBytes`` bytes, cut on a character boundary.
    static func bounded(client: String?) -> String? {
        guard let client else { return nil }
        var cut = ""
        for character in client {
            guard cut.utf8.count + character.utf8.count <= maximumClientBytes else { break }
            cut.append(character)
        }
        return cut
    }

    /// Starts a session for `account` and returns its first token pair.
    func startSession(for account: AccountRecord, methods: [String], client: String?) async throws(PipeError)
        -> TokenPair
    {
        guard !account.disabled else { throw PipeError(.invalidCredentials, "the email or password is wrong") }
        let now = clock()
        let refreshToken = Self.newSecret()
        let session = SessionRecord(
            id: .random(), userID: account.id, methods: methods, createdAt: now, lastUsedAt: now,
            absoluteExpiry: now.addingTimeInterval(TimeInterval(configuration.sessions.absoluteTimeout)),
            currentTokenHash: Self.hash(refreshToken), previousTokenHash: nil, previousRotatedAt: nil,
            rotationNonce: nil, generation: 0, revokedAt: nil, revokedReason: nil,
            client: Self.bounded(client: client))
        try await store.insertSession(session)
        await audit(.login, user: account.id, session: session.id, ["methods": methods.joined(separator: " ")])
        return try await tokenPair(for: account, session: session.id, methods: methods, refreshToken: refreshToken, now: now)
    }

    func tokenPair(
        for account: AccountRecord, session: SessionID, methods: [String], refreshToken: String, now: Date
    ) async throws(PipeError) -> TokenPair {
        let expires = now.addingTimeInterval(TimeInterval(configuration.tokens.accessTokenLifetime))
        let claims = AccessToken(
            subject: account.id, kind: account.kind, sessionID: session, roles: account.roles, scopes: [],
            methods: methods, issuedAt: now, expiresAt: expires, tokenID: AccessTokens.newTokenID())
        return TokenPair(
            accessToken: try await issueAccessToken(claims), accessTokenExpiresAt: expires, refreshToken: refreshToken,
            sessionID: session, userID: account.id, methods: methods)
    }

    /// Exchanges a refresh token for a new pair, rotating the refresh token.
    ///
    /// - The presented token stops working (it becomes the session's previous token).
    /// - Presenting it again within ``SessionSettings/refreshGrace`` (two requests racing) returns the same new
    ///   token as the first exchange. Presenting it later, or any older token, is reuse: someone else may hold a
    ///   copy, so the whole session is revoked (`reuse_detected`) and its access tokens are refused from then on.
    /// - A session unused for ``SessionSettings/idleTimeout`` or older than ``SessionSettings/absoluteTimeout``
    ///   ends.
    ///
    /// - Parameter refreshToken: the token from the last pair.
    /// - Returns: a new pair.
    /// - Throws: `session_invalid` for an unknown, used, expired or revoked token (one error for all).
    public func refresh(_ refreshToken: String) async throws(PipeError) -> TokenPair {
        let invalid = PipeError(.sessionInvalid, "the refresh token is not valid")
        guard RefreshTokens.isWellFormed(refreshToken) else { throw invalid }
        let now = clock()
        let presented = Self.hash(refreshToken)
        // A compare-and-set that loses to a racing refresh looks again: the token is then `previous`.
        for _ in 0..<3 {
            guard let (session, position) = try await store.session(refreshTokenHash: presented) else { throw invalid }
            guard session.revokedAt == nil else { throw invalid }
            if let reason = timeout(of: session, at: now) {
                try await endSession(session, reason: reason, at: now)
                throw invalid
            }
            guard let account = try await store.account(id: session.userID), !account.disabled else {
                try await endSession(session, reason: "account_disabled", at: now)
                throw invalid
            }
            switch position {
            case .current:
                let nonce = Self.newSecret()
                let next = RefreshTokens.child(of: refreshToken, nonce: nonce)
                guard
                    try await store.rotateSession(
                        session.id, expectedHash: presented, newHash: Self.hash(next), nonce: nonce, at: now)
                else { continue }
                await audit(.refresh, user: account.id, session: session.id)
                return try await tokenPair(
                    for: account, session: session.id, methods: session.methods, refreshToken: next, now: now)
            case .previous:
                if let rotatedAt = session.previousRotatedAt, let nonce = session.rotationNonce,
                    now.timeIntervalSince(rotatedAt) <= TimeInterval(configuration.sessions.refreshGrace)
                {
                    let next = RefreshTokens.child(of: refreshToken, nonce: nonce)
                    if Self.hash(next) == session.currentTokenHash {
                        try await store.touchSession(session.id, at: now)
                        await audit(.refresh, user: account.id, session: session.id, ["grace": "true"])
                        return try await tokenPair(
                            for: account, session: session.id, methods: session.methods, refreshToken: next, now: now)
                    }
                }
                try await reuseDetected(session, at: now)
                throw invalid
            case .retired:
                try await reuseDetected(session, at: now)
                throw invalid
            }
        }
        throw invalid
    }

    private func timeout(of session: SessionRecord, at now: Date) -> String? {
        if now >= session.absoluteExpiry { return "absolute_timeout" }
        if now.timeIntervalSince(session.lastUsedAt) > TimeInterval(configuration.sessions.idleTimeout) {
            return "idle_timeout"
        }
        return nil
    }

    private func reuseDetected(_ session: SessionRecord, at now: Date) async throws(PipeError) {
        if try await store.revokeSession(session.id, reason: "reuse_detected", at: now) {
            tokens.revoke(session: session.id, at: now)
            await audit(.refreshReuse, user: session.userID, session: session.id)
        }
    }

    func endSession(_ session: SessionRecord, reason: String, at now: Date) async throws(PipeError) {
        if try await store.revokeSession(session.id, reason: reason, at: now) {
            tokens.revoke(session: session.id, at: now)
            await audit(.sessionRevoked, user: session.userID, session: session.id, ["reason": reason])
        }
    }

    /// Ends the session a refresh token belongs to (sign-out). Unknown tokens are ignored, so signing out twice is
    /// harmless.
    ///
    /// - Parameter refreshToken: the session's current refresh token.
    public func signOut(refreshToken: String) async throws(PipeError) {
        guard RefreshTokens.isWellFormed(refreshToken),
            let (session, position) = try await store.session(refreshTokenHash: Self.hash(refreshToken))
        else { return }
        if position == .retired {
            try await reuseDetected(session, at: clock())
        } else {
            try await endSession(session, reason: "sign_out", at: clock())
        }
    }

    /// The sessions of `user`, newest first.
    ///
    /// - Parameters:
    ///   - user: whose sessions.
    ///   - includingRevoked: include ended sessions (kept until swept).
    ///   - principal: the caller: the user or an admin.
    /// - Throws: `not_found` for anyone else.
    public func sessions(of user: UserID, includingRevoked: Bool = false, as principal: Principal?) async throws(PipeError)
        -> [SessionInfo]
    {
        try authorize(principal, .read, account: user)
        return try await store.sessions(of: user, includingRevoked: includingRevoked, limit: 1000).map(SessionInfo.init)
    }

    /// Revokes one session: its refresh token stops working and its access tokens are refused.
    ///
    /// - Parameters:
    ///   - id: the session.
    ///   - principal: its user or an admin.
    /// - Throws: `not_found` when there is no such session or the caller may not see it.
    public func revokeSession(_ id: SessionID, as principal: Principal?) async throws(PipeError) {
        guard let session = try await store.session(id: id) else { throw PipeError(.notFound, "no such session") }
        do { try authorize(principal, .delete, account: session.userID) } catch {
            throw PipeError(.notFound, "no such session")
        }
        try await endSession(session, reason: "revoked", at: clock())
    }

    /// Revokes every session of `user` (sign out everywhere).
    ///
    /// - Parameters:
    ///   - user: whose sessions.
    ///   - principal: the user or an admin.
    /// - Returns: how many sessions ended.
    @discardableResult
    public func revokeAllSessions(of user: UserID, as principal: Principal?) async throws(PipeError) -> Int {
        try authorize(principal, .delete, account: user)
        let now = clock()
        let ids = try await store.revokeSessions(of: user, reason: "all", at: now)
        for id in ids { tokens.revoke(session: id, at: now) }
        await audit(.sessionRevoked, user: user, ["reason": "all", "count": "\(ids.count)"])
        return ids.count
    }

    /// Verifies an access token and returns who it authenticates (see ``AccessTokens/verify(_:at:)``).
    ///
    /// A token signed by a key this replica has not loaded (another replica rotated) makes it reload the keys from
    /// the store once, at most every 5 seconds, and try again. Keys are also reloaded every minute, so a key retired
    /// on another replica stops verifying here within a minute.
    ///
    /// - Parameter bearer: the token from `Authorization: Bearer`.
    public func authenticate(bearer: String) async throws(PipeError) -> Principal {
        await reloadKeysIfStale()
        do {
            return try tokens.verify(bearer, at: clock()).principal
        } catch where error.details["reason"] == TokenRejection.unknownKey.reason {
            let now = ContinuousClock.now
            let due = lastKeyReload.withLock { last -> Bool in
                guard last.map({ now - $0 >= Self.keyReloadInterval }) ?? true else { return false }
                last = now
                return true
            }
            guard due else { throw error }
            try await reloadKeys()
            return try tokens.verify(bearer, at: clock()).principal
        }
    }

    /// Who `credential` (an API key or an access token) authenticates, when this process checked it recently enough
    /// to answer from memory alone; `nil` when answering would take a store read, a signature check or a key reload
    /// (call ``authenticate(apiKey:)`` or ``authenticate(bearer:)`` then, which also give the errors).
    ///
    /// The answer is the one those calls would give now: a cached API key within its second, or a cached token
    /// verification whose key, expiry and session still stand, while the signing keys are not due for a reload.
    public func recentlyAuthenticated(_ credential: String) -> Principal? {
        if credential.hasPrefix("pipe_") {
            return verifiedAPIKeys.principal(for: VerifiedAPIKeyCache.digest(credential), now: clock())
        }
        let now = ContinuousClock.now
        let reloadDue =
            configuration.signingKeys.isEmpty
            && lastScheduledKeyReload.withLock { now - $0 >= Self.keyRefreshInterval }
        guard !reloadDue else { return nil }
        return tokens.previouslyVerified(credential, at: clock())?.principal
    }

    /// The least time between reloads caused by unknown key ids (so junk tokens cannot hammer the store).
    static let keyReloadInterval: Duration = .seconds(5)
}
