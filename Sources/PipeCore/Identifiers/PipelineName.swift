/// The human-chosen name of a pipeline, such as `daily-orders.v2`.
///
/// Rules: 1–128 characters of `[A-Za-z0-9_.-]`, starting with a letter or digit (so a name is never `.`, `..` or a
/// hidden file name, and never looks like a command-line option).
///
/// ```swift
/// let name = try PipelineName("resize_images")
/// ```
public struct PipelineName: ValidatedIdentifier {
    /// The validated name.
    public let rawValue: String

    /// Validates `rawValue` as a pipeline name.
    ///
    /// - Throws: ``PipeError`` with code ``PipeError/Code/invalidIdentifier`` naming the rule broken
    ///   (`details["rule"]`: `characters`, `length` or `start`).
    public init(_ rawValue: String) throws(PipeError) {
        try IdentifierRules.checkASCII(
            rawValue, kind: "pipeline name", length: 1...128, allowed: Self.characters, first: .alphanumeric
        )
        self.rawValue = rawValue
    }

    private static let characters = ASCIISet(
        summary: "letters, digits, '_', '.' and '-'", lowercase: true, uppercase: true, digits: true, extra: "_.-"
    )
}
