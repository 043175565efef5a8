import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An account as callers see it: never a credential, never a hash.
public struct User: Sendable, Hashable {
    /// The account id.
    public let id: UserID
    /// User or service account.
    public let kind: Principal.Kind
    /// The email (users), lowercased.
    public let email: String?
    /// Whether the email was verified (by a provider that vouched for it).
    public let emailVerified: Bool
    /// The name to show.
    public let displayName: String
    /// Roles: `admin`, `member`, or custom ones.
    public let roles: Set<String>
    /// Whether the account can sign in with a password.
    public let hasPassword: Bool
    /// Whether a second factor (TOTP) is required at password sign-in.
    public let secondFactorEnabled: Bool
    /// Whether the account is disabled (no sign-in, no refresh, no API keys).
    public let disabled: Bool
    /// When it was created.
    public let createdAt: Date

    init(_ record: AccountRecord) {
        id = record.id
        kind = record.kind
        email = record.email
        emailVerified = record.emailVerified
        displayName = record.displayName
        roles = record.roles
        hasPassword = record.passwordHash != nil
        secondFactorEnabled = record.totpConfirmed
        disabled = record.disabled
        createdAt = record.createdAt
    }

    /// The principal this account acts as (without token scopes).
    public var principal: Principal { Principal(id: id, kind: kind, roles: roles) }
}
