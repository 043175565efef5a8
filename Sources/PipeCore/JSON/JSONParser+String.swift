extension JSONParser {
    /// Parses a string starting at its opening quote and leaves `pos` after the closing quote.
    mutating func parseString() throws(PipeError) -> String {
        let open = pos
        pos += 1
        let start = pos
        var asciiMask: UInt8 = 0
        // Fast path: scan to the closing quote; most strings have no escapes. Eight bytes at a time first
        // (see `skipPlainStringBytes`), OR-ing them together for the ASCII check.
        var wordMask: UInt64 = 0
        while pos + 8 <= end {
            let word = Self.word(at: base + pos)
            let flagged = Self.specialBytes(in: word)
            if flagged != 0 {
                let plain = flagged.trailingZeroBitCount >> 3  // bytes before the first special one
                wordMask |= word & ((1 << (UInt64(plain) << 3)) &- 1)
                pos += plain
                break
            }
            wordMask |= word
            pos += 8
        }
        if wordMask & 0x8080_8080_8080_8080 != 0 { asciiMask = 0x80 }
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                let bytes = UnsafeBufferPointer(start: base + start, count: pos - start)
                pos += 1
                return try makeString(bytes, ascii: asciiMask < 0x80, at: start)
            }
            if c == UInt8(ascii: "\\") { return try parseEscapedString(from: start) }
            if c < 0x20 { throw error("unescaped control character in string") }
            asciiMask |= c
            pos += 1
        }
        throw error("unterminated string", at: open)
    }

    func makeString(_ bytes: UnsafeBufferPointer<UInt8>, ascii: Bool, at offset: Int) throws(PipeError) -> String {
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw error("invalid UTF-8 in string", at: offset)
        }
        return string
    }

    /// The slow path: copy into scratch, decoding escapes.
    mutating func parseEscapedString(from start: Int) throws(PipeError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: pos - start))
        var ascii = !scratch.contains(where: { $0 >= 0x80 })
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                let result = scratch.withUnsafeBufferPointer { bytes in
                    Result { () throws(PipeError) -> String in try makeString(bytes, ascii: ascii, at: start) }
                }
                return try result.get()
            }
            if c < 0x20 { throw error("unescaped control character in string") }
            if c != UInt8(ascii: "\\") {
                if c >= 0x80 { ascii = false }
                scratch.append(c)
                pos += 1
                continue
            }
            pos += 1
            guard pos < end else { break }
            let e = base[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                let scalar = try parseUnicodeEscape()
                if scalar.value >= 0x80 { ascii = false }
                appendUTF8(scalar)
            default:
                throw error("invalid escape '\\\(printable(e))'", at: pos - 2)
            }
        }
        throw error("unterminated string", at: start - 1)
    }

    mutating func readHex4() throws(PipeError) -> UInt32 {
        guard end - pos >= 4 else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = base[pos]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            pos += 1
        }
        return value
    }

    /// Decodes `XXXX` after `\u`, joining a surrogate pair; a lone surrogate becomes U+FFFD.
    mutating func parseUnicodeEscape() throws(PipeError) -> Unicode.Scalar {
        let first = try readHex4()
        switch first {
        case 0xD800...0xDBFF:
            // A high surrogate must be followed by `\u` + a low surrogate.
            if end - pos >= 6, base[pos] == UInt8(ascii: "\\"), base[pos + 1] == UInt8(ascii: "u") {
                let save = pos
                pos += 2
                let second = try readHex4()
                if (0xDC00...0xDFFF).contains(second) {
                    let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    return Unicode.Scalar(combined)!
                }
                pos = save  // not a pair: decode the next escape on its own
            }
            return "\u{FFFD}"
        case 0xDC00...0xDFFF:
            return "\u{FFFD}"
        default:
            return Unicode.Scalar(first)!
        }
    }

    mutating func appendUTF8(_ scalar: Unicode.Scalar) {
        let v = scalar.value
        switch v {
        case 0..<0x80:
            scratch.append(UInt8(v))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (v >> 6)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (v >> 12)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (v >> 18)))
            scratch.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
