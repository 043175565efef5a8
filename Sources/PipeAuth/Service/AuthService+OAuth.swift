import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The start of an OAuth login: where to send the user, and the `state` the callback must bring back.
public struct OAuthStart: Sendable, Hashable {
    /// The provider's authorization URL, with client id, redirect URI, scopes, `state`, PKCE challenge and (OIDC)
    /// `nonce`.
    public let authorizationURL: URL
    /// The one-time `state` (also in the URL). A web app may bind it to the browser (a cookie) as well.
    public let state: String
    /// When the attempt expires (10 minutes).
    public let expiresAt: Date
}

extension AuthService {
    /// How long a user has to come back from the provider.
    static let loginAttemptLifetime: TimeInterval = 600

    /// Starts an authorization-code login with PKCE (S256) at `provider`.
    ///
    /// The attempt is stored under the hash of a fresh random `state`, with the PKCE verifier, the OIDC `nonce`
    /// and the redirect URI; ``completeOAuth(provider:redirectURI:state:code:client:)`` accepts the callback
    /// once.
    ///
    /// - Parameters:
    ///   - name: a configured provider's name.
    ///   - redirectURI: where the provider sends the user back; must be in ``AuthConfiguration/redirectURIs``
    ///     exactly (no prefix, no trailing-slash or port leniency).
    ///   - token: the verified access token of a signed-in user who links this provider to their account;
    ///     `nil` to sign in. Linking adds a way into the account, so it needs proof of a fresh login: the token must
    ///     be a user's, unscoped, from a live session that began within the last 10 minutes (and with `mfa` in its
    ///     methods when the account has a second factor).
    /// - Throws: `oauth_failed` (`redirect_uri`) for a redirect URI not on the list; `not_found` for an unknown
    ///   provider; `forbidden` when the token may not link; `unavailable` when the provider's discovery document
    ///   cannot be fetched.
    public func beginOAuth(provider name: String, redirectURI: String, linkingTo token: AccessToken? = nil)
        async throws(PipeError) -> OAuthStart
    {
        guard configuration.redirectURIs.contains(redirectURI) else {
            await audit(.loginFailed, ["method": "oauth", "provider": String(name.prefix(32)), "reason": "redirect_uri"])
            throw PipeError(.oauthFailed, "the redirect URI is not allowed", details: ["reason": "redirect_uri"])
        }
        if let token { try await requireFreshLogin(token) }
        let (provider, client) = try providers.client(name)
        let now = clock()
        let state = Self.newSecret()
        let pkce = PKCE(verifier: Self.newSecret())
        let nonce = Self.newSecret()
        var query: [(String, String)] = [
            ("response_type", "code"), ("client_id", provider.clientID), ("redirect_uri", redirectURI),
            ("scope", provider.scopes.joined(separator: " ")), ("state", state),
            ("code_challenge", pkce.challenge), ("code_challenge_method", PKCE.method),
        ]
        let endpoint: URL
        switch client {
        case .openIDConnect(let oidc):
            endpoint = try await oidc.discover(now: now).authorizationEndpoint
            query.append(("nonce", nonce))
        case .github(let github):
            endpoint = try github.authorizationEndpoint
        }
        let separator = endpoint.absoluteString.contains("?") ? "&" : "?"
        guard let url = URL(string: endpoint.absoluteString + separator + FormEncoding.encode(query)) else {
            throw PipeError(.internalError, "could not build the authorization URL")
        }
        let expires = now.addingTimeInterval(Self.loginAttemptLifetime)
        try await store.insertLoginAttempt(
            LoginAttemptRecord(
                stateHash: Self.hash(state), provider: provider.name, redirectURI: redirectURI,
                codeVerifier: pkce.verifier, nonce: nonce, linkTo: token?.subject, linkSession: token?.sessionID,
                createdAt: now, expiresAt: expires))
        return OAuthStart(authorizationURL: url, state: state, expiresAt: expires)
    }

