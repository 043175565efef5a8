/// The access rules of one resource (such as a bucket): its owner, its grants, and whether anyone may read it.
///
/// Evaluation is deny-by-default and happens in one place, ``allows(_:_:on:)``, for storage, pipelines and accounts
/// alike.
/// A principal may act when any of these holds:
/// - it has the role ``adminRole`` (deployment administrators);
/// - it is the ``owner``;
/// - a ``Grant`` for its id or one of its roles allows the action on the resource;
/// - the action is a read and ``publicRead`` is set (this is the one rule that needs no principal).
///
/// A principal's token scopes can only narrow this: when ``Principal/scopes`` is not empty it must also hold
/// `<domain>:<action>` or `<domain>:admin` (domains: `storage` for buckets and objects, `pipelines` for pipelines
/// and jobs, `auth` for accounts).
///
/// ```swift
/// let policy = AccessPolicy(owner: alice.id, grants: [Grant(.role("editor"), .write, on: .bucket(docs))])
/// policy.allows(bob, .write, on: .object(docs, try ObjectKey("a.md")))   // true when bob is an editor
/// policy.allows(nil, .read, on: .bucket(docs))                           // false: not public
/// ```
public struct AccessPolicy: Sendable, Hashable, Codable {
    /// The role that may do everything everywhere.
    public static let adminRole = "admin"

    /// The account that owns the resource and may do everything to it; `nil` for resources only admins own.
    public var owner: UserID?
    /// Permissions given to other accounts and roles.
    public var grants: [Grant]
    /// Whether anyone, signed in or not, may read.
    public var publicRead: Bool

    /// Makes a policy.
    public init(owner: UserID?, grants: [Grant] = [], publicRead: Bool = false) {
        self.owner = owner
        self.grants = grants
        self.publicRead = publicRead
    }

    /// Whether `principal` (`nil` when the caller is anonymous) may do `action` on `resource`.
    public func allows(_ principal: Principal?, _ action: Action, on resource: Resource) -> Bool {
        if action == .read && publicRead { return true }
        guard let principal, Self.scopes(of: principal, allow: action, on: resource) else { return false }
        if principal.hasRole(Self.adminRole) || principal.id == owner { return true }
        return grants.contains { $0.allows(principal, action, on: resource) }
    }

    /// Whether `principal` may know that a resource under this policy exists: it may do something somewhere in it.
    ///
    /// Services answer "not found" rather than "forbidden" to principals who may not discover a resource, so that
    /// probing names reveals nothing.
    public func isDiscoverable(by principal: Principal?) -> Bool {
        if publicRead { return true }
        guard let principal else { return false }
        if principal.hasRole(Self.adminRole) || principal.id == owner { return true }
        return grants.contains { $0.grantee.matches(principal) }
    }

    /// Whether the token scopes of `principal` leave `action` on `resource` open (no scopes: nothing narrowed).
    static func scopes(of principal: Principal, allow action: Action, on resource: Resource) -> Bool {
        let domain: String
        switch resource {
        case .bucket, .object, .objects: domain = "storage"
        case .pipeline, .job: domain = "pipelines"
        case .account: domain = "auth"
        }
        return principal.scopesAllow(action, in: domain)
    }
}
