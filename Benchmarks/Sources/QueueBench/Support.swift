import Foundation
import PipeCore
import PipePostgres
import Synchronization

/// Enqueue→start delays in seconds, from many workers.
final class LatencyLog: Sendable {
    private let values = Mutex<[Double]>([])
    func record(_ delays: [Double]) { values.withLock { $0 += delays } }
    func sorted() -> [Double] { values.withLock { $0.sorted() } }
}

/// Tells the latency workers to stop.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}

/// `count` workers that wait on NOTIFY when idle, claim up to `batch` jobs, note how long each waited since it was
/// enqueued, and complete them, until `stop` is set.
func idleWorkers(
    queue: PostgresJobQueue, count: Int, batch: Int, latencies: LatencyLog, stop: StopFlag
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<count {
            group.addTask {
                while !stop.isSet {
                    let leases = try await queue.claim(limit: batch, leaseDuration: .seconds(60))
                    if !leases.isEmpty {
                        let started = Date()
                        latencies.record(leases.map { started.timeIntervalSince($0.job.createdAt) })
                        _ = try await queue.complete(leases)
                    }
                    // A short batch means the queue ran dry: wait for the next announcement (one that came while
                    // this worker was busy is remembered) rather than asking again at once.
                    if leases.count < batch { await queue.waitForJobs(upTo: .seconds(1)) }
                }
            }
        }
        try await group.waitForAll()
    }
}
