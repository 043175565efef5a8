import Foundation
import PipeClient
import PipeCore
import PipeTestSupport
import Synchronization
import Testing

/// A scaled-out deployment for real: two `pipe serve` gateways and two `pipe worker` processes on one PostgreSQL
/// cluster of the test's own, sharing one object directory.
@Suite("Scale-out on PostgreSQL", .enabled(if: TestPostgres.enabled), .serialized)
struct ScaleOutTests {
    static let jobCount = 10_000
    static let workerKills = 20

    static func definition(_ n: Int) -> JSONValue {
        [
            "name": "scale-out", "source": ["type": "caller"],
            "steps": [["type": "map", "expression": "{n: n, twice: n * `2`}"]],
            "sink": ["type": "storage", "bucket": "out", "key": .string("job-\(n).jsonl")],
        ]
    }

    /// Submits job `n` until a gateway accepts it: the same idempotency key makes every retry the same job, so a
    /// submission cut off by a crash is never queued twice.
    static func submit(_ n: Int, through client: PipeClient) async throws -> JobID {
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            do {
                return try await client.jobs.submit(definition(n), input: [["n": .int(n)]], idempotencyKey: "job-\(n)").id
            } catch {
                guard error.code == .unavailable || error.code == .rateLimited, ContinuousClock.now < deadline else {
                    throw error
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    @Test("10,000 jobs through two gateways and two workers, 20 worker kills and a database crash: each done once")
    func killedWorkersAndDatabase() async throws {
        let cluster = try PostgresCluster()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-scale-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = [
            "PIPE_DATABASE_URL": cluster.url, "PIPE_WORKERS": "false", "PIPE_JOB_LEASE_SECONDS": "2",
            "PIPE_RATE_LIMIT_PER_MINUTE": "1000000", "PIPE_LOG_LEVEL": "warning",
        ]
        let migrated = try CommandRunner(product: "pipe").run(["migrate", "--database", cluster.url])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let gateways = [
            try ServeProcess.start(directory: directory, environment: environment),
            try ServeProcess.start(directory: directory, environment: environment),
        ]
        let key = try #require(gateways[0].adminKey)
        #expect(gateways[1].adminKey == nil, "the second replica finds the admin the first made")
        var opened: [PipeClient] = []
        for gateway in gateways {
            opened.append(try await PipeClient.remote(try #require(URL(string: gateway.baseURL)), credentials: .apiKey(key)))
        }
        let clients = opened
        defer { for client in clients { Task { await client.shutdown() } } }
        _ = try await clients[0].storage.createBucket(try BucketName("out"))

        // Jobs watched on the gateway they were not submitted to, before any worker runs: their events can only
        // arrive through the database.
        let watchedIDs = try await (0..<10).asyncMap { n in try await Self.submit(n, through: clients[0]) }
        let watchers = Task { [client = clients[1]] in
            try await withThrowingTaskGroup(of: JobState?.self) { group in
                for id in watchedIDs {
                    group.addTask {
                        var last: JobState?
                        for try await event in try await client.jobs.events(id) {
                            if case .state(let state) = event { last = state }
                        }
                        return last
                    }
                }
                return try await group.reduce(into: [JobState?]()) { $0.append($1) }
            }
        }
        try await Task.sleep(for: .milliseconds(500))

        var workerEnvironment = environment
        workerEnvironment["PIPE_DIRECTORY"] = directory
        workerEnvironment["PIPE_WORKERS"] = nil
        let workers = WorkerSlots([
            try WorkerProcess(concurrency: 8, environment: workerEnvironment),
            try WorkerProcess(concurrency: 8, environment: workerEnvironment),
        ])
        let chaos = Task {
            for kill in 0..<Self.workerKills {
                try await Task.sleep(for: .milliseconds(1_500))
                let slot = kill % 2
                workers.slots.withLock { $0[slot].kill() }
                if kill == Self.workerKills / 2 {
                    try cluster.crash()
                    try await Task.sleep(for: .seconds(1))
                    try cluster.start()
                }
                let replacement = try WorkerProcess(concurrency: 8, environment: workerEnvironment)
                workers.slots.withLock { $0[slot] = replacement }
            }
        }
        // Submissions through both gateways at once, 16 at a time.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<16 {
                group.addTask {
                    var n = 10 + lane
                    while n < Self.jobCount {
                        _ = try await Self.submit(n, through: clients[n % 2])
                        n += 16
                    }
                }
            }
            try await group.waitForAll()
        }
        try await chaos.value

        // Everything finishes: no job left queued, retrying or running.
        let deadline = ContinuousClock.now + .seconds(600)
        var unfinished = -1
        while ContinuousClock.now < deadline {
            unfinished = Int(try cluster.psql(
                "SELECT count(*) FROM pipe_jobs WHERE state IN ('queued', 'retrying', 'running')")) ?? -1
            if unfinished == 0 { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(unfinished == 0)
        workers.slots.withLock { $0.forEach { $0.stop() } }

        // Every job succeeded, once each: one job per key, none lost, none made twice.
        let states = try cluster.psql("SELECT state || '=' || count(*) FROM pipe_jobs GROUP BY state")
        #expect(states == "succeeded=\(Self.jobCount)")
        let rerun = try cluster.psql("SELECT count(*) FROM pipe_jobs WHERE attempts > 1")
        print("scale-out: \(Self.jobCount) jobs, \(rerun) of them run again after a kill or the crash")

        // The output shows each job's effect exactly once: one object per job, holding that job's record.
        var keys: [String] = []
        var cursor: String?
        repeat {
            let page = try await clients[1].storage.listObjects(
                in: try BucketName("out"), prefix: "", limit: 1000, cursor: cursor)
            keys += page.items.map(\.key.rawValue)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(Set(keys) == Set((0..<Self.jobCount).map { "job-\($0).jsonl" }) && keys.count == Self.jobCount)
        let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for n in stride(from: lane, to: Self.jobCount, by: 8) {
                        let object = try await clients[n % 2].storage.getObject(
                            in: try BucketName("out"), at: try ObjectKey("job-\(n).jsonl"))
                        let lines = String(decoding: object.bytes, as: UTF8.self).split(separator: "\n")
                        let record = try lines.first.map { try JSONValue(parsing: Array($0.utf8)) }
                        if lines.count != 1 || record != ["n": .int(n), "twice": .int(2 * n)] { wrong += 1 }
                    }
                    return wrong
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(wrong == 0)

        // The watchers on the other gateway saw their jobs through to the end.
        let watched = try await watchers.value
        #expect(watched.count == watchedIDs.count && watched.allSatisfy { $0 == .succeeded })
        for gateway in gateways { gateway.stop() }
    }
}

extension Sequence where Element: Sendable {
    /// Maps in order, one element at a time.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

/// The worker processes running now, replaced as the test kills them.
final class WorkerSlots: Sendable {
    let slots: Mutex<[WorkerProcess]>

    init(_ workers: [WorkerProcess]) {
        slots = Mutex(workers)
    }
}
