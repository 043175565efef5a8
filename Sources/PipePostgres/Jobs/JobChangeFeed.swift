import Foundation
import PipeCore
import Synchronization

/// Jobs changed by any process sharing the queue, as they commit: the queue's state changes send
/// `NOTIFY pipe_job_events, '<job id>'`, and one listener per process fans them out to every subscriber (each
/// replica's job runner, which follows the jobs its clients watch).
///
/// Like every notification this is a hint: a change committed while the listener was reconnecting is missed, so
/// subscribers also hear an empty "something may have changed" after each reconnection (`nil`).
final class JobChangeFeed: Sendable {
    static let channel = "pipe_job_events"

    private let database: PostgresDatabase
    private let subscribers = Subscribers()
    /// Started by the first subscriber: a process nobody watches jobs through (a worker) never listens.
    private let listener = Mutex<NotificationListener?>(nil)
    private let stopped = Mutex(false)
    /// A "reread everything" now and then, for notifications lost without the connection noticing (half-open).
    private let heartbeat = Mutex<Task<Void, Never>?>(nil)
    static let rereadInterval: Duration = .seconds(30)

    init(database: PostgresDatabase) {
        self.database = database
    }

    /// A stream of changed jobs (`nil`: changes may have been missed), until ``stop()``.
    func subscribe() -> AsyncStream<JobID?> {
        let stream = subscribers.add()
        listener.withLock { listener in
            guard listener == nil, !stopped.withLock({ $0 }) else { return }
            listener = NotificationListener(database: database, channel: Self.channel) { [subscribers] payload in
                subscribers.send(payload.flatMap { try? JobID($0) })
            }
            heartbeat.withLock { heartbeat in
                heartbeat = Task { [subscribers] in
                    while (try? await Task.sleep(for: Self.rereadInterval)) != nil { subscribers.send(nil) }
                }
            }
        }
        return stream
    }

    func stop() {
        stopped.withLock { $0 = true }
        listener.withLock { $0?.stop() }
        heartbeat.withLock { $0?.cancel() }
        subscribers.finishAll()
    }

    private final class Subscribers: Sendable {
        private let state = Mutex<(next: Int, streams: [Int: AsyncStream<JobID?>.Continuation])>((0, [:]))

        func add() -> AsyncStream<JobID?> {
            let (stream, continuation) = AsyncStream<JobID?>.makeStream(bufferingPolicy: .bufferingNewest(4096))
            let id = state.withLock { state in
                state.next += 1
                state.streams[state.next] = continuation
                return state.next
            }
            continuation.onTermination = { [weak self] _ in self?.remove(id) }
            return stream
        }

        private func remove(_ id: Int) {
            _ = state.withLock { $0.streams.removeValue(forKey: id) }
        }

        func send(_ id: JobID?) {
            for continuation in state.withLock({ Array($0.streams.values) }) {
                // A subscriber that fell behind lost the oldest changes: tell it to reread what it follows.
                if case .dropped = continuation.yield(id) { continuation.yield(nil) }
            }
        }

        func finishAll() {
            let streams = state.withLock { state in
                defer { state.streams = [:] }
                return Array(state.streams.values)
            }
            for continuation in streams { continuation.finish() }
        }
    }
}
