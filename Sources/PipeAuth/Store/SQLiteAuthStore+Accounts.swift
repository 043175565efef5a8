import Foundation
import GRDB
import PipeCore

extension SQLiteAuthStore {
    package func insertAccount(_ account: AccountRecord) async throws(PipeError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO accounts (id, kind, email, email_verified, display_name, roles, password_hash,
                        totp_secret, totp_confirmed, totp_last_step, recovery_codes, disabled, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: Self.accountArguments(account))
        }
    }

    package func setPasswordHash(_ hash: String, for user: UserID, replacing expected: String?) async throws(PipeError)
        -> Bool
    {
        try await write { db in
            try db.execute(
                sql: "UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash IS ?",
                arguments: [hash, user.rawValue, expected])
            return db.changesCount == 1
        }
    }

    package func setRoles(_ roles: Set<String>, for user: UserID) async throws(PipeError) -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE accounts SET roles = ? WHERE id = ?", arguments: [StoredValues.list(roles.sorted()), user.rawValue])
            return db.changesCount == 1
        }
    }

    package func setDisabled(_ disabled: Bool, for user: UserID) async throws(PipeError) -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE accounts SET disabled = ? WHERE id = ?", arguments: [disabled, user.rawValue])
            return db.changesCount == 1
        }
    }

    package func startTOTPEnrolment(secret: String, for user: UserID) async throws(PipeError) -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE accounts SET totp_secret = ? WHERE id = ? AND totp_confirmed = 0",
                arguments: [secret, user.rawValue])
            return db.changesCount == 1
        }
    }

    package func confirmTOTP(secret: String, step: Int64, recoveryCodeHashes: [String], for user: UserID)
        async throws(PipeError) -> Bool
    {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE accounts SET totp_confirmed = 1, totp_last_step = ?, recovery_codes = ?
                    WHERE id = ? AND totp_confirmed = 0 AND totp_secret = ?
                    """, arguments: [step, StoredValues.list(recoveryCodeHashes), user.rawValue, secret])
            return db.changesCount == 1
        }
    }

    package func clearSecondFactor(for user: UserID) async throws(PipeError) -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE accounts SET totp_secret = NULL, totp_confirmed = 0, totp_last_step = NULL, recovery_codes = '[]'
                    WHERE id = ?
                    """, arguments: [user.rawValue])
            return db.changesCount == 1
        }
    }

    package func account(id: UserID) async throws(PipeError) -> AccountRecord? {
        try pointRead("SELECT * FROM accounts WHERE id = ?", [id.rawValue], Self.account)
    }

    package func account(email: String) async throws(PipeError) -> AccountRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE email = ?", arguments: [email]).map(Self.account)
        }
    }

    package func useTOTPStep(_ step: Int64, for user: UserID) async throws(PipeError) -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE accounts SET totp_last_step = ?
                    WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)
                    """, arguments: [step, user.rawValue, step])
            return db.changesCount == 1
        }
    }

    package func useRecoveryCode(hash: String, for user: UserID) async throws(PipeError) -> Bool {
        try await write { db in
            let stored = try String.fetchOne(
                db, sql: "SELECT recovery_codes FROM accounts WHERE id = ?", arguments: [user.rawValue])
            var hashes = StoredValues.list(from: stored)
            guard let index = hashes.firstIndex(of: hash) else { return false }
            hashes.remove(at: index)
            try db.execute(
                sql: "UPDATE accounts SET recovery_codes = ? WHERE id = ?",
                arguments: [StoredValues.list(hashes), user.rawValue])
            return true
        }
    }

    package func identity(provider: String, subject: String) async throws(PipeError) -> IdentityRecord? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM identities WHERE provider = ? AND subject = ?", arguments: [provider, subject]
            ).map(Self.identity)
        }
    }

    package func insertIdentity(_ identity: IdentityRecord) async throws(PipeError) {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO identities (provider, subject, user_id, email, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    identity.provider, identity.subject, identity.userID.rawValue, identity.email,
                    identity.createdAt.timeIntervalSince1970,
                ])
        }
    }

    package func identities(of user: UserID) async throws(PipeError) -> [IdentityRecord] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM identities WHERE user_id = ? ORDER BY created_at", arguments: [user.rawValue]
            ).map(Self.identity)
        }
    }

    static func accountArguments(_ account: AccountRecord) -> StatementArguments {
        [
            account.id.rawValue, account.kind.rawValue, account.email, account.emailVerified, account.displayName,
            StoredValues.list(account.roles.sorted()), account.passwordHash, account.totpSecret, account.totpConfirmed,
            account.totpLastStep, StoredValues.list(account.recoveryCodeHashes), account.disabled,
            account.createdAt.timeIntervalSince1970,
        ]
    }

    static func account(_ row: Row) throws -> AccountRecord {
        guard let kind = Principal.Kind(rawValue: row["kind"]) else {
            throw PipeError(.dataCorrupted, "an account row has an unknown kind")
        }
        var account = AccountRecord(
            id: try StoredValues.userID(row, "id"), kind: kind, email: row["email"],
            emailVerified: row["email_verified"], displayName: row["display_name"],
            roles: Set(StoredValues.list(from: row["roles"])), passwordHash: row["password_hash"],
            createdAt: StoredValues.requiredDate(row, "created_at"))
        account.totpSecret = row["totp_secret"]
        account.totpConfirmed = row["totp_confirmed"]
        account.totpLastStep = row["totp_last_step"]
        account.recoveryCodeHashes = StoredValues.list(from: row["recovery_codes"])
        account.disabled = row["disabled"]
        return account
    }

    static func identity(_ row: Row) throws -> IdentityRecord {
        IdentityRecord(
            provider: row["provider"], subject: row["subject"], userID: try StoredValues.userID(row, "user_id"),
            email: row["email"], createdAt: StoredValues.requiredDate(row, "created_at"))
    }
}
