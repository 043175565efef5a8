import Crypto
import PipeCore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Tokens that passed full verification, by the SHA-256 of their text, until their `exp`.
///
/// Keying by a hash keeps no bearer token in memory, and a collision would need a SHA-256 collision. The cache
/// is bounded: when full, expired entries go first, and if none have expired it starts over (the next
/// verifications of each token refill it). It is not itself thread-safe: ``AccessTokens`` guards it with its
/// lock.
struct VerifiedTokenCache {
    struct Entry {
        let token: AccessToken
        let keyID: String
        /// `exp` plus leeway: the last instant the token verifies.
        let acceptedUntil: Date
    }

    let capacity: Int
    private var entries: [SHA256Digest: Entry] = [:]

    init(capacity: Int) {
        self.capacity = capacity
    }

    var count: Int { entries.count }

    func lookUp(_ digest: SHA256Digest) -> Entry? { entries[digest] }

    mutating func insert(_ entry: Entry, for digest: SHA256Digest, now: Date) {
        guard capacity > 0 else { return }
        if entries.count >= capacity {
            entries = entries.filter { $0.value.acceptedUntil > now }
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        }
        entries[digest] = entry
    }

    mutating func remove(_ digest: SHA256Digest) { entries[digest] = nil }

    mutating func removeAll(where shouldRemove: (Entry) -> Bool) {
        entries = entries.filter { !shouldRemove($0.value) }
    }

    mutating func removeAll() { entries.removeAll() }
}
