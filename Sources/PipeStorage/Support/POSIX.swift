import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin, typed-throwing wrappers over the file system calls the local blob store needs.
///
/// Every call retries on `EINTR` and turns a failure into a `PipeError` that names the call and the path, so an
/// operator reading a log learns what failed where (`ENOSPC` on `write` is `limit_exceeded`; the rest are
/// `unavailable`, because the store cannot serve the request right now).
enum POSIX {
    static func failure(_ call: String, _ path: String, _ code: Int32 = errno) -> PipeError {
        let reason = String(cString: strerror(code))
        let kind: PipeError.Code =
            switch code {
            case ENOENT: .notFound
            case ENOSPC, EDQUOT, EFBIG: .limitExceeded
            default: .unavailable
            }
        return PipeError(kind, "\(call) \(path): \(reason)", details: ["errno": "\(code)", "path": path])
    }

    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0o600) throws(PipeError) -> Int32 {
        while true {
            let descriptor = path.withCString { Glibc_open($0, flags | O_CLOEXEC, mode) }
            if descriptor >= 0 { return descriptor }
            if errno != EINTR { throw failure("open", path) }
        }
    }

    /// Writes all of `bytes` at the file's current offset.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8], path: String) throws(PipeError) {
        let failed: Int32 = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
        if failed != 0 { throw failure("write", path, failed) }
    }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    static func read(_ descriptor: Int32, at offset: Int64, count: Int, path: String) throws(PipeError) -> [UInt8] {
        guard count > 0 else { return [] }
        var failed: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let got = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if got < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    break
                }
                if got == 0 { break }
                done += got
            }
            initialized = done
        }
        if failed != 0 { throw failure("read", path, failed) }
        return bytes
    }

    static func close(_ descriptor: Int32) {
        _ = Glibc_close(descriptor)
    }

    static func fsync(_ descriptor: Int32, path: String) throws(PipeError) {
        #if canImport(Darwin)
            // fsync on Darwin only reaches the drive's cache; F_FULLFSYNC reaches the platter.
            if fcntl(descriptor, F_FULLFSYNC) == 0 { return }
        #endif
        while Glibc_fsync(descriptor) != 0 {
            if errno != EINTR { throw failure("fsync", path) }
        }
    }

    /// Syncs a directory so that a rename or unlink inside it survives a power cut.
    static func fsyncDirectory(_ path: String) throws(PipeError) {
        let descriptor = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(descriptor) }
        try fsync(descriptor, path: path)
    }

    static func rename(_ from: String, _ to: String) throws(PipeError) {
        if Glibc_rename(from, to) != 0 { throw failure("rename", from) }
    }

    /// Removes a file; a file already gone is not an error.
    static func unlink(_ path: String) {
        _ = Glibc_unlink(path)
    }

    /// Creates a directory if missing; a new one is made durable by syncing its parent (otherwise a power cut could
    /// lose the directory, and every file renamed into it, even after those files were synced).
    static func makeDirectory(_ path: String) throws(PipeError) {
        if mkdir(path, 0o700) == 0 {
            let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
            try fsyncDirectory(parent.isEmpty ? "/" : parent)
            return
        }
        if errno != EEXIST { throw failure("mkdir", path) }
    }

    static func size(_ descriptor: Int32, path: String) throws(PipeError) -> Int64 {
        var info = stat()
        if fstat(descriptor, &info) != 0 { throw failure("fstat", path) }
        return Int64(info.st_size)
    }

    /// The names in a directory, without `.` and `..`; empty when it cannot be read.
    static func directoryEntries(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Seconds since 1970 of a file's last modification, or `nil` when it does not exist.
    static func modificationTime(_ path: String) -> Double? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
            return Double(info.st_mtimespec.tv_sec) + Double(info.st_mtimespec.tv_nsec) / 1e9
        #else
            return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        #endif
    }

    /// Whether a process with this id exists (it may belong to someone else: errs towards "alive").
    static func processExists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}

// The module's own `open`, `fsync`, `rename` and `unlink` shadow the C functions inside `POSIX`; these names reach
// the C ones.
private func Glibc_open(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}
private func Glibc_close(_ descriptor: Int32) -> Int32 { close(descriptor) }
private func Glibc_fsync(_ descriptor: Int32) -> Int32 { fsync(descriptor) }
private func Glibc_rename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
private func Glibc_unlink(_ path: String) -> Int32 { unlink(path) }
