/// RFC 4648 §5 base64url without padding, the encoding of every JWT segment and JWK member.
///
/// Decoding is strict: only the 64 URL-safe characters, no padding, no whitespace, and a length that
/// is not 1 modulo 4. Leftover bits must be zero, so each byte string has exactly one encoding (a
/// token cannot be re-encoded into a different string that verifies the same).
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let value = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            if second != nil { output.append(alphabet[Int(value >> 6 & 63)]) }
            if third != nil { output.append(alphabet[Int(value & 63)]) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes `text` encodes, or `nil` when it is not canonical unpadded base64url.
    static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        if let result = text.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return result }
        return Array(text).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    /// Four characters (24 bits) at a time, then the 2- or 3-character tail.
    private static func decode(buffer text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = text.count
        guard count % 4 != 1 else { return nil }
        let whole = count / 4 * 4
        return values.withUnsafeBufferPointer { table -> [UInt8]? in
            var output = [UInt8](repeating: 0, count: count * 3 / 4)
            var failed: UInt8 = 0
            var out = 0
            var index = 0
            while index < whole {
                let a = table[Int(text[index])], b = table[Int(text[index + 1])]
                let c = table[Int(text[index + 2])], d = table[Int(text[index + 3])]
                failed |= (a | b | c | d) & 0x80
                let value = UInt32(a & 63) << 18 | UInt32(b & 63) << 12 | UInt32(c & 63) << 6 | UInt32(d & 63)
                output[out] = UInt8(truncatingIfNeeded: value >> 16)
                output[out + 1] = UInt8(truncatingIfNeeded: value >> 8)
                output[out + 2] = UInt8(truncatingIfNeeded: value)
                out += 3
                index += 4
            }
            guard failed == 0 else { return nil }
            switch count - whole {
            case 2:
                let a = table[Int(text[index])], b = table[Int(text[index + 1])]
                // The low 4 bits of the second character are padding and must be zero (one spelling per input).
                guard (a | b) & 0x80 == 0, b & 0x0F == 0 else { return nil }
                output[out] = a << 2 | b >> 4
            case 3:
                let a = table[Int(text[index])], b = table[Int(text[index + 1])], c = table[Int(text[index + 2])]
                guard (a | b | c) & 0x80 == 0, c & 0x03 == 0 else { return nil }
                output[out] = a << 2 | b >> 4
                output[out + 1] = (b & 0x0F) << 4 | c >> 2
            default:
                break
            }
            return output
        }
    }

    static func decode(_ text: String) -> [UInt8]? { decode(Array(text.utf8)) }
}
