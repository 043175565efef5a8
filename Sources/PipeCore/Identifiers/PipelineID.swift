/// The id of a stored pipeline definition.
///
/// 1–128 characters of `[A-Za-z0-9_.-]`, so it is safe in URLs, file names and log lines without escaping: every
/// opaque id (the rule of ``JobID`` and ``UserID``) and every ``PipelineName`` fits, since a job of a named
/// pipeline carries the name as its pipeline id (``init(name:)``).
///
/// ``random()`` makes 44-character ids: 12 lowercase hex digits of the Unix time in milliseconds, then 32 hex
/// digits (128 bits) from `SystemRandomNumberGenerator`. Sorting such ids as strings sorts them by creation time
/// (to the millisecond), which keeps listings and cursors in creation order; the random part alone makes them
/// unique and unguessable.
///
/// A pipeline also has a human-chosen ``PipelineName``; the id stays fixed when the pipeline is renamed.
public struct PipelineID: ValidatedIdentifier {
    /// The validated id.
    public let rawValue: String

    /// Validates `rawValue` as a pipeline id.
    ///
    /// - Throws: ``PipeError`` with code ``PipeError/Code/invalidIdentifier`` naming the rule broken
    ///   (`details["rule"]`: `characters` or `length`).
    public init(_ rawValue: String) throws(PipeError) {
        try IdentifierRules.checkASCII(rawValue, kind: "pipeline id", length: 1...128, allowed: Self.characters)
        self.rawValue = rawValue
    }

    /// The id a job of the pipeline named `name` carries: the name itself (always a valid id).
    public init(name: PipelineName) {
        rawValue = name.rawValue
    }

    private static let characters = ASCIISet(
        summary: "letters, digits, '_', '.' and '-'", lowercase: true, uppercase: true, digits: true, extra: "_.-"
    )

    private init(generated rawValue: String) {
        self.rawValue = rawValue
    }

    /// A new, unique, time-ordered id (see the type's discussion for its form).
    public static func random() -> PipelineID {
        PipelineID(generated: IdentifierRules.randomOpaqueID())
    }
}
