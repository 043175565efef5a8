import Foundation
import PipeCore
import PipePostgres
import PipeTestSupport
import Testing

@testable import PipeAuth

/// The `AuthStore` contract: the atomic operations the service relies on, run against every store (SQLite, and
/// PostgreSQL in a fresh schema of the cluster `make test` starts).
@Suite("Auth store contract")
struct AuthStoreContractTests {
    static let kinds = TestPostgres.kinds(["sqlite"])
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    struct Fixture {
        let store: any AuthStore
        let directory: URL
        let database: PostgresDatabase?

        init(_ kind: String) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-auth-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            switch kind {
            case "postgres":
                let database = try await PostgresDatabase.open(
                    url: try TestPostgres.requireURL(), schema: TestPostgres.freshSchema(), maxConnections: 8)
                try await PostgresMigrator.migrate(database)
                self.database = database
                store = PostgresAuthStore(database: database)
            default:
                database = nil
                store = try SQLiteAuthStore(path: directory.appendingPathComponent("auth.sqlite").path)
            }
        }

        func remove() {
            database?.close()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Runs `body` on a fresh store of `kind` that holds one account.
    func withStore(_ kind: String, _ body: (any AuthStore, AccountRecord) async throws -> Void) async throws {
        let fixture = try await Fixture(kind)
        defer { fixture.remove() }
        let ada = account("ada@example.com")
        try await fixture.store.insertAccount(ada)
        try await body(fixture.store, ada)
    }

    func account(_ email: String?) -> AccountRecord {
        AccountRecord(
            id: .random(), kind: .user, email: email, emailVerified: false, displayName: "x", roles: ["member"],
            passwordHash: "h0", createdAt: now)
    }

    func session(_ user: UserID, hash: String) -> SessionRecord {
        SessionRecord(
            id: .random(), userID: user, methods: ["pwd"], createdAt: now, lastUsedAt: now,
            absoluteExpiry: now.addingTimeInterval(3600), currentTokenHash: hash, previousTokenHash: nil,
            previousRotatedAt: nil, rotationNonce: nil, generation: 0, revokedAt: nil, revokedReason: nil, client: "test")
    }

    @Test("accounts: unique emails, column-wise changes with compare-and-set, one-time TOTP steps and codes", arguments: kinds)
    func accounts(kind: String) async throws {
        try await withStore(kind) { store, ada in
            await #expect(throws: PipeError.self) { try await store.insertAccount(account("ada@example.com")) }
            try await store.insertAccount(account(nil))
            try await store.insertAccount(account(nil))  // many accounts without email

            #expect(try await store.setPasswordHash("h1", for: ada.id, replacing: "h0"))
            #expect(try await !store.setPasswordHash("h2", for: ada.id, replacing: "h0"))  // lost the race
            #expect(try await store.setRoles(["member", "editor"], for: ada.id))
            #expect(try await store.setDisabled(true, for: ada.id))
            let changed = try #require(try await store.account(id: ada.id))
            #expect(changed.passwordHash == "h1" && changed.roles == ["member", "editor"] && changed.disabled)
            #expect(try await store.account(email: "ada@example.com")?.id == ada.id)
            #expect(try await !store.setRoles([], for: .random()))

            #expect(try await store.startTOTPEnrolment(secret: "s1", for: ada.id))
            #expect(try await !store.confirmTOTP(secret: "other", step: 10, recoveryCodeHashes: ["r1", "r2"], for: ada.id))
            #expect(try await store.confirmTOTP(secret: "s1", step: 10, recoveryCodeHashes: ["r1", "r2"], for: ada.id))
            #expect(try await !store.startTOTPEnrolment(secret: "s2", for: ada.id))  // confirmed: no silent replacement
            #expect(try await !store.useTOTPStep(10, for: ada.id))
            #expect(try await store.useTOTPStep(11, for: ada.id))
            #expect(try await !store.useTOTPStep(11, for: ada.id))
            #expect(try await store.useRecoveryCode(hash: "r2", for: ada.id))
            #expect(try await !store.useRecoveryCode(hash: "r2", for: ada.id))
            #expect(try await store.account(id: ada.id)?.recoveryCodeHashes == ["r1"])
            #expect(try await store.clearSecondFactor(for: ada.id))
            let cleared = try #require(try await store.account(id: ada.id))
            #expect(!cleared.totpConfirmed && cleared.totpSecret == nil && cleared.recoveryCodeHashes.isEmpty)
        }
    }

    @Test("identities link once; sessions rotate by compare-and-set and know every token of their chain", arguments: kinds)
    func sessions(kind: String) async throws {
        try await withStore(kind) { store, ada in
            let identity = IdentityRecord(provider: "github", subject: "42", userID: ada.id, email: nil, createdAt: now)
            try await store.insertIdentity(identity)
            await #expect(throws: PipeError.self) { try await store.insertIdentity(identity) }
            #expect(try await store.identity(provider: "github", subject: "42")?.userID == ada.id)
            #expect(try await store.identities(of: ada.id).count == 1)

            let record = session(ada.id, hash: "t0")
            try await store.insertSession(record)
            #expect(try await store.session(refreshTokenHash: "t0")?.1 == .current)
            #expect(try await store.rotateSession(record.id, expectedHash: "t0", newHash: "t1", nonce: "n1", at: now))
            #expect(try await !store.rotateSession(record.id, expectedHash: "t0", newHash: "tX", nonce: "nX", at: now))
            #expect(try await store.rotateSession(record.id, expectedHash: "t1", newHash: "t2", nonce: "n2", at: now))
            #expect(try await store.session(refreshTokenHash: "t2")?.1 == .current)
            #expect(try await store.session(refreshTokenHash: "t1")?.1 == .previous)
            #expect(try await store.session(refreshTokenHash: "t0")?.1 == .retired)
            #expect(try await store.session(refreshTokenHash: "t1")?.0.rotationNonce == "n2")
            #expect(try await store.session(refreshTokenHash: "unknown") == nil)

            #expect(try await store.revokeSession(record.id, reason: "test", at: now))
            #expect(try await !store.revokeSession(record.id, reason: "again", at: now))
            #expect(try await !store.rotateSession(record.id, expectedHash: "t2", newHash: "t3", nonce: "n3", at: now))
            #expect(try await store.sessionsRevoked(since: now) == [record.id])
            try await store.insertSession(session(ada.id, hash: "u0"))
            try await store.insertSession(session(ada.id, hash: "v0"))
            #expect(try await store.revokeSessions(of: ada.id, reason: "all", at: now).count == 2)
            #expect(try await store.sessions(of: ada.id, includingRevoked: false, limit: 10).isEmpty)
            #expect(try await store.sessions(of: ada.id, includingRevoked: true, limit: 10).count == 3)
        }
    }

    @Test("one-time state is taken once; attempts are counted before they are checked", arguments: kinds)
    func oneTimeState(kind: String) async throws {
        try await withStore(kind) { store, ada in
            let attempt = LoginAttemptRecord(
                stateHash: "s", provider: "google", redirectURI: "https://a/cb", codeVerifier: "v", nonce: "n", linkTo: ada.id, linkSession: .random(),
                createdAt: now, expiresAt: now.addingTimeInterval(600))
            try await store.insertLoginAttempt(attempt)
            #expect(try await store.takeLoginAttempt(stateHash: "s") == attempt)
            #expect(try await store.takeLoginAttempt(stateHash: "s") == nil)

            try await store.insertPendingLogin(
                PendingLoginRecord(challengeHash: "c", userID: ada.id, methods: ["pwd"], client: nil, attempts: 0, expiresAt: now.addingTimeInterval(300)))
            for _ in 0..<3 { #expect(try await store.reservePendingAttempt(challengeHash: "c", limit: 3, at: now)) }
            #expect(try await !store.reservePendingAttempt(challengeHash: "c", limit: 3, at: now))
            #expect(try await store.deletePendingLogin(challengeHash: "c"))
            #expect(try await !store.deletePendingLogin(challengeHash: "c"))

            let lock: @Sendable (Int) -> Int = { $0 >= 2 ? 30 : 0 }
            #expect(try await store.beginAttempt(key: "k", at: now, lockFor: lock) == nil)
            #expect(try await store.beginAttempt(key: "k", at: now, lockFor: lock) == nil)  // the second sets the lock
            #expect(try await store.beginAttempt(key: "k", at: now, lockFor: lock) == now.addingTimeInterval(30))
            #expect(try await store.beginAttempt(key: "k", at: now.addingTimeInterval(31), lockFor: lock) == nil)
            try await store.clearLoginFailures(key: "k")
            #expect(try await store.beginAttempt(key: "k", at: now, lockFor: lock) == nil)
        }
    }

    @Test("keys, API keys and the audit log; the sweep removes only what expired", arguments: kinds)
    func keysAndAudit(kind: String) async throws {
        try await withStore(kind) { store, ada in
            let old = try SigningKey.generate(.hs256, createdAt: now, signsUntil: now.addingTimeInterval(100), verifiesUntil: now.addingTimeInterval(5000))
            let new = try SigningKey.generate(.hs256, createdAt: now.addingTimeInterval(50), signsUntil: now.addingTimeInterval(500), verifiesUntil: now.addingTimeInterval(900))
            try await store.insertSigningKey(old)
            try await store.insertSigningKey(new)
            try await store.endSigning(before: new.id, at: now.addingTimeInterval(50), verifyingUntil: now.addingTimeInterval(1000))
            let keys = try await store.signingKeys()
            let ended = try #require(keys.first { $0.id == old.id })
            #expect(ended.signsUntil == now.addingTimeInterval(50) && ended.verifiesUntil == now.addingTimeInterval(1000))
            #expect(keys.first { $0.id == new.id } == new)
            #expect(try await store.deleteSigningKeys(expiredBefore: now.addingTimeInterval(950)) == [new.id])
            #expect(try await store.deleteSigningKey(old.id))

            let key = APIKeyRecord(
                id: "abc", accountID: ada.id, name: "k", scopes: ["storage:read"], secretHash: "h", createdAt: now,
                expiresAt: nil, lastUsedAt: nil, revokedAt: nil)
            try await store.insertAPIKey(key)
            try await store.touchAPIKey(id: "abc", at: now)
            #expect(try await store.apiKey(id: "abc")?.lastUsedAt == now)
            #expect(try await store.revokeAPIKey(id: "abc", at: now))
            #expect(try await !store.revokeAPIKey(id: "abc", at: now))
            #expect(try await store.apiKeys(of: ada.id).count == 1)

            for offset in [0.0, 10, 20] {
                try await store.appendAudit(AuditEvent(at: now.addingTimeInterval(offset), kind: .login, userID: ada.id, details: ["n": "\(offset)"]))
            }
            let events = try await store.auditEvents(user: ada.id, limit: 2)
            #expect(events.map(\.details["n"]) == ["20.0", "10.0"] && events[0].sequence > events[1].sequence)
            try await store.sweep(now: now.addingTimeInterval(15), sessionRetention: now, auditRetention: now.addingTimeInterval(15))
            #expect(try await store.auditEvents(user: nil, limit: 10).count == 1)
        }
    }
}
