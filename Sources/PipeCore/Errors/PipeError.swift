/// The one error type every Pipe module throws.
///
/// A `PipeError` carries a stable, machine-readable ``code`` (the same string the HTTP API returns
/// in `{"error": {"code": …}}`), a human-readable ``message``, and optional string ``details``
/// (for example the character offset of an expression syntax error).
///
/// Codes are open-ended: new codes can be added without breaking callers, who match on them with
/// `~=` or by comparing ``code``:
///
/// ```swift
/// do {
///     _ = try JSONValue(parsing: "[1,")
/// } catch let error as PipeError where error.code == .invalidJSON {
///     print(error.message)
/// }
/// ```
public struct PipeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable code, e.g. `bucket_not_found`.
    public let code: Code
    /// A sentence for humans; may change between releases, unlike ``code``.
    public let message: String
    /// Extra facts about the failure, keyed by name (e.g. `"position": "12"`).
    public let details: [String: String]

    /// Creates an error with a code, a message and optional details.
    public init(_ code: Code, _ message: String, details: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// The HTTP status this error maps to at the API gateway.
    public var httpStatus: Int { code.httpStatus }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Matches an error against a code: `catch let e as PipeError where .notFound ~= e`.
    public static func ~= (code: Code, error: PipeError) -> Bool { error.code == code }
}
