import Foundation
import PipeAuth
import PipeCore
import PostgresNIO

/// One-time login state (OAuth attempts, logins waiting for a second factor), lockouts, the audit log and the sweep.
extension PostgresAuthStore {
    package func insertLoginAttempt(_ attempt: LoginAttemptRecord) async throws(PipeError) {
        try await insert(
            """
            INSERT INTO pipe_auth_login_attempts (state_hash, provider, redirect_uri, code_verifier, nonce, link_to,
                link_session, created_at, expires_at)
            VALUES (\(attempt.stateHash), \(attempt.provider), \(attempt.redirectURI), \(attempt.codeVerifier),
                \(attempt.nonce), \(attempt.linkTo?.rawValue), \(attempt.linkSession?.rawValue),
                \(attempt.createdAt.timeIntervalSince1970), \(attempt.expiresAt.timeIntervalSince1970))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
    }

    /// Deletes and returns in one statement, so of two requests with the same `state` only one gets the attempt.
    package func takeLoginAttempt(stateHash: String) async throws(PipeError) -> LoginAttemptRecord? {
        try await one(
            "DELETE FROM pipe_auth_login_attempts WHERE state_hash = \(stateHash) RETURNING *", Self.loginAttempt(_:))
    }

    package func insertPendingLogin(_ pending: PendingLoginRecord) async throws(PipeError) {
        try await insert(
            """
            INSERT INTO pipe_auth_pending_logins (challenge_hash, user_id, methods, client, attempts, expires_at)
            VALUES (\(pending.challengeHash), \(pending.userID.rawValue), \(StoredValues.list(pending.methods)),
                \(pending.client), \(pending.attempts), \(pending.expiresAt.timeIntervalSince1970))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
    }

    package func pendingLogin(challengeHash: String) async throws(PipeError) -> PendingLoginRecord? {
        try await one(
            "SELECT * FROM pipe_auth_pending_logins WHERE challenge_hash = \(challengeHash)", Self.pendingLogin(_:))
    }

    package func reservePendingAttempt(challengeHash: String, limit: Int, at date: Date) async throws(PipeError)
        -> Bool
    {
        try await changed(
            """
            UPDATE pipe_auth_pending_logins SET attempts = attempts + 1
            WHERE challenge_hash = \(challengeHash) AND attempts < \(limit)
                AND expires_at > \(date.timeIntervalSince1970)
            RETURNING 1
            """)
    }

    package func deletePendingLogin(challengeHash: String) async throws(PipeError) -> Bool {
        try await changed("DELETE FROM pipe_auth_pending_logins WHERE challenge_hash = \(challengeHash) RETURNING 1")
    }

    /// Decides under a lock on the key's row, so parallel attempts are counted one after another and none slips past
    /// a lock another just set. A key without a row gets one first (inserting nothing when a racing attempt made
    /// it), because a row that does not exist yet cannot be locked.
    package func beginAttempt(key: String, at date: Date, lockFor: @escaping @Sendable (Int) -> Int)
        async throws(PipeError) -> Date?
    {
        let now = date.timeIntervalSince1970
        return try await write { transaction throws -> Date? in
            try await transaction.query(
                """
                INSERT INTO pipe_auth_login_failures (key, failures, last_failure_at, locked_until)
                VALUES (\(key), 0, \(now), NULL) ON CONFLICT (key) DO NOTHING
                """)
            let stored = try await transaction.one(
                "SELECT failures, locked_until FROM pipe_auth_login_failures WHERE key = \(key) FOR UPDATE"
            ).map { AuthRow($0) }
            if let lockedUntil = try stored?.optionalDate("locked_until"), lockedUntil > date { return lockedUntil }
            let failures = (try stored?.value("failures", as: Int.self) ?? 0) + 1
            let lock = lockFor(failures)
            let lockedUntil: Double? = lock > 0 ? now + Double(lock) : nil
            // Written whole, as SQLite's INSERT OR REPLACE (the row may have been cleared since it was read).
            try await transaction.query(
                """
                INSERT INTO pipe_auth_login_failures (key, failures, last_failure_at, locked_until)
                VALUES (\(key), \(failures), \(now), \(lockedUntil))
                ON CONFLICT (key) DO UPDATE SET failures = EXCLUDED.failures,
                    last_failure_at = EXCLUDED.last_failure_at, locked_until = EXCLUDED.locked_until
                """)
            return nil
        }
    }

    package func clearLoginFailures(key: String) async throws(PipeError) {
        try await run("DELETE FROM pipe_auth_login_failures WHERE key = \(key)")
    }

    package func appendAudit(_ event: AuditEvent) async throws(PipeError) {
        try await run(
            """
            INSERT INTO pipe_auth_audit_events (at, kind, user_id, session_id, details)
            VALUES (\(event.at.timeIntervalSince1970), \(event.kind.rawValue), \(event.userID?.rawValue),
                \(event.sessionID?.rawValue), \(StoredValues.dictionary(event.details)))
            """)
    }

    /// Newest first by sequence (the order they were appended).
    package func auditEvents(user: UserID?, limit: Int) async throws(PipeError) -> [AuditEvent] {
        let bound = Self.limit(limit)
        if let user {
            return try await all(
                """
                SELECT * FROM pipe_auth_audit_events WHERE user_id = \(user.rawValue)
                ORDER BY sequence DESC LIMIT \(bound)
                """, Self.auditEvent(_:))
        }
        return try await all(
            "SELECT * FROM pipe_auth_audit_events ORDER BY sequence DESC LIMIT \(bound)", Self.auditEvent(_:))
    }

    /// One transaction, as in SQLiteAuthStore. Lockout rows go a day after their last failure once no lock holds.
    package func sweep(now: Date, sessionRetention: Date, auditRetention: Date) async throws(PipeError) {
        let now = now.timeIntervalSince1970
        let sessionsBefore = sessionRetention.timeIntervalSince1970
        let auditBefore = auditRetention.timeIntervalSince1970
        try await write { transaction throws -> Void in
            try await transaction.query("DELETE FROM pipe_auth_login_attempts WHERE expires_at < \(now)")
            try await transaction.query("DELETE FROM pipe_auth_pending_logins WHERE expires_at < \(now)")
            try await transaction.query(
                """
                DELETE FROM pipe_auth_sessions
                WHERE absolute_expiry < \(sessionsBefore) OR revoked_at < \(sessionsBefore)
                """)
            try await transaction.query("DELETE FROM pipe_auth_audit_events WHERE at < \(auditBefore)")
            try await transaction.query(
                """
                DELETE FROM pipe_auth_login_failures
                WHERE last_failure_at < \(now - 86_400) AND (locked_until IS NULL OR locked_until < \(now))
                """)
        }
    }

    static func loginAttempt(_ row: AuthRow) throws(PipeError) -> LoginAttemptRecord {
        LoginAttemptRecord(
            stateHash: try row.value("state_hash", as: String.self),
            provider: try row.value("provider", as: String.self),
            redirectURI: try row.value("redirect_uri", as: String.self),
            codeVerifier: try row.value("code_verifier", as: String.self),
            nonce: try row.value("nonce", as: String.self),
            linkTo: try row.optionalUserID("link_to"), linkSession: try row.optionalSessionID("link_session"),
            createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"))
    }

    static func pendingLogin(_ row: AuthRow) throws(PipeError) -> PendingLoginRecord {
        PendingLoginRecord(
            challengeHash: try row.value("challenge_hash", as: String.self), userID: try row.userID("user_id"),
            methods: try row.list("methods"), client: try row.value("client", as: String?.self),
            attempts: try row.value("attempts", as: Int.self), expiresAt: try row.date("expires_at"))
    }

    static func auditEvent(_ row: AuthRow) throws(PipeError) -> AuditEvent {
        guard let kind = AuditEvent.Kind(rawValue: try row.value("kind", as: String.self)) else {
            throw PipeError(.dataCorrupted, "an audit row has an unknown kind")
        }
        return AuditEvent(
            sequence: try row.value("sequence", as: Int64.self), at: try row.date("at"), kind: kind,
            userID: try row.optionalUserID("user_id"), sessionID: try row.optionalSessionID("session_id"),
            details: StoredValues.dictionary(from: try row.value("details", as: String?.self)))
    }
}
