import Foundation
import Logging
import PipeCore
import PipePostgres
import PipeTestSupport
import Testing

@testable import PipeAuth

/// Two auth services on one PostgreSQL store, as two replicas of a deployment: what one revokes, the other stops
/// accepting once it follows revocations.
@Suite("Revocations across replicas", .enabled(if: TestPostgres.enabled))
struct ReplicaRevocationTests {
    @Test("a session signed out on one replica stops working on the other within moments")
    func signOutReachesTheOtherReplica() async throws {
        let database = try await PostgresDatabase.open(
            url: try TestPostgres.requireURL(), schema: TestPostgres.freshSchema(), maxConnections: 8)
        defer { database.close() }
        try await PostgresMigrator.migrate(database)
        func replica() async throws -> AuthService {
            try await AuthService(
                store: PostgresAuthStore(database: database), configuration: AuthFixture.configuration(), http: nil,
                logger: Logger(label: "pipe.auth"), clock: { Date() })
        }
        let first = try await replica()
        let second = try await replica()  // loads the signing key the first one made
        _ = try await first.createUser(email: "ada@example.com", password: "correct horse")
        func signIn() async throws -> TokenPair {
            guard case .signedIn(let pair) = try await first.signIn(email: "ada@example.com", password: "correct horse")
            else { throw PipeError(.internalError, "a second factor was asked for") }
            return pair
        }

        // Without following, the other replica keeps accepting a signed-out session's access token until it expires.
        let unfollowed = try await signIn()
        #expect(try await second.authenticate(bearer: unfollowed.accessToken).id == unfollowed.userID)
        try await first.signOut(refreshToken: unfollowed.refreshToken)
        #expect(try await second.authenticate(bearer: unfollowed.accessToken).id == unfollowed.userID)

        let follower = Task { await second.followRevocations(every: .milliseconds(100)) }
        defer { follower.cancel() }
        let followed = try await signIn()
        #expect(try await second.authenticate(bearer: followed.accessToken).id == followed.userID)
        try await first.signOut(refreshToken: followed.refreshToken)
        var refused = false
        for _ in 0..<100 where !refused {
            try await Task.sleep(for: .milliseconds(100))
            refused = (try? await second.authenticate(bearer: followed.accessToken)) == nil
        }
        #expect(refused, "the other replica still accepts a token of a session signed out 10 s ago")
        // The first sign-out was made before the follower started, within its look-back, and is refused now too.
        #expect((try? await second.authenticate(bearer: unfollowed.accessToken)) == nil)
    }
}
