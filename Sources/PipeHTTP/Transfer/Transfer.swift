import CCurl
import Foundation
import Logging
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One request in flight: its easy handle, the state its curl callbacks share with the tasks
/// waiting on it, and the plumbing that finishes it exactly once.
///
/// The event loop owns the easy handle and keeps the transfer alive (in its table) for as long as
/// the handle exists, because curl's callbacks reach the transfer through an unretained pointer.
final class Transfer: @unchecked Sendable {
    // @unchecked Sendable: fields marked "loop" are used only on the event-loop thread; fields
    // marked "locked" only while `lock` is held; the rest are immutable after init.

    let id: UInt64
    let request: HTTPRequest  // immutable
    let settings: TransferSettings  // immutable
    let body: RequestBodySource?  // immutable reference, internally synchronised
    let responseBody: ResponseBodyBuffer  // internally synchronised
    let progressObserver: (@Sendable (HTTPProgress) -> Void)?  // immutable
    let logger: Logger
    /// Reports the outcome (status, bytes sent, bytes received) for metrics; immutable.
    let onFinish: @Sendable (Result<Void, PipeError>, Int, Int64, Int64) -> Void

    // loop
    var easy: OpaquePointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var parsedStatusLine = false
    /// The current response's header lines (see ``ResponseHead/headerLines``).
    var headerLines: [UInt8] = []
    var version = "HTTP/1.1"
    var headDelivered = false
    /// The head, parsed but not yet handed to the waiting task: the loop hands it over after a
    /// round of reading, so a small response usually arrives complete with a single thread hop.
    var pendingHead: ResponseHead?
    var deliveredStatus = 0
    var sentBytes: Int64 = 0
    var receivedBytes = 0
    /// When bytes last moved (``CoarseClock`` milliseconds), for the stall timeout; the progress callback updates
    /// it when ``moved`` says something happened since its last call, so the per-byte callbacks read no clock.
    var lastActivity: Int64 = 0
    /// Bytes moved (or the transfer resumed) since the progress callback last looked.
    var moved = false
    /// When the request timeout runs out, while the request is not yet sent; `nil` once it is (curl's own
    /// timeout covers it then) or without a timeout.
    var queueDeadline: ContinuousClock.Instant?
    var lastProgress: HTTPProgress?
    var abortReason: CurlError.AbortReason?
    /// Data arrived for a reader that waits; the loop wakes it after this round of reading.
    var readerNeedsWaking = false
    /// Where a 2xx body goes when downloading to a file; `nil` for the reader's buffer.
    var fileSink: Int32?
    /// Paused because our reader or body producer is slower than the network: not a stall.
    var pausedLocally = false {
        didSet { if pausedLocally { everPaused = true } }
    }
    /// Was paused at some point: its easy handle is reset before another transfer uses it.
    var everPaused = false
    /// curl writes a detailed error message here; it must outlive the easy handle.
    let errorBufferPointer: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        buffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        return buffer
    }()
    var errorDetail: String { String(cString: errorBufferPointer) }

    // locked
    private let lock = NSLock()
    private var headContinuation: CheckedContinuation<ResponseHead, any Error>?
    private var headResult: Result<ResponseHead, PipeError>?
    private var cancelRequested: CurlError.AbortReason?
    private var finished = false

    init(
        id: UInt64, request: HTTPRequest, settings: TransferSettings, body: RequestBodySource?,
        progress: (@Sendable (HTTPProgress) -> Void)?, logger: Logger,
        onFinish: @escaping @Sendable (Result<Void, PipeError>, Int, Int64, Int64) -> Void
    ) {
        self.onFinish = onFinish
        self.id = id
        self.request = request
        self.settings = settings
        self.body = body
        self.responseBody = ResponseBodyBuffer(highWater: settings.responseBufferBytes)
        self.fileSink = nil
        self.progressObserver = progress
        self.logger = logger
    }

    deinit {
        errorBufferPointer.deallocate()
    }

    // MARK: Waiting for the head (any task)

    /// Registers the continuation that receives the response head (or the failure before it).
    func waitForHead(_ continuation: CheckedContinuation<ResponseHead, any Error>) {
        lock.lock()
        if let headResult {
            lock.unlock()
            continuation.resume(with: headResult.mapError { $0 as any Error })
            return
        }
        headContinuation = continuation
        lock.unlock()
    }

    /// Records a cancellation request; returns `false` when the transfer has already finished.
    func requestCancel(_ reason: CurlError.AbortReason) -> Bool {
        lock.withLock {
            if finished { return false }
            if cancelRequested == nil { cancelRequested = reason }
            return true
        }
    }

    var pendingCancel: CurlError.AbortReason? { lock.withLock { cancelRequested } }

    // MARK: Completion (loop thread)

    /// Hands a parsed head to the waiting task (loop thread).
    func flushHead() {
        guard let head = pendingHead else { return }
        pendingHead = nil
        deliverHead(.success(head))
    }

    func deliverHead(_ result: Result<ResponseHead, PipeError>) {
        let continuation: CheckedContinuation<ResponseHead, any Error>? = lock.withLock {
            guard headResult == nil else { return nil }
            headResult = result
            let c = headContinuation
            headContinuation = nil
            return c
        }
        continuation?.resume(with: result.mapError { $0 as any Error })
    }

    /// Ends the transfer: the head waiter (if still waiting) and the body reader see `result`.
    func finish(_ result: Result<Void, PipeError>) {
        let alreadyFinished = lock.withLock {
            let was = finished
            finished = true
            return was
        }
        guard !alreadyFinished else { return }
        // Metrics first, so a caller that sees the outcome also sees it counted.
        onFinish(result, deliveredStatus, sentBytes, Int64(receivedBytes))
        // The body is complete (or failed) before the head is handed over, so a reader of a small
        // response finds everything ready.
        responseBody.finish(result)
        switch result {
        case .success:
            if headDelivered {
                flushHead()
            } else {
                deliverHead(.failure(PipeError(.protocolError, "the response ended before its header was complete")))
            }
        case .failure(let error):
            pendingHead = nil
            deliverHead(.failure(error))
        }
        body?.cancelProducer()
    }

    // MARK: Callbacks (loop thread)

    /// Called by the loop just before it resumes a locally paused transfer.
    func resumed() {
        pausedLocally = false
        moved = true
    }

    func headerLine(_ line: UnsafeRawBufferPointer) {
        moved = true
        // Strip the line ending as bytes: "\r\n" is one Character in a Swift String.
        var end = line.count
        while end > 0, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
        let bytes = UnsafeRawBufferPointer(rebasing: line[..<end])
        if bytes.starts(with: "HTTP/".utf8) {
            // A new status line: interim (1xx) responses come before the final one.
            parsedStatusLine = true
            headerLines = []
            headerLines.reserveCapacity(512)
            version = String(decoding: bytes.prefix { $0 != 0x20 }, as: UTF8.self)
            return
        }
        if bytes.isEmpty {
            guard parsedStatusLine else { return }
            var status = 0
            if let easy { status = Int(CurlEasy.responseCode(easy)) }
            parsedStatusLine = false
            if (100..<200).contains(status) { return }
            headDelivered = true
            deliveredStatus = status
            pendingHead = ResponseHead(status: status, version: version, headerLines: headerLines)
            headerLines = []
            // Only a successful body goes to the file; an error body stays readable.
            fileSink = (200..<300).contains(status) ? settings.bodyFileDescriptor : nil
            return
        }
        // The task that waits makes the fields (and skips a line without a name).
        headerLines.append(contentsOf: bytes)
        headerLines.append(0x0A)
    }

    func bodyBytes(_ bytes: UnsafeRawBufferPointer) -> Int {
        if let fd = fileSink {
            // Straight to the file from curl's buffer: no copy, no thread hop.
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    abortReason = .bodyFailed(PipeError(.unavailable, "writing the download failed: errno \(errno)"))
                    return 0
                }
                offset += n
            }
            receivedBytes += bytes.count
            moved = true
            return bytes.count
        }
        if let limit = settings.maxResponseBytes, receivedBytes + bytes.count > limit {
            abortReason = .tooLarge(limit)
            return 0  // anything but the size given aborts the transfer
        }
        switch responseBody.offer(bytes) {
        case .accepted:
            receivedBytes += bytes.count
            moved = true
            return bytes.count
        case .acceptedReaderWaiting:
            receivedBytes += bytes.count
            moved = true
            readerNeedsWaking = true
            return bytes.count
        case .pause:
            pausedLocally = true
            return pipe_curl_writefunc_pause
        }
    }

    func uploadBytes(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let body else { return 0 }
        switch body.read(into: buffer) {
        case .data(let n):
            moved = true
            sentBytes += Int64(n)
            return n
        case .end:
            return 0
        case .pause:
            pausedLocally = true
            return pipe_curl_readfunc_pause
        case .failed(let error):
            abortReason = .bodyFailed(error)
            return pipe_curl_readfunc_abort
        }
    }

    /// Returns `false` to abort the transfer.
    func progress(sent: Int64, toSend: Int64, received: Int64, toReceive: Int64) -> Bool {
        if let stall = settings.stallTimeout {
            let now = CoarseClock.milliseconds()
            if moved || pausedLocally {
                moved = false
                lastActivity = now
            } else if now - lastActivity > stall.milliseconds {
                abortReason = .stalled(stall)
                return false
            }
        }
        if let observer = progressObserver {
            let current = HTTPProgress(
                bytesSent: sent, totalBytesToSend: toSend > 0 ? toSend : nil,
                bytesReceived: received, totalBytesToReceive: toReceive > 0 ? toReceive : nil)
            if current != lastProgress {
                lastProgress = current
                observer(current)
            }
        }
        return true
    }
}
