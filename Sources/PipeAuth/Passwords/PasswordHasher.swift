import Crypto
import CryptoExtras
import Foundation
import PipeCore

/// Hashes and checks passwords with scrypt, a memory-hard function, in the PHC string format.
///
/// The default cost is one of OWASP's recommended scrypt settings (N = 2^15, r = 8, p = 3: 32 MiB per hash).
/// Stored hashes carry their parameters, so raising the cost later keeps old hashes working;
/// ``needsRehash(_:)`` says when to store a new one (at the next successful sign-in).
///
/// ```swift
/// let hasher = PasswordHasher()
/// let stored = try hasher.hash("correct horse battery staple")
/// // "$scrypt$ln=15,r=8,p=3$<salt>$<hash>"
/// try hasher.verify("correct horse battery staple", against: stored)   // true
/// ```
public struct PasswordHasher: Sendable {
    /// log2 of scrypt's CPU/memory cost N.
    public let logCost: Int
    /// scrypt's block size r.
    public let blockSize: Int
    /// scrypt's parallelism p.
    public let parallelism: Int

    /// The longest password accepted, in UTF-8 bytes: hashing is deliberately expensive, so its input is bounded.
    public static let maxPasswordBytes = 1024
    static let saltBytes = 16
    static let hashBytes = 32
    /// Bounds on parameters read from stored hashes, so a tampered record cannot make one check take minutes or
    /// gigabytes.
    static let logCostRange = 10...20
    static let blockSizeRange = 1...16
    static let parallelismRange = 1...16

    /// Makes a hasher; the defaults are the recommended cost.
    ///
    /// - Throws: `invalid_argument` for parameters outside N = 2^10…2^20, r = 1…16, p = 1…16.
    public init(logCost: Int = 15, blockSize: Int = 8, parallelism: Int = 3) throws(PipeError) {
        guard Self.logCostRange.contains(logCost), Self.blockSizeRange.contains(blockSize),
            Self.parallelismRange.contains(parallelism)
        else {
            throw PipeError(.invalidArgument, "scrypt parameters must be N = 2^10…2^20, r = 1…16, p = 1…16")
        }
        self.logCost = logCost
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// Makes a hasher with the recommended cost.
    public init() {
        logCost = 15
        blockSize = 8
        parallelism = 3
    }

    /// Hashes `password` with a new random salt.
    ///
    /// - Throws: `invalid_argument` for an empty password or one over ``maxPasswordBytes``.
    public func hash(_ password: String) throws(PipeError) -> String {
        try Self.check(password)
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let derived = try Self.derive(
            password, salt: salt, logCost: logCost, blockSize: blockSize, parallelism: parallelism,
            length: Self.hashBytes)
        return "$scrypt$ln=\(logCost),r=\(blockSize),p=\(parallelism)$\(Self.base64(salt))$\(Self.base64(derived))"
    }

    /// Whether `password` matches `stored` (compared in constant time).
    ///
    /// - Throws: `invalid_argument` when `stored` is not a PHC scrypt string within the accepted bounds.
    public func verify(_ password: String, against stored: String) throws(PipeError) -> Bool {
        let parsed = try Self.parse(stored)
        guard (try? Self.check(password)) != nil else { return false }
        let derived = try Self.derive(
            password, salt: parsed.salt, logCost: parsed.logCost, blockSize: parsed.blockSize,
            parallelism: parsed.parallelism, length: parsed.hash.count)
        return ConstantTime.equal(derived, parsed.hash)
    }

    /// Whether `stored` was made with other parameters than this hasher's (store a new hash at the next sign-in).
    public func needsRehash(_ stored: String) -> Bool {
        guard let parsed = try? Self.parse(stored) else { return true }
        return parsed.logCost != logCost || parsed.blockSize != blockSize || parsed.parallelism != parallelism
            || parsed.hash.count != Self.hashBytes
    }

    static func check(_ password: String) throws(PipeError) {
        guard !password.isEmpty, password.utf8.count <= maxPasswordBytes else {
            throw PipeError(.invalidArgument, "a password is 1–\(maxPasswordBytes) bytes of UTF-8")
        }
    }

    static func derive(
        _ password: String, salt: [UInt8], logCost: Int, blockSize: Int, parallelism: Int, length: Int
    ) throws(PipeError) -> [UInt8] {
        do {
            let key = try KDF.Scrypt.deriveKey(
                from: Array(password.utf8), salt: salt, outputByteCount: length, rounds: 1 << logCost,
                blockSize: blockSize, parallelism: parallelism)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw PipeError(.internalError, "scrypt failed: \(error)")
        }
    }

    struct Parsed {
        var logCost: Int
        var blockSize: Int
        var parallelism: Int
        var salt: [UInt8]
        var hash: [UInt8]
    }

    /// Parses `$scrypt$ln=…,r=…,p=…$<salt>$<hash>` (unpadded standard base64, as the PHC format writes).
    static func parse(_ stored: String) throws(PipeError) -> Parsed {
        let invalid = PipeError(.invalidArgument, "not a PHC scrypt hash within the accepted parameters")
        guard stored.utf8.count <= 512 else { throw invalid }
        let fields = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty, fields[1] == "scrypt" else { throw invalid }
        var values: [Substring: Int] = [:]
        for pair in fields[2].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1]) else { throw invalid }
            values[parts[0]] = value
        }
        guard let logCost = values["ln"], let blockSize = values["r"], let parallelism = values["p"],
            values.count == 3, logCostRange.contains(logCost), blockSizeRange.contains(blockSize),
            parallelismRange.contains(parallelism),
            let salt = unbase64(fields[3]), !salt.isEmpty, salt.count <= 64,
            let hash = unbase64(fields[4]), hash.count >= 16, hash.count <= 64
        else { throw invalid }
        return Parsed(logCost: logCost, blockSize: blockSize, parallelism: parallelism, salt: salt, hash: hash)
    }

    static func base64(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    static func unbase64(_ text: Substring) -> [UInt8]? {
        var padded = String(text)
        while padded.utf8.count % 4 != 0 { padded += "=" }
        return Data(base64Encoded: padded).map { [UInt8]($0) }
    }
}
