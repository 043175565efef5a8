import Foundation
import PipeCore
import PipePipeline
import Testing

@Suite("Dead letters and error policies")
struct DeadLetterTests {
    static let definition = #"""
        {"name": "dl", "source": {"type": "inline", "records": [{"n": 1}, {"n": "two"}, {"n": 3}, {"n": null}]},
         "onError": "deadLetter",
         "steps": [
           {"type": "map", "expression": "{n: n, doubled: n * `2`}"},
           {"type": "filter", "expression": "doubled > `2`", "onError": "fail"}
         ]}
        """#

    @Test("failing records are set aside with their error, attempts and step, and the counts add up")
    func deadLetters() async throws {
        let compiled = try PipelineDefinition.parse(json: Self.definition).compile()
        let result = try await compiled.execute()
        #expect(result.records == [["n": 3, "doubled": 6]])
        #expect(result.deadLetters.map(\.record) == [["n": "two"], ["n": nil]])
        #expect(result.deadLetters.allSatisfy { $0.step == 0 && $0.stepLabel == "steps[0] (map)" && $0.attempts == 1 })
        #expect(result.deadLetters[0].error.code == .expressionInvalidType)
        let steps = result.report.steps
        #expect(steps[0].received == 4 && steps[0].passed == 2 && steps[0].deadLettered == 2)
        #expect(steps[1].received == 2 && steps[1].dropped == 1 && steps[1].passed == 1)
        for step in steps { #expect(step.isBalanced) }
        #expect(result.report.read == 4 && result.report.written == 1)
    }

    @Test("dead letters round-trip through JSON and replay from their step once the cause is fixed")
    func replay() async throws {
        let compiled = try PipelineDefinition.parse(json: Self.definition).compile()
        let letters = try await compiled.execute().deadLetters
        let decoded = try letters.map { letter throws(PipeError) in try DeadLetter(json: letter.json) }
        #expect(decoded == letters)

        // "Fix" the bad records (as an operator would) and replay them: they resume at step 0.
        let fixed = decoded.map { letter -> DeadLetter in
            var letter = letter
            letter.record = ["n": letter.record["n"]?.stringValue == "two" ? 2 : 5]
            return letter
        }
        let (replayed, report) = compiled.replay(fixed)
        #expect(try await replayed.collect(limit: 10) == [["n": 2, "doubled": 4], ["n": 5, "doubled": 10]])
        #expect(report.read == 2 && report.steps[0].received == 2)

        // Replaying them unfixed sets them aside again.
        let (again, againReport) = compiled.replay(letters)
        #expect(try await again.collect(limit: 10).isEmpty)
        #expect(againReport.deadLetters.count == 2)
    }

    @Test("skip drops the record and counts it; fail names step and record; the dead-letter limit fails the run")
    func policies() async throws {
        let skipping = try PipelineDefinition.parse(
            json: Self.definition.replacingOccurrences(of: #""onError": "deadLetter""#, with: #""onError": "skip""#))
        let skipped = try await skipping.compile().execute()
        #expect(skipped.deadLetters.isEmpty && skipped.report.steps[0].skipped == 2)

        let failing = try PipelineDefinition.parse(
            json: Self.definition.replacingOccurrences(of: #""onError": "deadLetter","#, with: ""))
        await #expect(throws: PipeError.self) { _ = try await failing.compile().execute() }

        var limited = try PipelineDefinition.parse(json: Self.definition)
        limited.limits.maxDeadLetters = 1
        do {
            _ = try await limited.compile().execute()
            Issue.record("the dead-letter limit did not hold")
        } catch {
            #expect(error.code == .limitExceeded)
        }
    }

    @Test("a deadLetter sink receives the letters as JSON Lines when the run ends")
    func deadLetterFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-dl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var definition = try PipelineDefinition.parse(json: Self.definition)
        definition.deadLetter = .file(path: "dead.jsonl", format: .jsonLines)
        let environment = PipelineEnvironment(fileAccess: .within(directory.path))
        _ = try await definition.compile().execute(environment: environment)
        let text = try String(contentsOf: directory.appendingPathComponent("dead.jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try DeadLetter(json: try JSONValue(parsing: String(lines[0])))
        #expect(first.record == ["n": "two"] && first.step == 0)
    }
}
