import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension AuthService {
    /// Completes a password login with a TOTP code or a recovery code.
    ///
    /// The session's `amr` records both factors: `["pwd", "otp", "mfa"]` for a TOTP code, `["pwd", "rec", "mfa"]`
    /// for a recovery code. A TOTP code works once (its time step is recorded), a recovery code is used up. Five
    /// wrong codes end the challenge.
    ///
    /// - Parameters:
    ///   - challenge: the challenge from ``signIn(email:password:client:)``.
    ///   - code: the 6-digit code, or a recovery code.
    /// - Throws: `invalid_credentials` for a wrong code or an unknown, expired or used-up challenge.
    public func completeSecondFactor(challenge: String, code: String) async throws(PipeError) -> TokenPair {
        let wrong = PipeError(.invalidCredentials, "the code is wrong or the challenge has expired")
        guard RefreshTokens.isWellFormed(challenge), code.utf8.count <= 64 else { throw wrong }
        let now = clock()
        let challengeHash = Self.hash(challenge)
        guard let pending = try await store.pendingLogin(challengeHash: challengeHash), now < pending.expiresAt,
            pending.attempts < Self.challengeAttempts,
            let account = try await store.account(id: pending.userID), account.totpConfirmed, !account.disabled
        else { throw wrong }
        // Wrong codes are also counted per account, across challenges: someone who has the password must not get
        // five fresh guesses per password login.
        let lockKey = Self.hash("second-factor:" + account.id.rawValue)
        let failures = try await store.loginFailures(key: lockKey)
        try await refuseIfLocked(failures, at: now, method: "second_factor", user: account.id)

        var method: String?
        let digits = code.filter { $0 != " " }
        if digits.count == 6, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            let totp = totp(of: account), let step = try totp.verify(digits, at: now, window: 1),
            try await store.useTOTPStep(step, for: account.id)
        {
            method = "otp"
        } else if let index = RecoveryCodes.match(code, in: account.recoveryCodeHashes),
            try await store.useRecoveryCode(hash: account.recoveryCodeHashes[index], for: account.id)
        {
            method = "rec"
        }
        guard let method else {
            let attempts = try await store.failPendingLogin(challengeHash: challengeHash)
            if attempts >= Self.challengeAttempts { _ = try await store.deletePendingLogin(challengeHash: challengeHash) }
            try await recordFailure(failures, key: lockKey, at: now)
            await audit(.loginFailed, user: account.id, ["method": "second_factor", "reason": "code"])
            throw wrong
        }
        if failures != nil { try await store.clearLoginFailures(key: lockKey) }
        // Only one request may turn the challenge into a session.
        guard try await store.deletePendingLogin(challengeHash: challengeHash) else { throw wrong }
        return try await startSession(for: account, methods: pending.methods + [method, "mfa"], client: pending.client)
    }

    /// Starts enrolling a TOTP authenticator: a new secret, pending until confirmed with a code from it.
    ///
    /// - Parameters:
    ///   - id: the account.
    ///   - principal: the account itself.
    /// - Throws: `conflict` when a second factor is already active (disable it first).
    public func beginTOTPEnrolment(for id: UserID, as principal: Principal?) async throws(PipeError) -> TOTPEnrolment {
        try requireSelf(principal, id)
        guard var account = try await store.account(id: id) else { throw PipeError(.notFound, "no such account") }
        guard !account.totpConfirmed else { throw PipeError(.conflict, "a second factor is already enabled") }
        let totp = TOTP(secret: TOTP.generateSecret())
        account.totpSecret = Hex.encode(totp.secret)
        try await store.updateAccount(account)
        return TOTPEnrolment(
            secret: totp.base32Secret,
            provisioningURI: totp.provisioningURI(account: account.email ?? account.displayName, issuer: "Pipe"))
    }

    /// Confirms a TOTP enrolment with a current code; from now on password logins need a second factor.
    ///
    /// - Parameters:
    ///   - code: a code from the authenticator.
    ///   - id: the account.
    ///   - principal: the account itself.
    /// - Returns: 10 recovery codes, shown once.
    /// - Throws: `invalid_credentials` for a wrong code; `conflict` when no enrolment is pending.
    public func confirmTOTPEnrolment(code: String, for id: UserID, as principal: Principal?) async throws(PipeError)
        -> [String]
    {
        try requireSelf(principal, id)
        guard var account = try await store.account(id: id), let totp = totp(of: account), !account.totpConfirmed else {
            throw PipeError(.conflict, "no TOTP enrolment is pending")
        }
        guard let step = try totp.verify(code, at: clock(), window: 1) else {
            throw PipeError(.invalidCredentials, "the code is wrong")
        }
        let recovery = RecoveryCodes.generate()
        account.totpConfirmed = true
        account.totpLastStep = step
        account.recoveryCodeHashes = recovery.hashes
        try await store.updateAccount(account)
        await audit(.secondFactorChanged, user: id, ["change": "totp_enabled"])
        return recovery.codes
    }

    /// Turns the second factor off (the account itself, or an admin helping a user who lost it).
    ///
    /// - Parameters:
    ///   - id: the account.
    ///   - principal: the caller.
    public func disableSecondFactor(for id: UserID, as principal: Principal?) async throws(PipeError) {
        try authorize(principal, .admin, account: id)
        guard var account = try await store.account(id: id) else { throw PipeError(.notFound, "no such account") }
        account.totpSecret = nil
        account.totpConfirmed = false
        account.totpLastStep = nil
        account.recoveryCodeHashes = []
        try await store.updateAccount(account)
        await audit(.secondFactorChanged, user: id, ["change": "disabled", "by": principal?.id.rawValue ?? "-"])
    }

    func totp(of account: AccountRecord) -> TOTP? {
        guard let secret = account.totpSecret.flatMap(Hex.decode), !secret.isEmpty else { return nil }
        return TOTP(secret: secret)
    }

    /// Requires the caller to be the account itself (enrolling a factor is personal: an admin cannot do it).
    func requireSelf(_ principal: Principal?, _ id: UserID) throws(PipeError) {
        guard let principal, principal.id == id,
            AccessPolicy(owner: id).allows(principal, .write, on: .account(id))
        else { throw PipeError(.notFound, "no such account") }
    }
}
