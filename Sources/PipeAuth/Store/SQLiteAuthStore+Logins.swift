import Foundation
import GRDB
import PipeCore

extension SQLiteAuthStore {
    package func insertLoginAttempt(_ attempt: LoginAttemptRecord) async throws(PipeError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO login_attempts (state_hash, provider, redirect_uri, code_verifier, nonce, link_to, link_session,
                        created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    attempt.stateHash, attempt.provider, attempt.redirectURI, attempt.codeVerifier, attempt.nonce,
                    attempt.linkTo?.rawValue, attempt.linkSession?.rawValue, attempt.createdAt.timeIntervalSince1970,
                    attempt.expiresAt.timeIntervalSince1970,
                ])
        }
    }

    package func takeLoginAttempt(stateHash: String) async throws(PipeError) -> LoginAttemptRecord? {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM login_attempts WHERE state_hash = ?", arguments: [stateHash])
            else { return nil }
            try db.execute(sql: "DELETE FROM login_attempts WHERE state_hash = ?", arguments: [stateHash])
            return LoginAttemptRecord(
                stateHash: row["state_hash"], provider: row["provider"], redirectURI: row["redirect_uri"],
                codeVerifier: row["code_verifier"], nonce: row["nonce"], linkTo: try StoredValues.optionalUserID(row, "link_to"),
                linkSession: try (row["link_session"] as String?).map { try SessionID($0) },
                createdAt: StoredValues.requiredDate(row, "created_at"), expiresAt: StoredValues.requiredDate(row, "expires_at"))
        }
    }

    package func insertPendingLogin(_ pending: PendingLoginRecord) async throws(PipeError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO pending_logins (challenge_hash, user_id, methods, client, attempts, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    pending.challengeHash, pending.userID.rawValue, StoredValues.list(pending.methods), pending.client,
                    pending.attempts, pending.expiresAt.timeIntervalSince1970,
                ])
        }
    }

    package func pendingLogin(challengeHash: String) async throws(PipeError) -> PendingLoginRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM pending_logins WHERE challenge_hash = ?", arguments: [challengeHash])
                .map { row in
                    PendingLoginRecord(
                        challengeHash: row["challenge_hash"], userID: try StoredValues.userID(row, "user_id"),
                        methods: StoredValues.list(from: row["methods"]), client: row["client"],
                        attempts: row["attempts"], expiresAt: StoredValues.requiredDate(row, "expires_at"))
                }
        }
    }

    package func reservePendingAttempt(challengeHash: String, limit: Int, at date: Date) async throws(PipeError) -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE pending_logins SET attempts = attempts + 1
                    WHERE challenge_hash = ? AND attempts < ? AND expires_at > ?
                    """, arguments: [challengeHash, limit, date.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    package func deletePendingLogin(challengeHash: String) async throws(PipeError) -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM pending_logins WHERE challenge_hash = ?", arguments: [challengeHash])
            return db.changesCount == 1
        }
    }

    package func beginAttempt(key: String, at date: Date, lockFor: @escaping @Sendable (Int) -> Int) async throws(PipeError)
        -> Date?
    {
        try await write { db in
            let row = try Row.fetchOne(db, sql: "SELECT * FROM login_failures WHERE key = ?", arguments: [key])
            if let lockedUntil = row.flatMap({ StoredValues.date($0, "locked_until") }), lockedUntil > date {
                return lockedUntil
            }
            let failures = (row?["failures"] as Int? ?? 0) + 1
            let lock = lockFor(failures)
            try db.execute(
                sql: "INSERT OR REPLACE INTO login_failures (key, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?)",
                arguments: [
                    key, failures, date.timeIntervalSince1970,
                    lock > 0 ? date.timeIntervalSince1970 + Double(lock) : nil,
                ])
            return nil
        }
    }

    package func clearLoginFailures(key: String) async throws(PipeError) {
        try await write { db in try db.execute(sql: "DELETE FROM login_failures WHERE key = ?", arguments: [key]) }
    }

    package func appendAudit(_ event: AuditEvent) async throws(PipeError) {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO audit_events (at, kind, user_id, session_id, details) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    event.at.timeIntervalSince1970, event.kind.rawValue, event.userID?.rawValue,
                    event.sessionID?.rawValue, StoredValues.dictionary(event.details),
                ])
        }
    }

    package func auditEvents(user: UserID?, limit: Int) async throws(PipeError) -> [AuditEvent] {
        try await read { db in
            let rows =
                if let user {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM audit_events WHERE user_id = ? ORDER BY sequence DESC LIMIT ?",
                        arguments: [user.rawValue, limit])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM audit_events ORDER BY sequence DESC LIMIT ?", arguments: [limit])
                }
            return try rows.map { row in
                guard let kind = AuditEvent.Kind(rawValue: row["kind"]) else {
                    throw PipeError(.dataCorrupted, "an audit row has an unknown kind")
                }
                return AuditEvent(
                    sequence: row["sequence"], at: StoredValues.requiredDate(row, "at"), kind: kind,
                    userID: try StoredValues.optionalUserID(row, "user_id"),
                    sessionID: try (row["session_id"] as String?).map { try SessionID($0) },
                    details: StoredValues.dictionary(from: row["details"]))
            }
        }
    }

    package func sweep(now: Date, sessionRetention: Date, auditRetention: Date) async throws(PipeError) {
        try await write { db in
            let now = now.timeIntervalSince1970
            try db.execute(sql: "DELETE FROM login_attempts WHERE expires_at < ?", arguments: [now])
            try db.execute(sql: "DELETE FROM pending_logins WHERE expires_at < ?", arguments: [now])
            try db.execute(
                sql: "DELETE FROM sessions WHERE absolute_expiry < ? OR revoked_at < ?",
                arguments: [sessionRetention.timeIntervalSince1970, sessionRetention.timeIntervalSince1970])
            try db.execute(sql: "DELETE FROM audit_events WHERE at < ?", arguments: [auditRetention.timeIntervalSince1970])
            try db.execute(
                sql: "DELETE FROM login_failures WHERE last_failure_at < ? AND (locked_until IS NULL OR locked_until < ?)",
                arguments: [now - 86_400, now])
        }
    }
}
