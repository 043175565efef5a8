import Foundation
import PipeAuth
import PipeCore
import PostgresNIO

/// Sessions and their refresh-token chains: the current token, the one it replaced, and every older (retired) one,
/// so presenting any token the chain ever issued is recognised.
extension PostgresAuthStore {
    package func insertSession(_ session: SessionRecord) async throws(PipeError) {
        try await insert(
            """
            INSERT INTO pipe_auth_sessions (id, user_id, methods, created_at, last_used_at, absolute_expiry,
                current_hash, previous_hash, previous_rotated_at, rotation_nonce, generation, revoked_at,
                revoked_reason, client)
            VALUES (\(session.id.rawValue), \(session.userID.rawValue), \(StoredValues.list(session.methods)),
                \(session.createdAt.timeIntervalSince1970), \(session.lastUsedAt.timeIntervalSince1970),
                \(session.absoluteExpiry.timeIntervalSince1970), \(session.currentTokenHash),
                \(session.previousTokenHash), \(session.previousRotatedAt?.timeIntervalSince1970),
                \(session.rotationNonce), \(session.generation), \(session.revokedAt?.timeIntervalSince1970),
                \(session.revokedReason), \(session.client))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
    }

    package func session(id: SessionID) async throws(PipeError) -> SessionRecord? {
        try await one("SELECT * FROM pipe_auth_sessions WHERE id = \(id.rawValue)", Self.session(_:))
    }

    /// One statement, so the three places a token can sit are read in one snapshot (as SQLite's read transaction
    /// does) and a rotation in between cannot make a token look unknown. Current wins over previous over retired.
    package func session(refreshTokenHash hash: String) async throws(PipeError)
        -> (SessionRecord, RefreshTokenPosition)?
    {
        let query: PostgresQuery = """
            SELECT * FROM (
                SELECT sessions.*, 0 AS chain_position FROM pipe_auth_sessions sessions
                WHERE sessions.current_hash = \(hash)
                UNION ALL
                SELECT sessions.*, 1 AS chain_position FROM pipe_auth_sessions sessions
                WHERE sessions.previous_hash = \(hash)
                UNION ALL
                SELECT sessions.*, 2 AS chain_position FROM pipe_auth_retired_refresh_tokens retired
                JOIN pipe_auth_sessions sessions ON sessions.id = retired.session_id
                WHERE retired.hash = \(hash)
            ) found
            ORDER BY chain_position LIMIT 1
            """
        return try await one(query, Self.positionedSession(_:))
    }

    /// Locks the session while it still holds `expectedHash`, retires its previous token, then moves the chain on:
    /// a racing rotation with the same token waits for the lock and then finds the hash changed.
    package func rotateSession(
        _ id: SessionID, expectedHash: String, newHash: String, nonce: String, at date: Date
    ) async throws(PipeError) -> Bool {
        let seconds = date.timeIntervalSince1970
        return try await write { transaction throws -> Bool in
            guard
                let row = try await transaction.one(
                    """
                    SELECT previous_hash FROM pipe_auth_sessions
                    WHERE id = \(id.rawValue) AND current_hash = \(expectedHash) AND revoked_at IS NULL FOR UPDATE
                    """)
            else { return false }
            // The previous token (if any) now becomes a retired one: presenting it later is reuse.
            if let previous = try AuthRow(row).value("previous_hash", as: String?.self) {
                try await transaction.query(
                    """
                    INSERT INTO pipe_auth_retired_refresh_tokens (hash, session_id) VALUES (\(previous), \(id.rawValue))
                    ON CONFLICT DO NOTHING
                    """)
            }
            return try await transaction.count(
                """
                UPDATE pipe_auth_sessions SET previous_hash = current_hash, current_hash = \(newHash),
                    previous_rotated_at = \(seconds), rotation_nonce = \(nonce), generation = generation + 1,
                    last_used_at = \(seconds)
                WHERE id = \(id.rawValue) AND current_hash = \(expectedHash) AND revoked_at IS NULL RETURNING 1
                """) == 1
        }
    }

    /// Never moves `last_used_at` back (a late, slower request finishing after a newer one).
    package func touchSession(_ id: SessionID, at date: Date) async throws(PipeError) {
        try await run(
            """
            UPDATE pipe_auth_sessions SET last_used_at = GREATEST(last_used_at, \(date.timeIntervalSince1970))
            WHERE id = \(id.rawValue)
            """)
    }

    package func revokeSession(_ id: SessionID, reason: String, at date: Date) async throws(PipeError) -> Bool {
        try await changed(
            """
            UPDATE pipe_auth_sessions SET revoked_at = \(date.timeIntervalSince1970), revoked_reason = \(reason)
            WHERE id = \(id.rawValue) AND revoked_at IS NULL RETURNING 1
            """)
    }

    /// One statement: the ids returned are exactly the sessions this call revoked (oldest first).
    package func revokeSessions(of user: UserID, reason: String, at date: Date) async throws(PipeError) -> [SessionID] {
        try await all(
            """
            WITH revoked AS (
                UPDATE pipe_auth_sessions SET revoked_at = \(date.timeIntervalSince1970), revoked_reason = \(reason)
                WHERE user_id = \(user.rawValue) AND revoked_at IS NULL
                RETURNING id, created_at
            )
            SELECT id FROM revoked ORDER BY created_at, id COLLATE "C"
            """, Self.sessionID(_:))
    }

    /// Newest first, ties in byte order of the id (SQLite's order, whatever the database's collation).
    package func sessions(of user: UserID, includingRevoked: Bool, limit: Int) async throws(PipeError)
        -> [SessionRecord]
    {
        try await all(
            """
            SELECT * FROM pipe_auth_sessions
            WHERE user_id = \(user.rawValue) AND (\(includingRevoked) OR revoked_at IS NULL)
            ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT \(Self.limit(limit))
            """, Self.session(_:))
    }

    package func sessionsRevoked(since date: Date) async throws(PipeError) -> [SessionID] {
        try await all(
            """
            SELECT id FROM pipe_auth_sessions WHERE revoked_at >= \(date.timeIntervalSince1970)
            ORDER BY revoked_at, id COLLATE "C"
            """, Self.sessionID(_:))
    }

    static func positionedSession(_ row: AuthRow) throws(PipeError) -> (SessionRecord, RefreshTokenPosition) {
        let position: RefreshTokenPosition
        switch try row.value("chain_position", as: Int.self) {
        case 0: position = .current
        case 1: position = .previous
        default: position = .retired
        }
        return (try Self.session(row), position)
    }

    static func sessionID(_ row: AuthRow) throws(PipeError) -> SessionID {
        try row.sessionID("id")
    }

    static func session(_ row: AuthRow) throws(PipeError) -> SessionRecord {
        SessionRecord(
            id: try row.sessionID("id"), userID: try row.userID("user_id"), methods: try row.list("methods"),
            createdAt: try row.date("created_at"), lastUsedAt: try row.date("last_used_at"),
            absoluteExpiry: try row.date("absolute_expiry"),
            currentTokenHash: try row.value("current_hash", as: String.self),
            previousTokenHash: try row.value("previous_hash", as: String?.self),
            previousRotatedAt: try row.optionalDate("previous_rotated_at"),
            rotationNonce: try row.value("rotation_nonce", as: String?.self),
            generation: try row.value("generation", as: Int.self), revokedAt: try row.optionalDate("revoked_at"),
            revokedReason: try row.value("revoked_reason", as: String?.self),
            client: try row.value("client", as: String?.self))
    }
}
