import Benchmark
import BenchmarkFixtures
import Foundation
import PipeCore

// Parsing and serializing a JSON Lines file of typical records (RecordGenerator; 100 MB unless
// PIPE_BENCH_JSONL_MB says otherwise), Pipe side by side with Foundation's JSONSerialization and with
// JSONDecoder/JSONEncoder on the same value type (JSONValue's Codable conformance). The target is Pipe ≥ 2x both.
//
// Every iteration processes the whole file, one record at a time, and reports MB/s (file bytes, newlines included,
// per second). Inputs are prepared outside the measurement and given to each side in its natural form: Pipe parses
// each line's bytes in place; Foundation gets each line as its own `Data`; serializers get the parsed records
// (JSONValue, or JSONSerialization's objects). The decoder and encoder are created once and reused.
// The Pipe benchmarks print their ratios to the Foundation ones at the end of their runs (see FileThroughput).

let benchmarks: @Sendable () -> Void = {
    // A whole-file iteration takes from a fraction of a second (Pipe) to several (JSONDecoder), so a few iterations
    // are enough; these limits keep the suite (8 benchmarks, one process each) to a few minutes on two cores.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .megabytesPerSecond, .mallocCountTotal],
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 5
    )
    let megabytes = RecordFile.configuredMegabytes
    parseBenchmarks(megabytes: megabytes)
    serializeBenchmarks(megabytes: megabytes)
}

/// Benchmark names. Within each group the Foundation names sort before the Pipe ones, so package-benchmark (which
/// runs benchmarks in name order) has measured the baselines by the time a Pipe benchmark reports its ratios.
enum ParseBenchmark {
    static let pipe = "parse: Pipe JSONValue(parsing:)"
    static let pipeFromFile = "parse: Pipe JSONLinesReader (from file)"
    static let jsonSerialization = "parse: Foundation JSONSerialization"
    static let jsonDecoder = "parse: Foundation JSONDecoder (JSONValue)"
}

enum SerializeBenchmark {
    static let pipe = "serialize: Pipe serialized()"
    static let pipeStreaming = "serialize: Pipe JSONWriter (streaming)"
    static let jsonSerialization = "serialize: Foundation JSONSerialization"
    static let jsonEncoder = "serialize: Foundation JSONEncoder (JSONValue)"
}

func parseBenchmarks(megabytes: Int) {
    let foundation = [ParseBenchmark.jsonSerialization, ParseBenchmark.jsonDecoder]

    // Each line's bytes parsed in place from the file buffer.
    do {
        var file: RecordFile?
        let throughput = FileThroughput(name: ParseBenchmark.pipe, comparedWith: foundation)
        Benchmark(ParseBenchmark.pipe) { benchmark in
            guard let file else { return }
            try throughput.measure(benchmark, bytes: file.byteCount) {
                try file.bytes.withUnsafeBytes { raw in
                    for range in file.lineRanges {
                        blackHole(try JSONValue(parsing: UnsafeRawBufferPointer(rebasing: raw[range])))
                    }
                }
            }
        } setup: {
            file = try RecordFile.load(megabytes: megabytes)
        } teardown: {
            throughput.report()
        }
    }

    // The streaming path `pipe query --lines` uses: read(2) into a buffer, split lines, parse. Includes the reads
    // (from the page cache after the first pass).
    do {
        var path = ""
        var size = 0
        let throughput = FileThroughput(name: ParseBenchmark.pipeFromFile, comparedWith: foundation)
        Benchmark(ParseBenchmark.pipeFromFile) { benchmark in
            try throughput.measure(benchmark, bytes: size) {
                guard let handle = FileHandle(forReadingAtPath: path) else {
                    throw BenchmarkFixtureError("cannot open \(path)")
                }
                defer { try? handle.close() }
                var reader = JSONLinesReader(fileDescriptor: handle.fileDescriptor)
                try reader.forEachLine { (line: UnsafeRawBufferPointer, _: Int) throws(PipeError) -> Bool in
                    blackHole(try JSONValue(parsing: line))
                    return true
                }
            }
        } setup: {
            path = try RecordFile.ensureGenerated(megabytes: megabytes)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } teardown: {
            throughput.report()
        }
    }

    do {
        var lines: [Data] = []
        var size = 0
        let throughput = FileThroughput(name: ParseBenchmark.jsonSerialization)
        Benchmark(ParseBenchmark.jsonSerialization) { benchmark in
            try throughput.measure(benchmark, bytes: size) {
                for line in lines {
                    blackHole(try JSONSerialization.jsonObject(with: line))
                }
            }
        } setup: {
            let file = try RecordFile.load(megabytes: megabytes)
            lines = file.lineRanges.map { Data(file.bytes[$0]) }
            size = file.byteCount
        } teardown: {
            throughput.report()
        }
    }

    do {
        var lines: [Data] = []
        var size = 0
        let throughput = FileThroughput(name: ParseBenchmark.jsonDecoder)
        Benchmark(ParseBenchmark.jsonDecoder) { benchmark in
            let decoder = JSONDecoder()
            try throughput.measure(benchmark, bytes: size) {
                for line in lines {
                    blackHole(try decoder.decode(JSONValue.self, from: line))
                }
            }
        } setup: {
            let file = try RecordFile.load(megabytes: megabytes)
            lines = file.lineRanges.map { Data(file.bytes[$0]) }
            size = file.byteCount
        } teardown: {
            throughput.report()
        }
    }
}

