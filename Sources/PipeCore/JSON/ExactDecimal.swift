/// A JSON number as exact decimal digits, for comparing numbers that `Double` cannot tell apart
/// (``JSONNumber/decimal(_:)`` values such as `1e400` and `2e400`, or 30-digit integers).
///
/// The value is `±0.d₁d₂d₃… × 10^exponent` with no leading or trailing zero digits; zero has no digits.
struct ExactDecimal: Comparable {
    var negative: Bool
    var digits: [UInt8]
    var exponent: Int

    /// Reads JSON number text (the parser has already checked its grammar); `nil` for anything else.
    init?(_ text: String) {
        var negative = false
        var digits: [UInt8] = []
        var integerDigits = 0
        var exponent = 0
        var exponentNegative = false
        var phase = 0  // 0 integer, 1 fraction, 2 exponent
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-") where phase == 0 && digits.isEmpty && !negative: negative = true
            case UInt8(ascii: "-") where phase == 2: exponentNegative = true
            case UInt8(ascii: "+") where phase == 2: continue
            case UInt8(ascii: "."): phase = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"): phase = 2
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if phase == 2 {
                    exponent = min(exponent * 10 + Int(byte - 48), 1_000_000_000)
                } else {
                    digits.append(byte - 48)
                    if phase == 0 { integerDigits += 1 }
                }
            default: return nil
            }
        }
        var point = integerDigits + (exponentNegative ? -exponent : exponent)
        let leadingZeros = digits.prefix { $0 == 0 }.count
        digits.removeFirst(leadingZeros)
        point -= leadingZeros
        while digits.last == 0 { digits.removeLast() }
        self.negative = negative && !digits.isEmpty
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : point
    }

    init?(_ number: JSONNumber) {
        switch number {
        case .int(let i): self.init(String(i))
        case .double(let d): self.init(d.description)
        case .decimal(let text): self.init(text)
        }
    }

    static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        if lhs.negative != rhs.negative { return lhs.negative }
        // Compare magnitudes, then flip for negatives.
        return lhs.negative ? magnitudeLess(rhs, lhs) : magnitudeLess(lhs, rhs)
    }

    static func magnitudeLess(_ a: ExactDecimal, _ b: ExactDecimal) -> Bool {
        if a.digits.isEmpty || b.digits.isEmpty { return a.digits.isEmpty && !b.digits.isEmpty }
        if a.exponent != b.exponent { return a.exponent < b.exponent }
        return a.digits.lexicographicallyPrecedes(b.digits)
    }
}
