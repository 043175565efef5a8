import Crypto
import PipeCore
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// API keys that passed a full check (secret, revocation, expiry, account enabled), by the SHA-256 of the key, for
/// one second.
///
/// A request authenticated by API key otherwise costs two store reads (the key and its account), most of what an
/// authenticated request takes. This process drops every entry at once when a key is revoked or an account's roles
/// or standing change, so here revocation is immediate; another replica sharing the store learns of it within
/// ``lifetime``. Keying by a hash keeps no key in memory. Bounded: when full, it starts over.
final class VerifiedAPIKeyCache: Sendable {
    struct Entry {
        let principal: Principal
        let cachedAt: Date
        /// The key's own expiry, if any: an entry never outlives it.
        let keyExpiresAt: Date?
    }

    /// How long a verified key is trusted without asking the store again.
    static let lifetime: TimeInterval = 1
    let capacity: Int
    private let entries = Mutex<[SHA256Digest: Entry]>([:])

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    static func digest(_ key: String) -> SHA256Digest { SHA256.hash(data: Array(key.utf8)) }

    /// The principal a key verified as within the last ``lifetime``, if it is still within its own expiry.
    func principal(for digest: SHA256Digest, now: Date) -> Principal? {
        guard let entry = entries.withLock({ $0[digest] }) else { return nil }
        guard now.timeIntervalSince(entry.cachedAt) < Self.lifetime, entry.keyExpiresAt.map({ now < $0 }) ?? true
        else { return nil }
        return entry.principal
    }

    func insert(_ entry: Entry, for digest: SHA256Digest) {
        guard capacity > 0 else { return }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[digest] = entry
        }
    }

    /// Forgets every key: after a revocation or a change to an account, nothing verified before stands.
    func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