func serializeBenchmarks(megabytes: Int) {
    let foundation = [SerializeBenchmark.jsonSerialization, SerializeBenchmark.jsonEncoder]

    // One `[UInt8]` per record, as JSONSerialization and JSONEncoder return one `Data` per record.
    do {
        var values: [JSONValue] = []
        var size = 0
        let throughput = FileThroughput(name: SerializeBenchmark.pipe, comparedWith: foundation)
        Benchmark(SerializeBenchmark.pipe) { benchmark in
            throughput.measure(benchmark, bytes: size) {
                for value in values {
                    blackHole(value.serialized())
                }
            }
        } setup: {
            let file = try RecordFile.load(megabytes: megabytes)
            values = try parseRecords(file)
            try checkRoundTrip(values.prefix(1000))
            size = file.byteCount
        } teardown: {
            throughput.report()
        }
    }

    // How Pipe writes JSON Lines output: one reused writer, flushed (here: dropped) every megabyte.
    do {
        var values: [JSONValue] = []
        var size = 0
        let throughput = FileThroughput(name: SerializeBenchmark.pipeStreaming, comparedWith: foundation)
        Benchmark(SerializeBenchmark.pipeStreaming) { benchmark in
            throughput.measure(benchmark, bytes: size) {
                var writer = JSONWriter(capacity: 2 << 20)
                for value in values {
                    writer.write(value)
                    writer.appendRaw(UInt8(ascii: "\n"))
                    if writer.bytes.count >= 1 << 20 {
                        blackHole(writer.bytes.count)
                        writer.reset()
                    }
                }
                blackHole(writer.bytes.count)
            }
        } setup: {
            let file = try RecordFile.load(megabytes: megabytes)
            values = try parseRecords(file)
            size = file.byteCount
        } teardown: {
            throughput.report()
        }
    }

    do {
        var objects: [Any] = []
        var size = 0
        let throughput = FileThroughput(name: SerializeBenchmark.jsonSerialization)
        Benchmark(SerializeBenchmark.jsonSerialization) { benchmark in
            try throughput.measure(benchmark, bytes: size) {
                for object in objects {
                    blackHole(try JSONSerialization.data(withJSONObject: object))
                }
            }
        } setup: {
            let file = try RecordFile.load(megabytes: megabytes)
            objects = try file.lineRanges.map { try JSONSerialization.jsonObject(with: Data(file.bytes[$0])) }
            size = file.byteCount
        } teardown: {
            throughput.report()
        }
    }

    do {
        var values: [JSONValue] = []
        var size = 0
        let throughput = FileThroughput(name: SerializeBenchmark.jsonEncoder)
        Benchmark(SerializeBenchmark.jsonEncoder) { benchmark in
            let encoder = JSONEncoder()
            try throughput.measure(benchmark, bytes: size) {
                for value in values {
                    blackHole(try encoder.encode(value))
                }
            }
        } setup: {
            let file = try RecordFile.load(megabytes: megabytes)
            values = try parseRecords(file)
            size = file.byteCount
        } teardown: {
            throughput.report()
        }
    }
}

/// Every record of the file as a ``JSONValue``.
func parseRecords(_ file: RecordFile) throws -> [JSONValue] {
    try file.bytes.withUnsafeBytes { raw in
        try file.lineRanges.map { try JSONValue(parsing: UnsafeRawBufferPointer(rebasing: raw[$0])) }
    }
}

/// Fails the benchmark if serializing does not give back the same records: a fast writer must also be a right one.
func checkRoundTrip(_ values: ArraySlice<JSONValue>) throws {
    for value in values {
        let reparsed = try JSONValue(parsing: value.serialized())
        guard reparsed == value else {
            throw BenchmarkFixtureError("serialized record does not parse back equal: \(value.serializedString())")
        }
    }
}
