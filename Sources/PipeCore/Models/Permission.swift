/// One grant: an ``Action`` allowed on a ``Resource`` (and on everything the resource covers).
///
/// Encoded as `{"action": "read", "resource": {"type": "bucket", "bucket": "photos"}}`.
public struct Permission: Sendable, Hashable, Codable {
    /// The action granted (``Action/admin`` grants every action).
    public var action: Action
    /// Where it is granted.
    public var resource: Resource

    /// Makes a grant.
    public init(_ action: Action, on resource: Resource) {
        self.action = action
        self.resource = resource
    }

    /// Whether this grant allows `action` on `resource`.
    public func allows(_ action: Action, on resource: Resource) -> Bool {
        self.action.includes(action) && self.resource.covers(resource)
    }
}
