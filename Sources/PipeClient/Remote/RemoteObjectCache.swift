import Foundation
import PipeCore
import Synchronization

/// A local copy of the small objects a remote client reads, validated with the deployment on every read: a cached
/// object is asked for with `If-None-Match`, and the server answers `304 Not Modified` (no body) while it is
/// current, or the new version. A read never returns bytes the server did not confirm at that moment, so the cache
/// saves transfer, not round trips, and needs no expiry.
///
/// ```swift
/// var options = PipeClient.RemoteOptions()
/// options.cache = RemoteObjectCache(maxBytes: 32 << 20)
/// let pipe = try await PipeClient.remote(url, credentials: .apiKey(key), options: options)
/// ```
///
/// Objects marked `Cache-Control: no-store` and objects over `maxObjectBytes` are not kept; the least recently
/// read objects go first once the copies pass `maxBytes`. Writes and deletes through the same client drop their
/// object's copy. One cache may serve several clients of the same deployment: every read is still checked by the
/// server with the reader's own credential.
public final class RemoteObjectCache: Sendable {
    /// What the cache holds and how it has served.
    public struct Statistics: Sendable, Hashable {
        /// Reads answered from the local copy (`304 Not Modified`).
        public var hits: Int
        /// Reads that transferred the object.
        public var misses: Int
        /// Objects held.
        public var objects: Int
        /// Bytes held.
        public var bytes: Int

        /// Counters (for comparing with ``RemoteObjectCache/statistics``).
        public init(hits: Int, misses: Int, objects: Int, bytes: Int) {
            self.hits = hits
            self.misses = misses
            self.objects = objects
            self.bytes = bytes
        }
    }

    struct Entry {
        let object: StoredObject
        var lastUsed: UInt64
    }

    private struct Key: Hashable {
        let bucket: BucketName
        let key: ObjectKey
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var tick: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    /// The most bytes of object data held.
    public let maxBytes: Int
    /// The largest object kept.
    public let maxObjectBytes: Int
    private let state = Mutex(State())

    /// A cache of at most `maxBytes` (default 64 MiB) of objects of at most `maxObjectBytes` each (default 1 MiB).
    public init(maxBytes: Int = 64 << 20, maxObjectBytes: Int = 1 << 20) {
        self.maxBytes = max(0, maxBytes)
        self.maxObjectBytes = max(0, min(maxObjectBytes, maxBytes))
    }

    /// The counters so far.
    public var statistics: Statistics {
        state.withLock { Statistics(hits: $0.hits, misses: $0.misses, objects: $0.entries.count, bytes: $0.bytes) }
    }

    /// Drops every copy.
    public func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.bytes = 0
        }
    }

    /// The copy of an object, if held.
    func object(_ bucket: BucketName, _ key: ObjectKey) -> StoredObject? {
        state.withLock { state in
            let slot = Key(bucket: bucket, key: key)
            guard var entry = state.entries[slot] else { return nil }
            state.tick += 1
            entry.lastUsed = state.tick
            state.entries[slot] = entry
            return entry.object
        }
    }

    /// Counts a read the server confirmed the copy for.
    func recordHit() {
        state.withLock { $0.hits += 1 }
    }

    /// Keeps `object` (as read just now, served with `cacheControl`), unless it may not or should not be kept.
    func store(_ object: StoredObject, cacheControl: String?) {
        let slot = Key(bucket: object.info.bucket, key: object.info.key)
        let keep = object.bytes.count <= maxObjectBytes && !(cacheControl.map(Self.forbidsStoring) ?? false)
        state.withLock { state in
            state.misses += 1
            if let old = state.entries.removeValue(forKey: slot) { state.bytes -= old.object.bytes.count }
            guard keep else { return }
            state.tick += 1
            state.entries[slot] = Entry(object: object, lastUsed: state.tick)
            state.bytes += object.bytes.count
            if state.bytes > maxBytes { Self.evict(&state, below: maxBytes - maxBytes / 10) }
        }
    }

    /// Drops the copy of an object.
    func remove(_ bucket: BucketName, _ key: ObjectKey) {
        state.withLock { state in
            if let old = state.entries.removeValue(forKey: Key(bucket: bucket, key: key)) {
                state.bytes -= old.object.bytes.count
            }
        }
    }

    /// Drops the least recently read copies until at most `target` bytes are held. Works in batches (down to 90% of
    /// the budget), so its sort is paid once per tenth of the budget written, not per object.
    private static func evict(_ state: inout State, below target: Int) {
        for (slot, entry) in state.entries.sorted(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            guard state.bytes > target else { break }
            state.entries[slot] = nil
            state.bytes -= entry.object.bytes.count
        }
    }

    /// Whether a `Cache-Control` value says the response must not be stored (`no-store`).
    static func forbidsStoring(_ cacheControl: String) -> Bool {
        cacheControl.split(separator: ",").contains {
            $0.trimmingCharacters(in: .whitespaces).lowercased() == "no-store"
        }
    }
}
