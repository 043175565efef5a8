import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One entry of the audit log: an authentication event, who it concerned, and context without secrets.
public struct AuditEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// An account was created.
        case accountCreated = "account_created"
        /// An account was disabled (its sessions end).
        case accountDisabled = "account_disabled"
        /// A disabled account was enabled again.
        case accountEnabled = "account_enabled"
        /// A login succeeded (password, provider, or second factor completed).
        case login
        /// A login failed (wrong password, wrong code, locked out, provider refused).
        case loginFailed = "login_failed"
        /// A refresh token was exchanged.
        case refresh
        /// An already-used refresh token was presented: its session was revoked.
        case refreshReuse = "refresh_reuse"
        /// A session was revoked (sign-out, by the user or an admin, or a timeout).
        case sessionRevoked = "session_revoked"
        /// A signing key was created, retired or deleted.
        case keyRotated = "key_rotated"
        /// An API key was created.
        case apiKeyCreated = "api_key_created"
        /// An API key was revoked.
        case apiKeyRevoked = "api_key_revoked"
        /// A second factor was enrolled or removed.
        case secondFactorChanged = "second_factor_changed"
        /// A provider identity was linked to an account.
        case identityLinked = "identity_linked"
        /// An account's roles changed.
        case rolesChanged = "roles_changed"
    }

    /// Position in the log (increasing).
    public var sequence: Int64
    /// When it happened.
    public var at: Date
    /// What happened.
    public var kind: Kind
    /// The account concerned, when known.
    public var userID: UserID?
    /// The session concerned, when any.
    public var sessionID: SessionID?
    /// Context: method, provider, reason, key id, client. Never a secret.
    public var details: [String: String]

    /// Makes an event.
    ///
    /// - Parameters:
    ///   - sequence: position in the log (the store assigns it; pass 0).
    ///   - at: when.
    ///   - kind: what.
    ///   - userID: who.
    ///   - sessionID: which session.
    ///   - details: context.
    public init(
        sequence: Int64 = 0, at: Date, kind: Kind, userID: UserID? = nil, sessionID: SessionID? = nil,
        details: [String: String] = [:]
    ) {
        self.sequence = sequence
        self.at = at
        self.kind = kind
        self.userID = userID
        self.sessionID = sessionID
        self.details = details
    }
}
