import Foundation
import PipeAuth
import PipeCore
import Testing

@Suite("TOTP")
struct TOTPTests {
    // RFC 6238, Appendix B: the seeds are the ASCII digits "1234567890" repeated to the hash's size.
    static let sha1Seed = Array("12345678901234567890".utf8)
    static let sha256Seed = Array("12345678901234567890123456789012".utf8)
    static let sha512Seed = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    static let vectors: [(Int64, String, String, String)] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ]

    @Test("RFC 6238 test vectors for SHA-1, SHA-256 and SHA-512", arguments: TOTPTests.vectors.indices)
    func rfcVectors(index: Int) {
        let (time, sha1, sha256, sha512) = Self.vectors[index]
        let date = Date(timeIntervalSince1970: Double(time))
        #expect(TOTP(secret: Self.sha1Seed, digits: 8).code(at: date) == sha1)
        #expect(TOTP(secret: Self.sha256Seed, digits: 8, algorithm: .sha256).code(at: date) == sha256)
        #expect(TOTP(secret: Self.sha512Seed, digits: 8, algorithm: .sha512).code(at: date) == sha512)
    }

    @Test("verification accepts a window of steps around now and says which step matched")
    func window() throws {
        let totp = TOTP(secret: TOTP.generateSecret())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let step = totp.step(at: now)
        #expect(try totp.verify(totp.code(at: now), at: now) == step)
        #expect(try totp.verify(totp.code(step: step - 1), at: now) == step - 1)
        #expect(try totp.verify(totp.code(step: step + 1), at: now) == step + 1)
        #expect(try totp.verify(totp.code(step: step + 2), at: now) == nil)
        #expect(try totp.verify(totp.code(step: step - 1), at: now, window: 0) == nil)
        #expect(try totp.verify("12345", at: now) == nil)
        #expect(throws: PipeError.self) { try totp.verify("123456", at: now, window: 11) }
        #expect(totp.code(at: now).count == 6)
    }

    @Test("base32 secrets and provisioning URIs")
    func provisioning() throws {
        let totp = try TOTP(base32Secret: "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ")  // "12345678901234567890"
        #expect(totp.secret == Self.sha1Seed)
        #expect(totp.base32Secret == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(
            totp.provisioningURI(account: "ada@example.com", issuer: "Pipe")
                == "otpauth://totp/Pipe:ada%40example%2Ecom?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Pipe"
                + "&algorithm=SHA1&digits=6&period=30")
        #expect(throws: PipeError.self) { try TOTP(base32Secret: "not base32!") }
        #expect(throws: PipeError.self) { try TOTP(base32Secret: "GEZDGNBV") }  // 40 bits: too short
        #expect(TOTP.generateSecret().count == 20)
    }
}
