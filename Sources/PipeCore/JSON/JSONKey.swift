/// A member name with its fingerprint computed once, for fast repeated lookups
/// (an expression's field names, a pipeline's keys).
public struct JSONKey: Sendable, Hashable, CustomStringConvertible {
    /// The member name.
    public let name: String
    @usableFromInline let fingerprint: UInt64

    /// Prepares `name` for lookups.
    public init(_ name: String) {
        self.name = name
        self.fingerprint = JSONObject.fingerprint(of: name)
    }

    public var description: String { name }
}
