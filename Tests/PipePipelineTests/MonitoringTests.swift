import Foundation
import Logging
import MetricsTestKit
import PipeCore
import PipePipeline
import PipeTestSupport
import Testing

/// Log lines kept in memory, to read back what a run logged.
final class CapturedLogs: @unchecked Sendable {
    // @unchecked Sendable: `entries` is read and written only under `lock`.
    struct Entry {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let lock = NSLock()
    private var entries: [Entry] = []

    var all: [Entry] { lock.withLock { entries } }

    func logger() -> Logger {
        Logger(label: "test") { _ in Handler(logs: self) }
    }

    struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            for (key, value) in event.metadata ?? [:] { merged[key] = value }
            let entry = Entry(
                level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" })
            logs.lock.withLock { logs.entries.append(entry) }
        }
    }
}

@Suite("Pipeline and job monitoring", .serialized)
struct MonitoringTests {
    static var metrics: TestMetrics { SharedTestMetrics.metrics }

    @Test("runs count records per step and outcome, and log failures and dead letters with the step")
    func runMetricsAndLogs() async throws {
        let metrics = Self.metrics
        let name = "monitored-\(UInt32.random(in: 0...UInt32.max))"  // label sets of this test alone
        let definition = try PipelineDefinition.parse(
            json: #"""
                {"name": "\#(name)", "onError": "deadLetter",
                 "source": {"type": "inline", "records": [{"n": 1}, {"n": "x"}, {"n": 3}, {"n": 4}]},
                 "steps": [{"type": "map", "expression": "n * `2`"}, {"type": "filter", "expression": "@ > `2`"}]}
                """#)
        let logs = CapturedLogs()
        _ = try await definition.compile().execute(environment: PipelineEnvironment(logger: logs.logger()))

        func count(_ step: String, _ outcome: String) throws -> Int64 {
            try metrics.expectCounter(
                "pipe_pipeline_records_total", [("pipeline", name), ("step", step), ("outcome", outcome)]
            ).totalValue
        }
        #expect(try count("steps[0] (map)", "received") == 4)
        #expect(try count("steps[0] (map)", "dead_lettered") == 1)
        #expect(try count("steps[1] (filter)", "passed") == 2)
        #expect(try count("steps[1] (filter)", "dropped") == 1)
        #expect(
            try metrics.expectCounter("pipe_pipeline_source_records_total", [("pipeline", name)]).totalValue == 4)
        #expect(
            try metrics.expectCounter(
                "pipe_pipeline_step_failures_total",
                [("pipeline", name), ("step", "steps[0] (map)"), ("action", "deadLetter")]
            ).totalValue == 1)

        let warning = try #require(logs.all.first { $0.message == "pipeline step set aside dead letters" })
        #expect(warning.metadata["step"] == "steps[0] (map)" && warning.metadata["pipeline"] == name)

        var failing = definition
        failing.onError = .fail
        _ = try? await failing.compile().execute(environment: PipelineEnvironment(logger: logs.logger()))
        let failure = try #require(logs.all.first { $0.message == "pipeline run failed" })
        #expect(failure.level == .error && failure.metadata["step"] == "steps[0] (map)")
        #expect(failure.metadata["code"] == "pipeline_stage_failed")
    }

    @Test("job runners count outcomes, time attempts, watch the queue and log with the job id")
    func jobMetricsAndLogs() async throws {
        let metrics = Self.metrics
        let logs = CapturedLogs()
        let queue = InMemoryJobQueue()
        let jobs = PipelineJobs(queue: queue, environment: PipelineEnvironment(logger: logs.logger()))
        let name = "jobs-\(UInt32.random(in: 0...UInt32.max))"
        let definition = try PipelineDefinition.parse(
            json: #"{"name": "\#(name)", "steps": [{"type": "map", "expression": "n"}]}"#)
        let waiting = try await jobs.submit(definition, input: [["n": 1]])  // queued before a runner runs
        let runner = Task { await jobs.run() }
        _ = try await jobs.result(waiting.id)
        await jobs.shutdown()
        await runner.value

        #expect(
            try metrics.expectCounter("pipe_jobs_total", [("pipeline", name), ("outcome", "succeeded")]).totalValue
                == 1)
        #expect(try metrics.expectTimer("pipe_job_duration_seconds", [("pipeline", name)]).values.count == 1)
        #expect(try metrics.expectGauge("pipe_job_queue_depth", [("state", "queued")]).lastValue != nil)
        let started = try #require(logs.all.first { $0.message == "job started" })
        #expect(started.metadata["job"] == "\(waiting.id)" && started.metadata["pipeline"] == name)
        #expect(logs.all.contains { $0.message == "job succeeded" && $0.metadata["job"] == "\(waiting.id)" })
    }
}
