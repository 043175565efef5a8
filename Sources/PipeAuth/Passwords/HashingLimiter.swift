import PipeCore
import Synchronization

/// Caps how many password checks run at once.
///
/// Each scrypt hash holds about 32 MiB for about 100 ms, and every sign-in runs one, even for emails without an
/// account. Unbounded, a burst of sign-ins would queue hashes and memory without limit; here a check over the limit
/// fails at once with `rate_limited` (retry after a second) before it does anything else, so a refused check
/// counts towards no lockout, and the hashes that run do so off Swift's cooperative thread pool.
final class HashingLimiter: Sendable {
    let limit: Int
    private let running = Mutex(0)

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Runs `body` holding one of the `limit` permits, or throws `rate_limited` when none is free.
    func withPermit<Value>(_ body: () async throws(PipeError) -> Value) async throws(PipeError) -> Value {
        let admitted = running.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw PipeError(
                .rateLimited, "too many password checks at once; try again shortly", details: ["retryAfter": "1"])
        }
        defer { running.withLock { $0 -= 1 } }
        return try await body()
    }

    /// Runs one hash off the cooperative pool, holding a permit.
    func run<Value: Sendable>(_ work: @escaping @Sendable () throws(PipeError) -> Value) async throws(PipeError) -> Value {
        try await withPermit { () async throws(PipeError) -> Value in try await BlockingIO.run(work) }
    }
}
