/// A set of grants, such as those a role or a resource's owner confers.
///
/// A policy only allows: anything no permission covers is denied. Combining policies (roles, token scopes, public
/// buckets, ownership) is the auth service's job; this type answers one question for one set of grants.
///
/// ```swift
/// let photos = try BucketName("photos")
/// let uploader = Policy([Permission(.write, on: .objects(photos, prefix: "inbox/"))])
/// uploader.allows(.write, on: .object(photos, try ObjectKey("inbox/a.jpg")))   // true
/// uploader.allows(.read, on: .object(photos, try ObjectKey("inbox/a.jpg")))    // false
/// ```
public struct Policy: Sendable, Hashable, Codable {
    /// The grants, in no significant order.
    public var permissions: [Permission]

    /// Makes a policy from its grants.
    public init(_ permissions: [Permission] = []) {
        self.permissions = permissions
    }

    /// Whether any grant allows `action` on `resource`.
    public func allows(_ action: Action, on resource: Resource) -> Bool {
        permissions.contains { $0.allows(action, on: resource) }
    }
}
