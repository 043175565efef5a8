import Foundation
import PipeCore

/// Chunks of a response body between curl's write callback (the event-loop thread) and the task
/// that reads the body, with backpressure.
///
/// The write callback offers each chunk; once ``highWater`` bytes are buffered it refuses, and the
/// transfer pauses (curl keeps the data and offers it again after `curl_easy_pause(CONT)`). The
/// reader takes chunks; when it has drained the buffer to ``lowWater`` it asks the loop to resume.
/// So a slow reader slows the download, and memory stays within about ``highWater`` bytes plus
/// one curl chunk.
final class ResponseBodyBuffer: @unchecked Sendable {
    // @unchecked Sendable: every mutable field is read and written only while `lock` is held.
    enum Offer {
        case accepted
        /// Accepted while the reader waits: call ``wakeReader()`` once the loop is done reading.
        case acceptedReaderWaiting
        case pause
    }

    let highWater: Int
    let lowWater: Int
    private let lock = NSLock()
    private var chunks: [[UInt8]] = []
    private var head = 0
    private var buffered = 0
    private var paused = false
    private var outcome: Result<Void, PipeError>?
    private var waiter: CheckedContinuation<[UInt8]?, any Error>?

    init(highWater: Int) {
        self.highWater = max(highWater, 16 * 1024)
        self.lowWater = self.highWater / 4
    }

    /// Called on the loop thread with bytes curl received.
    func offer(_ bytes: UnsafeRawBufferPointer) -> Offer {
        lock.lock()
        // Full: pause even if a reader waits (its wake-up is already due after this round).
        if buffered >= highWater {
            paused = true
            lock.unlock()
            return .pause
        }
        chunks.append([UInt8](bytes))
        buffered += bytes.count
        let readerWaiting = waiter != nil
        lock.unlock()
        // Waking the reader is a thread hop; the loop does it once per round of reading, not per chunk.
        return readerWaiting ? .acceptedReaderWaiting : .accepted
    }

    /// Hands the waiting reader its next chunk (loop thread, after a round of `curl_multi_perform`).
    func wakeReader() {
        lock.lock()
        guard let waiter, head < chunks.count else {
            lock.unlock()
            return
        }
        self.waiter = nil
        lock.unlock()
        // The reader takes the chunk itself (and any others) when it runs again.
        waiter.resume(returning: [])
    }

    /// Called on the loop thread when the transfer ends, successfully or not.
    func finish(_ result: Result<Void, PipeError>) {
        lock.lock()
        guard outcome == nil else {
            lock.unlock()
            return
        }
        outcome = result
        let waiter = self.waiter
        self.waiter = nil
        lock.unlock()
        // Chunks may still be buffered (wakes are deferred): the reader goes round again, takes
        // them, and only then sees the end or the error.
        waiter?.resume(returning: [])
    }

    private enum Take {
        case chunk([UInt8], resume: Bool)
        case end(Result<Void, PipeError>)
        case wait(resume: Bool)
    }

    private func take() -> Take {
        lock.withLock {
            if head < chunks.count {
                let chunk = chunks[head]
                chunks[head] = []
                head += 1
                if head == chunks.count {
                    chunks.removeAll(keepingCapacity: true)
                    head = 0
                }
                buffered -= chunk.count
                let resume = paused && buffered <= lowWater
                if resume { paused = false }
                return .chunk(chunk, resume: resume)
            }
            if let outcome { return .end(outcome) }
            // Empty and still running: if the transfer is paused (it should not be with an empty
            // buffer, but a lost wake-up would hang the reader), resume it, then wait.
            let resume = paused
            paused = false
            return .wait(resume: resume)
        }
    }

    /// Parks the reader until the write callback or `finish` hands it something.
    private func park(_ continuation: CheckedContinuation<[UInt8]?, any Error>) {
        lock.lock()
        if waiter != nil {
            lock.unlock()
            continuation.resume(
                throwing: PipeError(.invalidArgument, "the response body is already being read by another task"))
            return
        }
        if head < chunks.count || outcome != nil {
            lock.unlock()
            // Something arrived between `take()` and here: go round again.
            continuation.resume(returning: [])
            return
        }
        waiter = continuation
        lock.unlock()
    }

    /// The next chunk, `nil` at the end. `resume` is called (outside the lock) when the reader has
    /// drained a paused transfer enough for it to continue.
    func next(resume: @Sendable () -> Void) async throws -> [UInt8]? {
        while true {
            switch take() {
            case .chunk(let chunk, let shouldResume):
                if shouldResume { resume() }
                return chunk
            case .end(.success): return nil
            case .end(.failure(let error)): throw error
            case .wait(let shouldResume):
                if shouldResume { resume() }
                let chunk = try await withCheckedThrowingContinuation { park($0) }
                if let chunk, !chunk.isEmpty { return chunk }
                if chunk == nil { return nil }
            }
        }
    }
}
