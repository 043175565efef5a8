import Foundation
import PipeCore
import PipePipeline
import PipePostgres
import PipeTestSupport
import Testing

/// What only the PostgreSQL queue does: batch claims, wake-ups by `NOTIFY`, several pools (as several replicas)
/// sharing one queue, and migrations run by replicas at once.
@Suite("PostgreSQL job queue", .enabled(if: TestPostgres.enabled))
struct PostgresQueueTests {
    let pipeline = PipelineID.random()

    /// Opens `count` pools on one fresh schema, migrated, as `count` replicas would.
    func replicas(_ count: Int, schema: String = TestPostgres.freshSchema()) async throws -> [PostgresDatabase] {
        let url = try TestPostgres.requireURL()
        var databases: [PostgresDatabase] = []
        for _ in 0..<count {
            databases.append(try await PostgresDatabase.open(url: url, schema: schema, maxConnections: 4))
        }
        return databases
    }

    @Test("replicas migrating at once apply each migration exactly once; a newer schema is refused")
    func concurrentMigrations() async throws {
        let databases = try await replicas(4)
        defer { databases.forEach { $0.close() } }
        let applied = try await withThrowingTaskGroup(of: [String].self) { group in
            for database in databases { group.addTask { try await PostgresMigrator.migrate(database) } }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(!applied.isEmpty && Set(applied).count == applied.count)
        #expect(try await PostgresMigrator.migrate(databases[0]).isEmpty)

        try await PostgresMigrator.recordForTesting("pipe_from_the_future_v99", in: databases[1])
        await #expect(throws: PipeError.self) { try await PostgresMigrator.migrate(databases[2]) }
    }

    @Test("queues on separate pools claim each job exactly once, in batches")
    func batchClaimsAcrossReplicas() async throws {
        let databases = try await replicas(3)
        defer { databases.forEach { $0.close() } }
        try await PostgresMigrator.migrate(databases[0])
        let queues = databases.map { PostgresJobQueue(database: $0) }
        defer { queues.forEach { $0.close() } }
        for n in 0..<600 { _ = try await queues[n % 3].enqueue(pipeline: pipeline, payload: ["n": .int(n)]) }
        let claimed = try await withThrowingTaskGroup(of: [JSONValue].self) { group in
            for worker in 0..<6 {
                let queue = queues[worker % 3]
                group.addTask {
                    var mine: [JSONValue] = []
                    while true {
                        let leases = try await queue.claim(limit: 25, leaseDuration: .seconds(30))
                        if leases.isEmpty { return mine }
                        #expect(leases.count <= 25)
                        for lease in leases {
                            mine.append(lease.payload)
                            _ = try await queue.complete(lease)
                        }
                    }
                }
            }
            return try await group.reduce(into: [JSONValue]()) { $0 += $1 }
        }
        #expect(claimed.count == 600 && Set(claimed).count == 600)
        #expect(try await queues[1].stats() == JobQueueStats(queued: 0, retrying: 0, running: 0, deadLettered: 0, oldestReadyAt: nil))
        await #expect(throws: PipeError.self) { _ = try await queues[0].claim(limit: 0, leaseDuration: .seconds(1)) }
    }

    @Test("the same idempotency key sent to two replicas at once makes one job")
    func idempotencyAcrossReplicas() async throws {
        let databases = try await replicas(2)
        defer { databases.forEach { $0.close() } }
        try await PostgresMigrator.migrate(databases[0])
        let queues = databases.map { PostgresJobQueue(database: $0) }
        defer { queues.forEach { $0.close() } }
        let ids = try await withThrowingTaskGroup(of: JobID.self) { group in
            for n in 0..<20 {
                group.addTask {
                    try await queues[n % 2].enqueue(pipeline: pipeline, payload: ["same": true], idempotencyKey: "once").id
                }
            }
            return try await group.reduce(into: Set<JobID>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        #expect(try await queues[0].stats().queued == 1)
    }

    @Test("an idle worker is woken by a commit on another replica, long before its poll timeout")
    func notificationsWakeWorkers() async throws {
        let databases = try await replicas(2)
        defer { databases.forEach { $0.close() } }
        try await PostgresMigrator.migrate(databases[0])
        let worker = PostgresJobQueue(database: databases[0])
        let gateway = PostgresJobQueue(database: databases[1])
        defer { [worker, gateway].forEach { $0.close() } }
        // The first wait starts the worker's listener; let it subscribe, then drain the wake-up its subscription
        // leaves for nobody.
        await worker.waitForJobs(upTo: .milliseconds(1))
        try await Task.sleep(for: .milliseconds(300))
        await worker.waitForJobs(upTo: .milliseconds(1))
        for _ in 0..<3 {
            let started = ContinuousClock.now
            async let woken: Void = worker.waitForJobs(upTo: .seconds(60))
            try await Task.sleep(for: .milliseconds(50))
            _ = try await gateway.enqueue(pipeline: pipeline, payload: [:])
            await woken
            // A poll would have slept the whole minute; the notification ends the wait within moments.
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(try await worker.claim(leaseDuration: .seconds(5)) != nil)
        }
    }

    @Test("a worker that stops renewing loses its job to another replica, which runs it again")
    func leaseRecoveryAcrossReplicas() async throws {
        let clock = ManualClock()
        let databases = try await replicas(2)
        defer { databases.forEach { $0.close() } }
        try await PostgresMigrator.migrate(databases[0])
        let dead = PostgresJobQueue(database: databases[0], now: { clock.now })
        let alive = PostgresJobQueue(database: databases[1], now: { clock.now })
        defer { [dead, alive].forEach { $0.close() } }
        let job = try await alive.enqueue(pipeline: pipeline, payload: ["n": 1])
        let lost = try #require(try await dead.claim(leaseDuration: .seconds(10)))
        #expect(try await alive.claim(leaseDuration: .seconds(10)) == nil)
        clock.advance(11)
        #expect(try await alive.stats().retrying == 1)
        let again = try #require(try await alive.claim(leaseDuration: .seconds(10)))
        #expect(again.job.id == job.id && again.job.attempts == 2 && again.job.error == "the lease expired")
        await #expect(throws: PipeError.self) { _ = try await dead.complete(lost) }
        #expect(try await alive.complete(again).state == .succeeded)
    }

    @Test("a one-time step runs once across replicas starting together; one that fails runs again next time")
    func onceAcrossReplicas() async throws {
        let databases = try await replicas(4)
        defer { databases.forEach { $0.close() } }
        try await PostgresMigrator.migrate(databases[0])
        let runs = try await withThrowingTaskGroup(of: Int?.self) { group in
            for (index, database) in databases.enumerated() {
                group.addTask {
                    try await database.once("first-admin") { () throws(PipeError) in
                        try? await Task.sleep(for: .milliseconds(50))  // long enough for the others to arrive
                        return index
                    }
                }
            }
            return try await group.reduce(into: [Int?]()) { $0.append($1) }
        }
        #expect(runs.compactMap { $0 }.count == 1)
        await #expect(throws: PipeError.self) {
            _ = try await databases[1].once("flaky") { () throws(PipeError) -> Int in
                throw PipeError(.unavailable, "the step failed")
            }
        }
        #expect(try await databases[2].once("flaky") { () throws(PipeError) in 7 } == 7)
        #expect(try await databases[3].once("flaky") { () throws(PipeError) in 8 } == nil)
    }

    @Test("malformed database URLs and schema names are refused before connecting")
    func settings() async throws {
        for url in ["", "http://x/y", "postgres://127.0.0.1/db", "postgres://u@/db", "postgres://u@h:99999/db",
                    "postgres://u@h/", "postgres://u@h/db?sslmode=sometimes"] {
            await #expect(throws: PipeError.self, "\(url)") { _ = try await PostgresDatabase.open(url: url) }
        }
        let url = try TestPostgres.requireURL()
        for schema in ["", "Public", "a-b", "x; DROP TABLE y", String(repeating: "a", count: 64)] {
            await #expect(throws: PipeError.self, "\(schema)") {
                _ = try await PostgresDatabase.open(url: url, schema: schema)
            }
        }
    }
}
