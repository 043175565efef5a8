/// A set of ASCII bytes, kept as a 128-bit mask.
///
/// Identifier and header checks run on every id and header a request carries, so membership is a shift and a mask
/// with no allocation. Bytes ≥ 128 (any non-ASCII) are never members.
struct ASCIISet: Sendable {
    private let low: UInt64  // bytes 0–63
    private let high: UInt64  // bytes 64–127

    /// The members in words, for error messages: "lowercase letters, digits, '-' and '.'".
    let summary: String

    /// Makes a set from character classes plus single `extra` ASCII characters.
    init(
        summary: String,
        lowercase: Bool = false,
        uppercase: Bool = false,
        digits: Bool = false,
        extra: String = ""
    ) {
        var members: [UInt8] = Array(extra.utf8)
        if lowercase { members += UInt8(ascii: "a")...UInt8(ascii: "z") }
        if uppercase { members += UInt8(ascii: "A")...UInt8(ascii: "Z") }
        if digits { members += UInt8(ascii: "0")...UInt8(ascii: "9") }
        var low: UInt64 = 0
        var high: UInt64 = 0
        for byte in members {
            precondition(byte < 128, "ASCIISet holds ASCII only")
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }
        self.low = low
        self.high = high
        self.summary = summary
    }

    /// Whether `byte` is in the set.
    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        if byte < 64 { return (low >> UInt64(byte)) & 1 == 1 }
        if byte < 128 { return (high >> UInt64(byte - 64)) & 1 == 1 }
        return false
    }
}

extension ASCIISet {
    /// `a-z0-9`.
    static let lowercaseAlphanumeric = ASCIISet(summary: "a lowercase letter or digit", lowercase: true, digits: true)
    /// `A-Za-z0-9`.
    static let alphanumeric = ASCIISet(summary: "a letter or digit", lowercase: true, uppercase: true, digits: true)
    /// `0-9`.
    static let digits = ASCIISet(summary: "a digit", digits: true)
}
