import PipeCore

/// How records are grouped into windows, counted in records.
public struct WindowShape: Sendable, Hashable {
    /// Records per window.
    public let size: Int
    /// Records between the starts of consecutive windows (equal to `size` for tumbling windows).
    public let step: Int

    /// Back-to-back windows of `count` records each.
    public static func tumbling(count: Int) -> WindowShape {
        WindowShape(size: Swift.max(1, count), step: Swift.max(1, count))
    }

    /// Overlapping windows of `count` records, one starting every `step` records (`step` ≤ `count`).
    public static func sliding(count: Int, step: Int) -> WindowShape {
        let size = Swift.max(1, count)
        return WindowShape(size: size, step: Swift.min(Swift.max(1, step), size))
    }
}

/// One key's aggregate over one window.
public struct WindowResult<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// The window's position: 0 for the first window, 1 for the next, …
    public let window: Int
    /// The offsets of the window's first and last records in the stream.
    public let records: ClosedRange<Int>
    /// The group key.
    public let key: Key
    /// The aggregate of the key's records in the window.
    public let value: Value
}

extension WindowResult: Equatable where Value: Equatable {}

/// Groups records into count-based windows and aggregates each key within each window.
///
/// When a window closes it emits one ``WindowResult`` per key, in the order keys first appeared.
/// Memory is bounded by the open windows (`size / step` of them) times the keys in each; a window
/// with more than `maxKeys` keys fails the run rather than grow without bound.
public struct WindowStage<Base: AsyncSequence & Sendable, Key: Hashable & Sendable, Value: Sendable>: AsyncSequence,
    Sendable
where Base.Element: Sendable {
    public typealias Element = WindowResult<Key, Value>

    let base: Base
    let name: String
    let shape: WindowShape
    let maxKeys: Int
    let key: @Sendable (Base.Element) -> Key
    let aggregator: Aggregator<Base.Element, Value>

    /// One open window: its start and its per-key aggregates in first-seen order.
    struct OpenWindow {
        let index: Int
        let start: Int
        var order: [Key] = []
        var values: [Key: Value] = [:]
    }

    /// Pulls records and emits the results of each window as it closes.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let stage: WindowStage
        var position = 0
        var open: [OpenWindow] = []
        var nextWindow = 0
        var ready: [WindowResult<Key, Value>] = []
        var readyIndex = 0
        var ended = false

        /// The next result, `nil` once every window has been emitted.
        public mutating func next() async throws -> WindowResult<Key, Value>? {
            while true {
                if readyIndex < ready.count {
                    defer { readyIndex += 1 }
                    return ready[readyIndex]
                }
                ready.removeAll(keepingCapacity: true)
                readyIndex = 0
                if ended { return nil }
                try Task.checkCancellation()
                guard let record = try await base.next() else {
                    // The stream ended: close what is open (partial windows still report).
                    ended = true
                    for window in open where window.start < position { emit(window, last: position - 1) }
                    open.removeAll()
                    continue
                }
                if position % stage.shape.step == 0 {
                    open.append(OpenWindow(index: nextWindow, start: position))
                    nextWindow += 1
                }
                let key = stage.key(record)
                for i in open.indices {
                    if open[i].values[key] == nil {
                        guard open[i].order.count < stage.maxKeys else {
                            throw PipeError(
                                .limitExceeded, "window stage \(stage.name) has more than \(stage.maxKeys) keys",
                                details: ["stage": stage.name])
                        }
                        open[i].order.append(key)
                        open[i].values[key] = stage.aggregator.initial
                    }
                    stage.aggregator.combine(&open[i].values[key]!, record)
                }
                // Windows that now hold `size` records close.
                while let first = open.first, position - first.start + 1 >= stage.shape.size {
                    emit(first, last: position)
                    open.removeFirst()
                }
                position += 1
            }
        }

        mutating func emit(_ window: OpenWindow, last: Int) {
            for key in window.order {
                ready.append(
                    WindowResult(
                        window: window.index, records: window.start...last, key: key, value: window.values[key]!))
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), stage: self) }
}
