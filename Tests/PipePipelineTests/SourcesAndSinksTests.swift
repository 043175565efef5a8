import Foundation
import PipeCore
import PipePipeline
import Testing

@Suite("Declarative sources, sinks and formats")
struct SourcesAndSinksTests {
    /// A scratch directory removed at the end of each test.
    final class Scratch {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-io-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: url.appendingPathComponent(name))
        }
        func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
        deinit { try? FileManager.default.removeItem(at: url) }
    }

    static func decode(_ text: String, _ format: RecordFormat, chunk: Int) async throws -> [JSONValue] {
        // Split into chunks through a file so the decoder meets every chunk boundary.
        let scratch = try Scratch()
        try scratch.write("in", text)
        _ = chunk
        var records: [JSONValue] = []
        for try await record in DecodedRecords(file: scratch.path("in"), format: format) { records.append(record) }
        return records
    }

    @Test("CSV: quotes, doubled quotes, line breaks in fields, CRLF, blank lines, inferred types")
    func csv() async throws {
        let text = "id,name,note\r\n1,Ann,\"a, b\"\r\n\r\n2,\"Bo \"\"B\"\"\",\"two\nlines\"\n3,Cy,\n"
        let records = try await DecodedRecords(
            bytes: Array(text.utf8), format: .csv(CSVOptions(inferTypes: true))
        ).collected()
        #expect(
            records == [
                ["id": 1, "name": "Ann", "note": "a, b"], ["id": 2, "name": #"Bo "B""#, "note": "two\nlines"],
                ["id": 3, "name": "Cy", "note": nil],
            ])
        let strings = try await DecodedRecords(
            bytes: Array("a;b\n1;\"2\"\n".utf8), format: .csv(CSVOptions(delimiter: UInt8(ascii: ";")))
        ).collected()
        #expect(strings == [["a": "1", "b": "2"]])
        let headless = try await DecodedRecords(
            bytes: Array("1,2\n".utf8), format: .csv(CSVOptions(header: false, columns: ["x", "y"], inferTypes: true))
        ).collected()
        #expect(headless == [["x": 1, "y": 2]])
    }

    @Test(
        "CSV and JSON errors name the row or element",
        arguments: [
            ("a,b\n1,2,3\n", "csv", "row"), ("a,b\n1,\"2\n", "csv", "row"), ("a\n1\"x\n", "csv", "row"),
            ("[1, 2,]", "json", "element"), ("[{\"a\": 1} {\"b\": 2}]", "json", "element"), ("{}", "json", "element"),
            ("[1, [2]", "json", "element"), ("{\"a\":1}\n{oops}\n", "jsonl", "line"),
        ])
    func badInput(text: String, format: String, detail: String) async {
        let recordFormat: RecordFormat =
            format == "csv" ? .csv(CSVOptions()) : format == "json" ? .jsonArray : .jsonLines
        do {
            _ = try await DecodedRecords(bytes: Array(text.utf8), format: recordFormat).collected()
            Issue.record("accepted \(text)")
        } catch let error as PipeError {
            #expect(error.details[detail] != nil, "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("a JSON array is read element by element, across chunk boundaries")
    func jsonArray() async throws {
        let scratch = try Scratch()
        // Larger than the 1 MiB read chunk, with strings holding brackets, commas and escaped quotes.
        let records = (0..<30_000).map { n -> JSONValue in
            ["n": .int(n), "text": .string("[{,\"}] \(n)"), "nested": ["a": [1, 2, ["b": nil]]]]
        }
        try scratch.write("in.json", JSONValue.array(records).serializedString())
        let read = try await DecodedRecords(file: scratch.path("in.json"), format: .jsonArray).collected()
        #expect(read == records)
    }

    @Test("file source to file sink, CSV in and JSON array out; the output appears only when the run succeeds")
    func fileToFile() async throws {
        let scratch = try Scratch()
        try scratch.write("orders.csv", "id,total\n1,10\n2,25\n3,40\n")
        let definition = try PipelineDefinition.parse(
            json: #"""
                {"name": "f1",
                 "source": {"type": "file", "path": "orders.csv", "format": "csv", "csv": {"inferTypes": true}},
                 "steps": [{"type": "filter", "expression": "total > `15`"}],
                 "sink": {"type": "file", "path": "big.json", "format": "json"}}
                """#)
        let environment = PipelineEnvironment(fileAccess: .within(scratch.url.path))
        let result = try await definition.compile().execute(environment: environment)
        #expect(result.records.isEmpty)
        #expect(
            try JSONValue(parsing: try scratch.read("big.json")) == [["id": 2, "total": 25], ["id": 3, "total": 40]])

        // A failing run leaves the earlier output as it was, and no partial file behind.
        try scratch.write("orders.csv", "id,total\n1,10\n2,oops\n")
        var failing = definition
        failing.steps = [.map(expression: "total * `2`")]
        await #expect(throws: PipeError.self) { _ = try await failing.compile().execute(environment: environment) }
        #expect(
            try JSONValue(parsing: try scratch.read("big.json")) == [["id": 2, "total": 25], ["id": 3, "total": 40]])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path)
        #expect(leftovers.sorted() == ["big.json", "orders.csv"])
    }

    @Test("a JSON Lines file decodes in parallel chunks, in order, with lines longer than a chunk and bad lines named")
    func jsonLinesChunks() async throws {
        let scratch = try Scratch()
        var text = ""
        for n in 0..<20_000 { text += #"{"n":\#(n),"pad":"\#(String(repeating: "x", count: n % 97))"}"# + "\n" }
        text += #"{"n":20000,"pad":"\#(String(repeating: "y", count: 1_500_000))"}"# + "\n\n"  // longer than a read
        for n in 20_001..<40_000 { text += #"{"n":\#(n)}"# + "\r\n" }
        try scratch.write("in.jsonl", text)
        let definition = try PipelineDefinition.parse(
            json: #"""
                {"name": "chunks", "source": {"type": "file", "path": "in.jsonl"},
                 "steps": [{"type": "filter", "expression": "n % `3` != `0`"}, {"type": "map", "expression": "n"}]}
                """#)
        let environment = PipelineEnvironment(fileAccess: .within(scratch.url.path))
        let result = try await definition.compile().execute(environment: environment)
        #expect(result.records == (0..<40_000).filter { $0 % 3 != 0 }.map { .int($0) })
        #expect(result.report.read == 40_000 && result.report.steps.allSatisfy(\.isBalanced))

        try scratch.write("bad.jsonl", String(repeating: "{\"n\":1}\n", count: 30_000) + "{oops}\n")
        var bad = definition
        bad.source = .file(path: "bad.jsonl", format: .jsonLines)
        do {
            _ = try await bad.compile().execute(environment: environment)
            Issue.record("accepted a bad line")
        } catch {
            #expect(error.details["line"] == "30001", "\(error)")
        }
    }

    @Test("a file sink removes partial files left by dead writers and keeps those of live ones")
    func abandonedPartials() async throws {
        let scratch = try Scratch()
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = "out.jsonl.partial-\(finished.processIdentifier)-1"
        let alive = "out.jsonl.partial-\(ProcessInfo.processInfo.processIdentifier)-2"
        let other = "other.jsonl.partial-\(finished.processIdentifier)-3"
        for name in [dead, alive, other] { try scratch.write(name, "half") }
        let definition = try PipelineDefinition.parse(
            json: #"""
                {"name": "p1", "source": {"type": "inline", "records": [1, 2]}, "steps": [],
                 "sink": {"type": "file", "path": "out.jsonl"}}
                """#)
        _ = try await definition.compile().execute(
            environment: PipelineEnvironment(fileAccess: .within(scratch.url.path)))
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path))
        #expect(names == ["out.jsonl", alive, other])
        #expect(try scratch.read("out.jsonl") == "1\n2\n")
    }

    @Test("file access is confined to the environment's directory, or denied")
    func fileAccess() async throws {
        let scratch = try Scratch()
        let outside = try PipelineDefinition.parse(
            json: #"{"name": "f2", "source": {"type": "file", "path": "../../etc/passwd"}, "steps": []}"#)
        do {
            _ = try await outside.compile().execute(
                environment: PipelineEnvironment(fileAccess: .within(scratch.url.path)))
            Issue.record("read outside the directory")
        } catch {
            #expect(error.code == .forbidden)
        }
        // A symbolic link inside the directory that leads out of it is refused too.
        try FileManager.default.createSymbolicLink(
            atPath: scratch.path("escape.jsonl"), withDestinationPath: "/etc/hostname")
        let linked = try PipelineDefinition.parse(
            json: #"{"name": "f3", "source": {"type": "file", "path": "escape.jsonl"}, "steps": []}"#)
        do {
            _ = try await linked.compile().execute(
                environment: PipelineEnvironment(fileAccess: .within(scratch.url.path)))
            Issue.record("followed a link out of the directory")
        } catch {
            #expect(error.code == .forbidden)
        }
        do {
            _ = try await outside.compile().execute(environment: PipelineEnvironment(fileAccess: .denied))
            Issue.record("read a file with access denied")
        } catch {
            #expect(error.code == .forbidden)
        }
    }

    @Test("storage source and sink go through the ObjectStorage port")
    func storage() async throws {
        let storage = MemoryStorage()
        let bucket = try BucketName("data")
        _ = try await storage.createBucket(bucket)
        _ = try await storage.putObject(
            Array("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n".utf8), in: bucket, at: try ObjectKey("in.jsonl"))
        let definition = try PipelineDefinition.parse(
            json: #"""
                {"name": "s1", "source": {"type": "storage", "bucket": "data", "key": "in.jsonl"},
                 "steps": [{"type": "map", "expression": "{n: n, sq: n * n}"}],
                 "sink": {"type": "storage", "bucket": "data", "key": "out.csv", "format": "csv"}}
                """#)
        await #expect(throws: PipeError.self) { _ = try await definition.compile().execute() }  // no storage given
        _ = try await definition.compile().execute(environment: PipelineEnvironment(storage: storage))
        let stored = try await storage.getObject(in: bucket, at: try ObjectKey("out.csv"))
        #expect(String(decoding: stored.bytes, as: UTF8.self) == "n,sq\n1,1\n2,4\n3,9\n")
        #expect(stored.info.contentType == "text/csv")
    }

    @Test("a caller source and a caller sink")
    func callerSourceAndSink() async throws {
        let definition = try PipelineDefinition.parse(
            json: #"{"name": "c2", "steps": [{"type": "filter", "expression": "@ > `1`"}], "sink": {"type": "caller"}}"#
        )
        let seen = Collected()
        let input = AsyncStream<JSONValue> { continuation in
            for n in 0..<4 { continuation.yield(.int(n)) }
            continuation.finish()
        }
        _ = try await definition.compile().execute(input: input, sink: { seen.add($0) })
        #expect(seen.values == [2, 3])
        await #expect(throws: PipeError.self) { _ = try await definition.compile().execute(input: input) }
    }
}

extension AsyncSequence where Element == JSONValue {
    func collected() async throws -> [JSONValue] {
        var records: [JSONValue] = []
        for try await record in self { records.append(record) }
        return records
    }
}

/// Values handed to a sink closure.
final class Collected: @unchecked Sendable {
    // @unchecked Sendable: `stored` is read and written only under `lock`.
    private let lock = NSLock()
    private var stored: [JSONValue] = []
    func add(_ value: JSONValue) { lock.withLock { stored.append(value) } }
    var values: [JSONValue] { lock.withLock { stored } }
}
