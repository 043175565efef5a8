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
import PipelineWorkloads

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
func printResult(_ result: OrderTotals) {
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
var reference: OrderTotals?
for round in 1...rounds {
    for name in variants {
        let started = ContinuousClock.now
        let records: Int
        let result: OrderTotals
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
