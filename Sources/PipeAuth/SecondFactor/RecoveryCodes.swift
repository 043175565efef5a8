import Crypto
import PipeCore

/// One-time recovery codes for a second factor: printed once when TOTP is enrolled, kept only as hashes, and each
/// usable once when the authenticator is lost.
///
/// Codes are 10 base32 characters (50 random bits) shown as `xxxxx-xxxxx`; they are typed rarely and checked
/// against a handful of hashes, so SHA-256 of the normalised code is enough. Typing is forgiving: case, spaces and
/// the dash do not matter.
///
/// ```swift
/// let codes = RecoveryCodes.generate()
/// show(codes.codes)                       // once
/// store(codes.hashes)
/// // later:
/// if let used = RecoveryCodes.match(typed, in: storedHashes) { remove(storedHashes[used]) }
/// ```
public struct RecoveryCodes: Sendable {
    /// The codes, to show once.
    public let codes: [String]
    /// Their hashes, in the same order, to store.
    public let hashes: [String]

    /// `count` (1–20) new codes.
    public static func generate(count: Int = 10) -> RecoveryCodes {
        var generator = SystemRandomNumberGenerator()
        let codes = (0..<min(max(count, 1), 20)).map { _ -> String in
            let text = Base32.encode(bits: UInt64.random(in: 0..<(1 << 50), using: &generator), characters: 10)
            return text.prefix(5) + "-" + text.suffix(5)
        }
        return RecoveryCodes(codes: codes, hashes: codes.map(hash))
    }

    /// The hash stored for `code`: SHA-256 of its normalised form, lowercase hex.
    public static func hash(_ code: String) -> String {
        Hex.encode(SHA256.hash(data: Array(normalise(code).utf8)))
    }

    /// The index in `hashes` of the code typed, or `nil`; every stored hash is compared, in constant time each.
    /// Remove the matched hash: a code works once.
    public static func match(_ typed: String, in hashes: [String]) -> Int? {
        guard typed.utf8.count <= 64 else { return nil }
        let candidate = Array(hash(typed).utf8)
        var found: Int? = nil
        for (index, stored) in hashes.enumerated() where ConstantTime.equal(candidate, Array(stored.utf8)) {
            if found == nil { found = index }
        }
        return found
    }

    static func normalise(_ code: String) -> String {
        String(code.lowercased().filter { $0 != "-" && $0 != " " })
    }
}
