// The work every pipeline benchmark measures, in each of its forms, shared by `pipeline-bench` (side-by-side
// ratios, scripts/compare-pipeline.sh) and the `PipelineBenchmarks` package-benchmark suite.
//
// Read a JSON Lines file of typical records, parse each line, keep records with `active` true and `price` > 500,
// map each to its city and `price * qty`, and aggregate per city the count, sum, min and max of the amounts.

import Foundation
import PipeCore
import PipeExpression
import PipePipeline

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One city's count, sum, min and max of the order amounts.
public struct Totals: Equatable, Sendable {
    public var count = 0
    public var sum = 0.0
    public var min = Double.infinity
    public var max = -Double.infinity

    public init(count: Int = 0, sum: Double = 0, min: Double = .infinity, max: Double = -.infinity) {
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
    }

    public mutating func add(_ amount: Double) {
        count += 1
        sum += amount
        if amount < min { min = amount }
        if amount > max { max = amount }
    }
}

/// Totals by city.
public typealias OrderTotals = [String: Totals]

/// The hand-written loop: the practical ceiling for the same work on the same parsed values.
public func handWrittenLoop(_ path: String) throws -> (records: Int, result: OrderTotals) {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw PipeError(.notFound, "cannot open \(path)") }
    defer { close(descriptor) }
    var reader = JSONLinesReader(fileDescriptor: descriptor)
    var result: OrderTotals = [:]
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
    var result: OrderTotals = [:]
}

/// The typed pipeline: `Pipeline(JSONLinesRecords).filter.compactMap.sink`, folding in the sink.
public func typedPipeline(_ path: String) async throws -> (records: Int, result: OrderTotals) {
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

/// The declarative definition: a file source, `filter` and `map` in JMESPath, an `aggregate` step.
public func declarative(_ path: String) async throws -> (records: Int, result: OrderTotals, output: [JSONValue]) {
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
    var result: OrderTotals = [:]
    for record in run.records {
        guard let city = record["key"]?.stringValue else { continue }
        result[city] = Totals(
            count: record["count"]?.intValue ?? 0, sum: record["sum"]?.doubleValue ?? 0,
            min: record["min"]?.doubleValue ?? 0, max: record["max"]?.doubleValue ?? 0)
    }
    return (run.report.read, result, run.records)
}

/// Whether two results agree (sums to a relative 10⁻⁶, the rest exactly).
public func agree(_ a: OrderTotals, _ b: OrderTotals) -> Bool {
    guard a.keys.sorted() == b.keys.sorted() else { return false }
    for (city, x) in a {
        guard let y = b[city], x.count == y.count, x.min == y.min, x.max == y.max,
            abs(x.sum - y.sum) <= 1e-6 * max(1, abs(x.sum))
        else { return false }
    }
    return true
}
