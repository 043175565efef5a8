import Crypto
import Foundation
import JWTKit
import PipeAuth
import PipeCore

// Access-token verification side by side, one thread (per-core rates), in one run:
//   1. the raw P-256 verify of swift-crypto (SHA-256 of the signing input + ECDSA verify): the floor any ES256
//      verifier pays;
//   2. Pipe's full strict ES256 verification (cache off): parse, kid and algorithm checks, signature, claims;
//   3. plain jwt-kit verifying an HS256 token (`JWTKeyCollection.verify` with a standard payload);
//   4. Pipe's full strict HS256 verification (cache off);
//   5. Pipe's verified-token cache: the same token verified again.
// Each is timed for PIPE_BENCH_SECONDS (default 2) after a warm-up; the median of PIPE_BENCH_ROUNDS rounds
// (default 5, alternating) is printed with the ratios the issue asks for.

struct StandardPayload: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iss: IssuerClaim
    var aud: AudienceClaim
    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard iss.value == "https://pipe.bench" else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "iss") }
        try aud.verifyIntendedAudience(includes: "pipe")
    }
}

let environment = ProcessInfo.processInfo.environment
let seconds = Double(environment["PIPE_BENCH_SECONDS"] ?? "") ?? 2
let rounds = Int(environment["PIPE_BENCH_ROUNDS"] ?? "") ?? 5

/// Operations per second of `body` over `seconds`.
func rate(_ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<200 { try body() }
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start + .milliseconds(Int(seconds * 1000))
    var count = 0
    while clock.now < deadline {
        for _ in 0..<50 { try body() }
        count += 50
    }
    let elapsed = clock.now - start
    return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

func asyncRate(_ body: () async throws -> Void) async rethrows -> Double {
    for _ in 0..<200 { try await body() }
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start + .milliseconds(Int(seconds * 1000))
    var count = 0
    while clock.now < deadline {
        for _ in 0..<50 { try await body() }
        count += 50
    }
    let elapsed = clock.now - start
    return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let now = Date()
var settings = TokenSettings(issuer: "https://pipe.bench")
settings.verifiedTokenCacheSize = 0
let es256 = try SigningKey.generate(
    .es256, createdAt: now.addingTimeInterval(-60), signsUntil: now.addingTimeInterval(3600),
    verifiesUntil: now.addingTimeInterval(7200))
let secret = (0..<32).map { UInt8($0) }
let hs256 = try SigningKey.configured(
    id: "shared", algorithm: .hs256, secret: secret, createdAt: now.addingTimeInterval(-60),
    verifiesUntil: now.addingTimeInterval(7200))
let esTokens = try await AccessTokens(settings: settings, keys: [es256])
let hsTokens = try await AccessTokens(settings: settings, keys: [hs256])
var cachedSettings = settings
cachedSettings.verifiedTokenCacheSize = 10_000
let cachedTokens = try await AccessTokens(settings: cachedSettings, keys: [es256])

let claims = AccessToken(
    subject: try UserID("bench-user-0001"), kind: .user, sessionID: .random(), roles: ["member"],
    scopes: ["storage:read", "pipelines:run"], methods: ["pwd"], issuedAt: now, expiresAt: now.addingTimeInterval(900),
    tokenID: AccessTokens.newTokenID())
let esToken = try esTokens.issue(claims)
let hsToken = try hsTokens.issue(claims)
let cachedToken = try cachedTokens.issue(claims)

// The raw floor: the same signing input and signature, verified by swift-crypto directly.
let parts = esToken.split(separator: ".")
let signingInput = Array(esToken.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
func base64url(_ text: Substring) -> Data {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Data(base64Encoded: base64)!
}
let rawSignature = try P256.Signing.ECDSASignature(rawRepresentation: base64url(parts[2]))
// The public key as any verifier gets it: from the published JWKS.
let jwk = try esTokens.jwks(at: now)["keys"]![0]!
let publicKey = try P256.Signing.PublicKey(
    rawRepresentation: base64url(Substring(jwk["x"]!.stringValue!)) + base64url(Substring(jwk["y"]!.stringValue!)))
guard publicKey.isValidSignature(rawSignature, for: signingInput) else { fatalError("raw verify failed") }

// Plain jwt-kit with an HS256 key (what a service using jwt-kit as documented does).
let collection = JWTKeyCollection()
await collection.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: "plain")
struct Header: Codable { let alg, kid, typ: String }
let plainToken = try await collection.sign(
    StandardPayload(
        sub: "bench-user-0001", exp: ExpirationClaim(value: now.addingTimeInterval(900)), iss: "https://pipe.bench",
        aud: "pipe"), kid: "plain")
_ = try await collection.verify(plainToken, as: StandardPayload.self)

var raw: [Double] = [], strictES: [Double] = [], plainHS: [Double] = [], strictHS: [Double] = [], cached: [Double] = []
for round in 1...rounds {
    raw.append(rate { _ = publicKey.isValidSignature(rawSignature, for: signingInput) })
    strictES.append(try rate { _ = try esTokens.verify(esToken, at: now) })
    plainHS.append(try await asyncRate { _ = try await collection.verify(plainToken, as: StandardPayload.self) })
    strictHS.append(try rate { _ = try hsTokens.verify(hsToken, at: now) })
    cached.append(try rate { _ = try cachedTokens.verify(cachedToken, at: now) })
    FileHandle.standardError.write(Data("round \(round)/\(rounds) done\n".utf8))
}

func row(_ name: String, _ value: Double, _ note: String = "") {
    print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%12.0f /s", value) + "  " + note)
}
let esRatio = median(strictES) / median(raw)
let hsRatio = median(strictHS) / median(plainHS)
print("token: \(esToken.utf8.count) bytes (ES256), \(hsToken.utf8.count) bytes (HS256); one thread; median of \(rounds) rounds of \(seconds) s")
row("raw P-256 verify (swift-crypto)", median(raw))
row("Pipe strict ES256 verify (no cache)", median(strictES), String(format: "%.2fx raw   (target ≥ 0.85x)", esRatio))
row("plain jwt-kit HS256 verify", median(plainHS))
row("Pipe strict HS256 verify (no cache)", median(strictHS), String(format: "%.2fx jwt-kit (target ≥ 0.85x)", hsRatio))
row("Pipe verify, verified-token cache hit", median(cached), String(format: "(target ≥ 500,000/s)"))
