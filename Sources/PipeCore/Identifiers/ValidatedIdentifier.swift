/// A string identifier whose value was checked against its naming rules when it was made.
///
/// Holding a `BucketName` or an `ObjectKey` proves the string is valid, so the check happens once, at the edge (a
/// request, a decoded document), and not again in every layer below it. Each conforming type documents its rules;
/// breaking one throws a ``PipeError`` with code ``PipeError/Code/invalidIdentifier``.
///
/// Conforming types get, from this protocol:
/// - `Codable` as a plain JSON string that is validated on decode (an invalid string fails decoding with a
///   `DecodingError.dataCorrupted` whose `underlyingError` is the ``PipeError``);
/// - `CustomStringConvertible` printing the raw value;
/// - `Comparable` by UTF-8 bytes, the order storage listings and cursors use.
///
/// ```swift
/// let bucket = try BucketName("photos")
/// let key = try ObjectKey("2024/cat.jpg")
/// print(bucket, key)                     // photos 2024/cat.jpg
/// try BucketName("Photos")               // throws invalid_identifier: … may contain only lowercase letters, …
/// ```
public protocol ValidatedIdentifier: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The validated string.
    var rawValue: String { get }

    /// Validates `rawValue` and wraps it.
    ///
    /// - Throws: ``PipeError`` with code ``PipeError/Code/invalidIdentifier`` naming the rule `rawValue` breaks.
    init(_ rawValue: String) throws(PipeError)
}

extension ValidatedIdentifier {
    /// The raw value, unquoted.
    public var description: String { rawValue }

    /// Orders by UTF-8 bytes (not by Unicode collation), matching how stores sort keys and cursors compare.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }

    /// Decodes a JSON string and validates it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do {
            try self.init(raw)
        } catch {
            // Keep the coding path (where in the document) and the PipeError (which rule) together.
            let context = DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: error.message, underlyingError: error
            )
            throw DecodingError.dataCorrupted(context)
        }
    }

    /// Encodes the raw value as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
