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
    /// and take the same time: an unknown email is checked against a decoy hash. Consecutive failures for one
    /// email (existing or not) lock it for a growing delay (``LockoutPolicy``); a locked email fails with
    /// `rate_limited` and `details["retryAfter"]` (seconds), even with the right password.
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
        let failures = try await store.loginFailures(key: lockKey)
        try await refuseIfLocked(failures, at: now, method: "password", user: nil)
        let account = try await store.account(email: email)
        let stored = account?.passwordHash ?? decoyPasswordHash
        let hasher = configuration.passwordHasher
        let matches = (try? await BlockingIO.run { () throws(PipeError) in try hasher.verify(password, against: stored) }) ?? false
        guard matches, var account, account.passwordHash != nil, !account.disabled else {
            try await recordFailure(failures, key: lockKey, at: now)
            await audit(.loginFailed, user: account?.id, ["method": "password", "reason": "credentials"])
            throw wrong
        }
        if failures != nil { try await store.clearLoginFailures(key: lockKey) }
        if hasher.needsRehash(stored) {
            account.passwordHash = try await BlockingIO.run { () throws(PipeError) in try hasher.hash(password) }
            try await store.updateAccount(account)
        }
        if account.totpConfirmed {
            let challenge = Self.newSecret()
            let expires = now.addingTimeInterval(Self.challengeLifetime)
            try await store.insertPendingLogin(
                PendingLoginRecord(
                    challengeHash: Self.hash(challenge), userID: account.id, methods: ["pwd"],
                    client: client.map { String($0.prefix(Self.maximumClientBytes)) }, attempts: 0, expiresAt: expires))
            return .secondFactorRequired(SecondFactorChallenge(token: challenge, expiresAt: expires))
        }
        return .signedIn(try await startSession(for: account, methods: ["pwd"], client: client))
    }

    /// Changes a password: the caller proves the current one (an admin may set one without it). Other sessions of
    /// the account are revoked.
    ///
    /// - Parameters:
    ///   - newPassword: the new password.
    ///   - currentPassword: the current one (required unless the caller is an admin acting on another account).
    ///   - id: the account.
    ///   - principal: the caller.
    public func changePassword(
        to newPassword: String, current currentPassword: String?, of id: UserID, as principal: Principal?
    ) async throws(PipeError) {
        try authorize(principal, .write, account: id)
        guard var account = try await store.account(id: id) else { throw PipeError(.notFound, "no such account") }
        guard newPassword.count >= Self.minimumPasswordLength else {
            throw PipeError(.invalidArgument, "a password needs at least \(Self.minimumPasswordLength) characters")
        }
        let hasher = configuration.passwordHasher
        let actingOnSelf = principal?.id == id
        if actingOnSelf || account.passwordHash != nil && currentPassword != nil {
            guard let currentPassword, let stored = account.passwordHash,
                (try? await BlockingIO.run { () throws(PipeError) in try hasher.verify(currentPassword, against: stored) }) == true
            else { throw PipeError(.invalidCredentials, "the current password is wrong") }
        }
        account.passwordHash = try await BlockingIO.run { () throws(PipeError) in try hasher.hash(newPassword) }
        try await store.updateAccount(account)
        let now = clock()
        for session in try await store.revokeSessions(of: id, reason: "password_changed", at: now) {
            tokens.revoke(session: session, at: now)
        }
        await audit(.sessionRevoked, user: id, ["reason": "password_changed"])
    }

    /// Throws `rate_limited` (with `retryAfter`) while `failures` holds a lock.
    func refuseIfLocked(_ failures: LoginFailureRecord?, at now: Date, method: String, user: UserID?) async throws(PipeError) {
        guard let lockedUntil = failures?.lockedUntil, lockedUntil > now else { return }
        let seconds = Int(lockedUntil.timeIntervalSince(now).rounded(.up))
        await audit(.loginFailed, user: user, ["method": method, "reason": "locked"])
        throw PipeError(
            .rateLimited, "too many failed attempts; try again in \(seconds) s", details: ["retryAfter": "\(seconds)"])
    }

    /// Counts one more consecutive failure under `key`, locking per ``AuthConfiguration/lockout``.
    func recordFailure(_ failures: LoginFailureRecord?, key: String, at now: Date) async throws(PipeError) {
        let count = (failures?.failures ?? 0) + 1
        let delay = configuration.lockout.delay(afterFailures: count)
        try await store.saveLoginFailures(
            LoginFailureRecord(
                key: key, failures: count, lastFailureAt: now,
                lockedUntil: delay > 0 ? now.addingTimeInterval(TimeInterval(delay)) : nil))
    }

    /// How long a second-factor challenge lasts.
    static let challengeLifetime: TimeInterval = 300
    /// Wrong codes allowed per challenge.
    static let challengeAttempts = 5
}
