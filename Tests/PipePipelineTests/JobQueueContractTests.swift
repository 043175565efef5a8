import Foundation
import PipeCore
import PipePipeline
import PipePostgres
import PipeTestSupport
import Testing

/// A clock tests move by hand.
final class ManualClock: @unchecked Sendable {
    // @unchecked Sendable: `date` is read and written only under `lock`.
    private let lock = NSLock()
    private var date = Date(timeIntervalSince1970: 1_800_000_000)
    var now: Date { lock.withLock { date } }
    func advance(_ seconds: TimeInterval) { lock.withLock { date = date.addingTimeInterval(seconds) } }
}

/// A queue under test, with its SQLite file (if any) removed, or its PostgreSQL pool closed, when the fixture goes.
final class QueueFixture: Sendable {
    let queue: any JobQueue
    let path: String?
    let database: PostgresDatabase?

    init(_ kind: String, clock: ManualClock = ManualClock(), maxJobs: Int = 1_000_000) async throws {
        path = kind == "sqlite"
            ? FileManager.default.temporaryDirectory.appendingPathComponent("pipe-jobs-\(UUID().uuidString).sqlite").path
            : nil
        switch kind {
        case "sqlite":
            database = nil
            queue = try SQLiteJobQueue(path: path ?? "", maxJobs: maxJobs, now: { clock.now })
        case "postgres":
            let database = try await PostgresDatabase.open(
                url: try TestPostgres.requireURL(), schema: TestPostgres.freshSchema(), maxConnections: 8)
            try await PostgresMigrator.migrate(database)
            var options = PostgresJobQueue.Options()
            options.maxJobs = maxJobs
            self.database = database
            queue = PostgresJobQueue(database: database, options: options, now: { clock.now })
        default:
            database = nil
            queue = InMemoryJobQueue(maxJobs: maxJobs, now: { clock.now })
        }
    }

