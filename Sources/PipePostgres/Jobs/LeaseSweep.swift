import Synchronization

/// When this process last turned lapsed leases into retries, on the queue's clock (seconds since 1970).
final class LeaseSweep: Sendable {
    /// The least time between sweeps before claims.
    static let interval = 0.25

    private let last = Mutex<Double?>(nil)

    /// Whether a claim at `stamp` should sweep first (also when the clock went back).
    func isDue(at stamp: Double) -> Bool {
        last.withLock { last in
            guard let last else { return true }
            return stamp - last >= Self.interval || stamp < last
        }
    }

    func record(_ stamp: Double) {
        last.withLock { $0 = stamp }
    }
}
