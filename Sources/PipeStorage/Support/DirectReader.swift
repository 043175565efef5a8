import PipeCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Large reads of a file through `O_DIRECT`, for blobs that are streamed once rather than read again and again.
///
/// Blobs are written with `O_DIRECT` (see ``DirectAppender``), so they are not in the page cache; reading them
/// through it would allocate and fill cache pages only to copy out of them once. A direct read goes from the device
/// into an aligned buffer: the requested range is widened to whole 4 KiB blocks and the asked-for bytes are copied
/// out. Buffers are pooled (a streaming reader has at most two reads in flight). Small reads do not come here: they
/// stay in the page cache, where hot small objects belong.
final class DirectReader: Sendable {
    static let alignment = 4096
    /// The largest read; bigger requests are the caller's to split.
    static let maxRead = 2 << 20
    private static let bufferSize = maxRead + 2 * alignment

    private let descriptor: Int32
    /// Free aligned buffers, as addresses (the reader owns them; each is used by one read at a time).
    private let pool = Mutex<[UInt]>([])

    /// Opens `path` for direct reads, or `nil` where `O_DIRECT` is not available (the caller reads normally).
    init?(path: String) {
        #if os(Linux)
            guard directFlag != 0, let descriptor = try? POSIX.open(path, O_RDONLY | directFlag) else { return nil }
            self.descriptor = descriptor
        #else
            return nil
        #endif
    }

    deinit {
        POSIX.close(descriptor)
        for address in pool.withLock({ $0 }) { free(UnsafeMutableRawPointer(bitPattern: address)) }
    }

    /// Reads up to `count` (at most ``maxRead``) bytes at `offset`; fewer only at the end of the file. Blocking.
    ///
    /// Returns `nil` when the file system refuses direct reads after all (`EINVAL`), for the caller to read normally.
    func read(at offset: Int64, count: Int, path: String) throws(PipeError) -> [UInt8]? {
        precondition(count <= Self.maxRead, "direct reads are at most \(Self.maxRead) bytes")
        guard let buffer = takeBuffer() else { throw PipeError(.unavailable, "cannot allocate an aligned read buffer") }
        defer { pool.withLock { $0.append(UInt(bitPattern: buffer)) } }
        let alignment = Int64(Self.alignment)
        let start = offset / alignment * alignment
        let end = (offset + Int64(count) + alignment - 1) / alignment * alignment
        let length = Int(end - start)
        var done = 0
        while done < length {
            let got = pread(descriptor, buffer + done, length - done, off_t(start) + off_t(done))
            if got < 0 {
                if errno == EINTR { continue }
                if errno == EINVAL && done == 0 { return nil }
                throw POSIX.failure("read", path)
            }
            if got == 0 { break }
            done += got
        }
        let skip = Int(offset - start)
        let available = max(0, min(count, done - skip))
        return [UInt8](UnsafeRawBufferPointer(start: buffer + skip, count: available))
    }

    private func takeBuffer() -> UnsafeMutableRawPointer? {
        if let address = pool.withLock({ $0.popLast() }) { return UnsafeMutableRawPointer(bitPattern: address) }
        var buffer: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&buffer, Self.alignment, Self.bufferSize) == 0 else { return nil }
        return buffer
    }
}
