import CCurl
import Foundation
import Logging
import PipeCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One thread driving one curl multi handle: every transfer of a client runs here.
///
/// Other threads never touch the multi handle or an easy handle. They append a ``Command`` under a
/// lock and call `curl_multi_wakeup`, the one multi call that is safe from any thread; the loop
/// thread drains the commands, then runs `curl_multi_perform` → `curl_multi_info_read` →
/// `curl_multi_poll`. Easy handles are created, paused, resumed and cleaned up on the loop thread
/// only, never in a `deinit`.
final class CurlEventLoop: @unchecked Sendable {
    // @unchecked Sendable: `commands`, `stopped`, `parked` and `loopThread` are used only under
    // `lock`; `multi` is used only by the loop thread, except `curl_multi_wakeup`, which libcurl
    // documents as thread-safe and which is called under `lock` before `stopped` lets the loop free
    // the handle; `transfers`, `idleHandles` and `nextQueueDeadline` are used only by the loop
    // thread; `activeTransfers` is atomic and `finished` a semaphore; the rest is immutable.

    enum Command {
        case start(Transfer)
        case cancel(Transfer)
        case resume(Transfer)
        case shutdown
    }

    private let multi: OpaquePointer
    private let options: ClientOptions
    private let logger: Logger
    /// The per-host connection limit, named in the error of a request that timed out waiting for a connection.
    private let maxConnectionsPerHost: Int
    private let lock = NSLock()
    private var commands: [Command] = []
    private var stopped = false
    /// The loop thread is in (or about to enter) `curl_multi_poll` and needs a wake-up to see a new command; while it
    /// is awake it looks at the commands again before it parks, so a submitter sends none (under `lock`).
    private var parked = false
    /// The loop thread's id, set when it starts (under `lock`).
    private var loopThread: pthread_t?
    private var transfers: [UInt64: Transfer] = [:]
    /// Easy handles of finished transfers, kept for the next ones: creating a handle costs more than
    /// reusing one (loop thread only).
    private var idleHandles: [CurlEasy.IdleHandle] = []
    /// The earliest request deadline among transfers not yet sent (loop thread only).
    private var nextQueueDeadline: ContinuousClock.Instant?
    private static let maxIdleHandles = 64
    private let finished = DispatchSemaphore(value: 0)
    /// How many easy handles exist right now (for tests and diagnostics).
    let activeTransfers = Atomic<Int>(0)

