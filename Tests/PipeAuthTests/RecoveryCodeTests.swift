import Foundation
import PipeAuth
import Testing

@Suite("Recovery codes")
struct RecoveryCodeTests {
    @Test("codes match their own hash once typed in any case or spacing, and nothing else")
    func matching() {
        let set = RecoveryCodes.generate()
        #expect(set.codes.count == 10 && Set(set.codes).count == 10 && set.hashes.count == 10)
        for code in set.codes {
            #expect(code.count == 11 && code.dropFirst(5).first == "-")
        }
        #expect(RecoveryCodes.match(set.codes[3], in: set.hashes) == 3)
        let sloppy = " " + set.codes[7].uppercased().replacingOccurrences(of: "-", with: " ") + " "
        #expect(RecoveryCodes.match(sloppy, in: set.hashes) == 7)
        #expect(RecoveryCodes.match(RecoveryCodes.generate().codes[0], in: set.hashes) == nil)
        #expect(RecoveryCodes.match(String(repeating: "a", count: 100), in: set.hashes) == nil)
        var remaining = set.hashes
        remaining.remove(at: 3)
        #expect(RecoveryCodes.match(set.codes[3], in: remaining) == nil)  // used codes are gone
        #expect(RecoveryCodes.generate(count: 50).codes.count == 20)
    }

    @Test("every character of a code carries randomness (50 bits in 10 base32 characters)")
    func entropy() {
        let codes = (0..<30).flatMap { _ in RecoveryCodes.generate(count: 20).codes }
        for position in [0, 4, 6, 10] {
            let seen = Set(codes.map { Array($0)[position] })
            #expect(seen.count > 16, "position \(position) shows only \(seen.count) distinct characters")
        }
        #expect(codes.allSatisfy { $0.allSatisfy { "abcdefghijklmnopqrstuvwxyz234567-".contains($0) } })
    }
}
