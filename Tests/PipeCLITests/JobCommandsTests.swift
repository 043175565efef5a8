import Foundation
import PipeTestSupport
import Testing

@Suite("pipe submit, worker, job and jobs")
struct JobCommandsTests {
    let pipe = CommandRunner(product: "pipe")

    static func field(_ name: String, in json: String) -> String? {
        guard let range = json.range(of: #""\#(name)":""#) else { return nil }
        return String(json[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test("a job that keeps failing ends as a dead letter, is listed, and can be replayed")
    func deadLetteredJobs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-jobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let queue = directory.appendingPathComponent("jobs.sqlite").path
        let input = directory.appendingPathComponent("in.jsonl")
        try Data("{\"n\":1}\n{\"n\":\"x\"}\n".utf8).write(to: input)
        let definition = directory.appendingPathComponent("double.json")
        try Data(#"{"name": "double", "steps": [{"type": "map", "expression": "n * `2`"}]}"#.utf8).write(to: definition)

        let bad = try pipe.run(["submit", definition.path, "--queue", queue])
        #expect(bad.status == 2 && bad.stderr.contains("source"), "\(bad.stderr)")  // no --input, no source

        let submitted = try pipe.run([
            "submit", definition.path, "--queue", queue, "--input", input.path, "--output",
            directory.appendingPathComponent("out.jsonl").path,
        ])
        let job = try #require(Self.field("id", in: submitted.stdout), "\(submitted.stderr)")
        let worker = try pipe.run(["worker", "--queue", queue, "--exit-when-idle"])
        #expect(worker.status == 0, "\(worker.stderr)")
        #expect(worker.stderr.contains("job failed"), "\(worker.stderr)")

        let shown = try pipe.run(["job", job, "--queue", queue])
        #expect(Self.field("state", in: shown.stdout) == "deadLettered", "\(shown.stdout)")
        let listed = try pipe.run(["jobs", "--queue", queue, "--dead-letters"])
        #expect(listed.stdout.split(separator: "\n").count == 1 && listed.stdout.contains(job))

        let replayed = try pipe.run(["job", job, "--queue", queue, "--replay"])
        let again = try #require(Self.field("id", in: replayed.stdout), "\(replayed.stderr)")
        #expect(again != job && Self.field("state", in: replayed.stdout) == "queued")
        let stats = try pipe.run(["jobs", "--queue", queue])
        #expect(stats.stdout.contains(#""queued":1"#) && stats.stdout.contains(#""deadLettered":1"#), "\(stats.stdout)")
        let twice = try pipe.run(["job", again, "--queue", queue, "--replay"])
        #expect(twice.status == 1 && twice.stderr.contains("not dead-lettered"), "\(twice.stderr)")
    }
}
