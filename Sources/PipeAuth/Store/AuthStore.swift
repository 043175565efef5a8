import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where auth data lives: the port that the embedded SQLite store implements here and a PostgreSQL adapter
/// implements later.
///
/// Every method is a single atomic operation, so adapters need no cross-call transactions; where a decision
/// depends on current state (rotating a refresh token, consuming a one-time `state`), the method takes the
/// expected state and succeeds only if it still holds (compare-and-set) or removes and returns in one step.
package protocol AuthStore: Sendable {
    // Accounts
    /// Adds an account; `conflict` when its email is taken.
    func insertAccount(_ account: AccountRecord) async throws(PipeError)
    func account(id: UserID) async throws(PipeError) -> AccountRecord?
    func account(email: String) async throws(PipeError) -> AccountRecord?
    // Account changes touch only their own columns, so concurrent changes never undo each other.
    /// Sets the password hash if the stored one is still `expected` (compare-and-set); `false` otherwise.
    func setPasswordHash(_ hash: String, for user: UserID, replacing expected: String?) async throws(PipeError) -> Bool
    /// Replaces the roles; `false` when there is no such account.
    func setRoles(_ roles: Set<String>, for user: UserID) async throws(PipeError) -> Bool
    /// Disables or enables; `false` when there is no such account.
    func setDisabled(_ disabled: Bool, for user: UserID) async throws(PipeError) -> Bool
    /// Stores a pending TOTP secret unless a second factor is already confirmed; `false` then.
    func startTOTPEnrolment(secret: String, for user: UserID) async throws(PipeError) -> Bool
    /// Confirms the pending secret `secret` (still unconfirmed and unchanged), recording the step used and the
    /// recovery code hashes; `false` when it changed or was confirmed meanwhile.
    func confirmTOTP(secret: String, step: Int64, recoveryCodeHashes: [String], for user: UserID) async throws(PipeError)
        -> Bool
    /// Removes the second factor (secret, step, recovery codes); `false` when there is no such account.
    func clearSecondFactor(for user: UserID) async throws(PipeError) -> Bool
    /// Records a TOTP step as used, unless that step or a later one was already used; `false` then.
    func useTOTPStep(_ step: Int64, for user: UserID) async throws(PipeError) -> Bool
    /// Removes one recovery code hash; `false` when it was not there (already used, or racing use).
    func useRecoveryCode(hash: String, for user: UserID) async throws(PipeError) -> Bool

    // Identities
    func identity(provider: String, subject: String) async throws(PipeError) -> IdentityRecord?
    /// Links an identity; `conflict` when it is already linked to any account.
    func insertIdentity(_ identity: IdentityRecord) async throws(PipeError)
    func identities(of user: UserID) async throws(PipeError) -> [IdentityRecord]

    // Sessions
    func insertSession(_ session: SessionRecord) async throws(PipeError)
    func session(id: SessionID) async throws(PipeError) -> SessionRecord?
    /// The session whose chain holds `tokenHash`, and where in the chain it is.
    func session(refreshTokenHash: String) async throws(PipeError) -> (SessionRecord, RefreshTokenPosition)?
    /// Makes `newHash` the current token if `expectedHash` still is (retiring it, recording the nonce); `false` when
    /// another refresh got there first or the session was revoked.
    func rotateSession(
        _ id: SessionID, expectedHash: String, newHash: String, nonce: String, at: Date
    ) async throws(PipeError) -> Bool
    /// Records a use of the session without rotating (a grace-interval replay).
    func touchSession(_ id: SessionID, at: Date) async throws(PipeError)
    /// Revokes one session; `false` when it was already revoked or does not exist.
    func revokeSession(_ id: SessionID, reason: String, at: Date) async throws(PipeError) -> Bool
    /// Revokes every live session of `user`; returns their ids.
    func revokeSessions(of user: UserID, reason: String, at: Date) async throws(PipeError) -> [SessionID]
    /// The user's sessions, newest first, at most `limit`.
    func sessions(of user: UserID, includingRevoked: Bool, limit: Int) async throws(PipeError) -> [SessionRecord]
    /// Sessions revoked after `date` (to refuse their access tokens after a restart).
    func sessionsRevoked(since date: Date) async throws(PipeError) -> [SessionID]

    // API keys
    func insertAPIKey(_ key: APIKeyRecord) async throws(PipeError)
    func apiKey(id: String) async throws(PipeError) -> APIKeyRecord?
    func apiKeys(of account: UserID) async throws(PipeError) -> [APIKeyRecord]
    func revokeAPIKey(id: String, at: Date) async throws(PipeError) -> Bool
    func touchAPIKey(id: String, at: Date) async throws(PipeError)

    // Signing keys
    func signingKeys() async throws(PipeError) -> [SigningKey]
    func insertSigningKey(_ key: SigningKey) async throws(PipeError)
    /// Ends the signing period of every key but `keyID` that signs past `date` (a newer key takes over), and caps
    /// how long they verify at `verifyingUntil` (the last token they signed has expired by then).
    func endSigning(before keyID: String, at date: Date, verifyingUntil: Date) async throws(PipeError)
    /// Deletes one key at once (after a suspected compromise); `false` when there is no such key.
    func deleteSigningKey(_ id: String) async throws(PipeError) -> Bool
    /// Deletes keys that stopped verifying before `date`; returns their ids.
    func deleteSigningKeys(expiredBefore date: Date) async throws(PipeError) -> [String]

    // One-time login state
    func insertLoginAttempt(_ attempt: LoginAttemptRecord) async throws(PipeError)
    /// Removes and returns the attempt with this state hash (so a `state` works once).
    func takeLoginAttempt(stateHash: String) async throws(PipeError) -> LoginAttemptRecord?
    func insertPendingLogin(_ pending: PendingLoginRecord) async throws(PipeError)
    func pendingLogin(challengeHash: String) async throws(PipeError) -> PendingLoginRecord?
    /// Takes one of the `limit` attempts of a live pending login before its code is checked; `false` when none is
    /// left or it expired (so parallel guesses cannot exceed the limit).
    func reservePendingAttempt(challengeHash: String, limit: Int, at: Date) async throws(PipeError) -> Bool
    /// Removes a pending login; `false` when it was already gone (completed by a racing request).
    func deletePendingLogin(challengeHash: String) async throws(PipeError) -> Bool

    // Lockout
    /// Starts an attempt under `key` (an email's password logins, an account's second factor): when `key` is locked
    /// at `date`, returns the end of the lock and counts nothing; otherwise counts the attempt as a failure up front
    /// (cleared by ``clearLoginFailures(key:)`` when it succeeds), locks `key` for `lockFor(count)` seconds when that
    /// is positive, and returns `nil`. Counting before checking keeps parallel guesses inside the policy.
    func beginAttempt(key: String, at date: Date, lockFor: @escaping @Sendable (Int) -> Int) async throws(PipeError) -> Date?
    func clearLoginFailures(key: String) async throws(PipeError)

    // Audit
    func appendAudit(_ event: AuditEvent) async throws(PipeError)
    /// Events, newest first; only `user`'s when given.
    func auditEvents(user: UserID?, limit: Int) async throws(PipeError) -> [AuditEvent]

    /// Deletes what has expired: login attempts, pending logins, sessions ended before `retention`, audit events
    /// older than `auditRetention`.
    func sweep(now: Date, sessionRetention: Date, auditRetention: Date) async throws(PipeError)
}
