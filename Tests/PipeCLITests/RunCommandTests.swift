import Foundation
import PipeTestSupport
import Testing

@Suite("pipe run")
struct RunCommandTests {
    let pipe = CommandRunner(product: "pipe")
    let root = Conformance.packageRoot

    @Test("runs the example definition over the example data")
    func example() throws {
        let outcome = try pipe.run([
            "run", root.appendingPathComponent("Examples/pipelines/paid-orders.json").path,
            "--input", root.appendingPathComponent("Examples/data/orders.jsonl").path,
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.split(separator: "\n").count == 3)
        #expect(outcome.stdout.hasPrefix(#"{"id":"o-1001","customer":"Ada Lovelace","total":49.0,"items":1}"#))
        #expect(outcome.stderr.contains("5 records in, 3 out, 0 errors"))
        #expect(outcome.stderr.contains("steps[2] (dedupe): received 4, passed 3, dropped 1"))
    }

    @Test("reads standard input and writes the output file only when the run succeeds")
    func outputFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let definition = directory.appendingPathComponent("double.json")
        try Data(#"{"name": "double", "steps": [{"type": "map", "expression": "n * `2`"}]}"#.utf8).write(to: definition)
        let output = directory.appendingPathComponent("out.jsonl")

        let good = try pipe.run(
            ["run", definition.path, "--input", "-", "--output", output.path], input: "{\"n\":1}\n{\"n\":2}\n")
        #expect(good.status == 0, "\(good.stderr)")
        #expect(try String(contentsOf: output, encoding: .utf8) == "2\n4\n")

        let bad = try pipe.run(
            ["run", definition.path, "--input", "-", "--output", output.path], input: "{\"n\":3}\n{\"n\":\"x\"}\n")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("pipe: pipeline-stage-failed: stage steps[0] (map) failed on {\"n\":\"x\"}"))
        #expect(try String(contentsOf: output, encoding: .utf8) == "2\n4\n", "a failed run replaced the output")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.contains(".partial-")
        }
        #expect(leftovers.isEmpty)
    }

    @Test("a definition that does not check out exits 2 naming the field")
    func invalidDefinition() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-bad-\(UUID().uuidString).json")
        try Data(#"{"name": "x1", "steps": [{"type": "filter", "expression": "a =="}]}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try pipe.run(["run", file.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.hasPrefix("pipe: invalid-pipeline: steps[0].expression:"), "\(outcome.stderr)")
    }

    @Test("a YAML definition with dead letters, then a replay of the fixed letters")
    func deadLettersAndReplay() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-dl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let definition = directory.appendingPathComponent("scale.yaml")
        try Data(
            """
            name: scale
            onError: deadLetter
            steps:
              - type: map
                expression: "{id: id, cents: price * `100`}"
            """.utf8
        ).write(to: definition)
        let input = directory.appendingPathComponent("in.csv")
        try Data("id,price\n1,2.5\n2,n/a\n3,4\n".utf8).write(to: input)
        let output = directory.appendingPathComponent("out.csv")
        let dead = directory.appendingPathComponent("dead.jsonl")

        let run = try pipe.run([
            "run", definition.path, "--input", input.path, "--output", output.path, "--dead-letters", dead.path,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOf: output, encoding: .utf8) == "id,cents\n1,250\n3,400\n")
        #expect(run.stderr.contains("dead-lettered 1"), "\(run.stderr)")
        let letters = try String(contentsOf: dead, encoding: .utf8)
        #expect(letters.contains(#""record":{"id":2,"price":"n/a"}"#), "\(letters)")

        // Fix the record in the dead-letter file and replay it from its step.
        try Data(letters.replacingOccurrences(of: #""n/a""#, with: "1.25").utf8).write(to: dead)
        let replay = try pipe.run(["run", definition.path, "--replay", dead.path])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout == #"{"id":2,"cents":125}"# + "\n")
    }
}