    /// Completes a login from the provider's callback: checks the `state` (once), exchanges the code with the
    /// PKCE verifier, verifies the identity, finds or creates the account, and starts a session (`amr`: `fed`).
    ///
    /// Accounts are matched by the provider identity first. A new identity whose verified email belongs to an
    /// account with a verified email is linked to it; if that account's email is unverified, the login is refused
    /// (`email_in_use`) so an unverified sign-up cannot capture a provider login. Otherwise a new account is made.
    ///
    /// - Parameters:
    ///   - name: the provider, as in ``beginOAuth(provider:redirectURI:linkingTo:)``.
    ///   - redirectURI: the redirect URI the callback arrived at; must equal the one the attempt started with.
    ///   - state: the callback's `state`.
    ///   - code: the callback's `code`.
    ///   - client: the user agent, kept with the session.
    /// - Throws: `oauth_failed` with `details["reason"]`: `state` (missing, unknown, reused or expired),
    ///   `provider`, `redirect_uri`, `provider_status`/`provider_error`/`provider_response`, `id_token`,
    ///   `email_in_use`, `identity_in_use`; `unavailable` when the provider cannot be reached.
    public func completeOAuth(provider name: String, redirectURI: String, state: String, code: String, client: String? = nil)
        async throws(PipeError) -> TokenPair
    {
        func refuse(_ reason: String, _ message: String) -> PipeError {
            PipeError(.oauthFailed, message, details: ["reason": reason])
        }
        guard RefreshTokens.isWellFormed(state) else { throw refuse("state", "the state is not valid") }
        guard !code.isEmpty, code.utf8.count <= 2048 else { throw refuse("code", "the code is not valid") }
        let now = clock()
        guard let attempt = try await store.takeLoginAttempt(stateHash: Self.hash(state)), now < attempt.expiresAt else {
            await audit(.loginFailed, ["method": "oauth", "provider": String(name.prefix(32)), "reason": "state"])
            throw refuse("state", "the state is unknown, used or expired")
        }
        guard attempt.provider == name else {
            await audit(.loginFailed, ["method": "oauth", "provider": String(name.prefix(32)), "reason": "provider"])
            throw refuse("provider", "the state belongs to another provider")
        }
        guard attempt.redirectURI == redirectURI else {
            await audit(.loginFailed, ["method": "oauth", "provider": attempt.provider, "reason": "redirect_uri"])
            throw refuse("redirect_uri", "the redirect URI differs from the one the login started with")
        }
        let (provider, providerClient) = try providers.client(name)
        let identity: ProviderIdentity
        do {
            switch providerClient {
            case .openIDConnect(let oidc):
                identity = try await oidc.identity(
                    code: code, redirectURI: redirectURI, verifier: attempt.codeVerifier, nonce: attempt.nonce, now: now)
            case .github(let github):
                identity = try await github.identity(code: code, redirectURI: redirectURI, verifier: attempt.codeVerifier)
            }
        } catch {
            await audit(
                .loginFailed, ["method": "oauth", "provider": provider.name, "reason": error.details["reason"] ?? error.code.rawValue])
            throw error
        }
        if let linkTo = attempt.linkTo {
            // The session that asked to link must still be good now: signing out everywhere, a password change or a
            // new second factor in the meantime cancels the link.
            try await requireLinkingSession(attempt.linkSession, of: linkTo)
        }
        let account = try await account(for: identity, provider: provider.name, linkTo: attempt.linkTo, now: now)
        return try await startSession(for: account, methods: ["fed"], client: client)
    }

    private func account(for identity: ProviderIdentity, provider: String, linkTo: UserID?, now: Date)
        async throws(PipeError) -> AccountRecord
    {
        if let known = try await store.identity(provider: provider, subject: identity.subject) {
            if let linkTo, linkTo != known.userID {
                throw PipeError(.oauthFailed, "this identity is linked to another account", details: ["reason": "identity_in_use"])
            }
            guard let account = try await store.account(id: known.userID) else {
                throw PipeError(.dataCorrupted, "an identity points at a missing account")
            }
            return account
        }
        var account: AccountRecord
        if let linkTo {
            guard let existing = try await store.account(id: linkTo), existing.kind == .user, !existing.disabled else {
                throw PipeError(.forbidden, "this account cannot link a provider")
            }
            account = existing
        } else if let email = identity.verifiedEmail, let existing = try await store.account(email: email) {
            guard existing.emailVerified else {
                throw PipeError(
                    .oauthFailed, "an account with this email exists; sign in to it and link the provider",
                    details: ["reason": "email_in_use"])
            }
            account = existing
        } else {
            account = AccountRecord(
                id: .random(), kind: .user, email: identity.verifiedEmail, emailVerified: identity.verifiedEmail != nil,
                displayName: identity.name ?? identity.verifiedEmail ?? provider, roles: [AuthService.memberRole],
                passwordHash: nil, createdAt: now)
            try await store.insertAccount(account)
            await audit(.accountCreated, user: account.id, ["method": "oauth", "provider": provider])
        }
        try await store.insertIdentity(
            IdentityRecord(
                provider: provider, subject: identity.subject, userID: account.id, email: identity.verifiedEmail,
                createdAt: now))
        await audit(.identityLinked, user: account.id, ["provider": provider])
        return account
    }

    /// How recent the login behind a linking request must be.
    static let recentLoginWindow: TimeInterval = 600

    /// Requires `token` to prove a fresh, full login of a user account (see ``beginOAuth(provider:redirectURI:linkingTo:)``).
    func requireFreshLogin(_ token: AccessToken) async throws(PipeError) {
        guard token.kind == .user, token.scopes.isEmpty,
            AccessPolicy(owner: token.subject).allows(token.principal, .admin, on: .account(token.subject))
        else { throw PipeError(.forbidden, "linking a provider needs a fresh sign-in") }
        try await requireLinkingSession(token.sessionID, of: token.subject, fresh: true)
    }

    /// Requires `sessionID` to be a live session of the enabled user account `user`, with `mfa` when the account has
    /// a second factor, and (when `fresh`) begun within ``recentLoginWindow``.
    func requireLinkingSession(_ sessionID: SessionID?, of user: UserID, fresh: Bool = false) async throws(PipeError) {
        guard let sessionID, let session = try await store.session(id: sessionID), session.userID == user,
            session.revokedAt == nil, !fresh || clock().timeIntervalSince(session.createdAt) <= Self.recentLoginWindow,
            let account = try await store.account(id: user), account.kind == .user, !account.disabled,
            !account.totpConfirmed || session.methods.contains("mfa")
        else { throw PipeError(.forbidden, "linking a provider needs a fresh sign-in") }
    }
}
