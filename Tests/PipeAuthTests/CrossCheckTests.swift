import Foundation
import PipeCore
import PipeTestSupport
import Testing

@testable import PipeAuth

/// Tokens checked by an independent implementation (PyJWT with `cryptography`, `Scripts/jwt_crosscheck.py`) in
/// both directions: what Pipe signs PyJWT verifies from the published JWKS, and what PyJWT signs with Pipe's key
/// Pipe verifies.
@Suite("Cross-check with PyJWT")
struct CrossCheckTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scripts/jwt_crosscheck.py").path
    let settings = TokenSettings(issuer: "https://pipe.test")
    let now = Date()

    func python(_ arguments: [String], input: String) throws -> PythonScript.Outcome {
        try PythonScript.run(Self.script, arguments, input: input)
    }

    func key(_ algorithm: SigningAlgorithm) throws -> SigningKey {
        try SigningKey.generate(
            algorithm, createdAt: now.addingTimeInterval(-10), signsUntil: now.addingTimeInterval(3600),
            verifiesUntil: now.addingTimeInterval(7200))
    }

    func claims(_ session: SessionID) -> AccessToken {
        AccessToken(
            subject: .random(), kind: .user, sessionID: session, roles: ["member"], scopes: ["storage:read"],
            methods: ["pwd"], issuedAt: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)),
            expiresAt: now.addingTimeInterval(900), tokenID: AccessTokens.newTokenID())
    }

    @Test("PyJWT verifies Pipe's ES256 and RS256 tokens against the JWKS, and refuses a tampered one",
        arguments: [SigningAlgorithm.es256, .rs256])
    func pythonVerifiesPipe(algorithm: SigningAlgorithm) async throws {
        let tokens = try await AccessTokens(settings: settings, keys: [try key(algorithm)])
        let session = SessionID.random()
        let issued = claims(session)
        let token = try tokens.issue(issued)
        let jwks = FileManager.default.temporaryDirectory.appendingPathComponent("jwks-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: jwks) }
        try Data(TokenForge.json(try tokens.jwks(at: now)).utf8).write(to: jwks)
        let arguments = ["verify", "--jwks", jwks.path, "--issuer", settings.issuer, "--audience", "pipe", "--typ", "at+jwt"]
        let outcome = try python(arguments, input: token)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let verified = try JSONValue(parsing: outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(verified["sub"] == .string(issued.subject.rawValue) && verified["sid"] == .string(session.rawValue))
        #expect(verified["scope"] == "storage:read" && verified["amr"] == ["pwd"] && verified["jti"] == .string(issued.tokenID))

        var tampered = Array(token)
        let index = token.firstIndex(of: ".").map { token.distance(from: token.startIndex, to: $0) + 5 } ?? 5
        tampered[index] = tampered[index] == "A" ? "B" : "A"
        #expect(try python(arguments, input: String(tampered)).status == 1)
    }

    @Test("Pipe verifies tokens PyJWT signs with Pipe's key, and refuses them with the wrong typ",
        arguments: [SigningAlgorithm.es256, .rs256])
    func pipeVerifiesPython(algorithm: SigningAlgorithm) async throws {
        let signing = try key(algorithm)
        let tokens = try await AccessTokens(settings: settings, keys: [signing])
        let pem = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        defer { try? FileManager.default.removeItem(at: pem) }
        try Data(signing.material.utf8).write(to: pem)
        let subject = UserID.random()
        let t = Int64(now.timeIntervalSince1970)
        let body = TokenForge.json([
            "iss": .string(settings.issuer), "aud": "pipe", "sub": .string(subject.rawValue), "iat": .number(.int(t)),
            "exp": .number(.int(t + 600)), "jti": "py-1", "scope": "pipelines:run", "roles": ["member"],
        ])
        for (typ, accepted) in [("at+jwt", true), ("JWT", false)] {
            let outcome = try python(
                ["sign", "--key", pem.path, "--kid", signing.id, "--alg", algorithm.rawValue, "--typ", typ], input: body)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let token = outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if accepted {
                let verified = try tokens.verify(token, at: now)
                #expect(verified.subject == subject && verified.scopes == ["pipelines:run"] && verified.roles == ["member"])
            } else {
                #expect(throws: PipeError.self) { try tokens.verify(token, at: now) }
            }
        }
    }

    @Test("HS256 with a shared secret works both ways")
    func hmac() async throws {
        let secret = (0..<32).map { UInt8($0 * 7 % 256) }
        let shared = try SigningKey.configured(
            id: "shared-1", algorithm: .hs256, secret: secret, createdAt: now.addingTimeInterval(-10),
            verifiesUntil: now.addingTimeInterval(3600))
        let tokens = try await AccessTokens(settings: settings, keys: [shared])
        let token = try tokens.issue(claims(.random()))
        let hex = Hex.encode(secret)
        let verified = try python(
            ["verify-hs256", "--secret-hex", hex, "--issuer", settings.issuer, "--audience", "pipe", "--typ", "at+jwt"],
            input: token)
        #expect(verified.status == 0, "\(verified.stderr)")
        let t = Int64(now.timeIntervalSince1970)
        let body = TokenForge.json([
            "iss": .string(settings.issuer), "aud": "pipe", "sub": "svc-1", "iat": .number(.int(t)),
            "exp": .number(.int(t + 600)), "jti": "py-2",
        ])
        let signed = try python(["sign-hs256", "--secret-hex", hex, "--kid", "shared-1", "--typ", "at+jwt"], input: body)
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(try tokens.verify(signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines), at: now).subject.rawValue == "svc-1")
    }
}
