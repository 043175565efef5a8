/// Limits applied while parsing untrusted JSON.
public struct JSONParsingOptions: Sendable, Hashable {
    /// Deepest array/object nesting accepted; deeper input fails with ``PipeError/Code/jsonTooDeep``.
    public var maxDepth: Int
    /// Longest input accepted, in bytes.
    public var maxBytes: Int

    /// Creates options; the defaults suit records and API payloads.
    public init(maxDepth: Int = 512, maxBytes: Int = 1 << 31) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    /// The defaults: depth 512, 2 GiB.
    public static let `default` = JSONParsingOptions()
}

extension JSONValue {
    /// Parses one JSON text (RFC 8259) from UTF-8 bytes.
    ///
    /// Whitespace may surround the value; anything else after it is an error. Invalid UTF-8 is
    /// rejected; an unpaired UTF-16 surrogate escape (`"\uD800"`) decodes to U+FFFD, as jq and Go do.
    /// - Throws: ``PipeError`` with code `invalid_json` (the message names the byte offset),
    ///   `json_too_deep`, or `limit_exceeded` for input over ``JSONParsingOptions/maxBytes``.
    public init(parsing bytes: UnsafeRawBufferPointer, options: JSONParsingOptions = .default) throws(PipeError) {
        guard bytes.count <= options.maxBytes else {
            throw PipeError(
                .limitExceeded, "JSON input of \(bytes.count) bytes exceeds the limit of \(options.maxBytes)")
        }
        var parser = JSONParser(bytes, maxDepth: options.maxDepth)
        self = try parser.parseDocument()
    }

    /// Parses one JSON text from a byte array. See ``init(parsing:options:)-(UnsafeRawBufferPointer,_)``.
    public init(parsing bytes: [UInt8], options: JSONParsingOptions = .default) throws(PipeError) {
        // `withUnsafeBytes` rethrows untyped errors, so carry the typed error out in a `Result`.
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(PipeError) -> JSONValue in try JSONValue(parsing: raw, options: options) }
        }
        self = try result.get()
    }

    /// Parses one JSON text from a string.
    public init(parsing text: String, options: JSONParsingOptions = .default) throws(PipeError) {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(PipeError) -> JSONValue in
                try JSONValue(parsing: UnsafeRawBufferPointer(buffer), options: options)
            }
        }
        self = try result.get()
    }
}

/// A recursive-descent parser over raw bytes: no Foundation, no per-byte `String` work.
struct JSONParser {
    let base: UnsafePointer<UInt8>
    let end: Int
    var pos = 0
    let maxDepth: Int
    var depth = 0
    /// Scratch space reused for strings that contain escapes.
    var scratch: [UInt8] = []
    /// Elements and members of the containers being parsed, innermost last. Each container copies
    /// its own slice out once, at its exact size, instead of growing an array element by element.
    var elementStack: [JSONValue] = []
    var memberStack: [JSONObject.Member] = []

