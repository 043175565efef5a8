import PipeCore
import PipeExpression
import Testing

@Suite("Expression field paths")
struct FieldPathsTests {
    @Test(
        "the fields an expression reads",
        arguments: [
            ("a", [["a"]]), ("a.b.c", [["a", "b", "c"]]), ("a && b > `1`", [["a"], ["b"]]),
            ("{x: a.b, y: c * d}", [["a", "b"], ["c"], ["d"]]), ("items[].price", [["items"]]),
            ("items[?price > `1`].name", [["items"]]), ("length(tags)", [["tags"]]),
            ("sort_by(items, &price)", [["items"]]), ("a.b | c", [["a", "b"]]), ("a ? b : c", [["a"], ["b"], ["c"]]),
            ("let $x = a in $x.b", [["a"]]), ("`1`", []), ("a[0].b", [["a"]]), ("*.b", nil), ("@", nil),
            ("keys(@)", nil), ("$.a", nil), ("a.{x: $.c}", nil), ("[a, b]", [["a"], ["b"]]), ("!a", [["a"]]),
        ] as [(String, [[String]]?)])
    func paths(source: String, expected: [[String]]?) throws {
        #expect(try JMESPathExpression(source).fieldPaths == expected, "\(source)")
    }

    @Test("evaluating on the input cut down to the paths gives the same result")
    func equivalence() throws {
        let document: JSONValue = [
            "a": ["b": [1, 2], "c": "x"], "b": 5, "c": 2, "d": 3, "items": [["price": 3, "name": "p"], ["price": 1]],
            "tags": ["t", "u"], "other": ["big": [1, 2, 3]],
        ]
        for source in [
            "a.b", "b > `1` && c", "{x: a.c, y: c * d}", "items[?price > `1`].name", "length(tags)",
            "sort_by(items, &price)[0].name", "let $x = a in $x.c", "a.b[0]", "b + c",
        ] {
            let expression = try JMESPathExpression(source)
            let paths = try #require(expression.fieldPaths)
            let selection = try #require(JSONFieldSelection(paths: paths))
            let text = document.serializedString()
            var bytes = Array(text.utf8)
            let pruned = try bytes.withUnsafeMutableBytes { raw in
                try JSONValue(parsing: UnsafeRawBufferPointer(raw), selecting: selection)
            }
            #expect(try expression.evaluate(pruned) == expression.evaluate(document), "\(source)")
        }
    }
}
