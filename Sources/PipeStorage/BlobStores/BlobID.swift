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
        let hex = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<2 {
            var value = generator.next() as UInt64
            for _ in 0..<16 {
                bytes.append(hex[Int(value & 0xF)])
                value >>= 4
            }
        }
        return BlobID(unchecked: String(decoding: bytes, as: UTF8.self))
    }

    private init(unchecked rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func < (lhs: BlobID, rhs: BlobID) -> Bool { lhs.rawValue < rhs.rawValue }
}
