import Foundation
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file written under a temporary name beside its final path and renamed into place on ``commit()``, so
/// readers see the old file or the whole new one, never a part; ``abandon()`` (or dropping it uncommitted)
/// removes the temporary file.
///
/// The temporary name carries the writer's process id (`out.jsonl.partial-<pid>-<random>`). A process killed
/// mid-write cannot remove its file, so the next writer of the same path removes the partial files of processes
/// that no longer exist. A file whose pid is alive is kept, whoever owns that pid now: cleanup errs towards
/// keeping a file, never towards removing one still being written.
final class AtomicFile {
    let path: String
    private let temporary: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws(PipeError) {
        self.path = path
        Self.removeAbandonedPartials(of: path)
        temporary = "\(path).partial-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            throw PipeError(
                code == ENOENT ? .notFound : .unavailable, "cannot create \(temporary): errno \(code)",
                details: ["path": path])
        }
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends bytes, writing to the file in chunks of a megabyte.
    func write(_ bytes: [UInt8]) throws(PipeError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Appends bytes through a closure that fills the buffer.
    func append(_ fill: (inout [UInt8]) throws(PipeError) -> Void) throws(PipeError) {
        try fill(&buffer)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(PipeError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                Glibc_write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw PipeError(.unavailable, "writing \(temporary) failed: errno \(errno)", details: ["path": path])
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered, syncs it to disk and renames the file into place.
    func commit() throws(PipeError) {
        try flush()
        let synced = fsync(descriptor) == 0
        let syncError = errno
        let closed = close(descriptor) == 0
        descriptor = -1
        guard synced, closed else {
            unlink(temporary)
            throw PipeError(
                .unavailable, "cannot sync \(temporary): errno \(synced ? errno : syncError)", details: ["path": path])
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw PipeError(.unavailable, "cannot move \(temporary) to \(path): errno \(code)", details: ["path": path])
        }
    }

    /// Drops the temporary file.
    func abandon() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
            unlink(temporary)
        }
    }

    deinit { abandon() }

    /// Removes `path.partial-<pid>-…` files whose writing process is gone.
    static func removeAbandonedPartials(of path: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let prefix = String(path[(slash.map { path.index(after: $0) } ?? path.startIndex)...]) + ".partial-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "/" : directory)
        else { return }
        for name in entries where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink((directory.isEmpty ? "" : directory) + "/" + name) }
        }
    }
}

/// `write(2)`, named apart from the methods above.
private func Glibc_write(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
