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
        guard let pending = try await store.pendingLogin(challengeHash: challengeHash),
            let account = try await store.account(id: pending.userID), account.totpConfirmed, !account.disabled,
            // One of the challenge's attempts is taken before the code is checked, so parallel guesses cannot
            // exceed them.
            try await store.reservePendingAttempt(challengeHash: challengeHash, limit: Self.challengeAttempts, at: now)
        else { throw wrong }
        // Codes are also counted per account, across challenges: someone who has the password must not get five
        // fresh guesses per password login.
        let lockKey = Self.hash("second-factor:" + account.id.rawValue)
        try await beginAttempt(lockKey, at: now, method: "second_factor", user: account.id)

        let method = try await usedFactor(code, for: account, at: now)
        guard let method else {
            await audit(.loginFailed, user: account.id, ["method": "second_factor", "reason": "code"])
            throw wrong
        }
        try await store.clearLoginFailures(key: lockKey)
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
        guard let account = try await store.account(id: id) else { throw PipeError(.notFound, "no such account") }
        let totp = TOTP(secret: TOTP.generateSecret())
        guard !account.totpConfirmed, try await store.startTOTPEnrolment(secret: Hex.encode(totp.secret), for: id) else {
            throw PipeError(.conflict, "a second factor is already enabled")
        }
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
        guard let account = try await store.account(id: id), let totp = totp(of: account), let secret = account.totpSecret,
            !account.totpConfirmed
        else { throw PipeError(.conflict, "no TOTP enrolment is pending") }
        guard let step = try totp.verify(code, at: clock(), window: 1) else {
            throw PipeError(.invalidCredentials, "the code is wrong")
        }
        let recovery = RecoveryCodes.generate()
        guard try await store.confirmTOTP(secret: secret, step: step, recoveryCodeHashes: recovery.hashes, for: id) else {
            throw PipeError(.conflict, "the enrolment changed meanwhile; start again")
        }
        await audit(.secondFactorChanged, user: id, ["change": "totp_enabled"])
        return recovery.codes
    }

    /// Turns the second factor off.
    ///
    /// The account itself proves it still holds the factor with a current code or a recovery code (a stolen access
    /// token alone cannot remove it); an admin may turn it off for another account (a user who lost the device)
    /// without one.
    ///
    /// - Parameters:
    ///   - code: a TOTP or recovery code (required when the caller is the account itself).
    ///   - id: the account.
    ///   - principal: the caller.
    /// - Throws: `invalid_credentials` for a missing or wrong code; `rate_limited` while wrong codes lock the account.
    public func disableSecondFactor(code: String? = nil, for id: UserID, as principal: Principal?) async throws(PipeError) {
        try authorize(principal, .admin, account: id)
        guard let account = try await store.account(id: id) else { throw PipeError(.notFound, "no such account") }
        if principal?.id == id, account.totpConfirmed {
            let now = clock()
            let lockKey = Self.hash("second-factor:" + id.rawValue)
            try await beginAttempt(lockKey, at: now, method: "second_factor", user: id)
            guard let code, code.utf8.count <= 64, try await usedFactor(code, for: account, at: now) != nil else {
                await audit(.loginFailed, user: id, ["method": "second_factor", "reason": "code"])
                throw PipeError(.invalidCredentials, "the code is wrong")
            }
            try await store.clearLoginFailures(key: lockKey)
        }
        guard try await store.clearSecondFactor(for: id) else { throw PipeError(.notFound, "no such account") }
        await audit(.secondFactorChanged, user: id, ["change": "disabled", "by": principal?.id.rawValue ?? "-"])
    }

    /// Which factor `code` proves, using it up: `otp` for a current TOTP code not used before, `rec` for an unused
    /// recovery code; `nil` for anything else.
    func usedFactor(_ code: String, for account: AccountRecord, at now: Date) async throws(PipeError) -> String? {
        let digits = code.filter { $0 != " " }
        if digits.count == 6, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let totp = totp(of: account),
            let step = try totp.verify(digits, at: now, window: 1)
        {
            return try await store.useTOTPStep(step, for: account.id) ? "otp" : nil
        }
        if let index = RecoveryCodes.match(code, in: account.recoveryCodeHashes),
            try await store.useRecoveryCode(hash: account.recoveryCodeHashes[index], for: account.id)
        {
            return "rec"
        }
        return nil
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
