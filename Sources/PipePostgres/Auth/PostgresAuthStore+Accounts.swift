import Foundation
import PipeAuth
import PipeCore
import PostgresNIO

/// Accounts and the identities linked to them. Every change touches only its own columns and carries its
/// precondition in its `WHERE`, so concurrent changes neither undo each other nor both win a compare-and-set.
extension PostgresAuthStore {
    package func insertAccount(_ account: AccountRecord) async throws(PipeError) {
        try await insert(
            """
            INSERT INTO pipe_auth_accounts (id, kind, email, email_verified, display_name, roles, password_hash,
                totp_secret, totp_confirmed, totp_last_step, recovery_codes, disabled, created_at)
            VALUES (\(account.id.rawValue), \(account.kind.rawValue), \(account.email), \(account.emailVerified),
                \(account.displayName), \(StoredValues.list(account.roles.sorted())), \(account.passwordHash),
                \(account.totpSecret), \(account.totpConfirmed), \(account.totpLastStep),
                \(StoredValues.list(account.recoveryCodeHashes)), \(account.disabled),
                \(account.createdAt.timeIntervalSince1970))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
    }

    package func account(id: UserID) async throws(PipeError) -> AccountRecord? {
        try await one("SELECT * FROM pipe_auth_accounts WHERE id = \(id.rawValue)", Self.account(_:))
    }

    package func account(email: String) async throws(PipeError) -> AccountRecord? {
        try await one("SELECT * FROM pipe_auth_accounts WHERE email = \(email)", Self.account(_:))
    }

    /// `IS NOT DISTINCT FROM` is SQLite's `IS`: a `nil` expectation matches only an account without a password.
    package func setPasswordHash(_ hash: String, for user: UserID, replacing expected: String?) async throws(PipeError)
        -> Bool
    {
        try await changed(
            """
            UPDATE pipe_auth_accounts SET password_hash = \(hash)
            WHERE id = \(user.rawValue) AND password_hash IS NOT DISTINCT FROM \(expected) RETURNING 1
            """)
    }

    package func setRoles(_ roles: Set<String>, for user: UserID) async throws(PipeError) -> Bool {
        try await changed(
            """
            UPDATE pipe_auth_accounts SET roles = \(StoredValues.list(roles.sorted()))
            WHERE id = \(user.rawValue) RETURNING 1
            """)
    }

    package func setDisabled(_ disabled: Bool, for user: UserID) async throws(PipeError) -> Bool {
        try await changed(
            "UPDATE pipe_auth_accounts SET disabled = \(disabled) WHERE id = \(user.rawValue) RETURNING 1")
    }

    package func startTOTPEnrolment(secret: String, for user: UserID) async throws(PipeError) -> Bool {
        try await changed(
            """
            UPDATE pipe_auth_accounts SET totp_secret = \(secret)
            WHERE id = \(user.rawValue) AND NOT totp_confirmed RETURNING 1
            """)
    }

    package func confirmTOTP(secret: String, step: Int64, recoveryCodeHashes: [String], for user: UserID)
        async throws(PipeError) -> Bool
    {
        try await changed(
            """
            UPDATE pipe_auth_accounts
            SET totp_confirmed = TRUE, totp_last_step = \(step),
                recovery_codes = \(StoredValues.list(recoveryCodeHashes))
            WHERE id = \(user.rawValue) AND NOT totp_confirmed AND totp_secret = \(secret) RETURNING 1
            """)
    }

    package func clearSecondFactor(for user: UserID) async throws(PipeError) -> Bool {
        try await changed(
            """
            UPDATE pipe_auth_accounts
            SET totp_secret = NULL, totp_confirmed = FALSE, totp_last_step = NULL, recovery_codes = '[]'
            WHERE id = \(user.rawValue) RETURNING 1
            """)
    }

    package func useTOTPStep(_ step: Int64, for user: UserID) async throws(PipeError) -> Bool {
        try await changed(
            """
            UPDATE pipe_auth_accounts SET totp_last_step = \(step)
            WHERE id = \(user.rawValue) AND (totp_last_step IS NULL OR totp_last_step < \(step)) RETURNING 1
            """)
    }

    /// Reads, edits and writes the JSON list under a row lock, so two requests using the same code cannot both
    /// remove it.
    package func useRecoveryCode(hash: String, for user: UserID) async throws(PipeError) -> Bool {
        try await write { transaction throws -> Bool in
            guard
                let row = try await transaction.one(
                    "SELECT recovery_codes FROM pipe_auth_accounts WHERE id = \(user.rawValue) FOR UPDATE")
            else { return false }
            var hashes = try AuthRow(row).list("recovery_codes")
            guard let index = hashes.firstIndex(of: hash) else { return false }
            hashes.remove(at: index)
            try await transaction.query(
                """
                UPDATE pipe_auth_accounts SET recovery_codes = \(StoredValues.list(hashes))
                WHERE id = \(user.rawValue)
                """)
            return true
        }
    }

    package func identity(provider: String, subject: String) async throws(PipeError) -> IdentityRecord? {
        try await one(
            "SELECT * FROM pipe_auth_identities WHERE provider = \(provider) AND subject = \(subject)",
            Self.identity(_:))
    }

    package func insertIdentity(_ identity: IdentityRecord) async throws(PipeError) {
        try await insert(
            """
            INSERT INTO pipe_auth_identities (provider, subject, user_id, email, created_at)
            VALUES (\(identity.provider), \(identity.subject), \(identity.userID.rawValue), \(identity.email),
                \(identity.createdAt.timeIntervalSince1970))
            ON CONFLICT DO NOTHING RETURNING 1
            """)
    }

    /// Oldest first; ties (same instant) in byte order of the key, so the order never depends on the collation.
    package func identities(of user: UserID) async throws(PipeError) -> [IdentityRecord] {
        try await all(
            """
            SELECT * FROM pipe_auth_identities WHERE user_id = \(user.rawValue)
            ORDER BY created_at, provider COLLATE "C", subject COLLATE "C"
            """, Self.identity(_:))
    }

    static func account(_ row: AuthRow) throws(PipeError) -> AccountRecord {
        guard let kind = Principal.Kind(rawValue: try row.value("kind", as: String.self)) else {
            throw PipeError(.dataCorrupted, "an account row has an unknown kind")
        }
        var account = AccountRecord(
            id: try row.userID("id"), kind: kind, email: try row.value("email", as: String?.self),
            emailVerified: try row.value("email_verified", as: Bool.self),
            displayName: try row.value("display_name", as: String.self), roles: Set(try row.list("roles")),
            passwordHash: try row.value("password_hash", as: String?.self), createdAt: try row.date("created_at"))
        account.totpSecret = try row.value("totp_secret", as: String?.self)
        account.totpConfirmed = try row.value("totp_confirmed", as: Bool.self)
        account.totpLastStep = try row.value("totp_last_step", as: Int64?.self)
        account.recoveryCodeHashes = try row.list("recovery_codes")
        account.disabled = try row.value("disabled", as: Bool.self)
        return account
    }

    static func identity(_ row: AuthRow) throws(PipeError) -> IdentityRecord {
        IdentityRecord(
            provider: try row.value("provider", as: String.self), subject: try row.value("subject", as: String.self),
            userID: try row.userID("user_id"), email: try row.value("email", as: String?.self),
            createdAt: try row.date("created_at"))
    }
}
