import Foundation
import PipeCore
import PipePipeline
import Testing

@Suite("Declarative steps")
struct DeclarativeStepsTests {
    static func run(_ steps: String, records: [JSONValue], extra: String = "") async throws -> (
        [JSONValue], PipelineRunReport
    ) {
        let input = JSONValue.array(records).serializedString()
        let definition = try PipelineDefinition.parse(
            json: #"{"name": "t1", "source": {"type": "inline", "records": \#(input)}, "steps": \#(steps)\#(extra)}"#)
        let result = try await definition.compile().execute()
        for step in result.report.steps { #expect(step.isBalanced, "\(step)") }
        return (result.records, result.report)
    }

    static let orders: [JSONValue] = [
        ["id": 1, "city": "Oslo", "price": 10, "qty": 2],
        ["id": 2, "city": "Rome", "price": 5.5, "qty": 1],
        ["id": 3, "city": "Oslo", "price": 7, "qty": 3],
        ["id": 4, "city": "Lima", "price": 1, "qty": 10],
        ["id": 5, "city": "Rome", "price": 2, "qty": 2],
    ]

    @Test("aggregate over the whole run: count, sum, avg, min, max, distinct by key")
    func aggregateWhole() async throws {
        let (records, report) = try await Self.run(
            #"""
            [{"type": "aggregate", "groupBy": "city", "measures": {
              "orders": "count", "units": {"sum": "qty"}, "revenue": {"sum": "price * qty"},
              "avgPrice": {"avg": "price"}, "cheapest": {"min": "price"}, "dearest": {"max": "price"},
              "ids": {"distinct": "id"}}}]
            """#, records: Self.orders)
        #expect(
            records == [
                [
                    "key": "Oslo", "orders": 2, "units": 5, "revenue": 41, "avgPrice": 8.5, "cheapest": 7,
                    "dearest": 10, "ids": [1, 3],
                ],
                [
                    "key": "Rome", "orders": 2, "units": 3, "revenue": 9.5, "avgPrice": 3.75, "cheapest": 2,
                    "dearest": 5.5, "ids": [2, 5],
                ],
                [
                    "key": "Lima", "orders": 1, "units": 10, "revenue": 10, "avgPrice": 1.0, "cheapest": 1,
                    "dearest": 1, "ids": [4],
                ],
            ])
        #expect(report.steps[0].received == 5 && report.steps[0].passed == 5 && report.steps[0].emitted == 3)
    }

    @Test("aggregate in tumbling and sliding windows of records")
    func aggregateWindows() async throws {
        let (tumbling, _) = try await Self.run(
            #"[{"type": "aggregate", "window": {"tumbling": 2}, "measures": {"n": "count", "s": {"sum": "id"}}}]"#,
            records: Self.orders)
        #expect(
            tumbling == [
                ["window": ["index": 0, "first": 0, "last": 1], "n": 2, "s": 3],
                ["window": ["index": 1, "first": 2, "last": 3], "n": 2, "s": 7],
                ["window": ["index": 2, "first": 4, "last": 4], "n": 1, "s": 5],
            ])
        let (sliding, _) = try await Self.run(
            #"[{"type": "aggregate", "window": {"sliding": 3, "step": 2}, "measures": {"ids": {"distinct": "id"}}}]"#,
            records: Self.orders)
        #expect(
            sliding == [
                ["window": ["index": 0, "first": 0, "last": 2], "ids": [1, 2, 3]],
                ["window": ["index": 1, "first": 2, "last": 4], "ids": [3, 4, 5]],
                ["window": ["index": 2, "first": 4, "last": 4], "ids": [5]],
            ])
    }

    @Test("a measure given the wrong kind fails the record, not the tally")
    func aggregateBadValue() async throws {
        var records = Self.orders
        records.insert(["id": 9, "city": "Oslo", "price": "free", "qty": 1], at: 1)
        let (output, report) = try await Self.run(
            #"[{"type": "aggregate", "groupBy": "city", "onError": "skip", "measures": {"total": {"sum": "price"}}}]"#,
            records: records)
        #expect(output.first == ["key": "Oslo", "total": 17])
        #expect(report.steps[0].skipped == 1 && report.steps[0].passed == 5)
    }

    @Test("batch, sort (stable, both orders) and split")
    func batchSortSplit() async throws {
        let (batches, report) = try await Self.run(
            #"[{"type": "map", "expression": "id"}, {"type": "batch", "size": 2}]"#, records: Self.orders)
        #expect(batches == [[1, 2], [3, 4], [5]])
        #expect(report.steps[1].emitted == 3 && report.steps[1].passed == 5)

        let (sorted, _) = try await Self.run(
            #"[{"type": "sort", "by": "city"}, {"type": "map", "expression": "id"}]"#, records: Self.orders)
        #expect(sorted == [4, 1, 3, 2, 5])
        let (descending, _) = try await Self.run(
            #"[{"type": "sort", "by": "price", "order": "descending"}, {"type": "map", "expression": "id"}]"#,
            records: Self.orders)
        #expect(descending == [1, 3, 2, 5, 4])

        let (split, _) = try await Self.run(
            #"[{"type": "split", "expression": "tags"}]"#,
            records: [["tags": ["a", "b"]], ["tags": []], ["tags": ["c"]]])
        #expect(split == ["a", "b", "c"])
    }

    @Test("sort holds at most maxSortRecords, whatever the error policy")
    func sortLimit() async throws {
        await #expect(throws: PipeError.self) {
            _ = try await Self.run(
                #"[{"type": "sort", "by": "id", "onError": "skip"}]"#, records: Self.orders,
                extra: #", "limits": {"maxSortRecords": 3}"#)
        }
    }

    @Test("parse and format CSV and JSON text")
    func parseFormat() async throws {
        let (parsed, _) = try await Self.run(
            #"""
            [{"type": "parse", "field": "line", "format": "csv",
              "csv": {"columns": ["name", "note", "n"], "inferTypes": true}}]
            """#,
            records: [["line": #"Ann,"says ""hi"", twice",42"#], ["line": "Bob,,-1.5"]])
        #expect(
            parsed == [
                ["name": "Ann", "note": #"says "hi", twice"#, "n": 42], ["name": "Bob", "note": nil, "n": -1.5],
            ])

        let (formatted, _) = try await Self.run(
            #"[{"type": "format", "format": "csv", "csv": {"columns": ["id", "city"]}}]"#,
            records: [
                ["id": 1, "city": "Oslo, NO"], ["id": 2],
            ])
        #expect(formatted == [#"1,"Oslo, NO""#, "2,"])

        let (json, _) = try await Self.run(
            #"[{"type": "format", "format": "json"}, {"type": "parse", "format": "json"}]"#, records: Self.orders)
        #expect(json == Self.orders)
    }

    @Test("custom transforms: registered by name, options checked at compile time, retried and timed out")
    func custom() async throws {
        let attempts = Counter()  // the transform runs on one record at a time
        var transforms = PipelineTransforms()
        transforms.register(
            "scale",
            checkOptions: { options throws(PipeError) in
                guard options["by"]?.doubleValue != nil else { throw PipeError(.invalidArgument, "needs \"by\"") }
            }
        ) { record, options in
            [.double((record["n"]?.doubleValue ?? 0) * (options["by"]?.doubleValue ?? 1))]
        }
        transforms.register("flaky") { record, _ in
            // Fails the first two attempts at each record.
            attempts.add()
            if attempts.value % 3 != 0 { throw PipeError(.unavailable, "try again") }
            return [record]
        }
        transforms.register("slow") { record, _ in
            try await Task.sleep(for: .seconds(30))
            return [record]
        }
        func compile(_ steps: String) throws(PipeError) -> CompiledPipeline {
            try PipelineDefinition.parse(
                json:
                    #"{"name": "c1", "source": {"type": "inline", "records": [{"n": 2}, {"n": 3}]}, "steps": \#(steps)}"#
            ).compile(transforms: transforms)
        }
        let scaled = try await compile(#"[{"type": "custom", "name": "scale", "options": {"by": 10}}]"#).execute()
        #expect(scaled.records == [20.0, 30.0])

        let retried = try await compile(
            #"[{"type": "custom", "name": "flaky", "retry": {"attempts": 3, "initialDelay": "1ms", "jitter": false}}]"#
        ).execute()
        #expect(retried.records.count == 2 && retried.report.steps[0].retries == 4)

        let started = ContinuousClock.now
        let timedOut = try await compile(
            #"[{"type": "custom", "name": "slow", "timeout": "50ms", "onError": "deadLetter"}]"#
        ).execute()
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(timedOut.deadLetters.map(\.error.code) == [.timeout, .timeout])

        for (steps, field) in [
            (#"[{"type": "custom", "name": "nope"}]"#, "steps[0].name"),
            (#"[{"type": "custom", "name": "scale", "options": {}}]"#, "steps[0].options"),
            (#"[{"type": "map", "expression": "@", "timeout": "1s"}]"#, "steps[0].timeout"),
        ] {
            #expect(throws: PipeError.self) { try compile(steps) }
            do {
                _ = try compile(steps)
            } catch {
                #expect(error.details["field"] == field, "\(error)")
            }
        }
    }
}
