/// Who a ``Grant`` is for: one account, or every account holding a role.
///
/// Encoded as `{"user": "<id>"}` or `{"role": "<name>"}`.
public enum Grantee: Sendable, Hashable {
    /// One user or service account.
    case user(UserID)
    /// Every principal with this role.
    case role(String)

    /// Whether `principal` is (or holds) this grantee.
    public func matches(_ principal: Principal) -> Bool {
        switch self {
        case .user(let id): principal.id == id
        case .role(let role): principal.hasRole(role)
        }
    }
}

extension Grantee: Codable {
    private enum CodingKeys: String, CodingKey {
        case user, role
    }

    /// Decodes `{"user": …}` or `{"role": …}`; exactly one of the two.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let user = try container.decodeIfPresent(UserID.self, forKey: .user)
        let role = try container.decodeIfPresent(String.self, forKey: .role)
        switch (user, role) {
        case (let user?, nil): self = .user(user)
        case (nil, let role?) where !role.isEmpty && role.utf8.count <= 64: self = .role(role)
        default:
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription: "a grantee is {\"user\": id} or {\"role\": name} (1–64 bytes), exactly one"
                )
            )
        }
    }

    /// Encodes `{"user": …}` or `{"role": …}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .user(let id): try container.encode(id, forKey: .user)
        case .role(let role): try container.encode(role, forKey: .role)
        }
    }
}

/// A permission given to a grantee: "role `editor` may write objects under `drafts/` in `docs`".
///
/// Encoded as `{"grantee": {"role": "editor"}, "action": "write", "resource": {…}}`.
public struct Grant: Sendable, Hashable, Codable {
    /// Who receives the permission.
    public var grantee: Grantee
    /// What is allowed (an ``Action``, which `admin` widens to all).
    public var action: Action
    /// Where it is allowed.
    public var resource: Resource

    /// Makes a grant.
    public init(_ grantee: Grantee, _ action: Action, on resource: Resource) {
        self.grantee = grantee
        self.action = action
        self.resource = resource
    }

    /// Whether this grant lets `principal` do `action` on `resource`.
    public func allows(_ principal: Principal, _ action: Action, on resource: Resource) -> Bool {
        grantee.matches(principal) && Permission(self.action, on: self.resource).allows(action, on: resource)
    }
}
