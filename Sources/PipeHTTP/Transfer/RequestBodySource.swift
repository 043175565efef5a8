import CCurl
import Foundation
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where curl's read callback gets the request body from.
///
/// Bytes and files are read directly on the event-loop thread (a file read from the page cache is
/// cheaper than a hop to another thread). A stream is filled by a producer task through a bounded
/// buffer: the read callback pauses the upload when the buffer is empty, and the producer waits
/// when it is full, so a fast network never buffers a slow source and vice versa.
final class RequestBodySource: @unchecked Sendable {
    // @unchecked Sendable: `bytes`/`file` state is touched only by the loop thread (read callback);
    // the stream buffer fields are read and written only while `lock` is held.
    enum Read {
        case data(Int)
        case pause
        case end
        case failed(PipeError)
    }

    private let bytes: [UInt8]
    private var offset = 0
    private let fileDescriptor: Int32

    // Stream state.
    private let isStream: Bool
    private let lock = NSLock()
    private var chunks: [[UInt8]] = []
    private var chunkOffset = 0
    private var buffered = 0
    private var streamEnded = false
    private var streamError: PipeError?
    private var readerPaused = false
    private var spaceWaiter: CheckedContinuation<Void, Never>?
    let highWater: Int
    /// Resumes the paused upload; set by the client before the producer starts, cleared (under
    /// `lock`) when the transfer ends.
    private var resumeHook: (@Sendable () -> Void)?
    var onResume: (@Sendable () -> Void)? {
        get { lock.withLock { resumeHook } }
        set { lock.withLock { resumeHook = newValue } }
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        self.fileDescriptor = -1
        self.isStream = false
        self.highWater = 0
    }

    init(fileDescriptor: Int32) {
        self.bytes = []
        self.fileDescriptor = fileDescriptor
        self.isStream = false
        self.highWater = 0
    }

    init(streamHighWater: Int) {
        self.bytes = []
        self.fileDescriptor = -1
        self.isStream = true
        self.highWater = max(streamHighWater, 16 * 1024)
    }

    deinit {
        if fileDescriptor >= 0 { close(fileDescriptor) }
    }

    /// Rewinds the body for curl, which resends it when a reused connection turned out dead or an
    /// HTTP/2 stream was refused (loop thread). A stream cannot go back.
    func seek(to position: Int64) -> Int32 {
        if fileDescriptor >= 0 {
            return lseek(fileDescriptor, off_t(position), SEEK_SET) == off_t(position)
                ? pipe_curl_seekfunc_ok : pipe_curl_seekfunc_fail
        }
        if !isStream {
            guard position >= 0, position <= Int64(bytes.count) else { return pipe_curl_seekfunc_fail }
            offset = Int(position)
            return pipe_curl_seekfunc_ok
        }
        return pipe_curl_seekfunc_cantseek
    }

    /// Fills `buffer` for curl's read callback (loop thread).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Read {
        if fileDescriptor >= 0 {
            let n = systemRead(fileDescriptor, buffer.baseAddress, buffer.count)
            if n < 0 { return .failed(PipeError(.unavailable, "reading the request body file failed: errno \(errno)")) }
            return n == 0 ? .end : .data(n)
        }
        if !isStream {
            let n = min(buffer.count, bytes.count - offset)
            if n == 0 { return .end }
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: n)
            }
            offset += n
            return .data(n)
        }
        lock.lock()
        var written = 0
        while written < buffer.count, !chunks.isEmpty {
            let chunk = chunks[0]
            let n = min(buffer.count - written, chunk.count - chunkOffset)
            chunk.withUnsafeBytes { source in
                (buffer.baseAddress! + written).copyMemory(from: source.baseAddress! + chunkOffset, byteCount: n)
            }
            written += n
            chunkOffset += n
            if chunkOffset == chunk.count {
                chunks.removeFirst()
                chunkOffset = 0
            }
        }
        buffered -= written
        let waiter = buffered < highWater ? spaceWaiter : nil
        if waiter != nil { spaceWaiter = nil }
        let result: Read
        if written > 0 {
            result = .data(written)
        } else if let streamError {
            result = .failed(streamError)
        } else if streamEnded {
            result = .end
        } else {
            readerPaused = true
            result = .pause
        }
        lock.unlock()
        waiter?.resume()
        return result
    }

    /// What ``push(_:)`` tells the producer.
    enum PushResult {
        case accepted
        /// Accepted, and the upload was paused waiting for it: resume the transfer.
        case acceptedResume
        /// The transfer has ended: stop producing.
        case stop
    }

    /// Adds a chunk from the producer; waits while the buffer is full.
    func push(_ chunk: [UInt8]) async -> PushResult {
        guard !chunk.isEmpty else { return .accepted }
        while true {
            let state: PushResult? = lock.withLock {
                if streamEnded { return .stop }
                return buffered >= highWater ? nil : .accepted
            }
            if let state, case .stop = state { return .stop }
            if state != nil { break }
            await withCheckedContinuation { continuation in
                lock.lock()
                // Re-check under the lock: the reader or the end may have come in between.
                if buffered >= highWater && !streamEnded {
                    spaceWaiter = continuation
                    lock.unlock()
                } else {
                    lock.unlock()
                    continuation.resume()
                }
            }
        }
        return lock.withLock {
            if streamEnded { return .stop }
            chunks.append(chunk)
            buffered += chunk.count
            let wasPaused = readerPaused
            readerPaused = false
            return wasPaused ? .acceptedResume : .accepted
        }
    }

    /// Marks the end of the stream (or its failure). Returns `true` when the upload must be resumed.
    func end(_ error: PipeError?) -> Bool {
        lock.withLock {
            streamEnded = true
            streamError = error
            let wasPaused = readerPaused
            readerPaused = false
            return wasPaused
        }
    }

    /// Stops the producer after the transfer ended: wakes it if it waits for space, drops what it
    /// buffered, and breaks the resume hook's reference to the transfer.
    func cancelProducer() {
        let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
            streamEnded = true
            chunks.removeAll()
            buffered = 0
            resumeHook = nil
            let w = spaceWaiter
            spaceWaiter = nil
            return w
        }
        waiter?.resume()
    }
}

/// The C library's `read`, named apart from the `read(into:)` method above.
@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
