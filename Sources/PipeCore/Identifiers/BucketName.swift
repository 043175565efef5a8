/// The name of a storage bucket.
///
/// Bucket names follow DNS rules so that a bucket can be addressed as a host name (`photos.storage.example.com`) and
/// mapped one-to-one onto S3-compatible stores:
/// - 3–63 characters;
/// - only lowercase letters, digits, `-` and `.`;
/// - starts and ends with a letter or digit;
/// - no `..`, and every dot-separated label starts and ends with a letter or digit (no `.-` or `-.`);
/// - not shaped like an IPv4 address (four dot-separated groups of digits, such as `192.168.5.4`).
///
/// ```swift
/// let name = try BucketName("user-uploads.eu")
/// ```
public struct BucketName: ValidatedIdentifier {
    /// The validated name.
    public let rawValue: String

    /// Validates `rawValue` as a bucket name.
    ///
    /// - Throws: ``PipeError`` with code ``PipeError/Code/invalidIdentifier`` naming the rule broken
    ///   (`details["rule"]`: `characters`, `length`, `start`, `end`, `consecutiveDots`, `label` or `ipAddress`).
    public init(_ rawValue: String) throws(PipeError) {
        try IdentifierRules.checkASCII(
            rawValue, kind: Self.kind, length: 3...63, allowed: Self.characters,
            first: .lowercaseAlphanumeric, last: .lowercaseAlphanumeric
        )
        try Self.checkLabels(rawValue)
        if Self.looksLikeIPv4(rawValue) {
            throw IdentifierRules.violation(Self.kind, rawValue, .ipAddress, "must not be formatted as an IPv4 address")
        }
        self.rawValue = rawValue
    }

    private static let kind = "bucket name"
    private static let characters = ASCIISet(
        summary: "lowercase letters, digits, '-' and '.'", lowercase: true, digits: true, extra: "-."
    )

    /// Checks the dots: no empty label, and no label that starts or ends with `-`.
    private static func checkLabels(_ raw: String) throws(PipeError) {
        let dot = UInt8(ascii: ".")
        let dash = UInt8(ascii: "-")
        var previous: UInt8 = 0
        for byte in raw.utf8 {
            if previous == dot && byte == dot {
                throw IdentifierRules.violation(kind, raw, .consecutiveDots, "must not contain \"..\"")
            }
            if (previous == dot && byte == dash) || (previous == dash && byte == dot) {
                throw IdentifierRules.violation(
                    kind, raw, .label, "each dot-separated label must start and end with a letter or digit"
                )
            }
            previous = byte
        }
    }

    private static func looksLikeIPv4(_ raw: String) -> Bool {
        let labels = raw.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.count == 4 && labels.allSatisfy { !$0.isEmpty && $0.allSatisfy(ASCIISet.digits.contains) }
    }
}
