import Foundation
import PipeCore
import PipePipeline
import Testing

@Suite("Declarative pipelines")
struct DeclarativePipelineTests {
    static let example = #"""
        {
          "name": "paid-orders", "version": 2,
          "source": {"type": "inline", "records": [
            {"id": 1, "status": "paid", "total": 120, "items": ["a", "b"]},
            {"id": 2, "status": "open", "total": 80, "items": ["c"]},
            {"id": 1, "status": "paid", "total": 120, "items": ["a", "b"]},
            {"id": 3, "status": "paid", "total": 40, "items": []}
          ]},
          "steps": [
            {"type": "validate", "required": {"id": "number", "status": "string"}},
            {"type": "filter", "expression": "status == 'paid'"},
            {"type": "dedupe", "key": "id"},
            {"type": "map", "expression": "{id: id, total: total * `2`, items: items}"},
            {"type": "flatMap", "expression": "items[].{order: $.id, item: @}"}
          ]
        }
        """#

    @Test("a definition runs its steps and reports counts that add up")
    func run() async throws {
        let definition = try PipelineDefinition.parse(json: Self.example)
        #expect(definition.name.rawValue == "paid-orders" && definition.version == 2)
        let (records, report) = try await definition.compile().collect()
        #expect(records == [["order": 1, "item": "a"], ["order": 1, "item": "b"]])
        let steps = report.steps
        #expect(steps.map(\.received) == [4, 4, 3, 2, 2])
        for step in steps { #expect(step.received == step.passed + step.dropped + step.failed, "\(step)") }
        #expect(steps[4].emitted == 2 && steps[4].dropped == 1)
    }

    @Test(
        "definitions are checked up front, with the step and field named",
        arguments: [
            (
                #"{"name": "x1", "steps": [{"type": "filter", "expression": "a"}, {"type": "explode"}]}"#,
                "steps[1].type"
            ),
            (#"{"name": "x1", "steps": [{"type": "map", "expression": "a.["}]}"#, "steps[0].expression"),
            (#"{"name": "x1", "steps": [{"type": "map"}]}"#, "steps[0].expression"),
            (#"{"name": "x1", "steps": [{"type": "dedupe", "key": "nope("}]}"#, "steps[0].key"),
            (#"{"name": "x1", "steps": [{"type": "validate", "required": {"a": "text"}}]}"#, "steps[0].required.a"),
            (#"{"steps": []}"#, "name"),
            (#"{"name": "-bad", "steps": []}"#, "name"),
            (#"{"name": "x1", "steps": [], "extra": 1}"#, "extra"),
            (#"{"name": "x1", "source": {"type": "kafka"}, "steps": []}"#, "source.type"),
            (#"{"name": "x1", "steps": [], "limits": {"maxRecords": 0}}"#, "limits.maxRecords"),
            (
                #"{"name": "x1", "source": {"type": "file", "path": "a.csv", "formt": "csv"}, "steps": []}"#,
                "source.formt"
            ),
            (#"{"name": "x1", "sink": {"type": "collect", "path": "x"}, "steps": []}"#, "sink.path"),
        ])
    func validation(json: String, field: String) {
        do {
            _ = try PipelineDefinition.parse(json: json).compile()
            Issue.record("accepted: \(json)")
        } catch {
            #expect(error.code == .invalidPipeline, "\(error)")
            #expect(error.details["field"] == field, "\(error)")
        }
    }

    @Test("a syntax error keeps its position")
    func syntaxPosition() {
        do {
            _ = try PipelineDefinition.parse(
                json: #"{"name": "x1", "steps": [{"type": "filter", "expression": "a ==="}]}"#
            )
            .compile()
        } catch {
            #expect(error.details["position"] != nil && error.details["cause"] == "expression_syntax", "\(error)")
        }
    }

    @Test("a step that fails on a record names the step and the record")
    func stepFailure() async throws {
        let definition = try PipelineDefinition.parse(
            json: #"{"name": "x1", "source": {"type": "inline", "records": [{"n": 1}, {"n": "x"}]},"#
                + #""steps": [{"type": "map", "expression": "n * `2`"}]}"#)
        do {
            _ = try await definition.compile().collect()
            Issue.record("the run succeeded")
        } catch {
            #expect(error.code == .pipelineStageFailed)
            #expect(error.details["stage"] == "steps[0] (map)")
            #expect(error.details["record"] == #"{"n":"x"}"#)
            #expect(error.details["cause"] == "expression_invalid_type")
        }
    }

    @Test("a caller source runs over any sequence, within the record limit")
    func callerSource() async throws {
        let definition = try PipelineDefinition.parse(
            json:
                #"{"name": "x1", "steps": [{"type": "filter", "expression": "n > `5`"}], "limits": {"maxRecords": 50}}"#
        )
        let compiled = try definition.compile()
        let records = AsyncStream<JSONValue> { continuation in
            for n in 0..<10 { continuation.yield(["n": .int(n)]) }
            continuation.finish()
        }
        let (pipeline, report) = compiled.run(records)
        #expect(try await pipeline.collect(limit: 100).count == 4)
        #expect(report.steps[0].received == 10 && report.steps[0].dropped == 6)

        let endless = AsyncStream<JSONValue> { continuation in
            for n in 0..<100 { continuation.yield(["n": .int(n)]) }
            continuation.finish()
        }
        do {
            _ = try await compiled.run(endless).records.collect(limit: 1_000)
            Issue.record("the record limit did not hold")
        } catch {
            #expect(error.code == .limitExceeded)
        }
    }

    @Test("definitions round-trip through JSON and Codable")
    func roundTrip() throws {
        let definition = try PipelineDefinition.parse(json: Self.example)
        let again = try PipelineDefinition.decode(definition.json)
        #expect(again == definition)
        let data = try JSONEncoder().encode(definition)
        #expect(try JSONDecoder().decode(PipelineDefinition.self, from: data) == definition)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PipelineDefinition.self, from: Data(#"{"name": "x1", "steps": 3}"#.utf8))
        }
    }
}
