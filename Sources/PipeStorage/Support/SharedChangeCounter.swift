import Atomics
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A number that every process sharing a storage directory bumps after each metadata commit, in a small file
/// mapped into memory: reading it is one atomic load, so a reader can tell "nothing was committed since I looked"
/// without asking the database.
///
/// The file holds one 64-bit counter, changed only with atomic read-modify-write operations on the shared mapping,
/// which the processor keeps coherent between processes. Its value means nothing across restarts; only whether it
/// changed does. A process that dies between its commit and its bump leaves readers that looked before the commit
/// unaware of it until the next bump, which is why readers also give what they cache a short lifetime (see
/// `ObjectCache`).
package final class SharedChangeCounter: Sendable {
    private static let size = 4096

    /// The mapped counter. `UnsafeAtomic` is a pointer wrapper: it is `Sendable` because every access to the memory
    /// it points at is atomic, and the mapping lives until `deinit`, after the last use.
    private let counter: UnsafeAtomic<UInt64>
    /// The mapping's address, unmapped in `deinit`.
    private let mapping: UInt

    /// Maps the counter file at `path`, creating it (zero) when missing.
    package init(path: String) throws(PipeError) {
        let descriptor = try POSIX.open(path, O_RDWR | O_CREAT, 0o600)
        defer { POSIX.close(descriptor) }
        guard ftruncate(descriptor, off_t(Self.size)) == 0 else { throw POSIX.failure("ftruncate", path) }
        guard let mapped = mmap(nil, Self.size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
            mapped != MAP_FAILED
        else { throw POSIX.failure("mmap", path) }
        mapping = UInt(bitPattern: mapped)
        counter = UnsafeAtomic(at: mapped.bindMemory(to: UInt64.AtomicRepresentation.self, capacity: 1))
    }

    deinit {
        munmap(UnsafeMutableRawPointer(bitPattern: mapping), Self.size)
    }

    /// The current value.
    package var value: UInt64 { counter.load(ordering: .acquiring) }

    /// Marks a change; called after the change is committed.
    package func bump() {
        counter.wrappingIncrement(ordering: .releasing)
    }
}
