import PipeCore

import Foundation

extension AuthService {
    /// The role every new user gets.
    public static let memberRole = "member"
    /// The role that may do everything (`AccessPolicy.adminRole`).
    public static let adminRole = AccessPolicy.adminRole
    /// The shortest password accepted for new passwords (NIST SP 800-63B).
    public static let minimumPasswordLength = 8

    /// Creates a user who signs in with email and password.
    ///
    /// Anyone may sign up as a `member`; only an admin may create accounts with other roles.
    ///
    /// - Parameters:
    ///   - email: the email (case and surrounding blanks ignored).
    ///   - password: at least 8 characters and at most 1,024 bytes.
    ///   - displayName: the name to show (default: the email).
    ///   - roles: the roles (default `member`).
    ///   - principal: the caller (`nil` for self sign-up).
    /// - Throws: `invalid_argument` for a bad email or password; `conflict` when the email is taken;
    ///   `forbidden` for roles the caller may not give.
    @discardableResult
    public func createUser(
        email: String, password: String, displayName: String? = nil, roles: Set<String> = [memberRole],
        as principal: Principal? = nil
    ) async throws(PipeError) -> User {
        let email = try Self.normalizedEmail(email)
        try checkRoles(roles, givenBy: principal)
        guard password.count >= Self.minimumPasswordLength, password.utf8.count <= PasswordHasher.maxPasswordBytes else {
            throw PipeError(
                .invalidArgument,
                "a password needs at least \(Self.minimumPasswordLength) characters and at most \(PasswordHasher.maxPasswordBytes) bytes")
        }
        let hasher = configuration.passwordHasher
        let hash = try await hashing.run { () throws(PipeError) in try hasher.hash(password) }
        let account = AccountRecord(
            id: .random(), kind: .user, email: email, emailVerified: false,
            displayName: try Self.checkedName(displayName ?? email), roles: roles, passwordHash: hash, createdAt: clock())
        do {
            try await store.insertAccount(account)
        } catch where error.code == .conflict {
            throw PipeError(.conflict, "an account with this email exists")
        }
        await audit(.accountCreated, user: account.id, ["method": "password", "by": principal?.id.rawValue ?? "self"])
        return User(account)
    }

    /// Creates a service account: a program that authenticates with API keys.
    ///
    /// - Parameters:
    ///   - name: its display name (1–200 characters).
    ///   - roles: its roles.
    ///   - principal: an admin.
    @discardableResult
    public func createServiceAccount(name: String, roles: Set<String> = [], as principal: Principal?) async throws(PipeError)
        -> User
    {
        try requireAdmin(principal)
        try checkRoles(roles, givenBy: principal)
        let account = AccountRecord(
            id: .random(), kind: .serviceAccount, email: nil, emailVerified: false, displayName: try Self.checkedName(name),
            roles: roles, passwordHash: nil, createdAt: clock())
        try await store.insertAccount(account)
        await audit(.accountCreated, user: account.id, ["kind": "service_account", "by": principal?.id.rawValue ?? "-"])
        return User(account)
    }

    /// An account, as its owner or an admin sees it.
    ///
    /// - Parameters:
    ///   - id: the account.
    ///   - principal: the caller.
    /// - Throws: `not_found` when it does not exist or the caller may not see it.
    public func user(_ id: UserID, as principal: Principal?) async throws(PipeError) -> User {
        try authorize(principal, .read, account: id)
        guard let account = try await store.account(id: id) else { throw PipeError(.notFound, "no such account") }
        return User(account)
    }

    /// Replaces an account's roles (admins only). Access tokens carry roles, so existing ones keep the old roles
    /// until they expire; revoke the sessions to apply the change at once.
    ///
    /// - Parameters:
    ///   - roles: the new roles.
    ///   - id: the account.
    ///   - principal: an admin.
    @discardableResult
    public func setRoles(_ roles: Set<String>, of id: UserID, as principal: Principal?) async throws(PipeError) -> User {
        try requireAdmin(principal)
        try checkRoles(roles, givenBy: principal)
        let changed = try await store.setRoles(roles, for: id)
        verifiedAPIKeys.removeAll()
        guard changed, let account = try await store.account(id: id) else {
            throw PipeError(.notFound, "no such account")
        }
        await audit(.rolesChanged, user: id, ["roles": roles.sorted().joined(separator: " "), "by": principal?.id.rawValue ?? "-"])
        return User(account)
    }

    /// Disables or enables an account (admins only). Disabling also revokes its sessions.
    ///
    /// - Parameters:
    ///   - disabled: the new state.
    ///   - id: the account.
    ///   - principal: an admin.
    public func setDisabled(_ disabled: Bool, _ id: UserID, as principal: Principal?) async throws(PipeError) {
        try requireAdmin(principal)
        let changed = try await store.setDisabled(disabled, for: id)
        verifiedAPIKeys.removeAll()
        guard changed else { throw PipeError(.notFound, "no such account") }
        await audit(disabled ? .accountDisabled : .accountEnabled, user: id, ["by": principal?.id.rawValue ?? "-"])
        if disabled {
            let now = clock()
            for session in try await store.revokeSessions(of: id, reason: "account_disabled", at: now) {
                tokens.revoke(session: session, at: now)
            }
        }
    }

    /// The audit log, newest first: one account's events (the account itself or an admin), or everything
    /// (admins).
    ///
    /// - Parameters:
    ///   - user: whose events; `nil` for all.
    ///   - limit: at most this many (1–1,000).
    ///   - principal: the caller.
    public func auditEvents(for user: UserID?, limit: Int = 100, as principal: Principal?) async throws(PipeError)
        -> [AuditEvent]
    {
        if let user { try authorize(principal, .read, account: user) } else { try requireAdmin(principal) }
        return try await store.auditEvents(user: user, limit: min(max(limit, 1), 1000))
    }

    /// Requires the `admin` role (and, for a scoped token, the `auth:admin` scope).
    func requireAdmin(_ principal: Principal?) throws(PipeError) {
        guard let principal, AccessPolicy(owner: nil).allows(principal, .admin, on: .account(principal.id)) else {
            throw PipeError(.forbidden, "only an admin may do this")
        }
    }

    /// Roles are 1–64 characters of `[a-z0-9_:.-]`; any other than `member` needs an admin to give it.
    func checkRoles(_ roles: Set<String>, givenBy principal: Principal?) throws(PipeError) {
        guard roles.count <= 32 else { throw PipeError(.invalidArgument, "at most 32 roles") }
        for role in roles {
            guard (1...64).contains(role.utf8.count),
                role.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || "_:.-".utf8.contains($0) })
            else { throw PipeError(.invalidArgument, "a role must be 1–64 characters of [a-z0-9_:.-]") }
        }
        if roles.subtracting([Self.memberRole]).isEmpty { return }
        try requireAdmin(principal)
    }

    static func checkedName(_ name: String) throws(PipeError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count), !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw PipeError(.invalidArgument, "a name must be 1–200 characters without control characters") }
        return trimmed
    }
}
