/// How a stage retries a record whose closure threw: the closure runs again on the same, original
/// record (never on a half-transformed one), after an exponentially growing, jittered delay.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts, the first included (at least 1).
    public var attempts: Int
    /// The delay before the second attempt; each further delay doubles, up to ``maximumDelay``.
    public var initialDelay: Duration
    /// The longest delay between attempts.
    public var maximumDelay: Duration
    /// Whether to randomise each delay (between half and all of it), so that many failing records
    /// do not retry in lockstep.
    public var jitter: Bool

    /// Exponential backoff with jitter.
    public static func exponential(
        attempts: Int, initialDelay: Duration = .milliseconds(100), maximumDelay: Duration = .seconds(30),
        jitter: Bool = true
    ) -> RetryPolicy {
        RetryPolicy(attempts: attempts, initialDelay: initialDelay, maximumDelay: maximumDelay, jitter: jitter)
    }

    /// Makes a policy.
    public init(attempts: Int, initialDelay: Duration, maximumDelay: Duration, jitter: Bool) {
        self.attempts = max(1, attempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.jitter = jitter
    }

    /// The delay before attempt `attempt` (2 for the first retry).
    func delay(before attempt: Int) -> Duration {
        var delay = initialDelay
        for _ in 2..<max(2, attempt) {
            delay = delay * 2
            if delay >= maximumDelay { return jittered(maximumDelay) }
        }
        return jittered(min(delay, maximumDelay))
    }

    private func jittered(_ delay: Duration) -> Duration {
        jitter ? delay * Double.random(in: 0.5...1.0) : delay
    }

    /// Runs `body`, retrying by this policy; rethrows the last error. Cancellation is not retried.
    func run<Output>(_ body: () async throws -> Output) async throws -> Output {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                guard attempt < attempts else { throw error }
                attempt += 1
                try await Task.sleep(for: delay(before: attempt))
            }
        }
    }
}
