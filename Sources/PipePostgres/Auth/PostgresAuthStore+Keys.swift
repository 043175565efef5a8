import Foundation
import PipeAuth
import PipeCore
import PostgresNIO

/// API keys (the secret only as its hash) and the keys that sign access tokens.
extension PostgresAuthStore {
    package func insertAPIKey(_ key: APIKeyRecord) async throws(PipeError) {
        try await insert(
            """
            INSERT INTO pipe_auth_api_keys (id, account_id, name, scopes, secret_hash, created_at, expires_at,
                last_used_at, revoked_at)
            VALUES (\(key.id), \(key.accountID.rawValue), \(key.name), \(StoredValues.list(key.scopes.sorted())),
                \(key.secretHash), \(key.createdAt.timeIntervalSince1970), \(key.expiresAt?.timeIntervalSince1970),
                \(key.lastUsedAt?.timeIntervalSince1970), \(key.revokedAt?.timeIntervalSince1970))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
    }

    package func apiKey(id: String) async throws(PipeError) -> APIKeyRecord? {
        try await one("SELECT * FROM pipe_auth_api_keys WHERE id = \(id)", Self.apiKey(_:))
    }

    /// Oldest first, ties in byte order of the id (SQLite's order, whatever the database's collation).
    package func apiKeys(of account: UserID) async throws(PipeError) -> [APIKeyRecord] {
        try await all(
            """
            SELECT * FROM pipe_auth_api_keys WHERE account_id = \(account.rawValue)
            ORDER BY created_at, id COLLATE "C"
            """, Self.apiKey(_:))
    }

    package func revokeAPIKey(id: String, at date: Date) async throws(PipeError) -> Bool {
        try await changed(
            """
            UPDATE pipe_auth_api_keys SET revoked_at = \(date.timeIntervalSince1970)
            WHERE id = \(id) AND revoked_at IS NULL RETURNING 1
            """)
    }

    package func touchAPIKey(id: String, at date: Date) async throws(PipeError) {
        try await run("UPDATE pipe_auth_api_keys SET last_used_at = \(date.timeIntervalSince1970) WHERE id = \(id)")
    }

    /// Oldest first, ties in byte order of the id.
    package func signingKeys() async throws(PipeError) -> [SigningKey] {
        try await all("SELECT * FROM pipe_auth_signing_keys ORDER BY created_at, id COLLATE \"C\"", Self.signingKey(_:))
    }

    package func insertSigningKey(_ key: SigningKey) async throws(PipeError) {
        try await insert(
            """
            INSERT INTO pipe_auth_signing_keys (id, algorithm, material, created_at, signs_until, verifies_until)
            VALUES (\(key.id), \(key.algorithm.rawValue), \(key.material), \(key.createdAt.timeIntervalSince1970),
                \(key.signsUntil.timeIntervalSince1970), \(key.verifiesUntil.timeIntervalSince1970))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
    }

    package func endSigning(before keyID: String, at date: Date, verifyingUntil: Date) async throws(PipeError) {
        let seconds = date.timeIntervalSince1970
        let verifyBefore = verifyingUntil.timeIntervalSince1970
        try await run(
            """
            UPDATE pipe_auth_signing_keys
            SET signs_until = \(seconds), verifies_until = LEAST(verifies_until, \(verifyBefore))
            WHERE id <> \(keyID) AND signs_until > \(seconds)
            """)
    }

    package func deleteSigningKey(_ id: String) async throws(PipeError) -> Bool {
        try await changed("DELETE FROM pipe_auth_signing_keys WHERE id = \(id) RETURNING 1")
    }

    /// One statement: the ids returned are exactly the keys this call deleted (oldest first).
    package func deleteSigningKeys(expiredBefore date: Date) async throws(PipeError) -> [String] {
        try await all(
            """
            WITH deleted AS (
                DELETE FROM pipe_auth_signing_keys WHERE verifies_until < \(date.timeIntervalSince1970)
                RETURNING id, created_at
            )
            SELECT id FROM deleted ORDER BY created_at, id COLLATE "C"
            """, Self.keyID(_:))
    }

    static func keyID(_ row: AuthRow) throws(PipeError) -> String {
        try row.value("id", as: String.self)
    }

    static func apiKey(_ row: AuthRow) throws(PipeError) -> APIKeyRecord {
        APIKeyRecord(
            id: try row.value("id", as: String.self), accountID: try row.userID("account_id"),
            name: try row.value("name", as: String.self), scopes: Set(try row.list("scopes")),
            secretHash: try row.value("secret_hash", as: String.self), createdAt: try row.date("created_at"),
            expiresAt: try row.optionalDate("expires_at"), lastUsedAt: try row.optionalDate("last_used_at"),
            revokedAt: try row.optionalDate("revoked_at"))
    }

    static func signingKey(_ row: AuthRow) throws(PipeError) -> SigningKey {
        guard let algorithm = SigningAlgorithm(rawValue: try row.value("algorithm", as: String.self)) else {
            throw PipeError(.dataCorrupted, "a signing key row has an unknown algorithm")
        }
        return SigningKey(
            id: try row.value("id", as: String.self), algorithm: algorithm, createdAt: try row.date("created_at"),
            signsUntil: try row.date("signs_until"), verifiesUntil: try row.date("verifies_until"),
            material: try row.value("material", as: String.self))
    }
}
