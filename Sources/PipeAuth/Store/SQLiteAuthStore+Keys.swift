import Foundation
import GRDB
import PipeCore

extension SQLiteAuthStore {
    package func insertAPIKey(_ key: APIKeyRecord) async throws(PipeError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO api_keys (id, account_id, name, scopes, secret_hash, created_at, expires_at, last_used_at, revoked_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key.id, key.accountID.rawValue, key.name, StoredValues.list(key.scopes.sorted()), key.secretHash,
                    key.createdAt.timeIntervalSince1970, StoredValues.seconds(key.expiresAt),
                    StoredValues.seconds(key.lastUsedAt), StoredValues.seconds(key.revokedAt),
                ])
        }
    }

    package func apiKey(id: String) async throws(PipeError) -> APIKeyRecord? {
        try pointRead("SELECT * FROM api_keys WHERE id = ?", [id], Self.apiKey)
    }

    package func apiKeys(of account: UserID) async throws(PipeError) -> [APIKeyRecord] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at, id",
                arguments: [account.rawValue]
            ).map(Self.apiKey)
        }
    }

    package func revokeAPIKey(id: String, at date: Date) async throws(PipeError) -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [date.timeIntervalSince1970, id])
            return db.changesCount == 1
        }
    }

    package func touchAPIKey(id: String, at date: Date) async throws(PipeError) {
        try await write { db in
            try db.execute(
                sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", arguments: [date.timeIntervalSince1970, id])
        }
    }

    package func signingKeys() async throws(PipeError) -> [SigningKey] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM signing_keys ORDER BY created_at, id").map { row in
                guard let algorithm = SigningAlgorithm(rawValue: row["algorithm"]) else {
                    throw PipeError(.dataCorrupted, "a signing key row has an unknown algorithm")
                }
                return SigningKey(
                    id: row["id"], algorithm: algorithm, createdAt: StoredValues.requiredDate(row, "created_at"),
                    signsUntil: StoredValues.requiredDate(row, "signs_until"),
                    verifiesUntil: StoredValues.requiredDate(row, "verifies_until"), material: row["material"])
            }
        }
    }

    package func insertSigningKey(_ key: SigningKey) async throws(PipeError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO signing_keys (id, algorithm, material, created_at, signs_until, verifies_until)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    key.id, key.algorithm.rawValue, key.material, key.createdAt.timeIntervalSince1970,
                    key.signsUntil.timeIntervalSince1970, key.verifiesUntil.timeIntervalSince1970,
                ])
        }
    }

    package func endSigning(before keyID: String, at date: Date, verifyingUntil: Date) async throws(PipeError) {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE signing_keys SET signs_until = ?, verifies_until = min(verifies_until, ?)
                    WHERE id != ? AND signs_until > ?
                    """,
                arguments: [
                    date.timeIntervalSince1970, verifyingUntil.timeIntervalSince1970, keyID, date.timeIntervalSince1970,
                ])
        }
    }

    package func deleteSigningKey(_ id: String) async throws(PipeError) -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM signing_keys WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }

    package func deleteSigningKeys(expiredBefore date: Date) async throws(PipeError) -> [String] {
        try await write { db in
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM signing_keys WHERE verifies_until < ?", arguments: [date.timeIntervalSince1970])
            try db.execute(
                sql: "DELETE FROM signing_keys WHERE verifies_until < ?", arguments: [date.timeIntervalSince1970])
            return ids
        }
    }

    static func apiKey(_ row: Row) throws -> APIKeyRecord {
        APIKeyRecord(
            id: row["id"], accountID: try StoredValues.userID(row, "account_id"), name: row["name"],
            scopes: Set(StoredValues.list(from: row["scopes"])), secretHash: row["secret_hash"],
            createdAt: StoredValues.requiredDate(row, "created_at"), expiresAt: StoredValues.date(row, "expires_at"),
            lastUsedAt: StoredValues.date(row, "last_used_at"), revokedAt: StoredValues.date(row, "revoked_at"))
    }
}
