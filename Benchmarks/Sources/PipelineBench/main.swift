// pipeline-bench: Pipe's pipeline engine against a hand-written Swift loop, on a JSON Lines file of typical records.
//
//     pipeline-bench [--rounds N] [--variant all|loop|typed|declarative] [--print-result] FILE
//
// Every variant does the same work on the same parsed values: read the file a megabyte at a time, parse each line
// with PipeCore's parser, keep records where `active` is true and `price` > 500, map each to its city and
// `price * qty`, and aggregate per city the count, sum, min and max of those amounts.
//
// - loop: a hand-written loop over `JSONLinesReader` — the practical ceiling;
// - typed: `Pipeline(JSONLinesRecords).filter.map.sink` with the fold in the sink;
// - declarative: a `PipelineDefinition` (file source, filter and map in JMESPath, an aggregate step) run by
//   `execute()`.
//
// The variants run in alternating rounds (default 3) and the median of each is printed as records/s, with the
// ratios typed/loop and declarative/loop (the targets are ≥ 0.70 and ≥ 0.50). Results are checked to agree.
// `--print-result` prints the declarative run's per-city result as JSON Lines in the same shape as
// scripts/bytewax_orders.py (keys sorted, floats rounded to 2 decimals) and nothing else on standard output;
// peak memory (maximum resident set) is printed on standard error as `maxrss_kb=N`.

import Foundation
import PipeCore
import PipeExpression
import PipePipeline

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct Totals: Equatable {
    var count = 0
    var sum = 0.0
    var min = Double.infinity
    var max = -Double.infinity

    mutating func add(_ amount: Double) {
        count += 1
        sum += amount
        if amount < min { min = amount }
        if amount > max { max = amount }
    }
}

typealias Result = [String: Totals]

func handWrittenLoop(_ path: String) throws -> (records: Int, result: Result) {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw PipeError(.notFound, "cannot open \(path)") }
    defer { close(descriptor) }
    var reader = JSONLinesReader(fileDescriptor: descriptor)
    var result: Result = [:]
    var records = 0
    try reader.forEachLine { line, _ throws(PipeError) in
        records += 1
        let record = try JSONValue(parsing: line)
        guard record["active"] == .bool(true), let price = record["price"]?.doubleValue, price > 500 else {
            return true
        }
        guard let city = record["address"]?["city"]?.stringValue, let qty = record["qty"]?.doubleValue else {
            return true
        }
        result[city, default: Totals()].add(price * qty)
        return true
    }
    return (records, result)
}

/// A box the typed pipeline's sink folds into (the sink closure runs on one task at a time).
final class Fold: @unchecked Sendable {
    // @unchecked Sendable: the pipeline calls its sink sequentially, so `result` is never touched concurrently.
    var result: Result = [:]
}

func typedPipeline(_ path: String) async throws -> (records: Int, result: Result) {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw PipeError(.notFound, "cannot open \(path)") }
    defer { try? handle.close() }
    let fold = Fold()
    let read = ReadCounter()
    try await Pipeline(JSONLinesRecords(fileDescriptor: handle.fileDescriptor))
        .filter("paid") { record in
            read.count += 1
            guard record["active"] == .bool(true), let price = record["price"]?.doubleValue else { return false }
            return price > 500
        }
        .compactMap("amount") { record -> (String, Double)? in
            guard let city = record["address"]?["city"]?.stringValue, let price = record["price"]?.doubleValue,
                let qty = record["qty"]?.doubleValue
            else { return nil }
            return (city, price * qty)
        }
        .sink { city, amount in fold.result[city, default: Totals()].add(amount) }
    return (read.count, fold.result)
}

final class ReadCounter: @unchecked Sendable {
    // @unchecked Sendable: incremented only from the pipeline's filter stage, which runs sequentially.
    var count = 0
}