    deinit {
        (queue as? PostgresJobQueue)?.close()
        database?.close()
        guard let path else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// The `JobQueue` contract, run against every embedded implementation.
@Suite("Job queue contract")
struct JobQueueContractTests {
    let pipeline = PipelineID.random()
    static let kinds = TestPostgres.kinds(["memory", "sqlite"])

    func code(_ body: () async throws -> Void) async -> PipeError.Code? {
        do {
            try await body()
            return nil
        } catch {
            return (error as? PipeError)?.code
        }
    }

    @Test("jobs are claimed in order, leased, and completed", arguments: kinds)
    func lifecycle(kind: String) async throws {
        let fixture = try await QueueFixture(kind)
        let queue = fixture.queue
        let first = try await queue.enqueue(pipeline: pipeline, payload: ["n": 1])
        let second = try await queue.enqueue(pipeline: pipeline, payload: ["n": 2])
        #expect(first.state == .queued)

        let lease = try #require(try await queue.claim(leaseDuration: .seconds(30)))
        #expect(lease.job.id == first.id && lease.job.state == .running && lease.job.attempts == 1)
        #expect(lease.payload == ["n": 1])
        let next = try #require(try await queue.claim(leaseDuration: .seconds(30)))
        #expect(next.job.id == second.id)
        #expect(try await queue.claim(leaseDuration: .seconds(30)) == nil)

        let done = try await queue.complete(lease)
        #expect(done.state == .succeeded)
        #expect(await code { _ = try await queue.complete(lease) } == .conflict)
        #expect(try await queue.job(first.id).state == .succeeded)
    }

    @Test("an expired lease makes the job claimable again, and the old holder loses it", arguments: kinds)
    func leaseExpiry(kind: String) async throws {
        let clock = ManualClock()
        let fixture = try await QueueFixture(kind, clock: clock)
        let queue = fixture.queue
        let job = try await queue.enqueue(pipeline: pipeline, payload: nil)
        let crashed = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        clock.advance(5)
        let renewed = try await queue.renew(crashed, leaseDuration: .seconds(10))
        clock.advance(9)
        #expect(try await queue.claim(leaseDuration: .seconds(10)) == nil)  // still held after renewal
        clock.advance(2)
        let retaken = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        #expect(retaken.job.id == job.id && retaken.job.attempts == 2)
        #expect(await code { _ = try await queue.complete(renewed) } == .conflict)
        #expect(try await queue.complete(retaken).state == .succeeded)
    }

    @Test("failures retry after their delay, or end as dead letters that can be replayed", arguments: kinds)
    func failures(kind: String) async throws {
        let clock = ManualClock()
        let fixture = try await QueueFixture(kind, clock: clock)
        let queue = fixture.queue
        _ = try await queue.enqueue(pipeline: pipeline, payload: nil)
        let first = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        let retrying = try await queue.fail(first, error: "flaky", retryAfter: .seconds(60))
        #expect(retrying.state == .retrying && retrying.error == "flaky")
        #expect(try await queue.claim(leaseDuration: .seconds(10)) == nil)
        clock.advance(61)
        let second = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        #expect(second.job.attempts == 2)
        let dead = try await queue.fail(second, error: "broken", retryAfter: nil)
        #expect(dead.state == .deadLettered && dead.error == "broken")
        #expect(try await queue.claim(leaseDuration: .seconds(10)) == nil)
        #expect(try await queue.deadLetters(limit: 10).map(\.id) == [dead.id])
        #expect(try await queue.stats().deadLettered == 1)

        let replayed = try await queue.replay(dead.id)
        #expect(replayed.id != dead.id && replayed.state == .queued && replayed.pipeline == dead.pipeline)
        let again = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        #expect(again.job.id == replayed.id && again.payload == second.payload)
        #expect(await code { _ = try await queue.replay(replayed.id) } == .conflict)
    }

    @Test("listings filter by owner, state and pipeline, newest first, a page at a time", arguments: kinds)
    func listing(kind: String) async throws {
        let fixture = try await QueueFixture(kind)
        let queue = fixture.queue
        let alice = try UserID("alice")
        let bob = try UserID("bob")
        let other = try PipelineID("other")
        var mine: [Job] = []
        for number in 0..<5 {
            mine.append(
                try await queue.enqueue(
                    pipeline: number == 2 ? other : pipeline, payload: ["n": .number(.int(Int64(number)))],
                    idempotencyKey: nil, owner: alice))
        }
        _ = try await queue.enqueue(pipeline: pipeline, payload: [:], idempotencyKey: nil, owner: bob)
        let lease = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        #expect(lease.job.id == mine[0].id)

        let first = try await queue.jobs(matching: JobFilter(owner: alice), limit: 2, cursor: nil)
        #expect(first.items.map(\.id) == [mine[4].id, mine[3].id])
        let second = try await queue.jobs(matching: JobFilter(owner: alice), limit: 2, cursor: first.nextCursor)
        #expect(second.items.map(\.id) == [mine[2].id, mine[1].id])
        let last = try await queue.jobs(matching: JobFilter(owner: alice), limit: 2, cursor: second.nextCursor)
        #expect(last.items.map(\.id) == [mine[0].id] && last.nextCursor == nil)

        #expect(try await queue.jobs(matching: JobFilter(owner: alice, state: .running), limit: 10, cursor: nil).items.map(\.id) == [mine[0].id])
        #expect(try await queue.jobs(matching: JobFilter(pipeline: other), limit: 10, cursor: nil).items.map(\.id) == [mine[2].id])
        #expect(try await queue.jobs(matching: JobFilter(owner: bob), limit: 10, cursor: nil).items.count == 1)
        #expect(try await queue.jobs(matching: JobFilter(), limit: 10, cursor: nil).items.count == 6)
        #expect(await code { _ = try await queue.jobs(matching: JobFilter(), limit: 0, cursor: nil) } == .invalidArgument)
        #expect(await code { _ = try await queue.jobs(matching: JobFilter(), limit: 1001, cursor: nil) } == .invalidArgument)
        #expect(await code { _ = try await queue.jobs(matching: JobFilter(), limit: 5, cursor: "x1") } == .invalidArgument)
    }

    @Test("an idempotency key makes a second submission return the first job", arguments: kinds)
    func idempotency(kind: String) async throws {
        let fixture = try await QueueFixture(kind)
        let queue = fixture.queue
        let first = try await queue.enqueue(pipeline: pipeline, payload: ["n": 1.5, "s": "é"], idempotencyKey: "order-42")
        let lease = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        let second = try await queue.enqueue(pipeline: pipeline, payload: ["n": 1.5, "s": "é"], idempotencyKey: "order-42")
        #expect(second.id == first.id && second.state == .running)
        let other = try await queue.enqueue(pipeline: pipeline, payload: ["n": 3], idempotencyKey: "order-43")
        #expect(other.id != first.id)
        _ = try await queue.complete(lease)
        #expect(
            try await queue.enqueue(pipeline: pipeline, payload: ["n": 1.5, "s": "é"], idempotencyKey: "order-42").state
                == .succeeded)
        // The same key for another request is refused, naming the job the key made.
        let reused = await pipeError {
            _ = try await queue.enqueue(pipeline: pipeline, payload: ["n": 2], idempotencyKey: "order-42")
        }
        #expect(reused?.code == .idempotencyKeyReused && reused?.details["job"] == first.id.rawValue)
        #expect(
            await code {
                _ = try await queue.enqueue(
                    pipeline: try PipelineID("other"), payload: ["n": 1.5, "s": "é"], idempotencyKey: "order-42")
            } == .idempotencyKeyReused)
        #expect(
            await code { _ = try await queue.enqueue(pipeline: pipeline, payload: nil, idempotencyKey: "") }
                == .invalidArgument)
        let long = String(repeating: "k", count: 513)
        #expect(
            await code { _ = try await queue.enqueue(pipeline: pipeline, payload: nil, idempotencyKey: long) }
                == .invalidArgument)
    }

    @Test("the owner a job is enqueued with stays on its record through its life and a replay", arguments: kinds)
    func owner(kind: String) async throws {
        let fixture = try await QueueFixture(kind)
        let queue = fixture.queue
        let ada = try UserID("ada")
        let owned = try await queue.enqueue(pipeline: pipeline, payload: nil, idempotencyKey: nil, owner: ada)
        let anonymous = try await queue.enqueue(pipeline: pipeline, payload: nil)
        #expect(owned.owner == ada && anonymous.owner == nil)
        #expect(try await queue.job(owned.id).owner == ada)
        let lease = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        #expect(lease.job.owner == ada)
        let failed = try await queue.fail(lease, error: "boom", retryAfter: nil)
        #expect(failed.owner == ada)
        if failed.state == .deadLettered {
            #expect(try await queue.replay(owned.id).owner == ada)
        }
    }

    @Test("stats count jobs by state and date the oldest ready one", arguments: kinds)
    func stats(kind: String) async throws {
        let clock = ManualClock()
        let fixture = try await QueueFixture(kind, clock: clock)
        let queue = fixture.queue
        let enqueuedAt = clock.now
        for n in 0..<3 { _ = try await queue.enqueue(pipeline: pipeline, payload: .int(n)) }
        clock.advance(5)
        let lease = try #require(try await queue.claim(leaseDuration: .seconds(60)))
        _ = try await queue.fail(lease, error: "later", retryAfter: .seconds(30))
        let stats = try await queue.stats()
        #expect(stats.queued == 2 && stats.retrying == 1 && stats.running == 0 && stats.deadLettered == 0)
        #expect(stats.oldestReadyAt == enqueuedAt)
    }

    @Test("cancellation, unknown jobs, bad leases and the size limit", arguments: kinds)
    func edges(kind: String) async throws {
        let fixture = try await QueueFixture(kind, maxJobs: 2)
        let queue = fixture.queue
        let a = try await queue.enqueue(pipeline: pipeline, payload: nil)
        _ = try await queue.enqueue(pipeline: pipeline, payload: nil)
        #expect(await code { _ = try await queue.enqueue(pipeline: pipeline, payload: nil) } == .limitExceeded)
        #expect(try await queue.cancel(a.id).state == .cancelled)
        #expect(await code { _ = try await queue.cancel(a.id) } == .conflict)
        #expect(await code { _ = try await queue.job(JobID.random()) } == .jobNotFound)
        #expect(await code { _ = try await queue.claim(leaseDuration: .zero) } == .invalidArgument)
        let lease = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        #expect(lease.job.id != a.id)
        _ = try await queue.cancel(lease.job.id)
        #expect(await code { _ = try await queue.renew(lease, leaseDuration: .seconds(10)) } == .conflict)
    }

    @Test("many workers claim each job exactly once", arguments: kinds)
    func concurrentClaims(kind: String) async throws {
        let fixture = try await QueueFixture(kind)
        let queue = fixture.queue
        for n in 0..<500 { _ = try await queue.enqueue(pipeline: pipeline, payload: .int(n)) }
        let claimed = try await withThrowingTaskGroup(of: [JobID].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var mine: [JobID] = []
                    while let lease = try await queue.claim(leaseDuration: .seconds(30)) {
                        mine.append(lease.job.id)
                        _ = try await queue.complete(lease)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [JobID]()) { $0 += $1 }
        }
        #expect(claimed.count == 500 && Set(claimed).count == 500)
    }

    @Test("the SQLite queue survives reopening, and connections sharing the file claim each job once")
    func sqliteDurability() async throws {
        let clock = ManualClock()
        let fixture = try await QueueFixture("sqlite", clock: clock)
        let path = try #require(fixture.path)
        for n in 0..<200 {
            _ = try await fixture.queue.enqueue(pipeline: pipeline, payload: ["n": .int(n)], idempotencyKey: "k\(n)")
        }
        // Separate connections, as separate worker processes would have.
        let workers = try (0..<3).map { _ in try SQLiteJobQueue(path: path, now: { clock.now }) }
        let claimed = try await withThrowingTaskGroup(of: [JSONValue].self) { group in
            for worker in workers {
                group.addTask {
                    var mine: [JSONValue] = []
                    while let lease = try await worker.claim(leaseDuration: .seconds(30)) {
                        mine.append(lease.payload)
                        _ = try await worker.complete(lease)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [JSONValue]()) { $0 += $1 }
        }
        #expect(claimed.count == 200 && Set(claimed).count == 200)
        let reopened = try SQLiteJobQueue(path: path, now: { clock.now })
        let again = try await reopened.enqueue(pipeline: pipeline, payload: ["n": .int(7)], idempotencyKey: "k7")
        #expect(again.state == .succeeded)
        #expect(try await reopened.stats().queued == 0)
    }

    /// The durable queues' purge (not part of the protocol: the in-memory queue keeps nothing to prune).
    func purge(_ queue: any JobQueue, before date: Date, includingDeadLetters: Bool = false) async throws -> Int {
        if let queue = queue as? SQLiteJobQueue {
            return try await queue.purge(finishedBefore: date, includingDeadLetters: includingDeadLetters)
        }
        let postgres = try #require(queue as? PostgresJobQueue)
        return try await postgres.purge(finishedBefore: date, includingDeadLetters: includingDeadLetters, batch: 1)
    }

    @Test(
        "purge removes finished jobs older than a date, keeping dead letters unless asked",
        arguments: TestPostgres.kinds(["sqlite"]))
    func purge(kind: String) async throws {
        let clock = ManualClock()
        let fixture = try await QueueFixture(kind, clock: clock)
        let queue = fixture.queue
        for n in 0..<3 { _ = try await queue.enqueue(pipeline: pipeline, payload: .int(n)) }
        let done = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        _ = try await queue.complete(done)
        let dead = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        _ = try await queue.fail(dead, error: "no", retryAfter: nil)
        clock.advance(60)
        #expect(try await purge(queue, before: clock.now) == 1)
        #expect(await code { _ = try await queue.job(done.job.id) } == .jobNotFound)
        #expect(try await queue.job(dead.job.id).state == .deadLettered)
        #expect(try await purge(queue, before: clock.now, includingDeadLetters: true) == 1)
        #expect(try await queue.stats().queued == 1)
    }
}
