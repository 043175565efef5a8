import Benchmark
import BenchmarkFixtures
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension BenchmarkMetric {
    /// Megabytes (10⁶ bytes) of JSON text per second, measured on every iteration over the whole records file.
    static var megabytesPerSecond: BenchmarkMetric {
        .custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
    }
}

/// The throughput of one whole-file benchmark, and how it compares with the benchmarks it is measured against.
///
/// package-benchmark runs every benchmark in a process of its own, in name order, so the comparison goes through
/// small files: each benchmark's teardown writes its median MB/s to `<data>/results/<name>.tsv`, and a benchmark with
/// `comparedWith` names (the Pipe ones, whose names sort after the Foundation ones) reads theirs and prints the
/// ratios to standard error. Only results from the same run count: all benchmark processes of one
/// `swift package benchmark` run share a parent process, whose id is recorded with each result.
final class FileThroughput {
    let name: String
    let baselines: [String]
    private var samples: [Double] = []
    private var byteCount = 0

    init(name: String, comparedWith baselines: [String] = []) {
        self.name = name
        self.baselines = baselines
    }

    /// Runs `work` (one pass over `bytes` bytes of JSON) and records its throughput.
    func measure(_ benchmark: Benchmark, bytes: Int, _ work: () throws -> Void) rethrows {
        let clock = ContinuousClock()
        let start = clock.now
        try work()
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(bytes) / 1e6 / max(seconds, 1e-9)
        benchmark.measurement(.megabytesPerSecond, Int(rate.rounded()))
        if benchmark.currentIteration >= benchmark.configuration.warmupIterations {
            samples.append(rate)
            byteCount = bytes
        }
    }

    /// Writes this benchmark's median throughput and prints its ratio to each baseline measured in the same run.
    func report() {
        guard !samples.isEmpty else { return }
        let median = samples.sorted()[samples.count / 2]
        let run = Int(getppid())
        let directory = BenchmarkPaths.dataDirectory.appendingPathComponent("results")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? "\(median)\t\(byteCount)\t\(run)\n".write(
            to: Self.resultFile(name, in: directory), atomically: true, encoding: .utf8)

        var comparisons: [String] = []
        for baseline in baselines {
            guard let text = try? String(contentsOf: Self.resultFile(baseline, in: directory), encoding: .utf8)
            else { continue }
            let fields = text.split(whereSeparator: { $0 == "\t" || $0 == "\n" })
            guard fields.count >= 3, let rate = Double(fields[0]), rate > 0,
                Int(fields[1]) == byteCount, Int(fields[2]) == run
            else { continue }
            comparisons.append("\(Self.oneDecimal(median / rate))x \(baseline) (\(Int(rate.rounded())) MB/s)")
        }
        guard !comparisons.isEmpty else { return }
        let line = "\(name): \(Int(median.rounded())) MB/s = \(comparisons.joined(separator: ", "))\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func resultFile(_ name: String, in directory: URL) -> URL {
        let safe = String(name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : "-" })
        return directory.appendingPathComponent("\(safe).tsv")
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
