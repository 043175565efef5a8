import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a successful login or refresh returns.
public struct TokenPair: Sendable, Hashable {
    /// The access token (a JWT) to send as `Authorization: Bearer …`.
    public let accessToken: String
    /// When the access token expires.
    public let accessTokenExpiresAt: Date
    /// The opaque refresh token: exchange it for a new pair before the access token expires; it works once.
    public let refreshToken: String
    /// The session both belong to.
    public let sessionID: SessionID
    /// The account signed in.
    public let userID: UserID
    /// How the user authenticated (`amr`).
    public let methods: [String]
}

/// A session as its owner sees it in a session list.
public struct SessionInfo: Sendable, Hashable {
    /// The session's id.
    public let id: SessionID
    /// The account.
    public let userID: UserID
    /// How the user authenticated.
    public let methods: [String]
    /// When the session started.
    public let createdAt: Date
    /// The last refresh.
    public let lastUsedAt: Date
    /// When it ends at the latest.
    public let expiresAt: Date
    /// When it was revoked, if it was.
    public let revokedAt: Date?
    /// Why it was revoked: `sign_out`, `revoked`, `reuse_detected`, `idle_timeout`, `absolute_timeout`, `all`.
    public let revokedReason: String?
    /// The client (user agent) that created it.
    public let client: String?

    init(_ record: SessionRecord) {
        id = record.id
        userID = record.userID
        methods = record.methods
        createdAt = record.createdAt
        lastUsedAt = record.lastUsedAt
        expiresAt = record.absoluteExpiry
        revokedAt = record.revokedAt
        revokedReason = record.revokedReason
        client = record.client
    }
}
