import Dispatch
import PipeCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

#if os(Linux)
    // Glibc defines O_DIRECT only under _GNU_SOURCE, which Swift's Glibc module does not set. The value is per
    // architecture (asm-generic vs arm64); elsewhere the appender writes through the page cache.
    #if arch(x86_64) || arch(i386)
        let directFlag: Int32 = 0o40000
    #elseif arch(arm64)
        let directFlag: Int32 = 0o200000
    #else
        let directFlag: Int32 = 0
    #endif
#endif

/// Appends to a new file through `O_DIRECT` where the file system allows it, then makes it durable.
///
/// Writes that will be `fsync`ed anyway gain nothing from the page cache: copying them into it costs as much CPU as
/// the disk write itself, and the final `fsync` then waits for all of it. With `O_DIRECT` the bytes go from an
/// aligned buffer to the device. Bytes are gathered into one of two 2 MiB aligned buffers; a full buffer is written
/// on a background queue while the caller fills the other, so producing bytes (reading, hashing, sealing) and
/// writing them overlap. `finish()` writes the unaligned tail without `O_DIRECT` and syncs; a file that never filled
/// a buffer is written through the page cache altogether. Where `O_DIRECT` is refused (tmpfs, macOS) the same calls
/// write through the page cache.
///
/// Used by one task at a time (each call is awaited before the next). The caller's state sits behind a `Mutex`;
/// a background write only touches the buffer handed to it (the caller waits for that write before reusing the
/// buffer) and reports through its own `Mutex`.
final class DirectAppender: Sendable {
    static let alignment = 4096
    static let bufferSize = 2 << 20

    private struct State {
        var descriptor: Int32
        var direct: Bool
        var buffers: (UnsafeMutableRawPointer, UnsafeMutableRawPointer)
        var filled = 0
        /// Where the current buffer's bytes go.
        var offset: Int64 = 0
    }

    let path: String
    private let state: Mutex<State>
    private let backgroundFailure = Mutex<PipeError?>(nil)
    private let inFlight = DispatchGroup()
    private static let queue = DispatchQueue(label: "pipe.storage.direct-writes", attributes: .concurrent)

    /// Creates `path` (which must not exist) for writing.
    init(creating path: String, mode: mode_t = 0o600) throws(PipeError) {
        self.path = path
        var direct = false
        var descriptor: Int32 = -1
        #if os(Linux)
            if directFlag != 0 {
                descriptor = (try? POSIX.open(path, O_WRONLY | O_CREAT | O_EXCL | directFlag, mode)) ?? -1
                direct = descriptor >= 0
            }
        #endif
        if descriptor < 0 { descriptor = try POSIX.open(path, O_WRONLY | O_CREAT | O_EXCL, mode) }
        var first: UnsafeMutableRawPointer? = nil
        var second: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&first, Self.alignment, Self.bufferSize) == 0,
            posix_memalign(&second, Self.alignment, Self.bufferSize) == 0, let first, let second
        else {
            free(first)
            POSIX.close(descriptor)
            POSIX.unlink(path)
            throw PipeError(.unavailable, "cannot allocate aligned write buffers")
        }
        state = Mutex(State(descriptor: descriptor, direct: direct, buffers: (first, second)))
    }

    deinit {
        inFlight.wait()
        state.withLock { state in
            free(state.buffers.0)
            free(state.buffers.1)
            if state.descriptor >= 0 { POSIX.close(state.descriptor) }
        }
    }

    /// Appends bytes; a full buffer is handed to a background write (blocking only while the previous one runs).
    func append(_ bytes: [UInt8]) throws(PipeError) {
        try state.withLock { state throws(PipeError) in
            guard state.descriptor >= 0 else { throw PipeError(.internalError, "append to a finished file") }
            var consumed = 0
            while consumed < bytes.count {
                let count = min(Self.bufferSize - state.filled, bytes.count - consumed)
                bytes.withUnsafeBytes { source in
                    (state.buffers.0 + state.filled).copyMemory(from: source.baseAddress! + consumed, byteCount: count)
                }
                state.filled += count
                consumed += count
                if state.filled == Self.bufferSize { try writeInBackground(&state) }
            }
        }
    }

    /// Writes what is buffered, syncs the file and closes it (blocking).
    func finish() throws(PipeError) {
        try state.withLock { state throws(PipeError) in
            guard state.descriptor >= 0 else { throw PipeError(.internalError, "finish of a finished file") }
            try waitForBackgroundWrite()
            #if os(Linux)
                // A file that fits in one buffer is small: written through the page cache it stays there, so the
                // read that often follows a write of a small object does not go to the disk (the fsync below makes
                // it as durable either way).
                if state.direct && state.offset == 0 {
                    let flags = fcntl(state.descriptor, F_GETFL)
                    if fcntl(state.descriptor, F_SETFL, flags & ~directFlag) == 0 { state.direct = false }
                }
            #endif
            var written = 0
            let aligned = state.filled / Self.alignment * Self.alignment
            if aligned > 0 {
                try Self.write(state.descriptor, state.buffers.0, count: aligned, at: state.offset, path: path)
                written = aligned
            }
            if state.filled > written {
                #if os(Linux)
                    if state.direct {  // the tail is not a whole block: write it through the page cache
                        let flags = fcntl(state.descriptor, F_GETFL)
                        _ = fcntl(state.descriptor, F_SETFL, flags & ~directFlag)
                        state.direct = false
                    }
                #endif
                try Self.write(
                    state.descriptor, state.buffers.0 + written, count: state.filled - written,
                    at: state.offset + Int64(written), path: path)
            }
            state.offset += Int64(state.filled)
            state.filled = 0
            try POSIX.fsync(state.descriptor, path: path)
            POSIX.close(state.descriptor)
            state.descriptor = -1
        }
    }

    /// Closes without syncing and removes the file.
    func abandon() {
        inFlight.wait()
        state.withLock { state in
            if state.descriptor >= 0 {
                POSIX.close(state.descriptor)
                state.descriptor = -1
                POSIX.unlink(path)
            }
        }
    }

    /// Hands the full current buffer to the background queue and makes the other buffer current.
    private func writeInBackground(_ state: inout State) throws(PipeError) {
        try waitForBackgroundWrite()
        let (descriptor, offset, path) = (state.descriptor, state.offset, self.path)
        // The buffer's address crosses to the writing thread as a number: this appender owns the memory, and
        // `waitForBackgroundWrite()` runs before the buffer is written to again or freed.
        let address = UInt(bitPattern: state.buffers.0)
        Self.queue.async(group: inFlight) { [self] in
            do throws(PipeError) {
                try Self.write(
                    descriptor, UnsafeMutableRawPointer(bitPattern: address)!, count: Self.bufferSize, at: offset,
                    path: path)
            } catch {
                backgroundFailure.withLock { $0 = error }
            }
        }
        state.buffers = (state.buffers.1, state.buffers.0)
        state.offset += Int64(Self.bufferSize)
        state.filled = 0
    }

    private func waitForBackgroundWrite() throws(PipeError) {
        inFlight.wait()
        if let error = backgroundFailure.withLock({ $0 }) { throw error }
    }

    private static func write(
        _ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, count: Int, at offset: Int64, path: String
    ) throws(PipeError) {
        var written = 0
        while written < count {
            let result = pwrite(descriptor, buffer + written, count - written, off_t(offset) + off_t(written))
            if result < 0 {
                if errno == EINTR { continue }
                throw POSIX.failure("write", path)
            }
            written += result
        }
    }
}
