import Foundation
import PipeCore
import Testing

@Suite("JSON values")
struct JSONTests {
    @Test(
        "numbers keep their exact value",
        arguments: [
            ("0", "0"), ("-0", "-0.0"), ("12", "12"), ("-9223372036854775808", "-9223372036854775808"),
            ("9223372036854775807", "9223372036854775807"), ("9223372036854775808", "9223372036854775808"),
            ("123456789012345678901234567890", "123456789012345678901234567890"), ("1.5", "1.5"), ("0.1", "0.1"),
            ("1e400", "1e400"), ("-1E+2", "-100.0"), ("2.5e-3", "0.0025"), ("1.0", "1.0"),
            ("0.1000000000000000000000001", "0.1000000000000000000000001"),
            ("1.7976931348623157e308", "1.7976931348623157e308"), ("9007199254740993.0", "9007199254740993.0"),
            ("1e-400", "1e-400"), ("0.30000000000000004", "0.30000000000000004"), ("123.456", "123.456"),
        ])
    func numbers(input: String, output: String) throws {
        let value = try JSONValue(parsing: input)
        #expect(value.serializedString() == output)
        #expect(try JSONValue(parsing: value.serializedString()) == value)
    }

    @Test("doubles round-trip through text")
    func doubleRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10_000 {
            let d = Double(bitPattern: generator.next() & ~(0x7FF << 52) | (UInt64.random(in: 0..<2000) << 52))
            guard d.isFinite else { continue }
            let value = JSONValue.number(.double(d))
            let parsed = try JSONValue(parsing: value.serializedString())
            #expect(parsed.doubleValue == d, "\(d)")
        }
    }

    @Test("strings escape what JSON requires and keep Unicode")
    func strings() throws {
        let value: JSONValue = ["k\"ey": "line\nbreak\t\u{1}é😀\\/"]
        let text = value.serializedString()
        #expect(text == #"{"k\"ey":"line\nbreak\t\u0001é😀\\/"}"#)
        #expect(try JSONValue(parsing: text) == value)
        #expect(try JSONValue(parsing: #""\ud83d\ude00\u00e9\/""#) == "😀é/")
    }

    @Test("objects keep insertion order and the last duplicate wins")
    func objects() throws {
        let value = try JSONValue(parsing: #"{"b":1,"a":2,"b":3}"#)
        #expect(value.serializedString() == #"{"b":3,"a":2}"#)
        var object = JSONObject()
        for i in 0..<100 { object["k\(i)"] = .int(i) }
        #expect(object["k57"] == .int(57))
        object["k57"] = nil
        #expect(object["k57"] == nil && object.count == 99 && object["k99"] == .int(99))
    }

    @Test("numbers compare exactly, even beyond Double")
    func exactComparison() throws {
        let n = { (text: String) throws -> JSONValue in try JSONValue(parsing: text) }
        #expect(try n("1e400") != n("2e400"))
        #expect(try n("1e400") == n("10e399"))
        #expect(try n("123456789012345678901234567890") != n("123456789012345678901234567891"))
        #expect(try n("9007199254740993") != n("9007199254740992.0"))
        #expect(try n("100") == n("1e2"))
        #expect(try n("0.1000000000000000000000001") != n("0.1"))
        guard case .number(let a) = try n("-1e400"), case .number(let b) = try n("1e-400"),
            case .number(let c) = try n("3")
        else { return }
        #expect(a < b && b < c && a < c)
    }

    @Test("equality ignores key order and number representation")
    func equality() throws {
        #expect(try JSONValue(parsing: #"{"a":1,"b":[1.0,2]}"#) == JSONValue(parsing: #"{"b":[1,2e0],"a":1.0}"#))
        #expect(try JSONValue(parsing: "[1,2]") != JSONValue(parsing: "[2,1]"))
        let set: Set<JSONValue> = [1, 1.0, "1"]
        #expect(set.count == 2)
    }

    @Test("errors name the offset", arguments: ["", "[1,]", "{\"a\" 1}", "tru", "\"abc", "[1] 2", "01", "1.", "-"])
    func errors(input: String) {
        #expect(throws: PipeError.self) { try JSONValue(parsing: input) }
        do {
            _ = try JSONValue(parsing: input)
        } catch {
            #expect(error.code == .invalidJSON)
            #expect(error.details["offset"] != nil)
        }
    }

    @Test("nesting is bounded, never a stack overflow")
    func depth() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: PipeError.self) { try JSONValue(parsing: deep) }
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        _ = try JSONValue(parsing: ok)
        do {
            _ = try JSONValue(parsing: deep)
        } catch {
            #expect(error.code == .jsonTooDeep)
        }
    }

    @Test("Codable interoperates with Foundation")
    func codable() throws {
        let text = #"{"a":[1,2.5,"x",null,true],"b":{"c":-3}}"#
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(decoded == (try JSONValue(parsing: text)))
        let encoded = try JSONEncoder().encode(decoded)
        #expect(try JSONValue(parsing: [UInt8](encoded)) == decoded)
    }

    @Test("serialized size stops counting at the limit")
    func serializedSize() {
        var value: JSONValue = "x"
        for _ in 0..<60 { value = [value, value] }  // 2^60 leaves sharing storage
        #expect(value.serializedSize(limit: 1 << 20) == nil)
        #expect(JSONValue.array([1, "ab"]).serializedSize(limit: 100) != nil)
    }
}

@Suite("JSON objects at scale")
struct JSONObjectScaleTests {
    @Test("large objects parse in linear time and keep the last duplicate")
    func largeObject() throws {
        var text = "{"
        for i in 0..<100_000 { text += "\"k\(i)\":\(i)," }
        text += "\"k5\":\"last\",\"k\\u0036\":\"escaped\"}"
        let value = try JSONValue(parsing: text)
        #expect(value.objectValue?.count == 100_000)
        #expect(value["k5"] == "last")
        #expect(value["k6"] == "escaped")
        #expect(value["k99999"] == .int(99_999))
    }

    @Test("duplicates in small objects, with and without escapes")
    func smallDuplicates() throws {
        let value = try JSONValue(parsing: #"{"a":1,"b":2,"\u0061":3,"b":4}"#)
        #expect(value.serializedString() == #"{"a":3,"b":4}"#)
    }
}

@Suite("Serialized size")
struct SerializedSizeTests {
    @Test(
        "never under-counts what the writer writes",
        arguments: [
            #"{"a":"\u0001\u0002\n\"\\","b":[1,2.5,null,true,"é"],"c":{}}"#, #""\u0000\u0000\u0000""#, "[]",
            "123456789012345678901234567890",
        ])
    func upperBound(_ text: String) throws {
        let value = try JSONValue(parsing: text)
        let size = try #require(value.serializedSize(limit: 1 << 20))
        #expect(size >= value.serialized().count)
        #expect(value.serializedSize(limit: value.serialized().count - 1) == nil)
    }
}
