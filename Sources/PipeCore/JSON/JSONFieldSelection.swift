/// The parts of JSON objects a reader needs, as a tree of field names: a parser given a selection builds only
/// those fields and skips the rest of each object without building it.
///
/// A pipeline whose steps read `active`, `price` and `address.city` needs nothing else of a 30-field record;
/// parsing with `JSONFieldSelection(paths: [["active"], ["price"], ["address", "city"]])` builds a three-field
/// record (with `address` holding only `city`), which is several times faster than building all of it.
///
/// Skipped values are checked for structure (balanced brackets, closed strings, no control characters in
/// strings, bounded depth) but not decoded, so a malformed number or escape in a field nobody reads does not
/// fail the record.
public struct JSONFieldSelection: Sendable, Hashable {
    /// A selected field: its name's UTF-8 and what to keep inside it (`nil`: all of it).
    struct Field: Sendable, Hashable {
        let name: String
        let utf8: [UInt8]
        let fingerprint: UInt64
        let inner: JSONFieldSelection?
    }

    /// The selection's contents, in one reference so that passing a selection around costs one retain.
    ///
    /// The names also live in one raw buffer, so matching a key (done for every key of every record) reads
    /// memory without touching a reference count.
    final class Storage: @unchecked Sendable {
        // @unchecked Sendable: every property is set in `init` and never changed; `names` and `offsets` point
        // to memory this object allocates, fills before anyone can see it, only reads afterwards, and frees in
        // `deinit`.
        let fields: [Field]
        let count: Int
        /// The field names' UTF-8, one after another; field `i` is `names[offsets[i]..<offsets[i + 1]]`.
        let names: UnsafeMutablePointer<UInt8>
        let offsets: UnsafeMutablePointer<Int>

        init(fields: [Field]) {
            self.fields = fields
            count = fields.count
            let total = fields.reduce(0) { $0 + $1.utf8.count }
            names = .allocate(capacity: max(1, total))
            offsets = .allocate(capacity: fields.count + 1)
            var offset = 0
            for (index, field) in fields.enumerated() {
                offsets[index] = offset
                for byte in field.utf8 {
                    names[offset] = byte
                    offset += 1
                }
            }
            offsets[fields.count] = offset
        }

        /// The index of the field whose name is `key`'s bytes.
        @inline(__always)
        func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
            var index = 0
            while index < count {
                let start = offsets[index]
                if offsets[index + 1] - start == key.count {
                    var i = 0
                    while i < key.count && names[start + i] == key[i] { i += 1 }
                    if i == key.count { return index }
                }
                index += 1
            }
            return nil
        }

        deinit {
            names.deallocate()
            offsets.deallocate()
        }
    }

    let storage: Storage
    var fields: [Field] { storage.fields }

    public static func == (lhs: JSONFieldSelection, rhs: JSONFieldSelection) -> Bool {
        lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
    }

    /// A selection keeping the values at `paths` whole; a path that is a prefix of another keeps the longer
    /// one's whole parent. An empty path selects everything, which is `nil`.
    public init?(paths: [[String]]) {
        guard !paths.contains(where: \.isEmpty) else { return nil }
        var grouped: [(String, [[String]])] = []
        for path in paths {
            let rest = Array(path.dropFirst())
            if let index = grouped.firstIndex(where: { $0.0 == path[0] }) {
                grouped[index].1.append(rest)
            } else {
                grouped.append((path[0], [rest]))
            }
        }
        storage = Storage(
            fields: grouped.map { name, rests in
                Field(
                    name: name, utf8: Array(name.utf8), fingerprint: JSONObject.fingerprint(of: name),
                    inner: JSONFieldSelection(paths: rests))
            })
    }

    /// A copy sharing no storage with this one, for a task of its own. Parsing retains the selection's storage
    /// for every record, and a retain writes the object's first cache line, where the field table's pointers
    /// also live: shared by tasks on two processors, every key lookup would wait for that line to come back.
    public func privateCopy() -> JSONFieldSelection {
        JSONFieldSelection(
            storage: Storage(
                fields: storage.fields.map { field in
                    Field(
                        name: field.name, utf8: field.utf8, fingerprint: field.fingerprint,
                        inner: field.inner?.privateCopy())
                }))
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// The index of the selected field named by the raw (escape-free) key bytes.
    @inline(__always)
    func field(_ key: UnsafeBufferPointer<UInt8>) -> Int? { storage.index(of: key) }

    func field(named name: String) -> Int? { fields.firstIndex { $0.name == name } }
}

extension JSONValue {
    /// Parses one JSON text keeping only the object fields `selection` names (see ``JSONFieldSelection``);
    /// values that are not objects where the selection expects one are kept whole.
    /// - Throws: as ``init(parsing:options:)-(UnsafeRawBufferPointer,_)``.
    public init(
        parsing bytes: UnsafeRawBufferPointer, selecting selection: JSONFieldSelection,
        options: JSONParsingOptions = .default
    ) throws(PipeError) {
        guard bytes.count <= options.maxBytes else {
            throw PipeError(
                .limitExceeded, "JSON input of \(bytes.count) bytes exceeds the limit of \(options.maxBytes)")
        }
        var parser = JSONParser(bytes, maxDepth: options.maxDepth)
        parser.skipWhitespace()
        let value = try parser.parseSelected(selection)
        parser.skipWhitespace()
        if parser.pos != parser.end { throw parser.error("unexpected data after the JSON value") }
        self = value
    }
}

