/// Passes records through no faster than a given rate, spacing them evenly.
public struct RateLimitStage<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element: Sendable {
    public typealias Element = Base.Element

    let base: Base
    let interval: Duration

    init(base: Base, perSecond: Double) {
        self.base = base
        self.interval = perSecond > 0 ? .nanoseconds(Int64(1e9 / perSecond)) : .zero
    }

    /// Pulls records and waits for each one's slot.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let interval: Duration
        var nextSlot: ContinuousClock.Instant?

        /// The next record, no sooner than its slot.
        public mutating func next() async throws -> Element? {
            guard let element = try await base.next() else { return nil }
            let now = ContinuousClock.now
            if let slot = nextSlot, slot > now { try await Task.sleep(until: slot, clock: .continuous) }
            // A slow upstream does not bank credit for a burst later.
            nextSlot = Swift.max(nextSlot ?? now, now) + interval
            return element
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), interval: interval, nextSlot: nil)
    }
}
