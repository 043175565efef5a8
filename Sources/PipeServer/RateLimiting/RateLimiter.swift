import PipeCore

/// How many requests a key may make in a window, e.g. 600 a minute.
public struct RateLimitPolicy: Sendable, Hashable {
    /// The policy's name, as the `RateLimit-Policy` header shows it.
    public var name: String
    /// Requests allowed per window.
    public var limit: Int
    /// The window, in seconds.
    public var window: Int

    /// A policy.
    ///
    /// - Parameters:
    ///   - name: its name (a token: letters, digits, `-`, `_`).
    ///   - limit: requests per window (1–1,000,000).
    ///   - window: the window in seconds (1–86,400).
    public init(name: String, limit: Int, window: Int) {
        self.name = name
        self.limit = limit
        self.window = window
    }

    func validated() throws(PipeError) -> RateLimitPolicy {
        guard (1...1_000_000).contains(limit), (1...86_400).contains(window), !name.isEmpty,
            name.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { throw PipeError(.invalidArgument, "rate limit \(name): limit 1–1,000,000 per 1–86,400 s, name of [a-z0-9_-]") }
        return self
    }
}

/// What a limiter decided for one request.
public struct RateLimitDecision: Sendable, Hashable {
    /// Whether the request may go on.
    public var allowed: Bool
    /// Requests left in the current window after this one.
    public var remaining: Int
    /// Seconds until the quota is whole again.
    public var reset: Int
    /// When refused: seconds until a request would be allowed.
    public var retryAfter: Int?
}

/// Decides whether a request under `key` fits its policy. The gateway's limiter is in memory; a Redis-backed one
/// can replace it to share limits between replicas.
public protocol RateLimiter: Sendable {
    /// Counts a request of `key` under `policy` and says whether it is allowed.
    func check(_ key: String, policy: RateLimitPolicy) async -> RateLimitDecision

    /// ``check(_:policy:)`` without waiting, for limiters that decide in memory; `nil` (nothing counted) from a
    /// limiter that must ask another service. The default is `nil`.
    func checkWithoutWaiting(_ key: String, policy: RateLimitPolicy) -> RateLimitDecision?
}

extension RateLimiter {
    public func checkWithoutWaiting(_ key: String, policy: RateLimitPolicy) -> RateLimitDecision? { nil }
}