extension JSONParser {
    /// A value, keeping only the selected fields if it is an object.
    mutating func parseSelected(_ selection: JSONFieldSelection) throws(PipeError) -> JSONValue {
        guard pos < end, base[pos] == UInt8(ascii: "{") else { return try parseValue() }
        try enter()
        pos += 1
        let storage = selection.storage
        var members: [JSONObject.Member] = []
        members.reserveCapacity(storage.fields.count)
        var seen: UInt64 = 0  // which fields (of the first 64) are already in `members`
        skipWhitespace()
        if pos < end, base[pos] == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return .object(JSONObject())
        }
        while true {
            skipWhitespace()
            guard pos < end, base[pos] == UInt8(ascii: "\"") else { throw error("expected a string key in object") }
            let keyStart = pos + 1
            let field: Int?
            if let keyEnd = try skipSimpleString() {
                field = storage.index(of: UnsafeBufferPointer(start: base + keyStart, count: keyEnd - keyStart))
            } else {
                pos = keyStart - 1
                field = selection.field(named: try parseString())
            }
            skipWhitespace()
            guard pos < end, base[pos] == UInt8(ascii: ":") else { throw error("expected ':' after object key") }
            pos += 1
            skipWhitespace()
            if let field {
                let value: JSONValue
                if let inner = storage.fields[field].inner {
                    value = try parseSelected(inner)
                } else {
                    value = try parseValue()
                }
                let bit: UInt64 = field < 64 ? 1 << field : 0
                let name = storage.fields[field].name
                if seen & bit == 0 && bit != 0 {
                    seen |= bit
                    members.append(
                        JSONObject.Member(key: name, value: value, fingerprint: storage.fields[field].fingerprint))
                } else if let index = members.firstIndex(where: { $0.key == name }) {
                    members[index].value = value  // a duplicate key: the last one wins
                } else {
                    members.append(
                        JSONObject.Member(key: name, value: value, fingerprint: storage.fields[field].fingerprint))
                }
            } else {
                try skipValue()
            }
            if try endOfMember() { break }
        }
        depth -= 1
        return .object(JSONObject(uniqueMembers: members))
    }

    /// Moves past a string without escapes and returns the offset of its closing quote; `nil` (with `pos`
    /// unspecified) for a string with escapes.
    @inline(__always)
    mutating func skipSimpleString() throws(PipeError) -> Int? {
        let open = pos
        pos += 1
        skipPlainStringBytes()
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return pos - 1
            }
            if c == UInt8(ascii: "\\") { return nil }
            if c < 0x20 { throw error("unescaped control character in string") }
            pos += 1
        }
        throw error("unterminated string", at: open)
    }

    /// Moves `pos` past string bytes that need no attention (not a quote, a backslash or a control character),
    /// eight at a time: strings are most of a record's bytes, and most of them are plain.
    @inline(__always)
    mutating func skipPlainStringBytes() {
        while pos + 8 <= end {
            let flagged = Self.specialBytes(in: Self.word(at: base + pos))
            if flagged != 0 {
                pos += flagged.trailingZeroBitCount >> 3
                return
            }
            pos += 8
        }
    }

    /// Eight bytes from `pointer`, the first in the lowest bits.
    @inline(__always)
    static func word(at pointer: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self))
    }

    /// The high bit of each byte of `word` (first byte lowest) that a string scan must stop at: a quote, a
    /// backslash or a control character. The lowest set bit always marks a real one (a subtraction's borrow can
    /// flag bytes above a match, never below), so `trailingZeroBitCount >> 3` is the offset of the first.
    @inline(__always)
    static func specialBytes(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        // A byte is flagged when it is zero (after the XOR) or below 0x20; bytes at or above 0x80 never are.
        return (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word))
            & 0x8080_8080_8080_8080
    }

    /// Moves past one value, checking its structure but building nothing.
    mutating func skipValue() throws(PipeError) {
        guard pos < end else { throw error("unexpected end of input") }
        switch base[pos] {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["): try skipContainer()
        case UInt8(ascii: "t"): try expectWord("true")
        case UInt8(ascii: "f"): try expectWord("false")
        case UInt8(ascii: "n"): try expectWord("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = pos
            while pos < end {
                let c = base[pos]
                guard
                    (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-")
                        || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "e")
                        || c == UInt8(ascii: "E")
                else { break }
                pos += 1
            }
            if pos == start + 1 && base[start] == UInt8(ascii: "-") { throw error("invalid number", at: start) }
        default: throw error("unexpected character '\(printable(base[pos]))'")
        }
    }

    mutating func skipString() throws(PipeError) {
        let open = pos
        pos += 1
        while pos < end {
            skipPlainStringBytes()
            guard pos < end else { break }
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                return
            }
            if c == UInt8(ascii: "\\") {
                pos += 2
                continue
            }
            if c < 0x20 { throw error("unescaped control character in string") }
            pos += 1
        }
        throw error("unterminated string", at: open)
    }

    /// Skips an array or object by matching brackets (strings skipped whole), within the depth limit.
    mutating func skipContainer() throws(PipeError) {
        let open = pos
        let outer = depth
        var stack: UInt64 = 0  // one bit per open level (1 = object), for the first 64 levels
        while pos < end {
            let c = base[pos]
            switch c {
            case UInt8(ascii: "\""):
                try skipString()
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                try enter()
                let level = depth - outer - 1
                if level < 64 {
                    if c == UInt8(ascii: "{") { stack |= 1 << level } else { stack &= ~(1 << level) }
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                let level = depth - outer - 1
                if level < 64, (stack >> level) & 1 == 1 ? c != UInt8(ascii: "}") : c != UInt8(ascii: "]") {
                    throw error("mismatched '\(printable(c))'")
                }
                depth -= 1
                if depth == outer {
                    pos += 1
                    return
                }
            default:
                break
            }
            pos += 1
        }
        throw error("unterminated \(base[open] == UInt8(ascii: "{") ? "object" : "array")", at: open)
    }
}
