import PipeAuth
import PipeCore
import Testing

@Suite("Password hashing")
struct PasswordHasherTests {
    // A cheap cost keeps the suite fast; the default cost is checked once below.
    let hasher = try! PasswordHasher(logCost: 10, blockSize: 8, parallelism: 1)

    @Test("a hash verifies its password and no other, and carries its parameters")
    func roundTrip() throws {
        let stored = try hasher.hash("correct horse battery staple")
        #expect(stored.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(try hasher.verify("correct horse battery staple", against: stored))
        #expect(try !hasher.verify("correct horse battery stapler", against: stored))
        #expect(try !hasher.verify("", against: stored))
        #expect(try hasher.hash("same") != hasher.hash("same"))  // a new salt every time
        let unicode = try hasher.hash("pässwörd 🔑")
        #expect(try hasher.verify("pässwörd 🔑", against: unicode))
    }

    @Test("RFC 7914 scrypt vector, through a PHC string")
    func rfcVector() throws {
        // scrypt(P = "password", S = "NaCl", N = 1024, r = 8, p = 16, dkLen = 64)
        let salt = "TmFDbA"  // "NaCl", unpadded base64
        let hash = "/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWIurzDZLiKjiG/xCSedmDDaxyevuUqD7m2DYMvfoswGQA"
        let verifier = try PasswordHasher(logCost: 10, blockSize: 8, parallelism: 16)
        #expect(try verifier.verify("password", against: "$scrypt$ln=10,r=8,p=16$\(salt)$\(hash)"))
    }

    @Test("stored hashes outside the accepted bounds, or malformed, are refused rather than computed")
    func hostileRecords() throws {
        for stored in [
            "", "$scrypt$", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", "$scrypt$ln=30,r=8,p=1$c2FsdHNhbHQ$"
                + String(repeating: "A", count: 43),
            "$scrypt$ln=10,r=64,p=1$c2FsdHNhbHQ$" + String(repeating: "A", count: 43),
            "$scrypt$ln=10,r=8,p=1$!!$" + String(repeating: "A", count: 43),
            "$scrypt$ln=10,r=8,p=1,x=2$c2FsdHNhbHQ$" + String(repeating: "A", count: 43),
            String(repeating: "$", count: 1000),
        ] {
            #expect(throws: PipeError.self) { try hasher.verify("password", against: stored) }
            #expect(hasher.needsRehash(stored))
        }
        #expect(throws: PipeError.self) { try hasher.hash(String(repeating: "a", count: 1025)) }
        #expect(throws: PipeError.self) { try hasher.hash("") }
        #expect(throws: PipeError.self) { try PasswordHasher(logCost: 25) }
    }

    @Test("raising the cost keeps old hashes working and asks for a rehash")
    func rehash() throws {
        let old = try hasher.hash("secret")
        let stronger = PasswordHasher()
        #expect(try stronger.verify("secret", against: old))
        #expect(stronger.needsRehash(old))
        let new = try stronger.hash("secret")
        #expect(new.hasPrefix("$scrypt$ln=15,r=8,p=3$") && !stronger.needsRehash(new))
        #expect(try stronger.verify("secret", against: new))
    }
}
