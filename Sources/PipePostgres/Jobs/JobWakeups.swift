import Foundation
import PostgresNIO
import Synchronization

/// Wakes idle workers when a commit makes a job ready: one pooled connection per process `LISTEN`s on the queue's
/// channel and wakes every waiter at each notification.
///
/// A notification is a hint, never the only way a job is found: a waiter's timeout bounds how long a lost
/// notification (the listening connection broke, the database restarted) can delay a job. A notification that
/// arrives while no worker waits is remembered, so a worker that was busy claiming when it came does not sleep
/// past it.
final class JobWakeups: Sendable {
    private let database: PostgresDatabase
    private let channel: String
    private let board = WakeBoard()
    /// Started by the first wait: a process that never waits for jobs (a gateway-only replica) never listens.
    private let listener = Mutex<NotificationListener?>(nil)
    private let stopped = Mutex(false)

    init(database: PostgresDatabase, channel: String) {
        self.database = database
        self.channel = channel
    }

    /// Stops listening and releases every waiter.
    func stop() {
        stopped.withLock { $0 = true }
        listener.withLock { $0?.stop() }
        board.wakeAll()
    }

    /// Returns at the next notification, or after `timeout`.
    func wait(upTo timeout: Duration) async {
        listener.withLock { listener in
            guard listener == nil, !stopped.withLock({ $0 }) else { return }
            // One new job needs one worker: waking every idle worker for each would have them all race to claim
            // it. After a (re)subscription (`nil`) jobs may have come unannounced, so everyone looks.
            listener = NotificationListener(database: database, channel: channel) { [board] payload in
                if payload == nil { board.wakeAll() } else { board.wakeOne() }
            }
        }
        await board.wait(upTo: timeout)
    }
}

/// The waiting workers and whether a wake-up came while none waited.
final class WakeBoard: Sendable {
    private enum Waiter {
        case reserved
        case waiting(CheckedContinuation<Void, Never>)
        case fired
    }

    private struct State {
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
        var pending = false
    }

    private let state = Mutex(State())

    /// Returns at the next ``wakeAll()`` (or at once for one that came while nobody waited), or after `timeout`.
    func wait(upTo timeout: Duration) async {
        let id: Int? = state.withLock { state in
            if state.pending {
                state.pending = false
                return nil
            }
            state.nextWaiter &+= 1
            state.waiters[state.nextWaiter] = .reserved
            return state.nextWaiter
        }
        guard let id else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Woken first, or the waiting task was cancelled: either way the waiter must not outlive this.
                try? await Task.sleep(for: timeout)
                self.fire(id)
            }
            await withCheckedContinuation { continuation in
                let firedAlready = state.withLock { state in
                    if case .fired = state.waiters[id] {
                        state.waiters[id] = nil
                        return true
                    }
                    state.waiters[id] = .waiting(continuation)
                    return false
                }
                if firedAlready { continuation.resume() }
            }
            group.cancelAll()
        }
    }

    private func fire(_ id: Int) {
        let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
            switch state.waiters[id] {
            case .reserved:
                state.waiters[id] = .fired
                return nil
            case .waiting(let continuation):
                state.waiters[id] = nil
                return continuation
            case .fired, nil:
                return nil
            }
        }
        continuation?.resume()
    }

    /// Wakes the longest-waiting waiter; with none waiting, the next ``wait(upTo:)`` returns at once.
    func wakeOne() {
        let id: Int? = state.withLock { state in
            let waiting = state.waiters.filter { if case .fired = $0.value { false } else { true } }.keys
            guard let first = waiting.min() else {
                state.pending = true
                return nil
            }
            return first
        }
        if let id { fire(id) }
    }

    /// Wakes every waiter; with none waiting, the next ``wait(upTo:)`` returns at once.
    func wakeAll() {
        let ids = state.withLock { state in
            if state.waiters.isEmpty { state.pending = true }
            return Array(state.waiters.keys)
        }
        for id in ids { fire(id) }
    }
}
