import Atomics
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Two numbers that every process sharing a storage directory bumps around each metadata commit, in a small file
/// mapped into memory: reading them is two atomic loads, so a reader can tell "nothing was committed since I looked"
/// without asking the database.
///
/// A writer bumps `started` before its transaction and `finished` after it (committed or rolled back). A reader takes
/// a ``Snapshot`` before reading the database; while `started` keeps the snapshot's value, no write has begun since,
/// so what the reader read is still current. When the snapshot was *balanced* (`started == finished`: no write in
/// flight as the read began) that holds for as long as `started` does not move. An unbalanced one may have raced a
/// write that commits after the read; and a process that dies mid-write leaves the numbers unbalanced for good. So
/// what a reader confirms under an unbalanced snapshot gets only a short lifetime (see `ObjectCache`): never a stale
/// read for longer than that, and a dead writer costs speed, not correctness.
///
/// The file holds the two 64-bit counters, changed only with atomic read-modify-write operations on the shared
/// mapping, which the processor keeps coherent between processes. Their values mean nothing across restarts; only
/// whether they changed does. (A process of an older version bumps only `started`, after its commit: its changes are
/// seen, and its snapshots are unbalanced.)
package final class SharedChangeCounter: Sendable {
    private static let size = 4096

    /// What a reader saw before its read.
    package struct Snapshot: Sendable, Hashable {
        /// The writes begun so far; the snapshot stands while this has not moved.
        package var started: UInt64
        /// No write was in flight: a read made after this snapshot stays current while `started` holds.
        package var balanced: Bool
    }

    /// The mapped counters. `UnsafeAtomic` is a pointer wrapper: it is `Sendable` because every access to the memory
    /// it points at is atomic, and the mapping lives until `deinit`, after the last use.
    private let started: UnsafeAtomic<UInt64>
    private let finished: UnsafeAtomic<UInt64>
    /// The mapping's address, unmapped in `deinit`.
    private let mapping: UInt

    /// Maps the counter file at `path`, creating it (zeros) when missing.
    package init(path: String) throws(PipeError) {
        let descriptor = try POSIX.open(path, O_RDWR | O_CREAT, 0o600)
        defer { POSIX.close(descriptor) }
        guard ftruncate(descriptor, off_t(Self.size)) == 0 else { throw POSIX.failure("ftruncate", path) }
        guard let mapped = mmap(nil, Self.size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
            mapped != MAP_FAILED
        else { throw POSIX.failure("mmap", path) }
        mapping = UInt(bitPattern: mapped)
        let words = mapped.bindMemory(to: UInt64.AtomicRepresentation.self, capacity: 2)
        started = UnsafeAtomic(at: words)
        finished = UnsafeAtomic(at: words + 1)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(bitPattern: mapping), Self.size)
    }

    /// The writes begun so far: a snapshot taken earlier stands while this equals its `started`.
    package var value: UInt64 { started.load(ordering: .sequentiallyConsistent) }

    /// The counters now, for a reader about to read. `started` is loaded first: a write that begins after it moves
    /// `started` (so the snapshot lapses); one that began before it is either still in flight (unbalanced) or
    /// committed before `finished` is loaded, and so before the read.
    package func snapshot() -> Snapshot {
        let begun = started.load(ordering: .sequentiallyConsistent)
        let ended = finished.load(ordering: .sequentiallyConsistent)
        return Snapshot(started: begun, balanced: begun == ended)
    }

    /// Marks a write as begun; called before its transaction.
    package func begin() {
        started.wrappingIncrement(ordering: .sequentiallyConsistent)
    }

    /// Marks a write as ended; called after its transaction commits or rolls back.
    package func end() {
        finished.wrappingIncrement(ordering: .sequentiallyConsistent)
    }
}
