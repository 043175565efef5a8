import Foundation
import PipeCore
import PipePipeline
import Testing

@Suite("Pipeline jobs")
struct PipelineJobsTests {
    static let double = try! PipelineDefinition.parse(
        json: #"{"name": "double", "steps": [{"type": "map", "expression": "n * `2`"}]}"#)

    func withRunner<T: Sendable>(
        retry: RetryPolicy = .exponential(attempts: 3, initialDelay: .milliseconds(5)),
        _ body: (PipelineJobs) async throws -> T
    ) async rethrows -> T {
        let jobs = PipelineJobs(queue: InMemoryJobQueue(), concurrency: 2, retry: retry, leaseDuration: .seconds(5))
        let worker = Task { await jobs.run() }
        let result = try await body(jobs)
        await jobs.shutdown()
        await worker.value
        return result
    }

    @Test("a submitted definition runs as a job and its result can be awaited")
    func succeeds() async throws {
        try await withRunner { jobs in
            let job = try await jobs.submit(Self.double, input: [["n": 1], ["n": 2], ["n": 3]])
            #expect(job.state == .queued)
            let result = try await jobs.result(job.id)
            #expect(result.job.state == .succeeded && result.job.attempts == 1)
            #expect(result.records == [2, 4, 6])
            #expect(result.steps.first?.received == 3)
            #expect(result.error == nil)
        }
    }

    @Test("events start with the current state and follow the job to its end")
    func events() async throws {
        try await withRunner { jobs in
            let input = (0..<2_500).map { JSONValue.object(["n": .int($0)]) }
            let job = try await jobs.submit(Self.double, input: input)
            var seen: [JobEvent] = []
            for await event in await jobs.events(job.id) { seen.append(event) }
            #expect(seen.contains(.state(.succeeded)))
            #expect(seen.contains(.progress(read: 2_500, written: 2_500)))
            #expect(try await jobs.result(job.id).records.count == 2_500)
        }
    }

    @Test("a failing job is retried from its input, then ends as a dead letter with the error")
    func retriesThenFails() async throws {
        try await withRunner { jobs in
            let job = try await jobs.submit(Self.double, input: [["n": 1], ["n": "x"]])
            let result = try await jobs.result(job.id)
            #expect(result.job.state == .deadLettered)
            #expect(result.job.attempts == 3)
            #expect(result.error?.code == .pipelineStageFailed)
            #expect(result.steps.first?.failed == 1)
        }
    }

    @Test("bad definitions are refused at submission")
    func refusesBadDefinitions() async throws {
        try await withRunner { jobs in
            let bad = PipelineDefinition(name: try PipelineName("bad"), steps: [.filter(expression: "a ==")])
            do {
                _ = try await jobs.submit(bad)
                Issue.record("a bad definition was queued")
            } catch {
                #expect((error as? PipeError)?.code == .invalidPipeline)
            }
        }
    }

    @Test("a queued job can be cancelled, and shutdown drains")
    func cancelAndDrain() async throws {
        let jobs = PipelineJobs(queue: InMemoryJobQueue(), concurrency: 1)
        let job = try await jobs.submit(Self.double, input: [["n": 1]])
        #expect(try await jobs.cancel(job.id).state == .cancelled)
        let worker = Task { await jobs.run() }
        let result = try await jobs.result(job.id)
        #expect(result.job.state == .cancelled && result.error?.code == .cancelled)
        await jobs.shutdown()
        await worker.value  // returns: nothing was running
    }

    @Test("a job whose workers keep dying is given up after the retry attempts, as a dead letter")
    func abandoned() async throws {
        let clock = ManualClock()
        let queue = InMemoryJobQueue(now: { clock.now })
        let job = try await PipelineJobs.submit(Self.double, input: [["n": 1]], to: queue)
        for _ in 0..<3 {
            // A worker claims the job and dies: its lease lapses.
            _ = try #require(try await queue.claim(leaseDuration: .seconds(10)))
            clock.advance(11)
        }
        let jobs = PipelineJobs(queue: queue, retry: .exponential(attempts: 3, initialDelay: .milliseconds(1)))
        let runner = Task { await jobs.run() }
        let result = try await jobs.result(job.id)
        await jobs.shutdown()
        await runner.value
        #expect(result.job.state == .deadLettered)
        #expect(
            result.error?.message.contains("gave up after 3 attempts") == true, "\(String(describing: result.error))")
    }
}
