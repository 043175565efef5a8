import PipeCore
import Testing

@Suite("JSON field selection")
struct JSONFieldSelectionTests {
    /// What a selected parse must give: the full parse with unselected object fields removed.
    static func project(_ value: JSONValue, _ paths: [[String]]) -> JSONValue {
        guard !paths.contains(where: \.isEmpty), case .object(let object) = value else { return value }
        var kept = JSONObject()
        for member in object {
            let inner = paths.filter { $0.first == member.key }.map { Array($0.dropFirst()) }
            if !inner.isEmpty { kept[member.key] = project(member.value, inner) }
        }
        return .object(kept)
    }

    static func parse(_ text: String, _ paths: [[String]]) throws(PipeError) -> JSONValue {
        guard let selection = JSONFieldSelection(paths: paths) else { return try JSONValue(parsing: text) }
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(PipeError) -> JSONValue in
                try JSONValue(parsing: UnsafeRawBufferPointer(buffer), selecting: selection)
            }
        }
        return try result.get()
    }

    static let documents = [
        #"{"id": 1, "name": "Ann \"A\" \\ \u00e9", "tags": ["x", {"y": [1, 2, {"z": "]}"}]}], "address": {"city": "Oslo", "geo": {"lat": 1.5, "lon": -2e3}}, "n": null, "ok": true}"#,
        #"{"a\u0062": 1, "ab": 2, "c": {"d": [[[]]], "e": "{[\"", "f": {}}, "g": -0.0, "h": 12345678901234567890123}"#,
        #"  { "a" : [ 1 , 2 ] , "b" : { "c" : "d" } , "e" : "\ud83d\ude00" }  "#,
        #"[{"a": 1}, 2]"#,
        #""just a string""#,
        #"{"deep": {"deeper": {"deepest": {"x": 1, "y": [true, false]}}}, "x": 1}"#,
    ]

    static let selections: [[[String]]] = [
        [["id"]], [["name"], ["address", "city"]], [["tags"]], [["address", "geo", "lat"], ["ok"]], [["ab"]],
        [["c", "e"], ["h"]], [["a"], ["e"]], [["deep", "deeper", "deepest", "y"]], [["missing"]], [["c", "f"]],
    ]

    @Test("a selected parse equals the full parse cut down to the selection")
    func equivalence() throws {
        for document in Self.documents {
            let full = try JSONValue(parsing: document)
            for paths in Self.selections {
                #expect(try Self.parse(document, paths) == Self.project(full, paths), "\(document) \(paths)")
            }
        }
    }

    @Test("skipped strings of every length, with escapes and non-ASCII at every offset of a word")
    func skippedStrings() throws {
        for length in 0..<24 {
            for offset in 0...length {
                for insert in [#"\""#, #"\\"#, "é", "\\u00e9", "😀"] {
                    var text = String(repeating: "a", count: length)
                    text.insert(contentsOf: insert, at: text.index(text.startIndex, offsetBy: offset))
                    let string = "\"" + text + "\""
                    let document = "{\"skip\": " + string + ", \"k\": [" + string + "], \"keep\": \(length)}"
                    #expect(try Self.parse(document, [["keep"]]) == ["keep": .int(length)], "\(document)")
                }
                let broken = #"{"skip": "\#(String(repeating: "a", count: length))"# + "\u{01}" + #"", "keep": 1}"#
                #expect(throws: PipeError.self) { try Self.parse(broken, [["keep"]]) }
            }
        }
    }

    @Test("duplicate keys: the last one wins, as in a full parse")
    func duplicates() throws {
        #expect(try Self.parse(#"{"a": 1, "b": 2, "a": 3}"#, [["a"]]) == ["a": 3])
    }

    @Test(
        "skipped values are still checked for structure",
        arguments: [
            #"{"a": 1, "b": "unterminated}"#, "{\"a\": 1, \"b\": \"tab\there\"}", #"{"a": 1, "b": [1, 2}"#,
            #"{"a": 1, "b": {"c": 1]}"#, #"{"a": 1, "b": tru}"#, #"{"a": 1, "b": -}"#, #"{"a": 1, "b": [1, 2"#,
            #"{"a": 1, "b": @}"#, #"{"a": 1} trailing"#, #"{"a": 1 "b": 2}"#,
        ])
    func structure(text: String) {
        #expect(throws: PipeError.self) { try Self.parse(text, [["a"]]) }
    }

    @Test("skipped values are bounded by the depth limit")
    func depth() {
        let deep = #"{"a": 1, "b": "# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}"
        do {
            _ = try Self.parse(deep, [["a"]])
            Issue.record("accepted nesting deeper than the limit")
        } catch {
            #expect(error.code == .jsonTooDeep)
        }
    }

    @Test("an empty path selects everything")
    func everything() {
        #expect(JSONFieldSelection(paths: [["a"], []]) == nil)
    }
}
