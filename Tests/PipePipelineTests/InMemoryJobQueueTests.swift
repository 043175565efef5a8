import Foundation
import PipeCore
import PipePipeline
import Testing

/// A clock tests move by hand.
final class ManualClock: @unchecked Sendable {
    // @unchecked Sendable: `date` is read and written only under `lock`.
    private let lock = NSLock()
    private var date = Date(timeIntervalSince1970: 1_800_000_000)
    var now: Date { lock.withLock { date } }
    func advance(_ seconds: TimeInterval) { lock.withLock { date = date.addingTimeInterval(seconds) } }
}

@Suite("In-memory job queue")
struct InMemoryJobQueueTests {
    let pipeline = PipelineID.random()

    func code(_ body: () async throws -> Void) async -> PipeError.Code? {
        do {
            try await body()
            return nil
        } catch {
            return (error as? PipeError)?.code
        }
    }

    @Test("jobs are claimed in order, leased, and completed")
    func lifecycle() async throws {
        let clock = ManualClock()
        let queue = InMemoryJobQueue(now: { clock.now })
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

    @Test("an expired lease makes the job claimable again, and the old holder loses it")
    func leaseExpiry() async throws {
        let clock = ManualClock()
        let queue = InMemoryJobQueue(now: { clock.now })
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

    @Test("failures retry after their delay or end as failed")
    func failures() async throws {
        let clock = ManualClock()
        let queue = InMemoryJobQueue(now: { clock.now })
        _ = try await queue.enqueue(pipeline: pipeline, payload: nil)
        let first = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        let retrying = try await queue.fail(first, error: "flaky", retryAfter: .seconds(60))
        #expect(retrying.state == .retrying && retrying.error == "flaky")
        #expect(try await queue.claim(leaseDuration: .seconds(10)) == nil)
        clock.advance(61)
        let second = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        #expect(second.job.attempts == 2)
        #expect(try await queue.fail(second, error: "broken", retryAfter: nil).state == .failed)
        #expect(try await queue.claim(leaseDuration: .seconds(10)) == nil)
    }

    @Test("cancellation, unknown jobs, bad leases and the size limit")
    func edges() async throws {
        let queue = InMemoryJobQueue(maxJobs: 2)
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

    @Test("many workers claim each job exactly once")
    func concurrentClaims() async throws {
        let queue = InMemoryJobQueue()
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
}
