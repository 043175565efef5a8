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
