import Benchmark
import Foundation
import PipeAuth
import PipeCore

// Access-token verification as the gateway runs it on every request: a full strict check (ES256 and HS256, cache
// off), a verified-token cache hit, and issuing. scripts/compare-auth.sh sets these against raw P-256, OpenSSL and
// plain jwt-kit.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(10),
        maxIterations: 20
    )
    let now = Date()

    func tokens(_ algorithm: SigningAlgorithm, cache: Int) async throws -> (AccessTokens, String) {
        var settings = TokenSettings(issuer: "https://pipe.bench")
        settings.verifiedTokenCacheSize = cache
        let key = try SigningKey.generate(
            algorithm, createdAt: now.addingTimeInterval(-60), signsUntil: now.addingTimeInterval(3600),
            verifiesUntil: now.addingTimeInterval(7200))
        let tokens = try await AccessTokens(settings: settings, keys: [key])
        let claims = AccessToken(
            subject: try UserID("bench-user-0001"), kind: .user, sessionID: .random(), roles: ["member"],
            scopes: ["storage:read"], methods: ["pwd"], issuedAt: now, expiresAt: now.addingTimeInterval(900),
            tokenID: AccessTokens.newTokenID())
        return (tokens, try tokens.issue(claims))
    }

    Benchmark("auth: strict ES256 verify (no cache)", configuration: .init(scalingFactor: .one)) { benchmark in
        let (tokens, token) = try await tokens(.es256, cache: 0)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try tokens.verify(token, at: now)) }
    }

    Benchmark("auth: strict HS256 verify (no cache)") { benchmark in
        let (tokens, token) = try await tokens(.hs256, cache: 0)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try tokens.verify(token, at: now)) }
    }

    Benchmark("auth: verified-token cache hit") { benchmark in
        let (tokens, token) = try await tokens(.es256, cache: 1000)
        _ = try tokens.verify(token, at: now)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try tokens.verify(token, at: now)) }
    }
}
