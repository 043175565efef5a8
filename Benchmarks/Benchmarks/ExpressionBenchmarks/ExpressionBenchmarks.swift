import Benchmark
import BenchmarkFixtures
import PipeCore
import PipeExpression

// The JMESPath compliance suite's benchmarks.json, read from $PIPE_CONFORMANCE_DIR (default ../shared/conformance
// next to the repository; never copied into it). Each case is one benchmark named by its comment: the expression is
// compiled once, checked against the expected result, then evaluated against the group's `given` document 1,000
// times per iteration (throughput reads as evaluations per second). The `"bench": "parse"` cases also get a
// `compile: <comment>` benchmark, since compiling is what they were written to exercise.
//
// scripts/compare-jmespath.sh compares the same cases with Python's jmespath (target: Pipe ≥ 10x).

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(1),
        maxIterations: 100_000
    )
    let cases: [JMESPathBenchmarkCase]
    do {
        cases = try JMESPathBenchmarkCase.load()
    } catch {
        let message = "\(error)"
        Benchmark("benchmarks.json") { benchmark in benchmark.error(message) }
        return
    }
    for testCase in cases {
        evaluationBenchmark(testCase)
        if testCase.bench == "parse" { compileBenchmark(testCase) }
    }
}

/// Evaluates the compiled expression; the setup fails the benchmark if the result is wrong.
func evaluationBenchmark(_ testCase: JMESPathBenchmarkCase) {
    var expression: JMESPathExpression?
    Benchmark(testCase.name) { benchmark in
        guard let expression else { return }
        let document = testCase.given
        for _ in benchmark.scaledIterations {
            blackHole(try expression.evaluate(document))
        }
    } setup: {
        let compiled = try JMESPathExpression(testCase.expression)
        if let expected = testCase.expectedResult {
            let result = try compiled.evaluate(testCase.given)
            guard result == expected else {
                throw BenchmarkFixtureError(
                    "\(testCase.name): got \(result.serializedString()), expected \(expected.serializedString())")
            }
        }
        expression = compiled
    }
}

/// Compiles the expression from source.
func compileBenchmark(_ testCase: JMESPathBenchmarkCase) {
    let source = testCase.expression
    Benchmark("compile: \(testCase.name)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JMESPathExpression(source))
        }
    }
}
