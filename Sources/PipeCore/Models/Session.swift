#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A login session: the server-side record that refresh tokens belong to.
///
/// Encoded with camelCase keys: `id`, `userID`, `createdAt`, `expiresAt`.
public struct Session: Sendable, Hashable, Codable {
    /// The session's id.
    public var id: SessionID
    /// The principal who signed in.
    public var userID: UserID
    /// When the session began.
    public var createdAt: Date
    /// When the session ends, whatever refreshes happen before then.
    public var expiresAt: Date

    /// Makes a session record.
    public init(id: SessionID = .random(), userID: UserID, createdAt: Date, expiresAt: Date) {
        self.id = id
        self.userID = userID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// Whether the session has ended at `date`; it is expired from ``expiresAt`` on, inclusive.
    ///
    /// The time is a parameter rather than read from the clock so that callers use one `now` for a whole request and
    /// tests need no clock.
    public func isExpired(at date: Date) -> Bool {
        date >= expiresAt
    }
}
