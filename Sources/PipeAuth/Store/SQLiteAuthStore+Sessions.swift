import Foundation
import GRDB
import PipeCore

extension SQLiteAuthStore {
    package func insertSession(_ session: SessionRecord) async throws(PipeError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO sessions (id, user_id, methods, created_at, last_used_at, absolute_expiry, current_hash,
                        previous_hash, previous_rotated_at, rotation_nonce, generation, revoked_at, revoked_reason, client)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    session.id.rawValue, session.userID.rawValue, StoredValues.list(session.methods),
                    session.createdAt.timeIntervalSince1970, session.lastUsedAt.timeIntervalSince1970,
                    session.absoluteExpiry.timeIntervalSince1970, session.currentTokenHash, session.previousTokenHash,
                    StoredValues.seconds(session.previousRotatedAt), session.rotationNonce, session.generation,
                    StoredValues.seconds(session.revokedAt), session.revokedReason, session.client,
                ])
        }
    }

    package func session(id: SessionID) async throws(PipeError) -> SessionRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE id = ?", arguments: [id.rawValue]).map(Self.session)
        }
    }

    package func session(refreshTokenHash hash: String) async throws(PipeError) -> (SessionRecord, RefreshTokenPosition)? {
        try await read { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE current_hash = ?", arguments: [hash]) {
                return (try Self.session(row), .current)
            }
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE previous_hash = ?", arguments: [hash]) {
                return (try Self.session(row), .previous)
            }
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT sessions.* FROM retired_refresh_tokens JOIN sessions ON sessions.id = retired_refresh_tokens.session_id
                    WHERE retired_refresh_tokens.hash = ?
                    """, arguments: [hash])
            return try row.map { (try Self.session($0), .retired) }
        }
    }

    package func rotateSession(
        _ id: SessionID, expectedHash: String, newHash: String, nonce: String, at date: Date
    ) async throws(PipeError) -> Bool {
        try await write { db in
            // The previous token (if any) now becomes a retired one: presenting it later is reuse.
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO retired_refresh_tokens (hash, session_id)
                    SELECT previous_hash, id FROM sessions
                    WHERE id = ? AND current_hash = ? AND revoked_at IS NULL AND previous_hash IS NOT NULL
                    """, arguments: [id.rawValue, expectedHash])
            try db.execute(
                sql: """
                    UPDATE sessions SET previous_hash = current_hash, current_hash = ?, previous_rotated_at = ?,
                        rotation_nonce = ?, generation = generation + 1, last_used_at = ?
                    WHERE id = ? AND current_hash = ? AND revoked_at IS NULL
                    """,
                arguments: [newHash, date.timeIntervalSince1970, nonce, date.timeIntervalSince1970, id.rawValue, expectedHash])
            return db.changesCount == 1
        }
    }

    package func touchSession(_ id: SessionID, at date: Date) async throws(PipeError) {
        try await write { db in
            try db.execute(
                sql: "UPDATE sessions SET last_used_at = max(last_used_at, ?) WHERE id = ?",
                arguments: [date.timeIntervalSince1970, id.rawValue])
        }
    }

    package func revokeSession(_ id: SessionID, reason: String, at date: Date) async throws(PipeError) -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [date.timeIntervalSince1970, reason, id.rawValue])
            return db.changesCount == 1
        }
    }

    package func revokeSessions(of user: UserID, reason: String, at date: Date) async throws(PipeError) -> [SessionID] {
        try await write { db in
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL", arguments: [user.rawValue])
            try db.execute(
                sql: "UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL",
                arguments: [date.timeIntervalSince1970, reason, user.rawValue])
            return try ids.map { try SessionID($0) }
        }
    }

    package func sessions(of user: UserID, includingRevoked: Bool, limit: Int) async throws(PipeError) -> [SessionRecord] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM sessions WHERE user_id = ? \(includingRevoked ? "" : "AND revoked_at IS NULL")
                    ORDER BY created_at DESC, id DESC LIMIT ?
                    """, arguments: [user.rawValue, limit]
            ).map(Self.session)
        }
    }

    package func sessionsRevoked(since date: Date) async throws(PipeError) -> [SessionID] {
        try await read { db in
            try String.fetchAll(
                db, sql: "SELECT id FROM sessions WHERE revoked_at >= ?", arguments: [date.timeIntervalSince1970]
            ).map { try SessionID($0) }
        }
    }

    static func session(_ row: Row) throws -> SessionRecord {
        SessionRecord(
            id: try SessionID(row["id"] as String), userID: try StoredValues.userID(row, "user_id"),
            methods: StoredValues.list(from: row["methods"]), createdAt: StoredValues.requiredDate(row, "created_at"),
            lastUsedAt: StoredValues.requiredDate(row, "last_used_at"),
            absoluteExpiry: StoredValues.requiredDate(row, "absolute_expiry"), currentTokenHash: row["current_hash"],
            previousTokenHash: row["previous_hash"], previousRotatedAt: StoredValues.date(row, "previous_rotated_at"),
            rotationNonce: row["rotation_nonce"], generation: row["generation"],
            revokedAt: StoredValues.date(row, "revoked_at"), revokedReason: row["revoked_reason"], client: row["client"])
    }
}
