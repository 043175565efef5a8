import Synchronization

/// The generic cell rate algorithm (GCRA): each key keeps one instant, its theoretical arrival time (TAT).
///
/// With `limit` requests per `window`, each request moves the TAT forward by `window / limit`; a request is
/// allowed while the TAT stays within `window` of now. That admits exactly `limit` requests in a burst, then one per
/// `window / limit` — a token bucket's behaviour with one number per key and no timers. Memory is bounded: past
/// `capacity` keys, keys whose TAT has passed (a full quota, nothing to remember) are dropped first.
public final class GCRARateLimiter: RateLimiter {
    private let state: Mutex<[String: ContinuousClock.Instant]>
    private let capacity: Int
    private let clock: @Sendable () -> ContinuousClock.Instant

    /// A limiter for at most `capacity` keys at once.
    ///
    /// - Parameters:
    ///   - capacity: keys remembered at most (default 100,000).
    ///   - clock: the time source (tests move it).
    public init(capacity: Int = 100_000, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        state = Mutex([:])
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    /// Counts a request (see the type's discussion).
    public func check(_ key: String, policy: RateLimitPolicy) async -> RateLimitDecision {
        decide(key, policy: policy, now: clock())
    }

    /// Counts a request (see the type's discussion); never needs to wait.
    public func checkWithoutWaiting(_ key: String, policy: RateLimitPolicy) -> RateLimitDecision? {
        decide(key, policy: policy, now: clock())
    }

    func decide(_ key: String, policy: RateLimitPolicy, now: ContinuousClock.Instant) -> RateLimitDecision {
        let window = Duration.seconds(policy.window)
        let interval = window / policy.limit
        let tolerance = window - interval
        return state.withLock { cells in
            let stored = cells[key] ?? now
            let arrival = max(stored, now)
            if arrival - now > tolerance {
                let wait = arrival - now - tolerance
                return RateLimitDecision(
                    allowed: false, remaining: 0, reset: Self.seconds(arrival - now), retryAfter: max(1, Self.seconds(wait)))
            }
            let next = arrival + interval
            if cells[key] == nil, cells.count >= capacity {
                cells = cells.filter { $0.value > now }
                if cells.count >= capacity { cells.removeAll(keepingCapacity: true) }
            }
            cells[key] = next
            let remaining = Int((window - (next - now)) / interval)
            return RateLimitDecision(allowed: true, remaining: max(0, remaining), reset: Self.seconds(next - now), retryAfter: nil)
        }
    }

    /// Whole seconds, rounded up (a client waiting this long is never early).
    static func seconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}
