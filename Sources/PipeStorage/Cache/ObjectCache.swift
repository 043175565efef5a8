import CoreMetrics
import PipeCore
import Synchronization

/// A size-bounded least-recently-used cache of small whole objects, for hot reads that would otherwise open a file.
///
/// A cached copy is served only when its ETag and modification time match the object record the reader has just
/// read, so the cache can never serve bytes of a version that is no longer current, even when another process wrote
/// it. Within the process, writers also invalidate after their metadata commit, and a generation counter stops a
/// reader that raced a writer from inserting what it read: entries for replaced versions do not linger in memory.
final class ObjectCache: Sendable {
    struct Key: Hashable {
        let bucket: BucketName
        let key: ObjectKey
    }

    private struct Entry {
        var object: StoredObject
        var previous: Key?
        var next: Key?
        var cost: Int { object.bytes.count + 256 }
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var newest: Key?
        var oldest: Key?
        var bytes = 0
        var generation: UInt64 = 0
    }

    let capacity: Int
    let objectLimit: Int
    private let state = Mutex(State())
    private let metrics: StorageMetrics

    init(capacity: Int, objectLimit: Int, metrics: StorageMetrics) {
        self.capacity = capacity
        self.objectLimit = min(objectLimit, capacity)
        self.metrics = metrics
    }

    /// The current generation, to pass to ``insert(_:generation:)`` after a read.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// The cached object, marked as most recently used; counts a hit or a miss.
    func lookup(_ bucket: BucketName, _ key: ObjectKey) -> StoredObject? {
        guard capacity > 0 else { return nil }
        let found: StoredObject? = state.withLock { state in
            let id = Key(bucket: bucket, key: key)
            guard let entry = state.entries[id] else { return nil }
            Self.unlink(id, in: &state)
            Self.pushNewest(id, entry, in: &state)
            return entry.object
        }
        if found != nil { metrics.cacheHits.increment() } else { metrics.cacheMisses.increment() }
        return found
    }

    /// Caches `object` unless it is too big or something was invalidated since `generation`.
    func insert(_ object: StoredObject, generation: UInt64) {
        guard object.bytes.count <= objectLimit, capacity > 0 else { return }
        let bytes: Int = state.withLock { state in
            guard state.generation == generation else { return state.bytes }
            let id = Key(bucket: object.info.bucket, key: object.info.key)
            if state.entries[id] != nil { Self.remove(id, in: &state) }
            let entry = Entry(object: object)
            Self.pushNewest(id, entry, in: &state)
            state.bytes += entry.cost
            while state.bytes > capacity, let oldest = state.oldest {
                Self.remove(oldest, in: &state)
            }
            return state.bytes
        }
        metrics.cacheBytes.record(bytes)
    }

    /// Drops `key` and bumps the generation; called after every write or delete of the object.
    func invalidate(_ bucket: BucketName, _ key: ObjectKey) {
        state.withLock { state in
            state.generation &+= 1
            let id = Key(bucket: bucket, key: key)
            if state.entries[id] != nil { Self.remove(id, in: &state) }
        }
    }

    /// Drops every object of `bucket` (after emptying or deleting it).
    func invalidate(bucket: BucketName) {
        state.withLock { state in
            state.generation &+= 1
            for id in state.entries.keys where id.bucket == bucket { Self.remove(id, in: &state) }
        }
    }

    private static func pushNewest(_ id: Key, _ entry: Entry, in state: inout State) {
        var entry = entry
        entry.previous = nil
        entry.next = state.newest
        if let newest = state.newest { state.entries[newest]?.previous = id }
        state.newest = id
        if state.oldest == nil { state.oldest = id }
        state.entries[id] = entry
    }

    private static func unlink(_ id: Key, in state: inout State) {
        guard let entry = state.entries[id] else { return }
        if let previous = entry.previous { state.entries[previous]?.next = entry.next } else { state.newest = entry.next }
        if let next = entry.next { state.entries[next]?.previous = entry.previous } else { state.oldest = entry.previous }
    }

    private static func remove(_ id: Key, in state: inout State) {
        guard let entry = state.entries[id] else { return }
        unlink(id, in: &state)
        state.entries[id] = nil
        state.bytes -= entry.cost
    }
}
