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
    /// Resumes the paused upload; set once by the client before the producer starts, never changed.
    var onResume: (@Sendable () -> Void)?

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

    /// Fills `buffer` for curl's read callback (loop thread).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Read {
        if fileDescriptor >= 0 {
            let n = Glibc_read(fileDescriptor, buffer.baseAddress, buffer.count)
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

    /// Adds a chunk from the producer; waits while the buffer is full. Returns `true` when the
    /// upload was paused waiting for data and must be resumed.
    func push(_ chunk: [UInt8]) async -> Bool {
        guard !chunk.isEmpty else { return false }
        while true {
            let mustWait: Bool = lock.withLock { buffered >= highWater && !streamEnded }
            if !mustWait { break }
            await withCheckedContinuation { continuation in
                lock.lock()
                if buffered >= highWater {
                    spaceWaiter = continuation
                    lock.unlock()
                } else {
                    lock.unlock()
                    continuation.resume()
                }
            }
        }
        return lock.withLock {
            chunks.append(chunk)
            buffered += chunk.count
            let wasPaused = readerPaused
            readerPaused = false
            return wasPaused
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

    /// Wakes a producer waiting for space, after the transfer ended.
    func cancelProducer() {
        let waiter: CheckedContinuation<Void, Never>? = lock.withLock {
            streamEnded = true
            let w = spaceWaiter
            spaceWaiter = nil
            return w
        }
        waiter?.resume()
    }
}

@inline(__always)
private func Glibc_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
