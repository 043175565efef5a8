// queue-bench: the PostgreSQL job queue's burn-down rate and its enqueue→start latency.
//
//     queue-bench URL [--jobs 100000] [--workers 8] [--batch 100] [--rate 500] [--seconds 10] [--no-job-events]
//
// 1. Inserts `jobs` no-op jobs (64 enqueues in flight) and prints `enqueue N/s`.
// 2. Burn-down: `workers` loops each claim up to `batch` jobs in one statement, "run" them (no-op), and complete the
//    batch in one statement, until the queue is empty; prints `burn-down N jobs/s`.
// 3. Latency: enqueues at a steady `rate` jobs/s for `seconds` while `workers` idle workers wait on NOTIFY
//    (`waitForJobs`); each job's start is the moment a worker's claim returns it; prints `latency p50/p99/max ms`.
//
// Each run uses a fresh schema (scripts/compare-queue.sh runs it on a throwaway cluster). The server's durability
// settings are printed first.
import Foundation
import PipeCore
import PipePostgres

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: queue-bench URL [--jobs N] [--workers N] [--batch N] [--rate N]\n".utf8))
    exit(2)
}
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1])
    else { return fallback }
    return value
}
let url = arguments[1]
let jobCount = option("--jobs", 100_000)
let workers = option("--workers", 8)
let batch = option("--batch", 100)
let rate = option("--rate", 500)
let seconds = option("--seconds", 10)
let schema = "bench_\(UInt32.random(in: 0...UInt32.max))"
let pipeline = try PipelineID("noop")

let database = try await PostgresDatabase.open(url: url, schema: schema, maxConnections: max(workers + 4, 16))
try await PostgresMigrator.migrate(database)
var options = PostgresJobQueue.Options()
options.jobEvents = !arguments.contains("--no-job-events")
let queue = PostgresJobQueue(database: database, options: options)
print("job events: \(options.jobEvents ? "on" : "off")")
let settings = try await database.serverSettings(["fsync", "synchronous_commit", "wal_sync_method", "full_page_writes"])
print("durability: " + settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))

func seconds(since start: ContinuousClock.Instant) -> Double {
    let (whole, fraction) = (ContinuousClock.now - start).components
    return Double(whole) + Double(fraction) / 1e18
}

// 1. Enqueue.
let enqueueStart = ContinuousClock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    for lane in 0..<64 {
        group.addTask {
            for _ in stride(from: lane, to: jobCount, by: 64) {
                _ = try await queue.enqueue(pipeline: pipeline, payload: [:])
            }
        }
    }
    try await group.waitForAll()
}
print("enqueue \(Int(Double(jobCount) / seconds(since: enqueueStart)))/s")

// 2. Burn-down.
let burnStart = ContinuousClock.now
let done = try await withThrowingTaskGroup(of: Int.self) { group in
    for _ in 0..<workers {
        group.addTask {
            var done = 0
            while true {
                let leases = try await queue.claim(limit: batch, leaseDuration: .seconds(60))
                if leases.isEmpty { return done }
                done += try await queue.complete(leases).count
            }
        }
    }
    var total = 0
    for try await count in group { total += count }
    return total
}
let burnSeconds = seconds(since: burnStart)
print("burn-down \(done) jobs in \(String(format: "%.2f", burnSeconds)) s: \(Int(Double(done) / burnSeconds)) jobs/s")

// 3. Latency at a steady rate.
let latencies = LatencyLog()
let enqueueLatencies = LatencyLog()
let stopWorkers = StopFlag()
let idle = Task { [queue] in
    try await idleWorkers(queue: queue, count: workers, batch: batch, latencies: latencies, stop: stopWorkers)
}
try await Task.sleep(for: .milliseconds(500))  // the listeners subscribe
let interval = Duration.nanoseconds(1_000_000_000 / max(1, rate))
let steadyStart = ContinuousClock.now
var next = steadyStart
for _ in 0..<(rate * seconds) {
    next += interval
    try await Task.sleep(until: next, clock: .continuous)
    Task {
        let began = ContinuousClock.now
        _ = try await queue.enqueue(pipeline: pipeline, payload: [:])
        enqueueLatencies.record([seconds(since: began)])
    }
}
try await Task.sleep(for: .seconds(2))
let enqueueSorted = enqueueLatencies.sorted()
if !enqueueSorted.isEmpty {
    print(String(format: "enqueue call at that rate: p50 %.2f ms, p99 %.2f ms", enqueueSorted[enqueueSorted.count / 2] * 1000,
        enqueueSorted[min(enqueueSorted.count - 1, enqueueSorted.count * 99 / 100)] * 1000))
}
stopWorkers.set()
queue.close()
_ = try? await idle.value
let sorted = latencies.sorted()
func percentile(_ p: Double) -> Double {
    sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000
}
print(
    String(
        format: "latency at %d jobs/s (%d jobs): p50 %.2f ms, p99 %.2f ms, max %.2f ms", rate, sorted.count,
        percentile(0.5), percentile(0.99), (sorted.last ?? .nan) * 1000))
database.close()
