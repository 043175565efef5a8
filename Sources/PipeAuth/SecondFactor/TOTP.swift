import Crypto
import Foundation
import PipeCore

/// Time-based one-time passwords (RFC 6238), the codes authenticator apps show.
///
/// A code is the HMAC of the number of `period`s since 1970 under the shared secret, truncated to `digits` digits.
/// ``verify(_:at:window:)`` accepts codes from a small window of periods around now (clocks drift) and returns the
/// step it matched, so the caller can refuse a code used before:
///
/// ```swift
/// let totp = TOTP(secret: TOTP.generateSecret())
/// let uri = totp.provisioningURI(account: "ada@example.com", issuer: "Pipe")   // show as a QR code
/// if let step = try totp.verify(code, at: Date()), step > lastUsedStep { lastUsedStep = step; … }
/// ```
public struct TOTP: Sendable {
    /// The HMAC hash function.
    public enum Algorithm: String, Sendable, CaseIterable {
        /// HMAC-SHA1, what nearly every authenticator app expects.
        case sha1 = "SHA1"
        /// HMAC-SHA256.
        case sha256 = "SHA256"
        /// HMAC-SHA512.
        case sha512 = "SHA512"
    }

    /// The shared secret.
    public let secret: [UInt8]
    /// Digits per code: 6 to 8.
    public let digits: Int
    /// Seconds per code.
    public let period: Int
    /// The hash function.
    public let algorithm: Algorithm

    /// Makes a generator; `digits` is clamped to 6…8 and `period` to at least 1 second.
    public init(secret: [UInt8], digits: Int = 6, period: Int = 30, algorithm: Algorithm = .sha1) {
        self.secret = secret
        self.digits = min(max(digits, 6), 8)
        self.period = max(period, 1)
        self.algorithm = algorithm
    }

    /// A new random 160-bit secret (the size RFC 4226 recommends).
    public static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The secret as base32, the form people type into authenticator apps.
    public var base32Secret: String { Base32.encode(secret) }

    /// Makes a generator from a base32 secret.
    ///
    /// - Throws: `invalid_argument` for text that is not base32 or a secret shorter than 80 bits.
    public init(base32Secret: String, digits: Int = 6, period: Int = 30, algorithm: Algorithm = .sha1)
        throws(PipeError)
    {
        guard let secret = Base32.decode(base32Secret), secret.count >= 10 else {
            throw PipeError(.invalidArgument, "a TOTP secret is base32 of at least 80 bits")
        }
        self.init(secret: secret, digits: digits, period: period, algorithm: algorithm)
    }

    /// The time step that `date` falls in.
    public func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(period)).rounded(.down))
    }

    /// The code for `date`.
    public func code(at date: Date) -> String {
        code(step: step(at: date))
    }

    /// The code for a time step.
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let key = SymmetricKey(data: secret)
        let mac: [UInt8] =
            switch algorithm {
            case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
            case .sha256: Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
            case .sha512: Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
            }
        // Dynamic truncation (RFC 4226 §5.3).
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(binary % modulus)
        return String(repeating: "0", count: digits - number.count) + number
    }

    /// The time step whose code is `code`, searching `window` steps either side of `date`'s; `nil` when none is.
    ///
    /// Every candidate is compared in constant time. Store the returned step and refuse codes for steps up to it:
    /// a code must not work twice.
    ///
    /// - Throws: `invalid_argument` for a window over 10 steps.
    public func verify(_ code: String, at date: Date, window: Int = 1) throws(PipeError) -> Int64? {
        guard (0...10).contains(window) else {
            throw PipeError(.invalidArgument, "a TOTP window is 0 to 10 steps either side")
        }
        let given = Array(code.utf8.filter { $0 != UInt8(ascii: " ") })
        let now = step(at: date)
        var matched: Int64? = nil
        for delta in -window...window {
            let candidate = now + Int64(delta)
            // No early exit: every step in the window costs the same, matched or not.
            if ConstantTime.equal(Array(self.code(step: candidate).utf8), given) && matched == nil {
                matched = candidate
            }
        }
        return matched
    }

    /// The `otpauth://totp/…` URI authenticator apps read from a QR code.
    public func provisioningURI(account: String, issuer: String) -> String {
        func escape(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        }
        return "otpauth://totp/\(escape(issuer)):\(escape(account))?secret=\(base32Secret)&issuer=\(escape(issuer))"
            + "&algorithm=\(algorithm.rawValue)&digits=\(digits)&period=\(period)"
    }
}
