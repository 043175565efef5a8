import Foundation
import Testing

@testable import PipeAuth

@Suite("Base64URL")
struct Base64URLTests {
    @Test("round trips every length against Foundation's base64, and decodes strictly")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base64URL.encode(bytes)
            let foundation = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(encoded == foundation)
            #expect(Base64URL.decode(encoded) == bytes)
            #expect(Base64URL.decode(Array(encoded.utf8)[...]) == bytes)
        }
        for bad in ["a", "abcde", "ab==", "ab+/", "ab c", "AB\u{0}C", "é"] {
            #expect(Base64URL.decode(bad) == nil, "\(bad)")
        }
        // One spelling per byte string: non-zero padding bits are refused.
        #expect(Base64URL.decode("QQ") == [0x41])
        #expect(Base64URL.decode("QR") == nil)
        #expect(Base64URL.decode("QUI") == [0x41, 0x42])
        #expect(Base64URL.decode("QUJ") == nil)
    }
}
