extension JSONParser {
    /// Exact powers of ten that a `Double` holds without rounding (Clinger's fast path).
    static let exactPowersOfTen: [Double] = (0...22).map { exp in
        var value = 1.0
        for _ in 0..<exp { value *= 10 }
        return value
    }

    /// Parses a number per RFC 8259 and picks the exact representation (see ``JSONNumber``).
    mutating func parseNumber() throws(PipeError) -> JSONNumber {
        let start = pos
        var negative = false
        if base[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
        }
        guard pos < end, isDigit(base[pos]) else { throw error("invalid number", at: start) }
        // Mantissa digits, accumulated while they fit in a UInt64 (19 digits always do).
        var mantissa: UInt64 = 0
        var digits = 0
        var significantDigits = 0
        if base[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < end, isDigit(base[pos]) { throw error("leading zero in number", at: start) }
        } else {
            while pos < end, isDigit(base[pos]) {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(base[pos] &- 48) }
                digits += 1
                pos += 1
            }
            significantDigits = digits
        }
        var fractionDigits = 0
        var isInteger = true
        if pos < end, base[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard pos < end, isDigit(base[pos]) else { throw error("expected digits after '.'", at: start) }
            while pos < end, isDigit(base[pos]) {
                if significantDigits == 0 && base[pos] == UInt8(ascii: "0") {
                    // Leading zeros of 0.000123 are not significant.
                } else {
                    significantDigits += 1
                }
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(base[pos] &- 48)
                    fractionDigits += 1
                }
                digits += 1
                pos += 1
            }
        }
        var exponent = 0
        if pos < end, base[pos] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            pos += 1
            var expNegative = false
            if pos < end, base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-") {
                expNegative = base[pos] == UInt8(ascii: "-")
                pos += 1
            }
            guard pos < end, isDigit(base[pos]) else { throw error("expected digits in exponent", at: start) }
            while pos < end, isDigit(base[pos]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(base[pos] &- 48) }
                pos += 1
            }
            if expNegative { exponent = -exponent }
        }

        if isInteger {
            if digits <= 18 {
                let value = Int64(mantissa)
                // "-0" keeps its sign as a double.
                if negative && value == 0 { return .double(-0.0) }
                return .int(negative ? -value : value)
            }
            if digits == 19 {
                if negative, mantissa <= UInt64(Int64.max) + 1 {
                    return .int(mantissa == UInt64(Int64.max) + 1 ? .min : -Int64(mantissa))
                }
                if !negative, mantissa <= UInt64(Int64.max) { return .int(Int64(mantissa)) }
            }
            return .decimal(text(from: start))
        }
        // Up to 15 significant digits always survive a round trip through Double (DBL_DIG).
        if significantDigits > 15 { return .decimal(text(from: start)) }
        // Clinger's fast path: exact mantissa and exact power of ten give a correctly rounded result.
        let scale = exponent - fractionDigits
        if mantissa < (1 << 53), digits <= 19, abs(scale) <= 22 {
            var value = Double(mantissa)
            value = scale < 0 ? value / Self.exactPowersOfTen[-scale] : value * Self.exactPowersOfTen[scale]
            return .double(negative ? -value : value)
        }
        let literal = text(from: start)
        // Overflow to infinity or underflow of a non-zero literal to zero would change the value.
        guard let value = Double(literal), value.isFinite, value != 0 || significantDigits == 0 else {
            return .decimal(literal)
        }
        return .double(value)
    }

    @inline(__always)
    func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    func text(from start: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
    }
}
