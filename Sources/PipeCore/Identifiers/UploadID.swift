/// The id of a resumable upload session.
///
/// An opaque id: 1–64 characters of `[A-Za-z0-9_-]`, so it is safe in URLs, file names and log lines without
/// escaping. Ids from elsewhere (an identity provider, an older deployment) are accepted as long as they fit.
///
/// ``random()`` makes 44-character ids: 12 lowercase hex digits of the Unix time in milliseconds, then 32 hex
/// digits (128 bits) from `SystemRandomNumberGenerator`. Sorting such ids as strings sorts them by creation time
/// (to the millisecond), which keeps listings and cursors in creation order; the random part alone makes them
/// unique and unguessable.
public struct UploadID: ValidatedIdentifier {
    /// The validated id.
    public let rawValue: String

    /// Validates `rawValue` as an upload id.
    ///
    /// - Throws: ``PipeError`` with code ``PipeError/Code/invalidIdentifier`` naming the rule broken
    ///   (`details["rule"]`: `characters` or `length`).
    public init(_ rawValue: String) throws(PipeError) {
        try IdentifierRules.checkOpaqueID(rawValue, kind: "upload id")
        self.rawValue = rawValue
    }

    private init(generated rawValue: String) {
        self.rawValue = rawValue
    }

    /// A new, unique, time-ordered id (see the type's discussion for its form).
    public static func random() -> UploadID {
        UploadID(generated: IdentifierRules.randomOpaqueID())
    }
}
