import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension AuthService {
    /// Signs in with email and password.
    ///
    /// A wrong password, an unknown email and a disabled account all fail the same way (`invalid_credentials`),
    /// and take the same time: an unknown email is checked against a decoy hash. Attempts for one email (existing
    /// or not) are counted before the password is checked, so parallel guesses count too; past the
    /// ``LockoutPolicy`` threshold the email is locked for a growing delay and fails with `rate_limited` and
    /// `details["retryAfter"]` (seconds), even with the right password. A success resets the count.
    ///
    /// - Parameters:
    ///   - email: the email.
    ///   - password: the password.
    ///   - client: the user agent, kept with the session.
    /// - Returns: tokens, or a challenge when the account has a second factor.
    public func signIn(email: String, password: String, client: String? = nil) async throws(PipeError) -> SignInResult {
        let wrong = PipeError(.invalidCredentials, "the email or password is wrong")
        guard let email = try? Self.normalizedEmail(email), password.utf8.count <= PasswordHasher.maxPasswordBytes else {
            throw wrong
        }
        let now = clock()
        let lockKey = Self.hash("password-login:" + email)
        let hasher = configuration.passwordHasher
        // The permit comes first: a check refused for load counts towards no lockout.
        let (account, stored, matches) = try await hashing.withPermit {
            () async throws(PipeError) -> (AccountRecord?, String, Bool) in
            try await beginAttempt(lockKey, at: now, method: "password", user: nil)
            let account = try await store.account(email: email)
            let stored = account?.passwordHash ?? decoyPasswordHash
            let matches = try await BlockingIO.run { () throws(PipeError) in
                (try? hasher.verify(password, against: stored)) ?? false
            }
            return (account, stored, matches)
        }
        guard matches, let account, account.passwordHash != nil, !account.disabled else {
            await audit(.loginFailed, user: account?.id, ["method": "password", "reason": "credentials"])
            throw wrong
        }
        try await store.clearLoginFailures(key: lockKey)
        // Best effort: a busy moment or a failed write must not fail a correct sign-in; the next one upgrades.
        if hasher.needsRehash(stored),
            let upgraded = try? await hashing.run({ () throws(PipeError) in try hasher.hash(password) })
        {
            // Compare-and-set: a password changed meanwhile is not overwritten with the old one.
            _ = try? await store.setPasswordHash(upgraded, for: account.id, replacing: stored)
        }
        if account.totpConfirmed {
            let challenge = Self.newSecret()
            let expires = now.addingTimeInterval(Self.challengeLifetime)
            try await store.insertPendingLogin(
                PendingLoginRecord(
                    challengeHash: Self.hash(challenge), userID: account.id, methods: ["pwd"],
                    client: Self.bounded(client: client), attempts: 0, expiresAt: expires))
            return .secondFactorRequired(SecondFactorChallenge(token: challenge, expiresAt: expires))
        }
        return .signedIn(try await startSession(for: account, methods: ["pwd"], client: client))
    }

    /// Changes a password. The account itself must prove the current one (wrong guesses count towards the
    /// lockout, so a stolen access token cannot be used to guess it); an admin may set another account's password
    /// without it. Every session of the account is revoked.
    ///
    /// - Parameters:
    ///   - newPassword: the new password.
    ///   - currentPassword: the current one (required when the caller is the account itself).
    ///   - id: the account.
    ///   - principal: the caller.
    /// - Throws: `invalid_credentials` for a wrong current password; `rate_limited` while locked out.
    public func changePassword(
        to newPassword: String, current currentPassword: String?, of id: UserID, as principal: Principal?
    ) async throws(PipeError) {
        try authorize(principal, .write, account: id)
        guard let account = try await store.account(id: id) else { throw PipeError(.notFound, "no such account") }
        guard newPassword.count >= Self.minimumPasswordLength, newPassword.utf8.count <= PasswordHasher.maxPasswordBytes else {
            throw PipeError(.invalidArgument, "a password needs at least \(Self.minimumPasswordLength) characters")
        }
        let hasher = configuration.passwordHasher
        let now = clock()
        if principal?.id == id {
            let lockKey = Self.hash("password-change:" + id.rawValue)
            let stored = account.passwordHash ?? decoyPasswordHash
            let given = currentPassword ?? ""
            let matches = try await hashing.withPermit { () async throws(PipeError) -> Bool in
                try await beginAttempt(lockKey, at: now, method: "password_change", user: id)
                return try await BlockingIO.run { () throws(PipeError) in (try? hasher.verify(given, against: stored)) ?? false }
            }
            guard matches, account.passwordHash != nil else {
                await audit(.loginFailed, user: id, ["method": "password_change", "reason": "credentials"])
                throw PipeError(.invalidCredentials, "the current password is wrong")
            }
            try await store.clearLoginFailures(key: lockKey)
        }
        let hash = try await hashing.run { () throws(PipeError) in try hasher.hash(newPassword) }
        guard try await store.setPasswordHash(hash, for: id, replacing: account.passwordHash) else {
            throw PipeError(.conflict, "the password was changed meanwhile; try again")
        }
        for session in try await store.revokeSessions(of: id, reason: "password_changed", at: now) {
            tokens.revoke(session: session, at: now)
        }
        await audit(.sessionRevoked, user: id, ["reason": "password_changed", "by": principal?.id.rawValue ?? "-"])
    }

    /// Counts an attempt under `key` before it is checked, or throws `rate_limited` (with `retryAfter`) while the
    /// key is locked.
    func beginAttempt(_ key: String, at now: Date, method: String, user: UserID?) async throws(PipeError) {
        let policy = configuration.lockout
        guard let lockedUntil = try await store.beginAttempt(key: key, at: now, lockFor: { policy.delay(afterFailures: $0) })
        else { return }
        let seconds = Int(lockedUntil.timeIntervalSince(now).rounded(.up))
        await audit(.loginFailed, user: user, ["method": method, "reason": "locked"])
        throw PipeError(
            .rateLimited, "too many failed attempts; try again in \(seconds) s", details: ["retryAfter": "\(seconds)"])
    }

    /// How long a second-factor challenge lasts.
    static let challengeLifetime: TimeInterval = 300
    /// Wrong codes allowed per challenge.
    static let challengeAttempts = 5
}