    init(options: ClientOptions, maxConnectionsPerHost: Int, maxConnections: Int, logger: Logger) throws(PipeError) {
        try CurlGlobal.ensureInitialized()
        guard let handle = curl_multi_init() else { throw PipeError(.unavailable, "curl_multi_init failed") }
        multi = OpaquePointer(handle)
        self.options = options
        self.logger = logger
        self.maxConnectionsPerHost = maxConnectionsPerHost
        _ = pipe_curl_multi_setopt_long(handle, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        _ = pipe_curl_multi_setopt_long(handle, CURLMOPT_MAX_TOTAL_CONNECTIONS, maxConnections)
        _ = pipe_curl_multi_setopt_long(handle, CURLMOPT_MAXCONNECTS, maxConnections)
        let thread = Thread { [self] in run() }
        thread.name = "pipe-http-curl"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues a command for the loop thread. Returns `false` after shutdown.
    @discardableResult
    func submit(_ command: Command) -> Bool {
        lock.withLock {
            if stopped { return false }
            // A wake-up is a system call, and a thread woken: only a parked loop needs one, and only one per batch
            // (commands already waiting mean it was sent since the loop last drained them).
            let wakeupNeeded = parked && commands.isEmpty
            commands.append(command)
            if case .shutdown = command { stopped = true }
            // Under the lock: the loop frees the multi handle only after taking this lock and
            // seeing `stopped`, so the handle is alive while we wake it.
            if wakeupNeeded { curl_multi_wakeup(UnsafeMutableRawPointer(multi)) }
            return true
        }
    }

    /// Stops the loop: every transfer still running fails with `cancelled`. Waits for the thread,
    /// except when called on the loop thread itself (from a progress callback, or a `deinit` that
    /// runs there), where waiting would deadlock.
    func shutdown() {
        guard submit(.shutdown) else { return }
        if !isLoopThread { finished.wait() }
    }

    private var isLoopThread: Bool {
        lock.withLock { loopThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
    }

    // MARK: The loop thread

    private func run() {
        lock.withLock { loopThread = pthread_self() }
        let m = UnsafeMutableRawPointer(multi)
        var running: Int32 = 0
        while true {
            let pending = lock.withLock {
                parked = false
                let taken = commands
                commands.removeAll(keepingCapacity: true)
                return taken
            }
            var stop = false
            for command in pending {
                switch command {
                case .start(let transfer): start(transfer)
                case .cancel(let transfer): abort(transfer, reason: transfer.pendingCancel ?? .cancelled)
                case .resume(let transfer):
                    guard let easy = transfer.easy, transfers[transfer.id] != nil else { continue }
                    transfer.resumed()
                    curl_easy_pause(UnsafeMutableRawPointer(easy), pipe_curlpause_cont)
                case .shutdown: stop = true
                }
            }
            if stop { break }
            curl_multi_perform(m, &running)
            var left: Int32 = 0
            var completed = false
            while let message = curl_multi_info_read(m, &left) {
                completed = true
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                var context: UnsafeMutableRawPointer?
                _ = curl_easy_getinfo_private(handle, &context)
                guard let context else { continue }
                let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
                complete(transfer, code: message.pointee.data.result)
            }
            // Wake waiting tasks once per round, after everything this round read is buffered.
            for transfer in transfers.values where transfer.pendingHead != nil || transfer.readerNeedsWaking {
                transfer.flushHead()
                if transfer.readerNeedsWaking {
                    transfer.readerNeedsWaking = false
                    transfer.responseBody.wakeReader()
                }
            }
            let wait = expireQueuedTransfers()
            // Only with little in flight: then each wake-up is on the caller's critical path (a call, or the next
            // one of a caller in a loop). With more, events arrive without waiting, and the spinning would take the
            // processor from the server on the same machine.
            if transfers.count <= Self.spinMaxTransfers, !transfers.isEmpty || completed || !pending.isEmpty,
                spinUntilReady(m)
            {
                continue
            }
            // Park, unless a command came while the loop was busy (its submitter saw it awake and sent no wake-up).
            guard lock.withLock({ parked = commands.isEmpty; return parked }) else { continue }
            curl_multi_poll(m, nil, 0, wait, nil)
        }
        for transfer in Array(transfers.values) { abort(transfer, reason: .shutdown) }
        for idle in idleHandles { curl_easy_cleanup(idle.handle) }
        idleHandles.removeAll()
        // `stopped` is already set, so no submitter can reach `curl_multi_wakeup` any more; taking
        // the lock waits out one that is inside it right now.
        _ = lock.withLock { curl_multi_cleanup(m) }
        finished.signal()
    }

    private func start(_ transfer: Transfer) {
        if let reason = transfer.pendingCancel {
            transfer.finish(.failure(CurlError.error(for: reason)))
            return
        }
        do {
            let now = ContinuousClock.now
            transfer.lastActivity = CoarseClock.milliseconds()  // the stall clock starts with the transfer, not the queue
            if let limit = transfer.settings.requestTimeout {
                let deadline = now + limit
                transfer.queueDeadline = deadline
                nextQueueDeadline = min(nextQueueDeadline ?? deadline, deadline)
            }
            let easy = try CurlEasy.make(for: transfer, client: options, reusing: idleHandles.popLast())
            transfers[transfer.id] = transfer
            activeTransfers.store(transfers.count, ordering: .relaxed)
            let code = curl_multi_add_handle(UnsafeMutableRawPointer(multi), UnsafeMutableRawPointer(easy))
            if code != CURLM_OK {
                release(transfer)
                transfer.finish(.failure(PipeError(.unavailable, "curl_multi_add_handle failed (\(code.rawValue))")))
            }
        } catch {
            release(transfer)
            transfer.finish(.failure(error))
        }
    }

    private func complete(_ transfer: Transfer, code: CURLcode) {
        let result: Result<Void, PipeError>
        if code == CURLE_OK {
            result = .success(())
        } else {
            var error = CurlError.error(code, detail: transfer.errorDetail, abort: transfer.abortReason)
            // curl blames the resolver ("Failed to resolve host … after 0 ms") for time spent in its queue.
            if code == CURLE_OPERATION_TIMEDOUT, transfer.abortReason == nil, let easy = transfer.easy,
                Self.notSent(easy)
            {
                error = timedOutBeforeSending(transfer)
            }
            result = .failure(error)
        }
        // A handle whose transfer ended cleanly is reused as it is; after an error or a pause it is reset.
        release(transfer, clean: code == CURLE_OK && !transfer.everPaused)
        transfer.finish(result)
    }

    /// Polls without sleeping for up to ``spinLimit``; returns `true` as soon as a socket is ready or a command has
    /// arrived.
    ///
    /// An answer on loopback or a fast network comes within tens of microseconds, and so does the next request of a
    /// caller in a loop. Parking the thread in `poll` and being woken again costs more than that, most of all on
    /// virtual machines, where waking an idle virtual CPU is an exit to the hypervisor.
    private func spinUntilReady(_ m: UnsafeMutableRawPointer) -> Bool {
        let until = ContinuousClock.now + Self.spinLimit
        var ready: Int32 = 0
        repeat {
            if curl_multi_poll(m, nil, 0, 0, &ready) != CURLM_OK { return false }
            if ready > 0 || lock.withLock({ !commands.isEmpty }) { return true }
        } while ContinuousClock.now < until
        return false
    }

    private static let spinLimit: Duration = .microseconds(100)
    /// The most transfers in flight at which the loop still spins (see ``spinUntilReady(_:)``).
    private static let spinMaxTransfers = 2

    /// Whether `easy` has not begun sending its request: it is still waiting, in curl's queue, for one of the
    /// connections the per-host limit allows, or still resolving or connecting.
    private static func notSent(_ easy: OpaquePointer) -> Bool {
        var pretransfer: curl_off_t = 0
        let code = pipe_curl_easy_getinfo_offset(UnsafeMutableRawPointer(easy), CURLINFO_PRETRANSFER_TIME_T, &pretransfer)
        return code == CURLE_OK && pretransfer == 0
    }

    /// The error of a request whose time ran out before it was sent.
    private func timedOutBeforeSending(_ transfer: Transfer) -> PipeError {
        CurlError.timedOutBeforeConnecting(
            host: transfer.request.url.host ?? "the host", port: transfer.request.url.port,
            limit: transfer.settings.requestTimeout, maxConnectionsPerHost: maxConnectionsPerHost,
            detail: transfer.errorDetail)
    }

    /// Ends the transfers whose request timeout passed while they waited for a connection, and returns how long
    /// the loop may sleep before the next one is due (at most a second).
    ///
    /// curl counts the wait in its queue against `CURLOPT_TIMEOUT` but acts on it only once a connection frees
    /// up, so a request queued behind long-lived ones would outlive its timeout by as long as they last.
    private func expireQueuedTransfers() -> Int32 {
        let now = ContinuousClock.now
        guard let due = nextQueueDeadline else { return 1000 }
        if due > now { return Self.milliseconds(until: due, from: now) }
        nextQueueDeadline = nil
        for transfer in Array(transfers.values) {
            guard let deadline = transfer.queueDeadline, let easy = transfer.easy, Self.notSent(easy) else {
                transfer.queueDeadline = nil  // sending: curl's own timeout covers it from here
                continue
            }
            if deadline <= now {
                release(transfer)
                transfer.finish(.failure(timedOutBeforeSending(transfer)))
            } else {
                nextQueueDeadline = min(nextQueueDeadline ?? deadline, deadline)
            }
        }
        return nextQueueDeadline.map { Self.milliseconds(until: $0, from: now) } ?? 1000
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant, from now: ContinuousClock.Instant) -> Int32 {
        Int32(clamping: min(1000, max(1, (deadline - now).milliseconds)))
    }

    private func abort(_ transfer: Transfer, reason: CurlError.AbortReason) {
        guard transfers[transfer.id] != nil else { return }
        release(transfer)
        transfer.finish(.failure(CurlError.error(for: reason)))
    }

    /// Removes the easy handle from the multi handle and keeps it for another transfer (or frees it), and frees the
    /// header list. A `clean` handle (its transfer completed, never paused) keeps its options: the next transfer
    /// sets every per-request one again (``CurlEasy/make(for:client:reusing:)``). Any other is reset first.
    private func release(_ transfer: Transfer, clean: Bool = false) {
        if let easy = transfer.easy {
            let handle = UnsafeMutableRawPointer(easy)
            curl_multi_remove_handle(UnsafeMutableRawPointer(multi), handle)
            if idleHandles.count < Self.maxIdleHandles {
                if clean {
                    // The error buffer goes with the transfer; the other pointers into it are only used by
                    // callbacks, which an idle handle never calls, and the next transfer sets them all again.
                    _ = pipe_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, nil)
                } else {
                    curl_easy_reset(handle)  // drops every option and pointer into the transfer
                }
                idleHandles.append(CurlEasy.IdleHandle(handle: handle, configured: clean))
            } else {
                curl_easy_cleanup(handle)
            }
            transfer.easy = nil
        }
        if let list = transfer.headerList {
            curl_slist_free_all(list)
            transfer.headerList = nil
        }
        transfers[transfer.id] = nil
        activeTransfers.store(transfers.count, ordering: .relaxed)
    }
}

private func curl_easy_getinfo_private(_ handle: UnsafeMutableRawPointer, _ value: inout UnsafeMutableRawPointer?)
    -> CURLcode
{
    var pointer: UnsafeMutablePointer<CChar>?
    let code = pipe_curl_easy_getinfo_string(handle, CURLINFO_PRIVATE, &pointer)
    value = pointer.map { UnsafeMutableRawPointer($0) }
    return code
}
