import Foundation
import PipeCore
import PipePipeline
import Testing

/// Cases found in review: each one failed before its fix.
@Suite("Review fixes")
struct ReviewFixesTests {
    /// A `slow` transform that takes five seconds a record: long enough to act on a job while it runs.
    static var slowTransforms: PipelineTransforms {
        var transforms = PipelineTransforms()
        transforms.register("slow") { record, _ in
            try await Task.sleep(for: .seconds(5))
            return [record]
        }
        return transforms
    }

    @Test("a record that fails in a sliding window leaves no duplicate window behind")
    func slidingWindowFailure() async throws {
        let definition = try PipelineDefinition.parse(
            json: #"""
                {"name": "w1", "source": {"type": "inline", "records": [{"v": 1}, {"v": "x"}, {"v": 2}, {"v": 3}]},
                 "steps": [{"type": "aggregate", "window": {"sliding": 2, "step": 1}, "onError": "skip",
                            "measures": {"top": {"max": "v"}, "n": "count"}}]}
                """#)
        let result = try await definition.compile().execute()
        // Windows count the records the step took: 1, 2 and 3 (the skipped one takes no place).
        #expect(result.records.map { $0["window"]?["index"] } == [0, 1, 2])
        #expect(result.records.map { $0["n"] } == [2, 2, 1])
        #expect(result.records.map { $0["top"] } == [2, 3, 3])
    }

    @Test("CSV: no header and no columns is an error; row numbers name the row")
    func csvRows() async throws {
        do {
            _ = try await DecodedRecords(bytes: Array("1,2\n".utf8), format: .csv(CSVOptions(header: false)))
                .collected()
            Issue.record("read a headerless file without columns")
        } catch let error as PipeError {
            #expect(error.message.contains("columns"), "\(error)")
        }
        do {
            _ = try await DecodedRecords(bytes: Array("a,b\n1,2\n3\n".utf8), format: .csv(CSVOptions())).collected()
            Issue.record("accepted a short row")
        } catch let error as PipeError {
            #expect(error.details["row"] == "3", "\(error)")
        }
    }

    @Test("the good CSV rows before a bad one still go through the steps")
    func csvGoodRowsFirst() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Data("n\n1\n2\n\"3\n".utf8).write(to: scratch.appendingPathComponent("in.csv"))
        let definition = try PipelineDefinition.parse(
            json: #"""
                {"name": "c3", "source": {"type": "file", "path": "in.csv", "format": "csv"}, "steps": [],
                 "sink": {"type": "caller"}}
                """#)
        let seen = Collected()
        await #expect(throws: PipeError.self) {
            _ = try await definition.compile().execute(
                environment: PipelineEnvironment(fileAccess: .within(scratch.path)), sink: { seen.add($0) })
        }
        #expect(seen.values == [["n": "1"], ["n": "2"]])
    }

    @Test("a job cancelled in the queue stops at once, even when it puts nothing out")
    func cancelledJobStops() async throws {
        let transforms = Self.slowTransforms
        let queue = InMemoryJobQueue()
        let jobs = PipelineJobs(
            queue: queue, leaseDuration: .milliseconds(300),
            environment: PipelineEnvironment(transforms: transforms))
        let definition = try PipelineDefinition.parse(
            json: #"{"name": "slow", "steps": [{"type": "custom", "name": "slow"}], "sink": {"type": "collect"}}"#)
        let job = try await jobs.submit(definition, input: [1, 2, 3])
        let runner = Task { await jobs.run() }
        while try await queue.job(job.id).state != .running { try await Task.sleep(for: .milliseconds(10)) }
        let started = ContinuousClock.now
        _ = try await queue.cancel(job.id)  // straight in the queue, as another process would
        let result = try await jobs.result(job.id)
        #expect(result.job.state == .cancelled)
        #expect(ContinuousClock.now - started < .seconds(3), "the run went on after the cancel")
        await jobs.shutdown()
        await runner.value
    }

    @Test("stopping a worker puts its running job back in the queue rather than dead-lettering it")
    func stoppedWorker() async throws {
        let transforms = Self.slowTransforms
        let queue = InMemoryJobQueue()
        let jobs = PipelineJobs(queue: queue, environment: PipelineEnvironment(transforms: transforms))
        let definition = try PipelineDefinition.parse(
            json: #"{"name": "slow", "steps": [{"type": "custom", "name": "slow"}]}"#)
        let job = try await jobs.submit(definition, input: [1])
        let runner = Task { await jobs.run() }
        while try await queue.job(job.id).state != .running { try await Task.sleep(for: .milliseconds(10)) }
        runner.cancel()
        await runner.value  // returns: the loop stops when its task is cancelled
        let after = try await queue.job(job.id)
        #expect(after.state == .retrying, "\(after.state)")
    }

    @Test("the SQLite queue files a job it cannot read as a dead letter and claims the next")
    func unreadableJob() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-bad-\(UUID().uuidString).sqlite")
            .path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let queue = try SQLiteJobQueue(path: path)
        var deep: JSONValue = 1
        for _ in 0..<600 { deep = .array([deep]) }  // deeper than the parser accepts when reading it back
        let bad = try await queue.enqueue(pipeline: PipelineID.random(), payload: deep)
        let good = try await queue.enqueue(pipeline: PipelineID.random(), payload: ["ok": true])
        let lease = try #require(try await queue.claim(leaseDuration: .seconds(10)))
        #expect(lease.job.id == good.id)
        #expect(try await queue.job(bad.id).state == .deadLettered)
    }

    @Test("CSV written here reads back as it was, even strings that look like numbers, booleans or nothing")
    func csvRoundTrip() async throws {
        let records: [JSONValue] = [
            ["code": "12", "flag": "true", "note": "", "n": 12, "ok": true, "none": nil],
            ["code": "007", "flag": "false", "note": "x, y", "n": -1.5, "ok": false, "none": nil],
        ]
        let definition = PipelineDefinition(
            name: try PipelineName("rt"), source: .inline(records), steps: [],
            sink: .storage(
                bucket: try BucketName("data"), key: try ObjectKey("out.csv"), format: .csv(CSVOptions())))
        let storage = MemoryStorage()
        _ = try await storage.createBucket(try BucketName("data"))
        _ = try await definition.compile().execute(environment: PipelineEnvironment(storage: storage))
        let written = try await storage.getObject(in: try BucketName("data"), at: try ObjectKey("out.csv")).bytes
        let read = try await DecodedRecords(bytes: written, format: .csv(CSVOptions(inferTypes: true))).collected()
        #expect(read == records, "\(String(decoding: written, as: UTF8.self))")
    }
}