    init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        // An empty buffer may have a nil base; point at a static byte so reads stay in bounds (end == 0).
        self.base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? JSONParser.emptyBase
        self.end = bytes.count
        self.maxDepth = maxDepth
    }

    nonisolated(unsafe) static let emptyBase: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    mutating func parseDocument() throws(PipeError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if pos != end { throw error("unexpected data after the JSON value") }
        return value
    }

    func error(_ message: String, at offset: Int? = nil) -> PipeError {
        let where_ = offset ?? pos
        return PipeError(.invalidJSON, "\(message) at byte \(where_)", details: ["offset": String(where_)])
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let c = base[pos]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            pos += 1
        }
    }

    mutating func parseValue() throws(PipeError) -> JSONValue {
        guard pos < end else { throw error("unexpected end of input") }
        switch base[pos] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character '\(printable(base[pos]))'")
        }
    }

    /// The key's ``JSONObject/fingerprint(of:)`` computed from its raw bytes; `nil` for a key with
    /// escapes, whose raw bytes are not its UTF-8.
    @inline(__always)
    func keyHash(from start: Int, to end: Int) -> UInt64? {
        var hash = JSONObject.FNV.offsetBasis
        var i = start
        while i < end {
            if base[i] == UInt8(ascii: "\\") { return nil }
            hash = JSONObject.FNV.step(hash, base[i])
            i += 1
        }
        return hash
    }

    func printable(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }

    mutating func expectWord(_ word: StaticString) throws(PipeError) {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        for i in 0..<count where pos + i >= end || base[pos + i] != start[i] {
            throw error(pos + i >= end ? "unexpected end of input" : "invalid literal", at: pos)
        }
        pos += count
    }

    /// After an object member's value: `false` after a `,` (another member follows), `true` after the `}`.
    @inline(__always)
    mutating func endOfMember() throws(PipeError) -> Bool {
        skipWhitespace()
        guard pos < end else { throw error("unterminated object") }
        let c = base[pos]
        pos += 1
        if c == UInt8(ascii: ",") { return false }
        if c == UInt8(ascii: "}") { return true }
        throw error("expected ',' or '}' in object", at: pos - 1)
    }

    mutating func enter() throws(PipeError) {
        depth += 1
        if depth > maxDepth {
            throw PipeError(
                .jsonTooDeep, "JSON nesting deeper than \(maxDepth) at byte \(pos)",
                details: ["offset": String(pos), "maxDepth": String(maxDepth)])
        }
    }

    mutating func parseArray() throws(PipeError) -> JSONValue {
        try enter()
        pos += 1  // [
        skipWhitespace()
        if pos < end, base[pos] == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return .array([])
        }
        let first = elementStack.count
        defer { elementStack.removeSubrange(first...) }
        while true {
            skipWhitespace()
            let element = try parseValue()
            elementStack.append(element)
            skipWhitespace()
            guard pos < end else { throw error("unterminated array") }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "]") { break }
            throw error("expected ',' or ']' in array", at: pos - 1)
        }
        depth -= 1
        return .array(Array(elementStack[first...]))
    }

    mutating func parseObject() throws(PipeError) -> JSONValue {
        try enter()
        pos += 1  // {
        skipWhitespace()
        // One bit per key hash: a key whose bit is clear cannot be a duplicate, so it is appended
        // without searching the keys already there (the common case for records).
        var seenKeyBits: UInt64 = 0
        if pos < end, base[pos] == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return .object(JSONObject())
        }
        let first = memberStack.count
        defer { memberStack.removeSubrange(first...) }
        // Past this many members the bit trick stops ruling anything out; a hash index keeps
        // duplicate detection linear for huge objects.
        var keyIndex: [String: Int]?
        while true {
            skipWhitespace()
            guard pos < end, base[pos] == UInt8(ascii: "\"") else { throw error("expected a string key in object") }
            let keyStart = pos + 1
            let key = try parseString()
            let hash = keyHash(from: keyStart, to: pos - 1)
            skipWhitespace()
            guard pos < end, base[pos] == UInt8(ascii: ":") else { throw error("expected ':' after object key") }
            pos += 1
            skipWhitespace()
            let value = try parseValue()
            let fingerprint = hash ?? JSONObject.fingerprint(of: key)
            let bit = UInt64(1) << ((fingerprint ^ (fingerprint >> 29)) & 63)
            if keyIndex == nil, memberStack.count - first >= JSONObject.indexThreshold {
                keyIndex = Dictionary(
                    memberStack[first...].enumerated().map { ($1.key, first + $0) }, uniquingKeysWith: { $1 })
            }
            if keyIndex != nil {
                if let i = keyIndex![key] {
                    memberStack[i].value = value
                } else {
                    keyIndex![key] = memberStack.count
                    memberStack.append(JSONObject.Member(key: key, value: value, fingerprint: fingerprint))
                }
            } else if hash != nil, seenKeyBits & bit == 0 {
                memberStack.append(JSONObject.Member(key: key, value: value, fingerprint: fingerprint))
            } else if let i = memberStack[first...].firstIndex(where: { $0.fingerprint == fingerprint && $0.key == key }
            ) {
                memberStack[i].value = value  // a duplicate key: the last one wins, as in most parsers
            } else {
                memberStack.append(JSONObject.Member(key: key, value: value, fingerprint: fingerprint))
            }
            seenKeyBits |= bit
            if try endOfMember() { break }
        }
        depth -= 1
        return .object(JSONObject(uniqueMembers: Array(memberStack[first...])))
    }
}
