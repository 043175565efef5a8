/// HTTP header fields: ordered, with case-insensitive names and possibly several values per name.
///
/// Fields keep the order and the name spelling they were added with (some servers and signatures care), while every
/// lookup ignores ASCII case, as HTTP requires. A name may repeat (`Set-Cookie`, `Vary`); ``subscript(_:)`` reads the
/// first value and ``values(for:)`` all of them.
///
/// Fields are stored as given; ``validate()`` checks them, and transports call it before sending so that a value
/// holding `\r\n` can never inject a header.
///
/// ```swift
/// var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]
/// headers["content-type"]                  // "application/json"
/// headers.add(name: "Vary", value: "Accept")
/// headers.add(name: "vary", value: "Origin")
/// headers.values(for: "VARY")              // ["Accept", "Origin"]
/// ```
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One header field.
    ///
    /// Two fields are equal when their names match ignoring ASCII case and their values match exactly.
    public struct Field: Sendable, Hashable {
        /// The field name, spelled as it was added.
        public var name: String
        /// The field value.
        public var value: String

        /// Makes a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }

        /// Compares names ignoring ASCII case and values exactly.
        public static func == (lhs: Field, rhs: Field) -> Bool {
            HTTPHeaders.namesMatch(lhs.name, rhs.name) && lhs.value == rhs.value
        }

        /// Hashes the lowercased name and the value, consistently with ``==(_:_:)``.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(name.utf8.count)
            for byte in name.utf8 { hasher.combine(HTTPHeaders.lowercased(byte)) }
            hasher.combine(value)
        }
    }

    private var fields: [Field]

    /// Makes empty headers.
    public init() {
        fields = []
    }

    /// Makes headers from name-value pairs, in order.
    public init(_ pairs: some Sequence<(String, String)>) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// Makes headers from a literal, in order; a name may appear more than once.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The number of fields (a repeated name counts once per value).
    public var count: Int { fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }

    /// Appends a field, keeping any others with the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Sets the value for `name`: the first field with that name gets `value` (keeping its place and spelling) and
    /// later ones are removed; if there is none, a field is appended.
    public mutating func replaceOrAdd(name: String, value: String) {
        guard let first = fields.firstIndex(where: { Self.namesMatch($0.name, name) }) else {
            add(name: name, value: value)
            return
        }
        fields[first].value = value
        var index = fields.index(after: first)
        while index < fields.endIndex {
            if Self.namesMatch(fields[index].name, name) { fields.remove(at: index) } else { index += 1 }
        }
    }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// The first value for `name`, or `nil`. Setting a value calls ``replaceOrAdd(name:value:)``; setting `nil`
    /// calls ``remove(name:)``.
    public subscript(name: String) -> String? {
        get { fields.first { Self.namesMatch($0.name, name) }?.value }
        set {
            if let newValue { replaceOrAdd(name: name, value: newValue) } else { remove(name: name) }
        }
    }

    /// Every value for `name`, in order.
    public func values(for name: String) -> [String] {
        fields.compactMap { Self.namesMatch($0.name, name) ? $0.value : nil }
    }

    /// Whether any field is named `name`.
    public func contains(name: String) -> Bool {
        fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Checks that every name is an RFC 9110 token and no value holds CR, LF, NUL or another control character
    /// except horizontal tab.
    ///
    /// - Throws: ``PipeError`` with code ``PipeError/Code/invalidArgument`` naming the first bad field.
    public func validate() throws(PipeError) {
        for field in fields {
            if field.name.isEmpty || !field.name.utf8.allSatisfy(ASCIISet.httpToken.contains) {
                let reason = "must be non-empty and contain only " + ASCIISet.httpToken.summary
                // No details: the name is what is malformed, and the message already shows it escaped.
                throw PipeError(.invalidArgument, "invalid header name \(field.name.debugDescription): \(reason)")
            }
            if !field.value.utf8.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) {
                // The value is not echoed: it may be a credential, and it is the part that holds control bytes.
                throw PipeError(
                    .invalidArgument, "invalid value for header \(field.name): must not contain control characters",
                    details: ["header": field.name]
                )
            }
        }
    }

    /// One `Name: value` line per field. Credential-bearing fields (`Authorization`, `Cookie`, …) show
    /// `<redacted>`, since headers end up in logs and error messages.
    public var description: String {
        fields.map { field in
            let shown = Self.redacted.contains { Self.namesMatch($0, field.name) } ? "<redacted>" : field.value
            return "\(field.name): \(shown)"
        }.joined(separator: "\n")
    }

    private static let redacted = ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-API-Key"]

    /// ASCII case-insensitive comparison without allocating lowercased copies (lookups run per request).
    static func namesMatch(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.count == rhs.utf8.count && lhs.utf8.elementsEqual(rhs.utf8) { lowercased($0) == lowercased($1) }
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
