/// Who is making a request: a user or a service account, with what it may do.
///
/// Roles come from the principal's account (`admin`, `editor`, …); scopes come from the token it presented and can
/// only narrow what the roles allow. Both are plain strings whose meaning the auth service defines.
///
/// Encoded with camelCase keys; sets are encoded as arrays in no particular order.
public struct Principal: Sendable, Hashable, Codable {
    /// The kind of account behind a principal.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A person who signs in.
        case user
        /// A program acting for itself, authenticating with an API key or client credentials.
        case serviceAccount
    }

    /// The account's id (users and service accounts share one id space).
    public var id: UserID
    /// Whether this is a user or a service account.
    public var kind: Kind
    /// The account's roles.
    public var roles: Set<String>
    /// The scopes granted to the presented token.
    public var scopes: Set<String>

    /// Makes a principal.
    public init(id: UserID, kind: Kind = .user, roles: Set<String> = [], scopes: Set<String> = []) {
        self.id = id
        self.kind = kind
        self.roles = roles
        self.scopes = scopes
    }

    /// Whether the principal has `role`.
    public func hasRole(_ role: String) -> Bool { roles.contains(role) }

    /// Whether the presented token carries `scope`.
    public func hasScope(_ scope: String) -> Bool { scopes.contains(scope) }

    /// Whether the token's scopes leave `action` in `domain` (`storage`, `pipelines`, `auth`) open: no scopes narrow
    /// nothing; otherwise it needs `<domain>:<action>` or `<domain>:admin`. Access itself is still decided by
    /// ``AccessPolicy``, which applies this same rule.
    public func scopesAllow(_ action: Action, in domain: String) -> Bool {
        scopes.isEmpty || hasScope("\(domain):\(action.rawValue)") || hasScope("\(domain):admin")
    }
}
