import Foundation
import PipeAuth
import PipeCore
import Testing

@Suite("API keys")
struct APIKeyTests {
    @Test("a generated key parses back and matches only its own stored hash")
    func roundTrip() throws {
        let key = APIKey.generate()
        #expect(key.text.hasPrefix("pipe_") && key.text.count == 74)
        let presented = try APIKey.Presented(parsing: key.text)
        #expect(presented.id == key.id)
        #expect(presented.matches(storedHash: key.secretHash))
        #expect(!presented.matches(storedHash: APIKey.generate().secretHash))
        #expect(!presented.matches(storedHash: nil))
        #expect(key.secretHash.count == 64 && !key.secretHash.contains(key.secret))
        #expect(APIKey.generate().text != key.text)
    }

    @Test("malformed keys are refused the same way, before any lookup")
    func malformed() throws {
        let good = APIKey.generate().text
        // A third separator in place of a secret character: always malformed, whatever the random key holds.
        let extraSeparator: String = String(good.prefix(42)) + "_" + String(good.dropFirst(43))
        let malformed: [String] = [
            "", "pipe_", String(good.dropLast()), good + "x", good.uppercased(), "pipx_" + good.dropFirst(5),
            good.replacingOccurrences(of: "_", with: "-"), String(good.prefix(73)) + "1",
            extraSeparator,
        ]
        for text in malformed {
            #expect(throws: PipeError.self) { try APIKey.Presented(parsing: text) }
        }
        // A well-formed key with a changed secret parses, and does not match.
        let key = APIKey.generate()
        var changed = Array(key.text)
        changed[40] = changed[40] == "a" ? "b" : "a"
        #expect(try !APIKey.Presented(parsing: String(changed)).matches(storedHash: key.secretHash))
    }
}
