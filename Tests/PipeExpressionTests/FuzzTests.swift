import Foundation
import PipeCore
import PipeExpression
import PipeTestSupport
import Testing

/// Feeds random and mutated expressions to the compiler and evaluator: every one must give a
/// result or a `PipeError` — never a crash, a hang or unbounded memory.
@Suite("Expression fuzzing")
struct FuzzTests {
    /// A small deterministic generator (SplitMix64) so failures reproduce from the printed seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fragments: [String] = [
        "foo", "bar", "a", "b", "@", "$", "$x", "let $x = a in ", " in ", "*", "[*]", "[]", "[?", "]", "[", "{", "}",
        "(", ")", ".", ",", ":", "|", "||", "&&", "!", "==", "!=", "<", "<=", ">", ">=", "+", "-", "−", "*", "/",
        "÷", "×", "%", "//", "?", "&", "`1`", "`\"x\"`", "`[1,2]`", "`{\"a\":1}`", "'raw'", "\"quoted\"", "0", "-1",
        "2", ":2", "::-1", "1:", "length(", "sort_by(", "&a", "to_string(", "pad_left(", "`100`", "replace(", "split(",
        "join(", "zip(", "group_by(", "items(", "from_items(", "not_null(", "map(", "max_by(", "merge(", "`", "'", "\"",
        "\\", "\u{0}", "é", "😀", " ", "\n", "let", "in",
    ]

    static let document: JSONValue = [
        "foo": ["bar": [1, 2, 3], "baz": "text"], "a": [["b": 1, "c": "x"], ["b": 2, "c": "y"], ["b": "s"]],
        "b": ["x", "y", "z"], "n": 5, "s": "subject string", "o": ["k": ["v": [1, [2, [3]]]]], "t": true, "z": nil,
    ]

    func exercise(_ source: String, failures: inout [String]) {
        do {
            let expression = try JMESPathExpression(source)
            _ = try expression.evaluate(Self.document, budget: 1 << 20)
        } catch {
            // Any PipeError is an acceptable answer; it must carry a stable code and message.
            if error.message.isEmpty { failures.append("empty message for \(source.debugDescription)") }
        }
    }

    @Test("random token soup")
    func tokenSoup() {
        var rng = SplitMix(state: 0x5EED_0001)
        var failures: [String] = []
        for _ in 0..<20_000 {
            let count = Int.random(in: 1...14, using: &rng)
            let source = (0..<count).map { _ in Self.fragments.randomElement(using: &rng)! }.joined()
            exercise(source, failures: &failures)
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test("random bytes")
    func randomBytes() {
        var rng = SplitMix(state: 0x5EED_0002)
        var failures: [String] = []
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            exercise(String(decoding: bytes, as: UTF8.self), failures: &failures)
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test("mutations of the compliance expressions")
    func mutations() throws {
        var seeds = ["foo.bar[0].baz", "a[?b > `1`].c | sort(@)", "let $x = n in a[*].{b: b, n: $x}", "s[::-1]"]
        if let suite = try Conformance.suite("jmespath") {
            for file in try FileManager.default.contentsOfDirectory(atPath: suite.path) where file.hasSuffix(".json") {
                let value = try JSONValue(parsing: [UInt8](Data(contentsOf: suite.appendingPathComponent(file))))
                for group in value.arrayValue ?? [] {
                    for c in group["cases"]?.arrayValue ?? [] {
                        if let e = c["expression"]?.stringValue { seeds.append(e) }
                    }
                }
            }
        }
        var rng = SplitMix(state: 0x5EED_0003)
        var failures: [String] = []
        for seed in seeds {
            for _ in 0..<12 {
                var scalars = Array(seed.unicodeScalars)
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let fragment = Array(Self.fragments.randomElement(using: &rng)!.unicodeScalars)
                    let at = Int.random(in: 0...scalars.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: scalars.insert(contentsOf: fragment, at: at)
                    case 1 where !scalars.isEmpty: scalars.remove(at: min(at, scalars.count - 1))
                    default: scalars.replaceSubrange(at..<min(at + 1, scalars.count), with: fragment)
                    }
                }
                exercise(String(String.UnicodeScalarView(scalars)), failures: &failures)
            }
        }
        #expect(seeds.count > 100 || !Conformance.isCI)
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    static let hostileExpressions: [String] = [
        String(repeating: "(", count: 5_000) + "a" + String(repeating: ")", count: 5_000),
        String(repeating: "!", count: 10_000) + "a",
        String(repeating: "a.", count: 20_000) + "a",
        // Doubles a list 30 times through nested lets: 2^30 elements unless the work budget stops it.
        "let $v0 = [b, b][] in " + (1...30).map { "let $v\($0) = [$v\($0 - 1), $v\($0 - 1)][] in " }.joined()
            + "length($v30)",
        "let $a = to_string(@) in let $b = to_string([$a, $a]) in let $c = to_string([$b, $b]) in "
            + "let $d = to_string([$c, $c, $c, $c]) in let $e = to_string([$d, $d, $d, $d]) in "
            + "let $f = to_string([$e, $e, $e, $e]) in let $g = to_string([$f, $f, $f, $f]) in "
            + "let $h = to_string([$g, $g, $g, $g]) in let $i = to_string([$h, $h, $h, $h]) in "
            + "let $j = to_string([$i, $i, $i, $i]) in let $k = to_string([$j, $j, $j, $j]) in length($k)",
        String(repeating: "[", count: 300) + "a" + String(repeating: "]", count: 300),
        "{" + (0..<20_000).map { "k\($0): a" }.joined(separator: ", ") + "}",
    ]

    // Arguments are indices: the expressions themselves are too long to print as test names.
    @Test("hostile expressions stop at their limits", arguments: hostileExpressions.indices)
    func hostile(_ index: Int) {
        let source = Self.hostileExpressions[index]
        do {
            let expression = try JMESPathExpression(source)
            _ = try expression.evaluate(Self.document)
            Issue.record("expected a limit error")
        } catch {
            #expect(
                error.code == .limitExceeded || error.code == .expressionSyntax
                    || error.code == .expressionInvalidValue, "\(error)")
        }
    }
}
