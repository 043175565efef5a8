import Crypto
import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An API key as listed: never the secret.
public struct APIKeyInfo: Sendable, Hashable {
    /// The key's public id (the middle part of `pipe_<id>_<secret>`).
    public let id: String
    /// The account it authenticates as.
    public let accountID: UserID
    /// A name to recognise it by.
    public let name: String
    /// The scopes requests made with it carry (empty: the account's full rights).
    public let scopes: Set<String>
    /// When it was made.
    public let createdAt: Date
    /// When it stops working, if ever.
    public let expiresAt: Date?
    /// When it was last used (to the minute).
    public let lastUsedAt: Date?
    /// When it was revoked.
    public let revokedAt: Date?

    init(_ record: APIKeyRecord) {
        id = record.id
        accountID = record.accountID
        name = record.name
        scopes = record.scopes
        createdAt = record.createdAt
        expiresAt = record.expiresAt
        lastUsedAt = record.lastUsedAt
        revokedAt = record.revokedAt
    }
}

/// A new API key: the only time its full text is available.
public struct CreatedAPIKey: Sendable, Hashable {
    /// The key's record.
    public let info: APIKeyInfo
    /// `pipe_<id>_<secret>`: show it once, then forget it.
    public let key: String
}

extension AuthService {
    /// `last_used_at` is written at most this often per key, so busy keys do not turn every request into a write.
    static let apiKeyTouchInterval: TimeInterval = 60

    /// Creates an API key for an account (typically a service account).
    ///
    /// - Parameters:
    ///   - account: the account the key authenticates as.
    ///   - name: a name (1–200 characters).
    ///   - scopes: scopes to narrow the key to (`storage:read`, `pipelines:run`, …); empty for the account's rights.
    ///   - expiresAt: when it stops working; `nil` for never.
    ///   - principal: the account's owner (itself) or an admin.
    public func createAPIKey(
        for account: UserID, name: String, scopes: Set<String> = [], expiresAt: Date? = nil, as principal: Principal?
    ) async throws(PipeError) -> CreatedAPIKey {
        try authorize(principal, .admin, account: account)
        guard try await store.account(id: account) != nil else { throw PipeError(.notFound, "no such account") }
        guard scopes.count <= 64, scopes.allSatisfy(Self.isValidScope) else {
            throw PipeError(.invalidArgument, "scopes are at most 64 of 1–64 characters of [a-z0-9_:.*-]")
        }
        let key = APIKey.generate()
        let record = APIKeyRecord(
            id: key.id, accountID: account, name: try Self.checkedName(name), scopes: scopes,
            secretHash: key.secretHash, createdAt: clock(), expiresAt: expiresAt, lastUsedAt: nil, revokedAt: nil)
        try await store.insertAPIKey(record)
        await audit(.apiKeyCreated, user: account, ["key": key.id, "by": principal?.id.rawValue ?? "-"])
        return CreatedAPIKey(info: APIKeyInfo(record), key: key.text)
    }

    /// Authenticates a request made with an API key.
    ///
    /// - Parameter apiKey: the key as presented.
    /// - Returns: the account's principal, with the key's scopes.
    /// - Throws: `unauthenticated` for a malformed, unknown, wrong, revoked or expired key, or a disabled account
    ///   (one error for all; the secret is compared in constant time and hashed even when the id is unknown).
    ///
    /// A key that checked out is trusted for a second without asking the store again. Revoking it, or changing its
    /// account's roles or standing, takes effect at once in this process and within that second on other replicas.
    public func authenticate(apiKey: String) async throws(PipeError) -> Principal {
        let digest = VerifiedAPIKeyCache.digest(apiKey)
        let now = clock()
        if let principal = verifiedAPIKeys.principal(for: digest, now: now) { return principal }
        return try await verify(apiKey: apiKey, digest: digest, now: now)
    }

    private func verify(apiKey: String, digest: SHA256Digest, now: Date) async throws(PipeError) -> Principal {
        let invalid = PipeError(.unauthenticated, "the API key is not valid")
        let presented = try APIKey.Presented(parsing: apiKey)
        let record = try await store.apiKey(id: presented.id)
        guard presented.matches(storedHash: record?.secretHash), let record else { throw invalid }
        guard record.revokedAt == nil, record.expiresAt.map({ now < $0 }) ?? true,
            let account = try await store.account(id: record.accountID), !account.disabled
        else { throw invalid }
        if record.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.apiKeyTouchInterval }) ?? true {
            try await store.touchAPIKey(id: record.id, at: now)
        }
        let principal = Principal(id: account.id, kind: account.kind, roles: account.roles, scopes: record.scopes)
        verifiedAPIKeys.insert(
            VerifiedAPIKeyCache.Entry(principal: principal, cachedAt: now, keyExpiresAt: record.expiresAt),
            for: digest)
        return principal
    }

    /// The API keys of an account.
    ///
    /// - Parameters:
    ///   - account: the account.
    ///   - principal: the account itself or an admin.
    public func apiKeys(of account: UserID, as principal: Principal?) async throws(PipeError) -> [APIKeyInfo] {
        try authorize(principal, .read, account: account)
        return try await store.apiKeys(of: account).map(APIKeyInfo.init)
    }

    /// Revokes an API key: it stops working at once.
    ///
    /// - Parameters:
    ///   - id: the key's id.
    ///   - principal: its account or an admin.
    public func revokeAPIKey(_ id: String, as principal: Principal?) async throws(PipeError) {
        guard let record = try await store.apiKey(id: id) else { throw PipeError(.notFound, "no such API key") }
        do { try authorize(principal, .admin, account: record.accountID) } catch {
            throw PipeError(.notFound, "no such API key")
        }
        let revoked = try await store.revokeAPIKey(id: id, at: clock())
        verifiedAPIKeys.removeAll()
        if revoked {
            await audit(.apiKeyRevoked, user: record.accountID, ["key": id, "by": principal?.id.rawValue ?? "-"])
        }
    }

    static func isValidScope(_ scope: String) -> Bool {
        (1...64).contains(scope.utf8.count)
            && scope.utf8.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || "_:.*-".utf8.contains($0)
            }
    }
}
