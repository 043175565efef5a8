import Foundation
import PipeCore
import Synchronization

/// The tokens of a signed-in session.
public struct SessionTokens: Sendable, Hashable, Codable {
    /// The access token, sent as `Authorization: Bearer`.
    public var accessToken: String
    /// When it expires.
    public var expiresAt: Date
    /// The single-use refresh token.
    public var refreshToken: String
    /// The session.
    public var sessionID: String
    /// The account.
    public var userID: String

    /// Tokens.
    public init(accessToken: String, expiresAt: Date, refreshToken: String, sessionID: String, userID: String) {
        self.accessToken = accessToken
        self.expiresAt = expiresAt
        self.refreshToken = refreshToken
        self.sessionID = sessionID
        self.userID = userID
    }
}

/// Who a client is at the moment.
public enum AuthState: Sendable, Hashable {
    /// No credential: calls are anonymous.
    case signedOut
    /// An API key.
    case apiKey
    /// A signed-in session of `userID`.
    case signedIn(userID: String, sessionID: String)
}

/// What the two backends (in-process, remote) do for sign-in and sessions.
protocol AuthBackend: Sendable {
    func signIn(email: String, password: String) async throws(PipeError) -> SignInStep
    func completeSecondFactor(challenge: String, code: String) async throws(PipeError) -> SessionTokens
    func beginOAuth(provider: String, redirectURI: String) async throws(PipeError) -> OAuthAuthorization
    func completeOAuth(provider: String, redirectURI: String, state: String, code: String) async throws(PipeError)
        -> SessionTokens
    func refresh(_ refreshToken: String) async throws(PipeError) -> SessionTokens
    func signOut(_ refreshToken: String) async throws(PipeError)
    /// The account `bearer` (an access token or API key) authenticates.
    func account(bearer: String) async throws(PipeError) -> Account
}

/// The client's credential and its upkeep: refreshes an access token before it expires, once however many calls
/// need it at the same moment (single flight), and never lets a refresh that finishes after a sign-out or a new
/// sign-in bring the old session back.
actor SessionManager {
    private enum Credential {
        case none
        case apiKey(String)
        case session(SessionTokens)
    }

    private var credential: Credential {
        didSet { published.withLock { $0 = credential } }
    }
    /// A copy of `credential`, readable without a hop onto the actor: every call asks for its bearer, and one that
    /// needs no refresh (an API key; an access token not about to expire) takes it from here.
    private nonisolated let published: Mutex<Credential>
    /// Bumped by every change of credential; a refresh only lands on the generation it started from.
    private var generation = 0
    private var refreshing: (generation: Int, task: Task<Result<SessionTokens?, PipeError>, Never>)?
    private var listeners: [Int: AsyncStream<AuthState>.Continuation] = [:]
    private var nextListener = 0
    private let store: (any SessionStore)?
    /// Refresh this long before expiry.
    static let refreshMargin: TimeInterval = 30
    var backend: (any AuthBackend)?

    init(credentials: Credentials, store: (any SessionStore)?) {
        self.store = store
        let initial: Credential
        switch credentials {
        case .none: initial = .none
        case .apiKey(let key): initial = .apiKey(key)
        }
        credential = initial
        published = Mutex(initial)
    }

    /// Picks up a session saved by an earlier run (when no API key was given).
    func restore() throws(PipeError) {
        guard case .none = credential, let store, let saved = try store.load() else { return }
        set(.session(saved))
    }

    var state: AuthState {
        switch credential {
        case .none: .signedOut
        case .apiKey: .apiKey
        case .session(let tokens): .signedIn(userID: tokens.userID, sessionID: tokens.sessionID)
        }
    }

    /// The current state, then every change.
    func states() -> AsyncStream<AuthState> {
        let (stream, continuation) = AsyncStream<AuthState>.makeStream(bufferingPolicy: .bufferingNewest(16))
        continuation.yield(state)
        let id = nextListener
        nextListener += 1
        listeners[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeListener(id) }
        }
        return stream
    }

    private func removeListener(_ id: Int) {
        listeners[id] = nil
    }

    func useAPIKey(_ key: String) {
        set(.apiKey(key))
        try? store?.clear()
    }

    func signedIn(_ tokens: SessionTokens) {
        set(.session(tokens))
        try? store?.save(tokens)
    }

    /// Forgets the credential; a session is also ended on the server (best effort: the local state is signed out
    /// whatever happens).
    func signOut() async {
        let ending: SessionTokens?
        if case .session(let tokens) = credential { ending = tokens } else { ending = nil }
        set(.none)
        try? store?.clear()
        if let ending, let backend { try? await backend.signOut(ending.refreshToken) }
    }

    /// The bearer credential for the next call, refreshed first when it is about to expire.
    nonisolated func bearer() async throws(PipeError) -> String? {
        switch published.withLock({ $0 }) {
        case .none: return nil
        case .apiKey(let key): return key
        case .session(let tokens) where tokens.expiresAt.timeIntervalSinceNow >= Self.refreshMargin:
            return tokens.accessToken
        case .session: return try await refreshedBearer()
        }
    }

    /// ``bearer()`` on the actor, for a token about to expire: the refresh is single-flight there.
    private func refreshedBearer() async throws(PipeError) -> String? {
        switch credential {
        case .none: return nil
        case .apiKey(let key): return key
        case .session(let tokens):
            guard tokens.expiresAt.timeIntervalSinceNow < Self.refreshMargin else { return tokens.accessToken }
            return try await refresh()?.accessToken
        }
    }

    /// After the server refused the access token: refreshes once; `true` when there is a new token to retry with.
    func refreshAfterRejection() async -> Bool {
        guard case .session = credential else { return false }
        return (try? await refresh()) != nil
    }

    /// Refreshes the session, joining a refresh already running; `nil` when the session changed meanwhile.
    ///
    /// The refresh lands (or is thrown away) once, inside its own task on this actor, and every caller that joined
    /// it gets that same outcome.
    private func refresh() async throws(PipeError) -> SessionTokens? {
        guard case .session(let tokens) = credential, let backend else { return nil }
        let started = generation
        if let running = refreshing, running.generation == started { return try await running.task.value.get() }
        let task = Task { () async -> Result<SessionTokens?, PipeError> in
            let outcome: Result<SessionTokens, PipeError>
            do throws(PipeError) {
                outcome = .success(try await backend.refresh(tokens.refreshToken))
            } catch {
                outcome = .failure(error)
            }
            return self.land(outcome, startedAt: started)
        }
        refreshing = (started, task)
        return try await task.value.get()
    }

    /// Installs a refresh's outcome, unless the credential changed since it started: then the new tokens belong to
    /// a session the user left, and are dropped.
    private func land(_ outcome: Result<SessionTokens, PipeError>, startedAt started: Int)
        -> Result<SessionTokens?, PipeError>
    {
        if refreshing?.generation == started { refreshing = nil }
        guard generation == started else { return .success(nil) }
        switch outcome {
        case .success(let fresh):
            set(.session(fresh))
            try? store?.save(fresh)
            return .success(fresh)
        case .failure(let error):
            if [.sessionInvalid, .unauthenticated, .tokenInvalid, .invalidCredentials].contains(error.code) {
                set(.none)
                try? store?.clear()
            }
            return .failure(error)
        }
    }

    /// Saving and clearing the store happen right after, on the actor without suspending, so a sign-out can
    /// never be overtaken by the save of the session it ended.
    private func set(_ new: Credential) {
        credential = new
        generation += 1
        let state = self.state
        for listener in listeners.values { listener.yield(state) }
    }
}
