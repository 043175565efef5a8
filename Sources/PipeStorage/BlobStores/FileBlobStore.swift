#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Blobs as files on local disk, under one root directory.
///
/// Layout: `blobs/<first two hex digits>/<id>` for committed blobs (256 fan-out directories keep any one directory
/// small), `tmp/<id>.<pid>.partial` for blobs being written. A write goes to the temporary file, is `fsync`ed, renamed
/// into `blobs/`, and the directory is `fsync`ed, so a committed blob is whole and durable; the pid in a temporary
/// name lets the sweep remove the partial files of writers that died without mistaking a live writer's file for one.
///
/// Paths are built only from ``BlobID``s (hex digits), never from object keys, so nothing is written outside the root.
public struct FileBlobStore: BlobStore {
    /// The root directory.
    public let root: String

    /// Opens (and creates when missing) a blob store under `root`.
    public init(root: String) throws(PipeError) {
        self.root = root
        try POSIX.makeDirectory(root)
        try POSIX.makeDirectory(root + "/blobs")
        try POSIX.makeDirectory(root + "/tmp")
    }

    func directory(of id: BlobID) -> String { root + "/blobs/" + id.rawValue.prefix(2) }
    func path(of id: BlobID) -> String { directory(of: id) + "/" + id.rawValue }

    public func makeWriter() async throws(PipeError) -> any BlobWriter {
        let id = BlobID.random()
        let temporary = "\(root)/tmp/\(id.rawValue).\(getpid()).partial"
        return try FileBlobWriter(store: self, id: id, temporary: temporary)
    }

    public func openBlob(_ id: BlobID) async throws(PipeError) -> any BlobReader {
        let path = path(of: id)
        let descriptor = try POSIX.open(path, O_RDONLY)
        do throws(PipeError) {
            return FileBlobReader(descriptor: descriptor, path: path, size: try POSIX.size(descriptor, path: path))
        } catch {
            POSIX.close(descriptor)
            throw error
        }
    }

    public func deleteBlobs(_ ids: [BlobID]) async {
        guard !ids.isEmpty else { return }
        let paths = ids.map(path(of:))
        _ = try? await BlockingIO.run { () throws(PipeError) in
            for path in paths { POSIX.unlink(path) }
        }
    }

    public func sweep(
        createdBefore: Date, isReferenced: @Sendable ([BlobID]) async throws(PipeError) -> Set<BlobID>
    ) async throws(PipeError) -> Int {
        let root = self.root
        let cutoff = createdBefore.timeIntervalSince1970
        // Partial writes: removable when their writer is gone.
        let partials = try await BlockingIO.run { () throws(PipeError) -> Int in
            var removed = 0
            for name in POSIX.directoryEntries(root + "/tmp") {
                let parts = name.split(separator: ".")
                let pid = parts.count == 3 ? Int32(parts[1]) : nil
                let path = root + "/tmp/" + name
                // A live writer's file stays however long it idles; age decides only for names without a pid.
                let abandoned =
                    pid.map { $0 != getpid() && !POSIX.processExists($0) }
                    ?? ((POSIX.modificationTime(path) ?? 0) < cutoff)
                if abandoned {
                    POSIX.unlink(path)
                    removed += 1
                }
            }
            return removed
        }
        // Committed blobs: removable when old enough that no write in flight can still be about to record them,
        // and no metadata row refers to them.
        var removed = partials
        for fanout in POSIX.directoryEntries(root + "/blobs") {
            let directory = root + "/blobs/" + fanout
            let candidates = POSIX.directoryEntries(directory).compactMap(BlobID.init).filter {
                (POSIX.modificationTime(directory + "/" + $0.rawValue) ?? .infinity) < cutoff
            }
            guard !candidates.isEmpty else { continue }
            let referenced = try await isReferenced(candidates)
            let orphans = candidates.filter { !referenced.contains($0) }
            await deleteBlobs(orphans)
            removed += orphans.count
        }
        return removed
    }
}

/// A blob being written to a temporary file (through `O_DIRECT` where possible, see `DirectAppender`).
final class FileBlobWriter: BlobWriter {
    let store: FileBlobStore
    let id: BlobID
    let temporary: String
    private let file: DirectAppender

    init(store: FileBlobStore, id: BlobID, temporary: String) throws(PipeError) {
        self.store = store
        self.id = id
        self.temporary = temporary
        file = try DirectAppender(creating: temporary)
    }

    deinit {
        // A writer dropped without commit or abort (a cancelled task) must not leak its descriptor or file.
        file.abandon()
    }

    func write(_ bytes: [UInt8]) async throws(PipeError) {
        let file = self.file
        try await BlockingIO.run { () throws(PipeError) in try file.append(bytes) }
    }

    func commit() async throws(PipeError) -> BlobID {
        let (file, temporary, directory, final) = (self.file, self.temporary, store.directory(of: id), store.path(of: id))
        do throws(PipeError) {
            try await BlockingIO.run { () throws(PipeError) in
                try file.finish()
                try POSIX.makeDirectory(directory)
                try POSIX.rename(temporary, final)
                try POSIX.fsyncDirectory(directory)
            }
        } catch {
            file.abandon()
            POSIX.unlink(temporary)
            throw error
        }
        return id
    }

    func abort() async {
        file.abandon()
    }
}

/// A committed blob file opened for reading; reads are positional (`pread`), so the reader keeps no offset.
final class FileBlobReader: BlobReader {
    let size: Int64
    let path: String
    private let descriptor: Mutex<Int32>
    /// Opened on the first large read; `.some(nil)` where direct reads are not available.
    private let direct = Mutex<DirectReader??>(nil)

    init(descriptor: Int32, path: String, size: Int64) {
        self.descriptor = Mutex(descriptor)
        self.path = path
        self.size = size
    }

    deinit {
        let open = descriptor.withLock { $0 }
        if open >= 0 { POSIX.close(open) }
    }

    func read(at offset: Int64, count: Int) async throws(PipeError) -> [UInt8] {
        let descriptor = self.descriptor.withLock { $0 }
        guard descriptor >= 0 else { throw PipeError(.internalError, "read from a closed blob") }
        let path = self.path
        // A small read is a page-cache copy of microseconds: cheaper here than the hop to another thread.
        if count <= 128 << 10 { return try POSIX.read(descriptor, at: offset, count: count, path: path) }
        let direct = count <= DirectReader.maxRead ? directReader() : nil
        let bytes = try await BlockingIO.run { () throws(PipeError) -> [UInt8]? in
            if let direct, let bytes = try direct.read(at: offset, count: count, path: path) { return bytes }
            if direct != nil { return nil }
            return try POSIX.read(descriptor, at: offset, count: count, path: path)
        }
        if let bytes { return bytes }
        // Direct reads were refused at read time: read through the page cache from now on.
        self.direct.withLock { $0 = .some(nil) }
        return try await BlockingIO.run { () throws(PipeError) in
            try POSIX.read(descriptor, at: offset, count: count, path: path)
        }
    }

    private func directReader() -> DirectReader? {
        let path = self.path
        return direct.withLock { reader in
            if let reader { return reader }
            let opened = DirectReader(path: path)
            reader = .some(opened)
            return opened
        }
    }

    func close() async {
        direct.withLock { $0 = .some(nil) }
        descriptor.withLock {
            if $0 >= 0 { POSIX.close($0) }
            $0 = -1
        }
    }
}
