import Foundation
import Synchronization

/// The last count of unfinished jobs and when it was taken, shared by the queue's callers, so that far below the
/// limit an enqueue does not count the table.
final class BacklogEstimate: Sendable {
    /// How close to the limit a recent count must be before every enqueue counts exactly.
    static let margin = 10_000
    /// How long a count is trusted.
    static let maxAge: Duration = .seconds(1)

    private let state = Mutex<(count: Int, at: ContinuousClock.Instant)?>(nil)

    /// The count, if it is recent enough to trust.
    func recent() -> Int? {
        state.withLock { value in
            guard let value, ContinuousClock.now - value.at < Self.maxAge else { return nil }
            return value.count
        }
    }

    func record(_ count: Int) {
        state.withLock { $0 = (count, ContinuousClock.now) }
    }
}
