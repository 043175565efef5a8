import Foundation
import PipeTestSupport
import Testing

@Suite("pipe query")
struct QueryCommandTests {
    let pipe = CommandRunner(product: "pipe")

    @Test("evaluates an expression on standard input and prints compact JSON")
    func standardInput() throws {
        let outcome = try pipe.run(["query", "a[?b > `1`].b"], input: #"{"a": [{"b": 1}, {"b": 2}, {"b": 3}]}"#)
        #expect(outcome.status == 0)
        #expect(outcome.stdout == "[2,3]\n")
        #expect(outcome.stderr.isEmpty)
    }

    @Test("reads a file")
    func file() throws {
        let example = Conformance.packageRoot.appendingPathComponent("Examples/orders.json").path
        let outcome = try pipe.run(["query", "length(orders)", example])
        #expect(outcome.stdout == "5\n")
    }

    @Test("--lines gives one result per record; --skip-nulls filters")
    func lines() throws {
        let input = "{\"n\":1}\n\n{\"n\":5}\r\n{\"n\":3}"
        let all = try pipe.run(["query", "--lines", "n > `2` && n || null"], input: input)
        #expect(all.stdout == "null\n5\n3\n")
        let filtered = try pipe.run(["query", "--lines", "--skip-nulls", "n > `2` && {n: n} || null"], input: input)
        #expect(filtered.stdout == "{\"n\":5}\n{\"n\":3}\n")
    }

    @Test(
        "errors are one line naming the kind",
        arguments: [
            (["query", "a["], "{}", Int32(2), "pipe: syntax: "),
            (["query", "abs('x')"], "{}", Int32(1), "pipe: invalid-type: "),
            (["query", "abs()"], "{}", Int32(2), "pipe: invalid-arity: "),
            (["query", "nope(@)"], "{}", Int32(2), "pipe: unknown-function: "),
            (["query", "a[::0]"], "{}", Int32(2), "pipe: invalid-value: "),
            (["query", "a / b"], #"{"a": 1, "b": 0}"#, Int32(1), "pipe: not-a-number: "),
            (["query", "a"], "{", Int32(1), "pipe: invalid-json: "),
            (["query", "--lines", "a"], "{}\n{\n", Int32(1), "pipe: invalid-json: line 2: "),
            (["query", String(repeating: "a.", count: 6_000) + "a"], "{}", Int32(2), "pipe: limit: "),
            (
                ["query", "a"], String(repeating: "[", count: 600) + String(repeating: "]", count: 600), Int32(1),
                "pipe: json-too-deep: "
            ),
        ])
    func errors(arguments: [String], input: String, status: Int32, prefix: String) throws {
        let outcome = try pipe.run(arguments, input: input)
        #expect(outcome.status == status)
        #expect(outcome.stderr.hasPrefix(prefix), "\(outcome.stderr)")
        #expect(outcome.stderr.filter { $0 == "\n" }.count == 1, "\(outcome.stderr)")
    }

    @Test("syntax errors name the position")
    func position() throws {
        let outcome = try pipe.run(["query", "foo.[1]"], input: "{}")
        #expect(outcome.stderr.contains("at position 5"), "\(outcome.stderr)")
    }

    @Test("a missing file is a clear error")
    func missingFile() throws {
        let outcome = try pipe.run(["query", "a", "/nonexistent/file.json"])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("/nonexistent/file.json"))
    }
}
