import Foundation
import PipeCore

/// One case of the JMESPath compliance suite's `benchmarks.json`: an expression, the document it runs against and,
/// for `"bench": "full"` cases, the expected result.
///
/// ```swift
/// for testCase in try JMESPathBenchmarkCase.load() {
///     let expression = try JMESPathExpression(testCase.expression)
///     _ = try expression.evaluate(testCase.given)
/// }
/// ```
public struct JMESPathBenchmarkCase: Sendable {
    /// The case's `comment`, which names it in every report (made unique with a ` (2)` suffix if repeated).
    public var name: String
    /// The JMESPath expression.
    public var expression: String
    /// The document the expression is evaluated against (the group's `given`).
    public var given: JSONValue
    /// The expected result; `nil` when the case has none (the `"bench": "parse"` cases).
    public var expectedResult: JSONValue?
    /// What the suite says the case exercises: `"full"` (parse and evaluate) or `"parse"`.
    public var bench: String

    /// Reads the cases in file order from `benchmarks.json` (by default the one in
    /// ``BenchmarkPaths/conformanceDirectory``).
    public static func load(from file: URL = BenchmarkPaths.jmespathBenchmarksFile) throws -> [JMESPathBenchmarkCase] {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw BenchmarkFixtureError(
                "cannot read \(file.path); set PIPE_CONFORMANCE_DIR to the directory holding jmespath/benchmarks.json")
        }
        guard case .array(let groups) = try JSONValue(parsing: [UInt8](data)) else {
            throw BenchmarkFixtureError("\(file.path): expected an array of groups")
        }
        var cases: [JMESPathBenchmarkCase] = []
        var seen: [String: Int] = [:]
        for group in groups {
            guard let given = group["given"], case .array(let groupCases)? = group["cases"] else {
                throw BenchmarkFixtureError("\(file.path): every group needs `given` and `cases`")
            }
            for entry in groupCases {
                guard let expression = entry["expression"]?.stringValue else {
                    throw BenchmarkFixtureError("\(file.path): a case without an `expression`")
                }
                // The same naming rule as scripts/jmespath_python.py, so the compare script can join the outputs.
                var name = entry["comment"]?.stringValue ?? ""
                if name.isEmpty { name = expression }
                let count = seen[name, default: 0] + 1
                seen[name] = count
                if count > 1 { name += " (\(count))" }
                cases.append(
                    JMESPathBenchmarkCase(
                        name: name,
                        expression: expression,
                        given: given,
                        expectedResult: entry["result"],
                        bench: entry["bench"]?.stringValue ?? "full"
                    ))
            }
        }
        return cases
    }
}