func declarative(_ path: String) async throws -> (records: Int, result: Result, output: [JSONValue]) {
    let definition = PipelineDefinition(
        name: try PipelineName("bench-orders"),
        source: .file(path: path, format: .jsonLines),
        steps: [
            .filter(expression: "active && price > `500`"),
            .map(expression: "{city: address.city, amount: price * qty}"),
            PipelineStep(
                .aggregate(
                    AggregateSpec(
                        groupBy: "city",
                        measures: [
                            ("count", .count(nil)), ("sum", .sum("amount")), ("min", .min("amount")),
                            ("max", .max("amount")),
                        ]))),
        ])
    let run = try await definition.compile().execute()
    var result: Result = [:]
    for record in run.records {
        guard let city = record["key"]?.stringValue else { continue }
        result[city] = Totals(
            count: record["count"]?.intValue ?? 0, sum: record["sum"]?.doubleValue ?? 0,
            min: record["min"]?.doubleValue ?? 0, max: record["max"]?.doubleValue ?? 0)
    }
    return (run.report.read, result, run.records)
}

func agree(_ a: Result, _ b: Result) -> Bool {
    guard a.keys.sorted() == b.keys.sorted() else { return false }
    for (city, x) in a {
        guard let y = b[city], x.count == y.count, x.min == y.min, x.max == y.max,
            abs(x.sum - y.sum) <= 1e-6 * max(1, abs(x.sum))
        else { return false }
    }
    return true
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func maxRSSKilobytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
}

/// `{"city": …, "count": …, "max": …, "min": …, "sum": …}` with floats rounded to 2 decimals, sorted by city.
func printResult(_ result: Result) {
    func rounded(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text += "0" }
        return text
    }
    for city in result.keys.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }) {
        let totals = result[city]!
        let name = JSONValue.string(city).serializedString()
        print(
            "{\"city\": \(name), \"count\": \(totals.count), \"max\": \(rounded(totals.max)), "
                + "\"min\": \(rounded(totals.min)), \"sum\": \(rounded(totals.sum))}")
    }
}

var arguments = CommandLine.arguments.dropFirst()
var rounds = 3
var variant = "all"
var printOnly = false
var file: String?
while let argument = arguments.popFirst() {
    switch argument {
    case "--rounds": rounds = Int(arguments.popFirst() ?? "") ?? 3
    case "--variant": variant = arguments.popFirst() ?? "all"
    case "--print-result": printOnly = true
    default: file = argument
    }
}
guard let file else {
    FileHandle.standardError.write(
        Data("usage: pipeline-bench [--rounds N] [--variant all|loop|typed|declarative] [--print-result] FILE\n".utf8))
    exit(2)
}

if printOnly {
    let started = ContinuousClock.now
    let run = try await declarative(file)
    let elapsed = seconds(ContinuousClock.now - started)
    printResult(run.result)
    FileHandle.standardError.write(
        Data(
            "records=\(run.records) seconds=\(elapsed) records_per_second=\(Int(Double(run.records) / elapsed)) maxrss_kb=\(maxRSSKilobytes())\n"
                .utf8))
    exit(0)
}

let variants = variant == "all" ? ["loop", "typed", "declarative"] : [variant]
var rates: [String: [Double]] = [:]
var reference: Result?
for round in 1...rounds {
    for name in variants {
        let started = ContinuousClock.now
        let records: Int
        let result: Result
        switch name {
        case "loop": (records, result) = try handWrittenLoop(file)
        case "typed": (records, result) = try await typedPipeline(file)
        default:
            let run = try await declarative(file)
            (records, result) = (run.records, run.result)
        }
        let elapsed = seconds(ContinuousClock.now - started)
        let rate = Double(records) / elapsed
        rates[name, default: []].append(rate)
        if let reference, !agree(reference, result) {
            FileHandle.standardError.write(Data("pipeline-bench: \(name) disagrees with the loop's result\n".utf8))
            exit(1)
        }
        reference = reference ?? result
        FileHandle.standardError.write(
            Data("round \(round) \(name): \(records) records in \(String(format: "%.3f", elapsed)) s\n".utf8))
    }
}
for name in variants {
    print("\(name)\t\(Int(median(rates[name]!))) records/s")
}
if let loop = rates["loop"].map(median) {
    for name in ["typed", "declarative"] where rates[name] != nil {
        print("\(name)/loop\t\(String(format: "%.2f", median(rates[name]!) / loop))")
    }
}
print("maxrss_kb\t\(maxRSSKilobytes())")
