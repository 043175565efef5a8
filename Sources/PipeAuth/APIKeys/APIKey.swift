import Crypto
import PipeCore

/// An API key for a service account: a public id and a secret, shown to its owner once and stored only as a hash.
///
/// The text form is `pipe_<id>_<secret>`: the prefix makes leaked keys easy to find in logs and code (secret
/// scanners match it), the id lets the server find the stored record without scanning, and the secret is 256 random
/// bits in base32. Because the secret is random and long, a fast hash (SHA-256) is enough to store it; a password
/// hash would only slow every request down.
///
/// ```swift
/// let key = APIKey.generate()
/// print(key.text)                     // shown once: pipe_2x4…_q7z…
/// store(key.id, key.secretHash)       // only the hash is kept
/// // on a request:
/// let presented = try APIKey.Presented(parsing: header)
/// let ok = presented.matches(storedHash: lookUp(presented.id))
/// ```
public struct APIKey: Sendable {
    /// The public part, 16 base32 characters (80 bits): safe to log and to index.
    public let id: String
    /// The secret part, 52 base32 characters (256 bits).
    public let secret: String

    static let prefix = "pipe_"

    /// A new key from the system's secure generator.
    public static func generate() -> APIKey {
        var generator = SystemRandomNumberGenerator()
        func random(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        return APIKey(id: Base32.encode(random(10)).lowercased(), secret: Base32.encode(random(32)).lowercased())
    }

    /// The full key, as its owner copies it.
    public var text: String { Self.prefix + id + "_" + secret }

    /// SHA-256 of the secret, lowercase hex: what the server stores.
    public var secretHash: String { Self.hash(secret) }

    static func hash(_ secret: String) -> String {
        Hex.encode(SHA256.hash(data: Array(secret.utf8)))
    }

    /// A key as a client presented it, checked for shape before anything is looked up.
    public struct Presented: Sendable {
        /// The id, to look the stored hash up by.
        public let id: String
        let secret: String

        /// Parses `pipe_<id>_<secret>`.
        ///
        /// - Throws: `unauthenticated` for anything else (the same error for every malformed key, and nothing
        ///   about which part was wrong).
        public init(parsing text: String) throws(PipeError) {
            let invalid = PipeError(.unauthenticated, "the API key is not valid")
            guard text.utf8.count == 5 + 16 + 1 + 52, text.hasPrefix(APIKey.prefix) else { throw invalid }
            let parts = text.dropFirst(APIKey.prefix.count).split(separator: "_", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].utf8.count == 16, parts[1].utf8.count == 52,
                parts.allSatisfy({ $0.utf8.allSatisfy(Self.isBase32) })
            else { throw invalid }
            id = String(parts[0])
            secret = String(parts[1])
        }

        /// Whether the secret hashes to `storedHash` (compared in constant time); `false` when there is no record.
        public func matches(storedHash: String?) -> Bool {
            // Hash even without a record, so an unknown id costs the same time as a wrong secret.
            let computed = Array(APIKey.hash(secret).utf8)
            guard let storedHash else {
                _ = ConstantTime.equal(computed, computed)
                return false
            }
            return ConstantTime.equal(computed, Array(storedHash.utf8))
        }

        static func isBase32(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "2")...UInt8(ascii: "7")).contains(byte)
        }
    }
}
