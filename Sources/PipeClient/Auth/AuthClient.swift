import Foundation
import PipeCore

/// How a client proves who it is when it is made.
public enum Credentials: Sendable, Hashable {
    /// None yet: calls are anonymous until ``AuthClient/signIn(email:password:)`` (or a session saved by an earlier
    /// run is picked up).
    case none
    /// An API key (`pipe_…`), for services and scripts.
    case apiKey(String)
}

/// An account as its owner sees it.
public struct Account: Sendable, Hashable {
    /// The account's id.
    public var id: String
    /// A person or a service account.
    public var kind: Principal.Kind
    /// The sign-in email, for people who have one.
    public var email: String?
    /// The name shown for it.
    public var displayName: String
    /// Its roles (`admin`, `member`, …).
    public var roles: Set<String>
    /// Whether the email was verified.
    public var emailVerified: Bool
    /// Whether sign-in asks for a second factor.
    public var secondFactorEnabled: Bool
    /// When it was made.
    public var createdAt: Date
}

/// A password sign-in: done, or waiting for the second factor.
public enum SignInOutcome: Sendable, Hashable {
    /// Signed in.
    case signedIn
    /// The account has a second factor: pass the challenge and the user's code to
    /// ``AuthClient/completeSecondFactor(challenge:code:)``.
    case secondFactorRequired(challenge: String, expiresAt: Date)
}

/// A started OAuth sign-in: where to send the user, and the `state` the callback must carry back.
struct OAuthAuthorization: Sendable {
    let url: URL
    let state: String
    let expiresAt: Date
}

/// What a backend's password sign-in produced.
enum SignInStep: Sendable {
    case signedIn(SessionTokens)
    case secondFactor(challenge: String, expiresAt: Date)
}

/// Sign-in, sign-out and the session behind every call, the same in-process and remote.
///
/// A signed-in session refreshes itself before its access token expires: once, however many calls need it at the
/// same time, and a refresh that finishes after a sign-out (or a new sign-in) is thrown away. ``states()`` follows
/// it all.
public final class AuthClient: Sendable {
    let session: SessionManager
    let backend: any AuthBackend

    init(session: SessionManager, backend: any AuthBackend) {
        self.session = session
        self.backend = backend
    }

    /// Signs in with an email and a password.
    ///
    /// - Throws: `invalid_credentials` (the same for an unknown email and a wrong password), `rate_limited`.
    @discardableResult
    public func signIn(email: String, password: String) async throws(PipeError) -> SignInOutcome {
        switch try await backend.signIn(email: email, password: password) {
        case .signedIn(let tokens):
            await session.signedIn(tokens)
            return .signedIn
        case .secondFactor(let challenge, let expiresAt):
            return .secondFactorRequired(challenge: challenge, expiresAt: expiresAt)
        }
    }

    /// Completes a sign-in that asked for a second factor (a TOTP code or a recovery code).
    public func completeSecondFactor(challenge: String, code: String) async throws(PipeError) {
        await session.signedIn(try await backend.completeSecondFactor(challenge: challenge, code: code))
    }

    /// Signs in through the OAuth or OpenID Connect provider the deployment calls `provider`.
    ///
    /// The deployment makes the provider's authorization URL (with `state` and a PKCE challenge whose verifier it
    /// keeps) and hands it to `authorize`, which must get the user there and return the URL the provider sent the
    /// user back to, at `redirectURI`: open a browser and catch the redirect on a local port (a CLI), present an
    /// authentication session (an app), or answer the callback route (a server). The sign-in is completed with the
    /// code in that URL, after checking that its `state` is this sign-in's.
    ///
    /// - Parameters:
    ///   - provider: the provider's name in the deployment's configuration.
    ///   - redirectURI: where the provider sends the user back; one of the deployment's allowed redirect URIs,
    ///     exactly.
    ///   - authorize: takes the user to the URL given and returns the callback URL with its query.
    /// - Throws: `oauth_failed` for a redirect URI not allowed, a refusal by the user or the provider (the reason in
    ///   `details`), a callback of another sign-in (`state`), or a code the provider does not accept; `not_found`
    ///   for an unknown provider; what `authorize` throws, as `oauth_failed` unless it is a `PipeError`.
    public func signIn(
        provider: String, redirectURI: String, authorize: @Sendable (URL) async throws -> URL
    ) async throws(PipeError) {
        let start = try await backend.beginOAuth(provider: provider, redirectURI: redirectURI)
        let callback: URL
        do {
            callback = try await authorize(start.url)
        } catch let error as PipeError {
            throw error
        } catch {
            throw PipeError(.oauthFailed, "the authorization step failed: \(error)", details: ["reason": "authorize"])
        }
        let code = try Self.code(from: callback, state: start.state)
        await session.signedIn(
            try await backend.completeOAuth(provider: provider, redirectURI: redirectURI, state: start.state, code: code))
    }

    /// The authorization code in a provider's callback URL, once its `state` is checked.
    static func code(from callback: URL, state: String) throws(PipeError) -> String {
        let items = URLComponents(url: callback, resolvingAgainstBaseURL: false)?.queryItems ?? []
        func item(_ name: String) -> String? { items.first { $0.name == name }?.value }
        if let refusal = item("error") {
            let description = item("error_description").map { ": " + $0 } ?? ""
            throw PipeError(
                .oauthFailed, "the provider did not authorize the sign-in (\(refusal.prefix(64))\(description.prefix(200)))",
                details: ["reason": String(refusal.prefix(64))])
        }
        guard item("state") == state else {
            throw PipeError(.oauthFailed, "the callback belongs to another sign-in (its state differs)", details: ["reason": "state"])
        }
        guard let code = item("code"), !code.isEmpty else {
            throw PipeError(.oauthFailed, "the callback carries no authorization code", details: ["reason": "code"])
        }
        return code
    }

    /// Uses an API key from now on (replacing any session, which stays valid on the server).
    public func use(apiKey: String) async {
        await session.useAPIKey(apiKey)
    }

    /// Signs out: the session ends on the server and is forgotten here (also when the server cannot be reached).
    public func signOut() async {
        await session.signOut()
    }

    /// Who the client is now.
    public var state: AuthState {
        get async { await session.state }
    }

    /// The current state, then each change (sign-in, refresh-driven sign-out, sign-out).
    public func states() async -> AsyncStream<AuthState> {
        await session.states()
    }

    /// The signed-in account.
    ///
    /// - Throws: `unauthenticated` when signed out.
    public func currentAccount() async throws(PipeError) -> Account {
        guard let bearer = try await session.bearer() else {
            throw PipeError(.unauthenticated, "sign in or use an API key first")
        }
        return try await backend.account(bearer: bearer)
    }
}
