import Foundation
import PipeAuth
import PipeCore

/// Sign-in and sessions against the in-process ``EmbeddedServices``.
struct EmbeddedAuth: AuthBackend {
    let auth: AuthService

    func signIn(email: String, password: String) async throws(PipeError) -> SignInStep {
        switch try await auth.signIn(email: email, password: password, client: "pipe-client (embedded)") {
        case .signedIn(let pair): .signedIn(Self.tokens(pair))
        case .secondFactorRequired(let challenge): .secondFactor(challenge: challenge.token, expiresAt: challenge.expiresAt)
        }
    }

    func completeSecondFactor(challenge: String, code: String) async throws(PipeError) -> SessionTokens {
        Self.tokens(try await auth.completeSecondFactor(challenge: challenge, code: code))
    }

    func beginOAuth(provider: String, redirectURI: String) async throws(PipeError) -> OAuthAuthorization {
        let start = try await auth.beginOAuth(provider: provider, redirectURI: redirectURI)
        return OAuthAuthorization(url: start.authorizationURL, state: start.state, expiresAt: start.expiresAt)
    }

    func completeOAuth(provider: String, redirectURI: String, state: String, code: String) async throws(PipeError)
        -> SessionTokens
    {
        Self.tokens(
            try await auth.completeOAuth(
                provider: provider, redirectURI: redirectURI, state: state, code: code, client: "pipe-client (embedded)"))
    }

    func refresh(_ refreshToken: String) async throws(PipeError) -> SessionTokens {
        Self.tokens(try await auth.refresh(refreshToken))
    }

    func signOut(_ refreshToken: String) async throws(PipeError) {
        try await auth.signOut(refreshToken: refreshToken)
    }

    func account(bearer: String) async throws(PipeError) -> Account {
        let caller = try await principal(bearer)
        let user = try await auth.user(caller.id, as: caller)
        return Account(
            id: user.id.rawValue, kind: user.kind, email: user.email, displayName: user.displayName, roles: user.roles,
            emailVerified: user.emailVerified, secondFactorEnabled: user.secondFactorEnabled, createdAt: user.createdAt)
    }

    /// The caller a bearer credential stands for, checked as the gateway checks it.
    func principal(_ bearer: String) async throws(PipeError) -> Principal {
        bearer.hasPrefix("pipe_") ? try await auth.authenticate(apiKey: bearer) : try await auth.authenticate(bearer: bearer)
    }

    static func tokens(_ pair: TokenPair) -> SessionTokens {
        SessionTokens(
            accessToken: pair.accessToken, expiresAt: pair.accessTokenExpiresAt, refreshToken: pair.refreshToken,
            sessionID: pair.sessionID.rawValue, userID: pair.userID.rawValue)
    }
}

/// The caller of each in-process call: whoever the session's credential authenticates right now (so a revoked key
/// or an ended session stops working at once, as it does remotely), or no one.
struct EmbeddedCaller: Sendable {
    let session: SessionManager
    let auth: EmbeddedAuth

    func principal() async throws(PipeError) -> Principal? {
        guard let bearer = try await session.bearer() else { return nil }
        // A credential checked moments ago is answered from memory, as the gateway answers it.
        if let known = auth.auth.recentlyAuthenticated(bearer) { return known }
        return try await auth.principal(bearer)
    }
}
