// expression-bench: Pipe's JMESPath speed on the compliance suite's benchmarks.json, as plain numbers.
//
//     expression-bench [--mode evaluate|compile] [--time SECONDS] [--repeat N] [BENCHMARKS_JSON]
//
// Prints one `comment<TAB>ns_per_op` line per case, in file order (`error` instead of a number if the case fails to
// compile or evaluate). scripts/jmespath_python.py prints the same for Python's jmespath, and
// scripts/compare-jmespath.sh joins the two. Both time the same way:
//
// - evaluate (default): compile once, then time evaluating against the group's `given` document. A result that
//   differs from the case's expected one is reported on standard error.
// - compile: time compiling the expression from source.
//
// Each case runs in batches of 1, 2, 5, 10, 20, 50, … operations until one batch lasts --time seconds (default 0.2);
// the fastest of --repeat such batches (default 3) is reported.
//
// BENCHMARKS_JSON defaults to $PIPE_CONFORMANCE_DIR/jmespath/benchmarks.json (PIPE_CONFORMANCE_DIR defaults to
// ../shared/conformance next to the repository).

import BenchmarkFixtures
import Foundation
import PipeCore
import PipeExpression

enum Mode: String {
    case evaluate, compile
}

struct Options {
    var mode = Mode.evaluate
    var minimumBatch = Duration.milliseconds(200)
    var repetitions = 3
    var file = BenchmarkPaths.jmespathBenchmarksFile

    static let usage =
        "usage: expression-bench [--mode evaluate|compile] [--time SECONDS] [--repeat N] [BENCHMARKS_JSON]"

    init(arguments: [String]) throws {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            func value() throws -> String {
                if let inlineValue { return inlineValue }
                guard let next = remaining.popFirst() else { throw BenchmarkFixtureError("\(name) needs a value") }
                return next
            }
            switch name {
            case "--mode":
                let text = try value()
                guard let mode = Mode(rawValue: text) else { throw BenchmarkFixtureError("unknown mode \(text)") }
                self.mode = mode
            case "--time":
                let text = try value()
                guard let seconds = Double(text), seconds > 0 else { throw BenchmarkFixtureError("bad --time \(text)") }
                minimumBatch = .seconds(seconds)
            case "--repeat":
                let text = try value()
                guard let count = Int(text), count > 0 else { throw BenchmarkFixtureError("bad --repeat \(text)") }
                repetitions = count
            case "-h", "--help":
                print(Self.usage)
                exit(0)
            default:
                guard !argument.hasPrefix("-") else { throw BenchmarkFixtureError("unknown option \(argument)") }
                file = URL(fileURLWithPath: argument)
            }
        }
    }
}

/// Keeps a result alive so the optimizer cannot drop the work that produced it.
@inline(never) @_optimize(none)
func blackHole(_: some Any) {}

/// Nanoseconds per call of `operation`; see the file comment for how batches are sized.
func nanosecondsPerOperation(
    minimumBatch: Duration, repetitions: Int, _ operation: () throws -> Void
) rethrows -> Double {
    let clock = ContinuousClock()
    var number = 1
    while true {
        for factor in [1, 2, 5] {
            let count = number * factor
            var start = clock.now
            for _ in 0..<count { try operation() }
            var best = start.duration(to: clock.now)
            guard best >= minimumBatch else { continue }
            for _ in 1..<repetitions {
                start = clock.now
                for _ in 0..<count { try operation() }
                best = min(best, start.duration(to: clock.now))
            }
            let nanoseconds = Double(best.components.seconds) * 1e9 + Double(best.components.attoseconds) / 1e9
            return nanoseconds / Double(count)
        }
        number *= 10
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("expression-bench: \(message)\n".utf8))
}

/// Times every case and prints the results; returns the exit status.
func run(arguments: [String]) -> Int32 {
    let options: Options
    do {
        options = try Options(arguments: arguments)
    } catch {
        printError("\(error)\n\(Options.usage)")
        return 2
    }

    let cases: [JMESPathBenchmarkCase]
    do {
        cases = try JMESPathBenchmarkCase.load(from: options.file)
    } catch {
        printError("\(error)")
        return 1
    }

    for testCase in cases {
        do {
            let nanoseconds: Double
            switch options.mode {
            case .evaluate:
                let expression = try JMESPathExpression(testCase.expression)
                let document = testCase.given
                if let expected = testCase.expectedResult, try expression.evaluate(document) != expected {
                    printError("warning: \(testCase.name): result differs from benchmarks.json")
                }
                nanoseconds = try nanosecondsPerOperation(
                    minimumBatch: options.minimumBatch, repetitions: options.repetitions
                ) {
                    blackHole(try expression.evaluate(document))
                }
            case .compile:
                let source = testCase.expression
                nanoseconds = try nanosecondsPerOperation(
                    minimumBatch: options.minimumBatch, repetitions: options.repetitions
                ) {
                    blackHole(try JMESPathExpression(source))
                }
            }
            print("\(testCase.name)\t\(String(format: "%.1f", nanoseconds))")
        } catch {
            printError("\(testCase.name): \(error)")
            print("\(testCase.name)\terror")
        }
    }
    return 0
}

exit(run(arguments: Array(CommandLine.arguments.dropFirst())))
