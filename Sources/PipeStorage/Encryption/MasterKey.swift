import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

/// A key-encryption key from configuration: it wraps the per-object data keys, never touches object bytes.
///
/// Keys have ids so that several can be configured at once: the active one wraps new data keys, older ones still
/// unwrap what they wrapped until ``StorageService/rewrapDataKeys()`` has moved every object to the active key.
///
/// ```swift
/// let key = try MasterKey(id: "2026-11", base64: ProcessInfo.processInfo.environment["PIPE_MASTER_KEY"] ?? "")
/// ```
public struct MasterKey: Sendable {
    /// The key's name, 1–64 characters of `[A-Za-z0-9_-]`, stored beside every data key it wraps.
    public let id: String
    let key: SymmetricKey

    /// Makes a key from 32 random bytes.
    ///
    /// - Throws: `invalid_argument` for a bad id or a key that is not 256 bits.
    public init(id: String, bytes: [UInt8]) throws(PipeError) {
        guard !id.isEmpty, id.utf8.count <= 64,
            id.utf8.allSatisfy({ $0 < 0x80 && (Character(Unicode.Scalar($0)).isLetter
                || Character(Unicode.Scalar($0)).isNumber || $0 == 0x5F || $0 == 0x2D) })
        else {
            throw PipeError(.invalidArgument, "a master key id is 1–64 characters of [A-Za-z0-9_-]")
        }
        guard bytes.count == 32 else {
            throw PipeError(.invalidArgument, "master key \(id) must be 32 bytes (256 bits), not \(bytes.count)")
        }
        self.id = id
        self.key = SymmetricKey(data: bytes)
    }

    /// Makes a key from its base64 text (44 characters for 32 bytes).
    public init(id: String, base64: String) throws(PipeError) {
        guard let data = Data(base64Encoded: base64) else {
            throw PipeError(.invalidArgument, "master key \(id) is not valid base64")
        }
        try self.init(id: id, bytes: [UInt8](data))
    }

    /// A new random key, for tests and for first start of an embedded deployment.
    public static func generate(id: String) throws(PipeError) -> MasterKey {
        try MasterKey(id: id, bytes: SymmetricKey(size: .bits256).withUnsafeBytes { [UInt8]($0) })
    }

    /// The key's bytes as base64, to store it in a file the operator protects.
    public var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }
}
