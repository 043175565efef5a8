import CoreMetrics
import PipeCore
import Synchronization

/// A size-bounded cache of small whole objects, for hot reads that would otherwise open a file; the ones not read
/// lately go first when it is full.
///
/// A cached copy is served only when its ETag and modification time match the object record the reader has just
/// read, so the cache can never serve bytes of a version that is no longer current, even when another process wrote
/// it. Within the process, writers also invalidate after their metadata commit, and a generation counter stops a
/// reader that raced a writer from inserting what it read: entries for replaced versions do not linger in memory.
///
/// An entry can also carry a ``Confirmation``: the bucket record it was read with and the store's change counter
/// (`SharedChangeCounter`) just before that read. While the counter still has that value no write has begun since,
/// so the entry is current without reading the record again (``confirmed(_:_:counter:now:)``): for as long as that
/// lasts when no write was in flight at the read, for ``confirmationLifetime`` when one was.
final class ObjectCache: Sendable {
    struct Key: Hashable {
        let bucket: BucketName
        let key: ObjectKey
    }

    /// Proof that an entry was current: the bucket record read with it, and the change counter before the read;
    /// with the `Cache-Control` the object is served with, worked out once rather than per request.
    ///
    /// A class: a hit hands it out with one reference count, not a copy of the bucket record inside.
    final class Confirmation: Sendable {
        let bucket: BucketRecord
        /// The writes begun before the read (`SharedChangeCounter.Snapshot.started`).
        let counter: UInt64
        /// No write was in flight as the read began: the confirmation stands for as long as the counter does.
        let balanced: Bool
        let at: ContinuousClock.Instant
        let cacheControl: String

        init(bucket: BucketRecord, counter: UInt64, balanced: Bool, at: ContinuousClock.Instant, cacheControl: String) {
            self.bucket = bucket
            self.counter = counter
            self.balanced = balanced
            self.at = at
            self.cacheControl = cacheControl
        }
    }

    /// The longest an unbalanced confirmation (one read while a write was in flight) is trusted even when the counter
    /// has not moved: the bound on how long a change whose writer died mid-write can go unseen.
    static let confirmationLifetime: Duration = .seconds(1)

    /// An entry's object and confirmation, behind one reference: a hit copies that out of the lock, not the dozen
    /// strings and arrays inside (each copy an atomic count on memory both cores touch).
    final class Payload: Sendable {
        let object: StoredObject
        let confirmation: Confirmation?

        init(object: StoredObject, confirmation: Confirmation?) {
            self.object = object
            self.confirmation = confirmation
        }
    }

    /// A cache slot. Entries are kept in insertion order; a hit only sets `referenced`, and eviction gives a
    /// referenced entry a second chance (moved to the newest end, bit cleared) before it is dropped ("CLOCK", an
    /// approximation of least-recently-used whose hits change no links: reordering on every hit meant five hash
    /// lookups under the lock, which concurrent readers then queued on).
    private struct Entry {
        var payload: Payload
        var referenced = false
        var previous: Key?
        var next: Key?
        var cost: Int { payload.object.bytes.count + 256 }
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

    /// The current generation, to pass to ``insert(_:generation:confirmation:)`` after a read.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// The cached object, marked as recently used; counts a hit or a miss.
    func lookup(_ bucket: BucketName, _ key: ObjectKey) -> StoredObject? {
        guard capacity > 0 else { return nil }
        let found: Payload? = state.withLock { state in
            guard let index = state.entries.index(forKey: Key(bucket: bucket, key: key)) else { return nil }
            return Self.touch(&state.entries.values[index])
        }
        if found != nil { metrics.cacheHits.increment() } else { metrics.cacheMisses.increment() }
        return found?.object
    }

    /// The cached object and its bucket's record when its confirmation still stands: the change counter is still
    /// `counter`, and the confirmation is balanced or younger than ``confirmationLifetime``. Counts a hit; a miss is
    /// not counted (the caller goes on to an ordinary read, which counts it).
    func confirmed(_ bucket: BucketName, _ key: ObjectKey, counter: UInt64, now: ContinuousClock.Instant)
        -> (payload: Payload, confirmation: Confirmation)?
    {
        guard capacity > 0 else { return nil }
        let found: Payload? = state.withLock { state in
            guard let index = state.entries.index(forKey: Key(bucket: bucket, key: key)) else { return nil }
            return Self.hit(&state.entries.values[index], counter: counter, now: now)
        }
        guard let found, let confirmation = found.confirmation else { return nil }
        metrics.cacheHits.increment()
        return (found, confirmation)
    }

    /// `entry`'s payload, marked as read, when its confirmation stands. In place (`inout`): reading the entry out
    /// of the dictionary would copy every field of it.
    private static func hit(_ entry: inout Entry, counter: UInt64, now: ContinuousClock.Instant) -> Payload? {
        guard let confirmation = entry.payload.confirmation, confirmation.counter == counter,
            confirmation.balanced || now - confirmation.at < confirmationLifetime
        else { return nil }
        entry.referenced = true
        return entry.payload
    }

    private static func touch(_ entry: inout Entry) -> Payload {
        entry.referenced = true
        return entry.payload
    }

    /// Records that the cached copy of `object`'s version is current as of `confirmation` (after a read of its
    /// record found that version).
    func confirm(_ object: ObjectInfo, _ confirmation: Confirmation) {
        guard capacity > 0 else { return }
        state.withLock { state in
            guard let index = state.entries.index(forKey: Key(bucket: object.bucket, key: object.key)) else { return }
            let cached = state.entries.values[index].payload.object
            guard cached.info.etag == object.etag, cached.info.updatedAt == object.updatedAt else { return }
            state.entries.values[index].payload = Payload(object: cached, confirmation: confirmation)
        }
    }

    /// Caches `object` unless it is too big or something was invalidated since `generation`.
    func insert(_ object: StoredObject, generation: UInt64, confirmation: Confirmation? = nil) {
        guard object.bytes.count <= objectLimit, capacity > 0 else { return }
        let payload = Payload(object: object, confirmation: confirmation)
        let bytes: Int = state.withLock { state in
            guard state.generation == generation else { return state.bytes }
            let id = Key(bucket: object.info.bucket, key: object.info.key)
            if state.entries[id] != nil { Self.remove(id, in: &state) }
            let entry = Entry(payload: payload)
            // Room first, so the newcomer is never what goes. Each referenced entry is passed over once (its bit
            // cleared), so this ends.
            while state.bytes + entry.cost > capacity, let oldest = state.oldest {
                guard var spared = state.entries[oldest], spared.referenced else {
                    Self.remove(oldest, in: &state)
                    continue
                }
                Self.unlink(oldest, in: &state)
                spared.referenced = false
                Self.pushNewest(oldest, spared, in: &state)
            }
            Self.pushNewest(id, entry, in: &state)
            state.bytes += entry.cost
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
