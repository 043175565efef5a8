import Foundation
import PipeCore
import Synchronization
import Testing

@testable import PipeClient

/// The session's upkeep, against a backend that counts and can hold refreshes: what matters here is the order of
/// events around a refresh, which a real server cannot be made to reproduce on demand.
@Suite("Sessions")
struct SessionTests {
    /// A backend whose refreshes wait until released, and are counted.
    final class SlowBackend: AuthBackend {
        let refreshes = Atomic<Int>(0)
        let signOuts = Atomic<Int>(0)
        let gate: AsyncStream<Void>
        let release: AsyncStream<Void>.Continuation

        init() {
            (gate, release) = AsyncStream<Void>.makeStream()
        }

        func signIn(email: String, password: String) async throws(PipeError) -> SignInStep {
            .signedIn(Self.tokens(1, expiresIn: 3600))
        }

        func completeSecondFactor(challenge: String, code: String) async throws(PipeError) -> SessionTokens {
            Self.tokens(1, expiresIn: 3600)
        }

        func beginOAuth(provider: String, redirectURI: String) async throws(PipeError) -> OAuthAuthorization {
            throw PipeError(.notFound, "not used")
        }

        func completeOAuth(provider: String, redirectURI: String, state: String, code: String) async throws(PipeError)
            -> SessionTokens
        {
            throw PipeError(.notFound, "not used")
        }

        func refresh(_ refreshToken: String) async throws(PipeError) -> SessionTokens {
            let number = refreshes.wrappingAdd(1, ordering: .relaxed).newValue
            var iterator = gate.makeAsyncIterator()
            _ = await iterator.next()
            return Self.tokens(number + 1, expiresIn: 3600)
        }

        func signOut(_ refreshToken: String) async throws(PipeError) {
            signOuts.wrappingAdd(1, ordering: .relaxed)
        }

        func account(bearer: String) async throws(PipeError) -> Account {
            throw PipeError(.notFound, "not used")
        }

        static func tokens(_ generation: Int, expiresIn: TimeInterval) -> SessionTokens {
            SessionTokens(
                accessToken: "access-\(generation)", expiresAt: Date().addingTimeInterval(expiresIn),
                refreshToken: "refresh-\(generation)", sessionID: "s", userID: "u")
        }
    }

    static func session(_ backend: SlowBackend, expiresIn: TimeInterval, store: (any SessionStore)? = nil) async
        -> SessionManager
    {
        let session = SessionManager(credentials: .none, store: store)
        await session.attach(backend)
        await session.signedIn(SlowBackend.tokens(1, expiresIn: expiresIn))
        return session
    }

    @Test("calls made while the token is about to expire share one refresh, and all get the new token")
    func singleFlight() async throws {
        let backend = SlowBackend()
        let session = await Self.session(backend, expiresIn: 5)
        let tokens = Task {
            try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<20 { group.addTask { try await session.bearer() } }
                var all: [String?] = []
                for try await token in group { all.append(token) }
                return all
            }
        }
        while backend.refreshes.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))  // let every call reach the refresh
        backend.release.yield()
        let all = try await tokens.value
        #expect(backend.refreshes.load(ordering: .relaxed) == 1)
        #expect(all.count == 20 && all.allSatisfy { $0 == "access-2" })
        #expect(try await session.bearer() == "access-2", "the new token is kept")
    }

    @Test("signing out during a refresh leaves the client signed out, in memory and in the store")
    func signOutDuringRefresh() async throws {
        let backend = SlowBackend()
        let store = MemorySessionStore()
        let session = await Self.session(backend, expiresIn: 5, store: store)
        #expect(try store.load() != nil)
        let call = Task { try await session.bearer() }
        while backend.refreshes.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await session.signOut()
        backend.release.yield()
        #expect(try await call.value == nil, "the refreshed token belongs to a session the user left")
        #expect(await session.state == .signedOut)
        #expect(try store.load() == nil)
        #expect(try await session.bearer() == nil)
        #expect(backend.signOuts.load(ordering: .relaxed) == 1)
    }

    @Test("a new sign-in during a refresh is not replaced by the old session's refresh")
    func signInDuringRefresh() async throws {
        let backend = SlowBackend()
        let session = await Self.session(backend, expiresIn: 5)
        let call = Task { try await session.bearer() }
        while backend.refreshes.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await session.signedIn(SessionTokens(
            accessToken: "other", expiresAt: Date().addingTimeInterval(3600), refreshToken: "r", sessionID: "s2", userID: "u2"))
        backend.release.yield()
        _ = try await call.value
        #expect(try await session.bearer() == "other")
        #expect(await session.state == .signedIn(userID: "u2", sessionID: "s2"))
    }

    @Test("a file store keeps the session across clients, owner-only, and forgets it on sign-out")
    func fileStore() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-session-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = FileSessionStore(path: directory.appendingPathComponent("session.json").path)
        let backend = SlowBackend()
        let first = await Self.session(backend, expiresIn: 3600, store: store)
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let second = SessionManager(credentials: .none, store: store)
        try await second.restore()
        #expect(try await second.bearer() == "access-1")
        await first.signOut()
        #expect(!FileManager.default.fileExists(atPath: store.path))
    }
}
