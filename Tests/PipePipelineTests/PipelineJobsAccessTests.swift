import Foundation
import PipeCore
import PipePipeline
import Testing

@Suite("Pipeline jobs: who may run, see and cancel")
struct PipelineJobsAccessTests {
    static let double = try! PipelineDefinition.parse(
        json: #"{"name": "double", "steps": [{"type": "map", "expression": "n * `2`"}]}"#)
    let ada = Principal(id: try! UserID("ada"), roles: ["member"])
    let eve = Principal(id: try! UserID("eve"), roles: ["member"])
    let admin = Principal(id: try! UserID("root"), roles: [AccessPolicy.adminRole])

    @Test("a job belongs to its submitter: others are told it does not exist; admins see everything")
    func ownership() async throws {
        let jobs = PipelineJobs(queue: InMemoryJobQueue(), concurrency: 1)
        let worker = Task { await jobs.run() }
        defer { worker.cancel() }
        let job = try await jobs.submit(Self.double, input: [["n": 2]], as: ada)
        #expect(job.owner == ada.id)
        #expect(try await jobs.result(job.id, as: ada).records == [4])
        #expect(try await jobs.job(job.id, as: admin).id == job.id)
        for (call, name) in [
            ({ _ = try await jobs.job(job.id, as: eve) }, "job"), ({ _ = try await jobs.result(job.id, as: eve) }, "result"),
            ({ _ = try await jobs.events(job.id, as: eve) }, "events"), ({ _ = try await jobs.cancel(job.id, as: eve) }, "cancel"),
            ({ _ = try await jobs.job(job.id, as: nil) }, "anonymous"), ({ _ = try await jobs.job(.random(), as: ada) }, "missing"),
        ] as [(() async throws -> Void, String)] {
            await #expect(throws: PipeError.self, "\(name)") { try await call() }
            do { try await call() } catch let error as PipeError { #expect(error.code == .jobNotFound, "\(name)") }
        }
        await jobs.shutdown()
    }

    @Test("anonymous callers cannot submit; scoped tokens need pipelines:run, pipelines:read, pipelines:write")
    func scopes() async throws {
        let jobs = PipelineJobs(queue: InMemoryJobQueue(), concurrency: 1)
        await #expect(throws: PipeError.self) { _ = try await jobs.submit(Self.double, input: [], as: nil) }
        var reader = ada
        reader.scopes = ["pipelines:read"]
        do {
            _ = try await jobs.submit(Self.double, input: [], as: reader)
            Issue.record("a read-only token submitted a job")
        } catch { #expect(error.code == .forbidden) }
        var runner = ada
        runner.scopes = ["pipelines:run", "pipelines:read"]
        let job = try await jobs.submit(Self.double, input: [["n": 1]], as: runner)
        #expect(try await jobs.job(job.id, as: runner).owner == ada.id)
        do {
            _ = try await jobs.cancel(job.id, as: runner)
            Issue.record("a token without pipelines:write cancelled a job")
        } catch { #expect(error.code == .forbidden) }
        #expect(try await jobs.cancel(job.id, as: ada).state == .cancelled)
    }

    @Test("idempotency keys are per account")
    func idempotencyPerAccount() async throws {
        let jobs = PipelineJobs(queue: InMemoryJobQueue(), concurrency: 1)
        let first = try await jobs.submit(Self.double, input: [["n": 1]], idempotencyKey: "nightly", as: ada)
        let again = try await jobs.submit(Self.double, input: [["n": 1]], idempotencyKey: "nightly", as: ada)
        let other = try await jobs.submit(Self.double, input: [["n": 1]], idempotencyKey: "nightly", as: eve)
        #expect(first.id == again.id && other.id != first.id && other.owner == eve.id)
        await #expect(throws: PipeError.self) {
            _ = try await jobs.submit(Self.double, input: [], idempotencyKey: String(repeating: "k", count: 257), as: ada)
        }
    }
}
