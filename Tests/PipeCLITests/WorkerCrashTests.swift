import Foundation
import PipeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A worker process killed with SIGKILL in the middle of a job: the job's lease lapses, a new worker runs it
/// again from its input, and the output is complete — nothing lost, nothing half-written.
@Suite("Worker crash recovery")
struct WorkerCrashTests {
    let pipe = CommandRunner(product: "pipe")
    static let records = 800_000

    func state(of job: String, queue: String) throws -> String {
        let outcome = try pipe.run(["job", job, "--queue", queue])
        guard outcome.status == 0, let range = outcome.stdout.range(of: #""state":""#) else { return "?" }
        return String(outcome.stdout[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test("a job whose worker is killed mid-run completes after a restart, with every record")
    func killedWorker() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let queue = directory.appendingPathComponent("jobs.sqlite").path
        let input = directory.appendingPathComponent("in.jsonl")
        let output = directory.appendingPathComponent("out.jsonl")
        var text = ""
        text.reserveCapacity(Self.records * 48)
        for id in 0..<Self.records { text += #"{"id":\#(id),"v":\#(id % 7),"name":"record \#(id)"}"# + "\n" }
        try Data(text.utf8).write(to: input)
        let definition = directory.appendingPathComponent("job.json")
        try Data(
            #"""
            {"name": "crash-test", "steps": [
              {"type": "filter", "expression": "v != `3`"},
              {"type": "map", "expression": "{id: id, w: v * `2`}"}]}
            """#.utf8
        ).write(to: definition)

        let submitted = try pipe.run([
            "submit", definition.path, "--queue", queue, "--input", input.path, "--output", output.path,
            "--idempotency-key", "crash-1",
        ])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let idRange = try #require(submitted.stdout.range(of: #""id":""#))
        let job = String(submitted.stdout[idRange.upperBound...].prefix { $0 != "\"" })
        // The same key again: the same job, nothing new queued.
        let again = try pipe.run([
            "submit", definition.path, "--queue", queue, "--input", input.path, "--output", output.path,
            "--idempotency-key", "crash-1",
        ])
        #expect(again.stdout.contains(#""id":"\#(job)""#), "\(again.stdout)")

        // Worker A starts the job and is killed once it is writing output.
        let worker = Process()
        worker.executableURL = pipe.executable
        worker.arguments = ["worker", "--queue", queue, "--lease", "1", "--concurrency", "1"]
        worker.standardOutput = FileHandle.nullDevice
        worker.standardError = FileHandle.nullDevice
        try worker.run()
        let deadline = Date().addingTimeInterval(60)
        func writing() throws -> Bool {
            try FileManager.default.contentsOfDirectory(atPath: directory.path).contains { $0.contains(".partial-") }
        }
        while Date() < deadline, try !(state(of: job, queue: queue) == "running" && writing()) {
            usleep(20_000)
        }
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        #expect(worker.terminationReason == .uncaughtSignal)
        let afterKill = try state(of: job, queue: queue)
        #expect(afterKill == "running", "the job was not mid-run when the worker died: \(afterKill)")
        #expect(!FileManager.default.fileExists(atPath: output.path), "a half-written output appeared")

        // Worker B picks the job up once A's lease lapses, runs it from its input, and exits when idle.
        let restarted = try pipe.run(["worker", "--queue", queue, "--lease", "1", "--exit-when-idle"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        let finished = try pipe.run(["job", job, "--queue", queue])
        #expect(finished.stdout.contains(#""state":"succeeded""#), "\(finished.stdout)")
        #expect(finished.stdout.contains(#""attempts":2"#), "\(finished.stdout)")

        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        let expected = (0..<Self.records).filter { $0 % 7 != 3 }
        #expect(lines.count == expected.count)
        var ids = Set<Int>()
        for line in lines {
            guard let range = line.range(of: #""id":"#) else { continue }
            if let id = Int(line[range.upperBound...].prefix { $0.isNumber }) { ids.insert(id) }
        }
        #expect(ids == Set(expected), "records were lost or duplicated")
        // The killed worker's partial file was cleaned up by the worker that finished the job.
        let partials = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.contains(".partial-")
        }
        #expect(partials.isEmpty, "\(partials)")
    }
}
