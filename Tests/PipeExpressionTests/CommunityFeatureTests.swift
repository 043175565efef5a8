import PipeCore
import PipeExpression
import Testing

/// JMESPath Community features the classic compliance suite does not cover, checked against the
/// examples of the specification (`spec/grammar.md`, `spec/functions/*.md`).
@Suite("JMESPath Community features")
struct CommunityFeatureTests {
    func search(_ expression: String, _ document: String = "null") throws(PipeError) -> JSONValue {
        try JMESPathExpression(expression).evaluate(JSONValue(parsing: document))
    }

    func errorKind(_ expression: String, _ document: String = "null") -> String? {
        do {
            _ = try search(expression, document)
            return nil
        } catch {
            return error.expressionErrorKind ?? error.code.rawValue
        }
    }

    @Test(
        "arithmetic",
        arguments: [
            ("a + b", #"{"a": 1, "b": 2}"#, "3"),
            ("a - b", #"{"a": 1, "b": 2}"#, "-1"),
            ("a * b", #"{"a": 2, "b": 4}"#, "8"),
            ("a / b", #"{"a": 6, "b": 3}"#, "2"),
            ("a % b", #"{"a": 10, "b": 3}"#, "1"),
            ("a // b", #"{"a": 10, "b": 3}"#, "3"),
            ("a // b", #"{"a": -7, "b": 2}"#, "-4"),
            ("a.b + c.d", #"{"a": {"b": 1}, "c": {"d": 2}}"#, "3"),
            ("{ab: a.b, cd: c.d} | ab + cd", #"{"a": {"b": 1}, "c": {"d": 2}}"#, "3"),
            ("a + b * c", #"{"a": 1, "b": 2, "c": 3}"#, "7"),
            ("(a + b) * c", #"{"a": 1, "b": 2, "c": 3}"#, "9"),
            ("a - b - c", #"{"a": 10, "b": 2, "c": 3}"#, "5"),
            ("a × b ÷ c", #"{"a": 3, "b": 4, "c": 2}"#, "6"),
            ("a − b", #"{"a": 3, "b": 4}"#, "-1"),
            ("-a", #"{"a": 3}"#, "-3"),
            ("-a.b", #"{"a": {"b": 2}}"#, "-2"),
            ("+a", #"{"a": 3}"#, "3"),
            ("a * b", #"{"a": 9223372036854775807, "b": 2}"#, "1.8446744073709552e+19"),
            ("a / b", #"{"a": 2, "b": 4}"#, "0.5"),
            ("a > b + `1`", #"{"a": 3, "b": 1}"#, "true"),
        ])
    func arithmetic(expression: String, document: String, expected: String) throws {
        #expect(try search(expression, document) == JSONValue(parsing: expected))
    }

    @Test("arithmetic errors")
    func arithmeticErrors() {
        #expect(errorKind("a / b", #"{"a": 1, "b": 0}"#) == "not-a-number")
        #expect(errorKind("a % b", #"{"a": 1, "b": 0}"#) == "not-a-number")
        #expect(errorKind("a + b", #"{"a": 1, "b": "x"}"#) == "invalid-type")
        #expect(errorKind("-a", #"{"a": "x"}"#) == "invalid-type")
        #expect(errorKind("a * b", #"{"a": 1e308, "b": 10}"#) == "not-a-number")
    }

    @Test(
        "root node, let expressions and the ternary operator",
        arguments: [
            (
                "states[? name == $.first_choice ].cities[]",
                #"{"first_choice": "WA", "states": [{"name": "WA", "cities": ["Seattle", "Bellevue"]}, {"name": "CA", "cities": ["LA"]}]}"#,
                #"["Seattle", "Bellevue"]"#
            ),
            ("let $foo = bar in {a: myvar, b: $foo}", #"{"bar": 1, "myvar": 2}"#, #"{"a": 2, "b": 1}"#),
            (
                "let $foo = baz[0] in bar[? baz == $foo ] | [0]",
                #"{"baz": ["x"], "bar": [{"baz": "y"}, {"baz": "x", "n": 1}]}"#,
                #"{"baz": "x", "n": 1}"#
            ),
            ("let $a = b, $c = d in bar[*].[$a, $c, foo]", #"{"b": 1, "d": 2, "bar": [{"foo": 3}]}"#, "[[1, 2, 3]]"),
            ("let $a = `1` in let $a = `2` in $a", "null", "2"),
            ("let $a = `1` in [let $a = `2` in $a, $a]", "null", "[2, 1]"),
            ("a[].let $x = @ in $x.n * `2`", #"{"a": [{"n": 1}, {"n": 2}]}"#, "[2, 4]"),
            ("let.b", #"{"let": {"b": 5}}"#, "5"),
            ("a ? 'yes' : 'no'", #"{"a": true}"#, #""yes""#),
            ("a ? 'yes' : 'no'", #"{"a": []}"#, #""no""#),
            ("a ? 'x' : b ? 'y' : 'z'", #"{"a": false, "b": 1}"#, #""y""#),
            ("a || b ? 'x' : 'y'", #"{"a": false, "b": 1}"#, #""x""#),
            (
                "[?age > `30`].name | length(@) > `1` ? 'many' : 'few'",
                #"[{"age": 40, "name": "a"}, {"age": 50, "name": "b"}]"#,
                #""many""#
            ),
        ])
    func scoping(expression: String, document: String, expected: String) throws {
        #expect(try search(expression, document) == JSONValue(parsing: expected))
    }

    @Test("variables are resolved at compile time")
    func undefinedVariable() {
        #expect(errorKind("$nope") == "undefined-variable")
        #expect(errorKind("let $a = $a in $a") == "undefined-variable")
        #expect(errorKind("let $a = `1` in $a | $b") == "undefined-variable")
    }

    @Test(
        "string functions",
        arguments: [
            ("find_first(@, 'string')", #""subject string""#, "8"),
            ("find_first(@, 'string', `0`, `14`)", #""subject string""#, "8"),
            ("find_first(@, 'string', `-99`, `100`)", #""subject string""#, "8"),
            ("find_first(@, 'string', `0`, `13`)", #""subject string""#, "null"),
            ("find_first(@, 'string', `9`)", #""subject string""#, "null"),
            ("find_first(@, 's', `1`)", #""subject string""#, "8"),
            ("find_first(@, '')", #""subject string""#, "null"),
            ("find_last(@, 's')", #""subject string""#, "8"),
            ("find_last(@, 's', `0`, `7`)", #""subject string""#, "0"),
            ("find_last(@, 'aa')", #""aaaa""#, "2"),
            ("lower(@)", #""ÉCOLE Straße""#, #""école straße""#),
            ("upper(@)", #""straße""#, #""STRASSE""#),
            ("pad_left(@, `10`)", #""string""#, #""    string""#),
            ("pad_left(@, `10`, '-')", #""string""#, #""----string""#),
            ("pad_right(@, `8`, '.')", #""string""#, #""string..""#),
            ("pad_left(@, `3`)", #""string""#, #""string""#),
            ("replace(@, 'ab', '-')", #""abcabcab""#, #""-c-c-""#),
            ("replace(@, 'ab', '-', `2`)", #""abcabcab""#, #""-c-cab""#),
            ("replace(@, 'ab', '-', `0`)", #""abcabcab""#, #""abcabcab""#),
            ("split(@, ',')", #""a,b,,c""#, #"["a", "b", "", "c"]"#),
            ("split(@, ',', `1`)", #""a,b,c""#, #"["a", "b,c"]"#),
            ("split(@, ',', `0`)", #""a,b,c""#, #"["a,b,c"]"#),
            ("split(@, 'x')", #""abc""#, #"["abc"]"#),
            ("split(@, '')", #""abc""#, #"["a", "b", "c"]"#),
            ("trim(@)", #""  a b \t""#, #""a b""#),
            ("trim(@, 'xy')", #""xyaxbyx""#, #""axb""#),
            ("trim_left(@)", #""  a  ""#, #""a  ""#),
            ("trim_right(@)", #""  a  ""#, #""  a""#),
            ("trim_right(@, '')", #""a  ""#, #""a""#),
            ("length(@)", #""😀é""#, "2"),
            ("reverse(@)", #""ab😀""#, #""😀ba""#),
            ("@[1:]", #""😀ab""#, #""ab""#),
            ("starts_with(@, 'su')", #""subject""#, "true"),
            ("ends_with(@, 'ct')", #""subject""#, "true"),
        ])
    func stringFunctions(expression: String, document: String, expected: String) throws {
        #expect(try search(expression, document) == JSONValue(parsing: expected))
    }

    @Test(
        "string function argument errors",
        arguments: [
            ("pad_left(@, `1.5`)", "invalid-value"),
            ("pad_left(@, `5`, 'ab')", "invalid-value"),
            ("replace(@, 'a', 'b', `-1`)", "invalid-value"),
            ("split(@, ',', `1.5`)", "invalid-value"),
            ("find_first(@, 's', `0.5`)", "invalid-value"),
            ("find_first(@, `1`)", "invalid-type"),
            ("trim(`1`)", "invalid-type"),
            ("replace(@, 'a')", "invalid-arity"),
            ("pad_left(@, `1000000000`)", "invalid-value"),
        ])
    func stringErrors(expression: String, kind: String) {
        #expect(errorKind(expression, #""abc""#) == kind)
    }

    @Test(
        "collection and object functions",
        arguments: [
            (
                "group_by(@, &dept)",
                #"[{"dept": "a", "n": 1}, {"dept": "b", "n": 2}, {"dept": "a", "n": 3}, {"n": 4}]"#,
                #"{"a": [{"dept": "a", "n": 1}, {"dept": "a", "n": 3}], "b": [{"dept": "b", "n": 2}]}"#
            ),
            ("items(@)", #"{"a": 1, "b": [2]}"#, #"[["a", 1], ["b", [2]]]"#),
            ("from_items(@)", #"[["a", 1], ["b", 2], ["a", 3]]"#, #"{"a": 3, "b": 2}"#),
            ("from_items(items(@))", #"{"x": {"y": 1}}"#, #"{"x": {"y": 1}}"#),
            ("zip(a, b)", #"{"a": [1, 2, 3], "b": ["x", "y"]}"#, #"[[1, "x"], [2, "y"]]"#),
            ("zip(a)", #"{"a": [1, 2]}"#, "[[1], [2]]"),
            ("sort_by(@, &n)[].n", #"[{"n": 3}, {"n": 1}, {"n": 2}]"#, "[1, 2, 3]"),
            ("sort(@)", #"["b", "a", "é", "B"]"#, #"["B", "a", "b", "é"]"#),
            ("max_by(@, &n).id", #"[{"n": 3, "id": "x"}, {"n": 7, "id": "y"}]"#, #""y""#),
            ("sum(@)", "[1, 2.5, 3]", "6.5"),
            ("avg(@)", "[1, 2, 3, 4]", "2.5"),
            ("merge(`{}`)", "null", "{}"),
            ("to_number('12')", "null", "12"),
            ("to_number(' 12')", "null", "null"),
            ("to_number('1e3')", "null", "1000"),
            ("to_string(@)", #"{"a": [1, "x"]}"#, #""{\"a\":[1,\"x\"]}""#),
        ])
    func collections(expression: String, document: String, expected: String) throws {
        #expect(try search(expression, document) == JSONValue(parsing: expected))
    }

    @Test("collection errors")
    func collectionErrors() {
        #expect(errorKind("group_by(@, &n)", #"[{"n": 1}]"#) == "invalid-type")
        #expect(errorKind("group_by(@, &n)", #"[1]"#) == "invalid-type")
        #expect(errorKind("from_items(@)", #"[["a"]]"#) == "invalid-type")
        #expect(errorKind("zip()") == "invalid-arity")
        #expect(errorKind("items(`1`)") == "invalid-type")
        #expect(errorKind("merge()") == "invalid-arity")
        #expect(errorKind("join(@, [@, @])", #""x""#) == nil)
        let wide = "join(pad_left('', `10000000`), [`\"a\"`, `\"b\"`, `\"c\"`])"
        #expect(errorKind(wide) == "invalid-value")
    }

    @Test("integers stay exact through ceil, floor, abs and sum")
    func exactIntegers() throws {
        #expect(try search("ceil(@)", "9007199254740993") == JSONValue.number(.int(9_007_199_254_740_993)))
        #expect(try search("floor(@)", "-9007199254740993") == JSONValue.number(.int(-9_007_199_254_740_993)))
        #expect(try search("sum(@)", "[9007199254740993, 1]") == JSONValue.number(.int(9_007_199_254_740_994)))
        #expect(try search("floor(@)", "2.5") == 2)
    }

    @Test("a zero slice step points at the step")
    func sliceStepPosition() {
        do {
            _ = try JMESPathExpression("foo[1:2:0]")
            Issue.record("compiled")
        } catch {
            #expect(error.expressionErrorKind == "invalid-value")
            #expect(error.details["position"] == "8")
        }
    }

    @Test("syntax errors carry a position")
    func syntaxPositions() throws {
        for (expression, position) in [("foo.", 4), ("a[", 2), ("a ||", 4), ("`{`", 0), ("foo bar", 4), ("a ? b", 5)] {
            do {
                _ = try JMESPathExpression(expression)
                Issue.record("\(expression) compiled")
            } catch {
                #expect(error.expressionErrorKind == "syntax", "\(expression): \(error)")
                #expect(error.details["position"] == String(position), "\(expression): \(error)")
            }
        }
    }

    @Test("a compiled expression is reusable and shareable across tasks")
    func concurrentEvaluation() async throws {
        let expression = try JMESPathExpression("items[?n > `2`].n | sum(@)")
        let document = try JSONValue(parsing: #"{"items": [{"n": 1}, {"n": 3}, {"n": 5}]}"#)
        let results = try await withThrowingTaskGroup(of: JSONValue.self) { group in
            for _ in 0..<64 { group.addTask { try expression.evaluate(document) } }
            var all: [JSONValue] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 64 && results.allSatisfy { $0 == 8 })
    }
}
