import Benchmark
import BenchmarkFixtures
import Foundation
import PipelineWorkloads

// The pipeline workload (see Sources/PipelineWorkloads) over the JSON Lines records file (100 MB unless
// PIPE_BENCH_JSONL_MB says otherwise), as a hand-written loop, a typed pipeline and a declarative definition.
// Each iteration processes the whole file and reports records per second (thousands) besides wall clock and
// allocations. scripts/compare-pipeline.sh runs the same three side by side with bytewax and prints ratios.

extension BenchmarkMetric {
    /// Thousands of source records per second, measured on every iteration over the whole file.
    static var kiloRecordsPerSecond: BenchmarkMetric {
        .custom("krecords/s", polarity: .prefersLarger, useScalingFactor: false)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .kiloRecordsPerSecond, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 5
    )
    let path: String
    do {
        path = try RecordFile.ensureGenerated()
    } catch {
        fatalError("pipeline benchmarks: cannot make the records file: \(error)")
    }

    func measure(_ benchmark: Benchmark, _ work: () async throws -> Int) async throws {
        let start = ContinuousClock.now
        let records = try await work()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        benchmark.measurement(.kiloRecordsPerSecond, Int((Double(records) / max(seconds, 1e-9) / 1e3).rounded()))
    }

    Benchmark("pipeline: hand-written loop") { benchmark in
        try await measure(benchmark) { try handWrittenLoop(path).records }
    }
    Benchmark("pipeline: typed") { benchmark in
        try await measure(benchmark) { try await typedPipeline(path).records }
    }
    Benchmark("pipeline: declarative") { benchmark in
        try await measure(benchmark) { try await declarative(path).records }
    }
}
