import PipeCore

/// The name of a stored blob: 32 lowercase hex digits (128 random bits).
///
/// Blobs are named by random ids, never by object keys, so no key (however hostile) can reach a path in the blob
/// store, and a blob, once written, is immutable: an overwrite writes a new blob and re-points the object's metadata.
public struct BlobID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 32 hex digits.
    public let rawValue: String

    /// Accepts exactly 32 lowercase hex digits; anything else is `nil`.
    public init?(_ rawValue: String) {
        guard rawValue.utf8.count == 32,
            rawValue.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        self.rawValue = rawValue
    }

    /// A new random id from the system's secure generator.
    public static func random() -> BlobID {
        var generator = SystemRandomNumberGenerator()
        return BlobID(unchecked: Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }))
    }

    private init(unchecked rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func < (lhs: BlobID, rhs: BlobID) -> Bool { lhs.rawValue < rhs.rawValue }
}
