/// The key of an object inside a bucket, such as `2024/photos/cat.jpg`.
///
/// Keys are free-form Unicode with a few rules that keep them safe to use as file paths in a local blob store and as
/// URL paths:
/// - 1–1024 bytes of UTF-8;
/// - no control characters (NUL, C0, DEL, C1);
/// - no `.` or `..` path segment (`a/./b`, `../etc/passwd`), so a key cannot climb out of its bucket's directory;
/// - no empty segment: it does not start or end with `/` and has no `//` (`a//b` and `a/b` would otherwise be two
///   keys that most file systems and URL normalisers treat as one);
/// - no backslash, which Windows paths and some URL parsers read as a separator (`a\..\b`).
///
/// Stores never use keys as file paths (the local blob store names files by random ids), but the rules keep keys
/// unambiguous wherever they travel: URLs, logs, downloads saved under the key's name.
///
/// Two keys are equal only when their UTF-8 bytes are equal. (`String` equality treats canonically equivalent
/// spellings such as a precomposed `é` and `e` + combining accent as equal; stores do not, so neither do keys.)
public struct ObjectKey: ValidatedIdentifier {
    /// The validated key.
    public let rawValue: String

    /// Validates `rawValue` as an object key.
    ///
    /// - Throws: ``PipeError`` with code ``PipeError/Code/invalidIdentifier`` naming the rule broken
    ///   (`details["rule"]`: `length`, `leadingSlash`, `controlCharacter`, `dotSegment`, `emptySegment` or
    ///   `backslash`).
    public init(_ rawValue: String) throws(PipeError) {
        // The byte count is O(1) for native strings, so oversized input is rejected before it is scanned.
        try IdentifierRules.checkLength(
            rawValue.utf8.count, in: 1...1024, unit: "UTF-8 bytes", kind: Self.kind, raw: rawValue
        )
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        if rawValue.utf8.first == slash {
            throw IdentifierRules.violation(Self.kind, rawValue, .leadingSlash, "must not start with '/'")
        }
        if rawValue.utf8.contains(UInt8(ascii: "\\")) {
            throw IdentifierRules.violation(Self.kind, rawValue, .backslash, "must not contain '\\'")
        }
        var offset = 0
        for scalar in rawValue.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                throw IdentifierRules.violation(
                    Self.kind, rawValue, .controlCharacter,
                    "must not contain control characters (found '\(scalar.escaped(asASCII: true))' at byte \(offset))"
                )
            }
            offset += UTF8.width(scalar)
        }
        for segment in rawValue.utf8.split(separator: slash, omittingEmptySubsequences: false) {
            if segment.isEmpty {
                throw IdentifierRules.violation(
                    Self.kind, rawValue, .emptySegment, "must not end with '/' or contain '//'"
                )
            }
            if segment.count <= 2 && segment.allSatisfy({ $0 == dot }) {
                throw IdentifierRules.violation(
                    Self.kind, rawValue, .dotSegment, "must not contain '.' or '..' path segments"
                )
            }
        }
        self.rawValue = rawValue
    }

    private static let kind = "object key"

    /// Whether this key begins with `prefix`, compared byte by byte as stores compare list prefixes.
    public func hasPrefix(_ prefix: String) -> Bool {
        rawValue.utf8.starts(with: prefix.utf8)
    }

    /// Compares UTF-8 bytes; see the type's discussion for why this is not `String` equality.
    public static func == (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        lhs.rawValue.utf8.elementsEqual(rhs.rawValue.utf8)
    }

    /// Hashes UTF-8 bytes, consistently with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        var bytes = rawValue  // withUTF8 needs a var: it makes bridged strings contiguous first
        bytes.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
