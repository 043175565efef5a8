import PipeCore
import Synchronization

/// Caps how many password hashes run at once.
///
/// Each scrypt hash holds about 32 MiB for about 100 ms, and every sign-in runs one, even for emails without an
/// account. Unbounded, a burst of sign-ins would queue hashes and memory without limit; here a call over the limit
/// fails at once with `rate_limited` (retry after a second), and the hashes that run do so off Swift's cooperative
/// thread pool.
final class HashingLimiter: Sendable {
    let limit: Int
    private let running = Mutex(0)

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    func run<Value: Sendable>(_ work: @escaping @Sendable () throws(PipeError) -> Value) async throws(PipeError) -> Value {
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
        return try await BlockingIO.run(work)
    }
}
