/// Serializes ``JSONValue``s as compact JSON into a reusable byte buffer.
///
/// Keys keep their insertion order; strings escape only what RFC 8259 requires (`"`, `\` and
/// control characters), so non-ASCII text stays as UTF-8. Reuse one writer across many values
/// (call ``reset()``) to avoid reallocating the buffer.
public struct JSONWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// Creates a writer with room for `capacity` bytes.
    public init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer, keeping its capacity.
    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    /// Appends raw bytes (e.g. a newline between JSON Lines records).
    public mutating func appendRaw(_ byte: UInt8) { bytes.append(byte) }

    /// Appends the compact JSON text of `value`.
    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: appendStatic("null")
        case .bool(let b): b ? appendStatic("true") : appendStatic("false")
        case .number(let n): write(n)
        case .string(let s): write(string: s)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            var first = true
            for member in object.members {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                write(string: member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    mutating func appendStatic(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends a number: integers digit by digit, doubles in their shortest round-trip form.
    public mutating func write(_ number: JSONNumber) {
        switch number {
        case .int(let i): writeInteger(i)
        case .double(let d):
            if d.isFinite, d == d.rounded(.towardZero), abs(d) < 1e16, !(d == 0 && d.sign == .minus) {
                // Integral doubles print as "12.0" by default; keep them numbers but short and exact.
                writeInteger(Int64(d))
                bytes.append(contentsOf: [UInt8(ascii: "."), UInt8(ascii: "0")])
            } else if d.isFinite {
                bytes.append(contentsOf: d.description.utf8)
            } else {
                appendStatic("null")  // JSON has no NaN or infinity; only reachable through arithmetic
            }
        case .decimal(let text): bytes.append(contentsOf: text.utf8)
        }
    }

    mutating func writeInteger(_ value: Int64) {
        if value == .min {
            appendStatic("-9223372036854775808")
            return
        }
        var v = value
        if v < 0 {
            bytes.append(UInt8(ascii: "-"))
            v = -v
        }
        if v < 10 {
            bytes.append(UInt8(truncatingIfNeeded: v) &+ 48)
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch on the stack
        withUnsafeMutableBytes(of: &digits) { raw in
            var n = UInt64(v)
            var i = 24
            while n > 0 {
                i -= 1
                raw[i] = UInt8(truncatingIfNeeded: n % 10) &+ 48
                n /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i..<24]))
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends a quoted, escaped string.
    public mutating func write(string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            for i in 0..<utf8.count {
                let c = utf8[i]
                guard c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                runStart = i + 1
                bytes.append(UInt8(ascii: "\\"))
                switch c {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    bytes.append(contentsOf: [
                        UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                        Self.hexDigits[Int(c >> 4)], Self.hexDigits[Int(c & 0xF)],
                    ])
                }
            }
            if runStart < utf8.count {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// The compact JSON text of this value as UTF-8 bytes.
    public func serialized() -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.write(self)
        return writer.bytes
    }

    /// The compact JSON text of this value.
    public func serializedString() -> String {
        String(decoding: serialized(), as: UTF8.self)
    }
}

extension JSONValue {
    /// An upper bound on the length of this value's compact JSON text (exact but for numbers, which
    /// count 24 bytes), or `nil` once it would exceed `limit` bytes.
    ///
    /// Stops counting as soon as the limit is passed, so it is cheap even for values that share
    /// storage and would serialize to something enormous.
    public func serializedSize(limit: Int) -> Int? {
        var total = 0
        return accumulateSize(&total, limit) ? total : nil
    }

    /// The length of `string` once escaped by ``JSONWriter``.
    static func escapedLength(_ string: String) -> Int {
        var length = 0
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x09, 0x0A, 0x0C, 0x0D: length += 2
            case 0..<0x20: length += 6
            default: length += 1
            }
        }
        return length
    }

    private func accumulateSize(_ total: inout Int, _ limit: Int) -> Bool {
        switch self {
        case .null: total += 4
        case .bool(let b): total += b ? 4 : 5
        case .number(.decimal(let text)): total += text.utf8.count
        case .number: total += 24  // an upper bound for Int64 and shortest-form Double text
        case .string(let s): total += Self.escapedLength(s) + 2
        case .array(let a):
            total += max(2, a.count + 1)  // brackets and commas
            for element in a {
                guard total <= limit, element.accumulateSize(&total, limit) else { return false }
            }
        case .object(let o):
            total += max(2, o.count * 2 + 1)  // braces, colons and commas
            for member in o {
                total += member.key.utf8.count + 2
                guard total <= limit, member.value.accumulateSize(&total, limit) else { return false }
            }
        }
        return total <= limit
    }
}
