import Foundation
import PipeCore
import PipeHTTP
import Synchronization
import Testing

@testable import PipeServer

@Suite("Rate limits")
struct RateLimitTests {
    @Test("GCRA admits exactly the limit in a burst, then one per interval, and says when to retry")
    func gcra() {
        let start = ContinuousClock.now
        let limiter = GCRARateLimiter(capacity: 2)
        let policy = RateLimitPolicy(name: "test", limit: 3, window: 60)
        let decisions = (0..<4).map { _ in limiter.decide("k", policy: policy, now: start) }
        #expect(decisions.map(\.allowed) == [true, true, true, false])
        #expect(decisions.map(\.remaining) == [2, 1, 0, 0])
        #expect(decisions[3].retryAfter == 20 && decisions[2].reset == 60)
        #expect(!limiter.decide("k", policy: policy, now: start + .seconds(19)).allowed)
        #expect(limiter.decide("k", policy: policy, now: start + .seconds(20)).allowed)
        // Other keys have their own quota; past capacity, keys with a full quota are forgotten first.
        #expect(limiter.decide("other", policy: policy, now: start).allowed)
        #expect(limiter.decide("third", policy: policy, now: start + .seconds(200)).allowed)
    }

    @Test("over HTTP: N requests pass, request N+1 gets 429 with consistent headers; sign-in has its own stricter limit")
    func exactness() async throws {
        try await ServerFixture.with(configure: {
            $0.rateLimits.default = RateLimitPolicy(name: "default", limit: 5, window: 60)
            $0.rateLimits.auth = RateLimitPolicy(name: "auth", limit: 3, window: 60)
        }) { server in
            var remaining: [String] = []
            for _ in 0..<5 {
                let response = try await server.send(.get, "/v1/auth/me", token: server.adminKey)
                #expect(response.status == 200 && response.headers["RateLimit-Policy"] == "\"default\";q=5;w=60")
                remaining.append(response.headers["RateLimit"] ?? "")
            }
            #expect(remaining.map { $0.split(separator: ";")[1] } == ["r=4", "r=3", "r=2", "r=1", "r=0"])
            let refused = try await server.send(.get, "/v1/auth/me", token: server.adminKey)
            #expect(refused.status == 429 && refused.errorCode == "rate_limited")
            // One request frees up every 60/5 = 12 s; the wait left depends on how long the five above took.
            let retry = try #require(refused.headers["Retry-After"].flatMap { Int($0) })
            #expect((1...12).contains(retry) && refused.headers["RateLimit"]?.hasPrefix("\"default\";r=0;") == true)
            // Anonymous callers are counted by address, separately from the admin's quota.
            #expect(try await server.send(.get, "/health/live").status == 200)

            for _ in 0..<3 {
                let login = try await server.send(.post, "/v1/auth/login", json: ["email": "x@example.com", "password": "wrong horse"])
                #expect(login.status == 401 && login.headers["RateLimit-Policy"] == "\"auth\";q=3;w=60")
            }
            // A client cannot choose its own key through X-Forwarded-For unless its peer is a trusted proxy.
            let spoofed = try await server.send(
                .post, "/v1/auth/login", json: ["email": "x@example.com", "password": "wrong horse"],
                headers: ["X-Forwarded-For": "203.0.113.9"])
            #expect(spoofed.status == 429 && (1...20).contains(spoofed.headers["Retry-After"].flatMap { Int($0) } ?? 0))
        }
    }

    @Test("behind a trusted proxy the client address comes from X-Forwarded-For")
    func trustedProxy() async throws {
        try await ServerFixture.with(configure: {
            $0.rateLimits.auth = RateLimitPolicy(name: "auth", limit: 1, window: 60)
            $0.rateLimits.trustedProxies = ["127.0.0.1"]
        }) { server in
            for client in ["198.51.100.1", "198.51.100.2"] {
                let first = try await server.send(
                    .post, "/v1/auth/login", json: ["email": "x@example.com", "password": "wrong horse"],
                    headers: ["X-Forwarded-For": "\(client), 127.0.0.1"])
                #expect(first.status == 401)
            }
            let again = try await server.send(
                .post, "/v1/auth/login", json: ["email": "x@example.com", "password": "wrong horse"],
                headers: ["X-Forwarded-For": "198.51.100.1"])
            #expect(again.status == 429)
        }
    }

    @Test("guessed tokens and API keys are charged to the client's sign-in budget, then refused with 429")
    func credentialGuessing() async throws {
        try await ServerFixture.with(configure: {
            $0.rateLimits.auth = RateLimitPolicy(name: "auth", limit: 3, window: 60)
        }) { server in
            for credential in ["pipe_notakey", "not.a.token", "pipe_x"] {
                let guess = try await server.send(.get, "/v1/storage/buckets", token: credential)
                #expect(guess.status == 401 && guess.headers["RateLimit-Policy"] == "\"auth\";q=3;w=60", "\(credential)")
            }
            let throttled = try await server.send(.get, "/v1/storage/buckets", token: "pipe_another")
            #expect(throttled.status == 429 && throttled.headers["Retry-After"] != nil)
            // A malformed header counts too; valid credentials keep working on their own budget.
            #expect(try await server.send(.get, "/v1/storage/buckets", headers: ["Authorization": "Basic eDp5"]).status == 429)
            #expect(try await server.send(.get, "/v1/storage/buckets", token: server.adminKey).status == 200)
        }
    }
}
