/// What a stage makes of one record: nothing, one record, or several.
public enum Emission<Output: Sendable>: Sendable {
    /// The record is dropped.
    case none
    /// The record becomes one record.
    case one(Output)
    /// The record becomes these records, in order.
    case many([Output])
}

/// A stage that applies a closure to each record in order (map, filter, compactMap, flatMap).
public struct TransformStage<Base: AsyncSequence & Sendable, Output: Sendable>: AsyncSequence, Sendable
where Base.Element: Sendable {
    public typealias Element = Output

    // Inlinable, with the per-record path of `StageRunner`, so a pipeline built in another module is
    // specialised there for its own record types instead of looking generic metadata up for every record.
    @usableFromInline let base: Base
    @usableFromInline let runner: StageRunner<Base.Element, Output>

    init(
        base: Base, name: String, retry: RetryPolicy?, timeout: Duration? = nil,
        onError: StageErrorPolicy<Base.Element, Output>,
        transform: @escaping @Sendable (Base.Element) async throws -> Emission<Output>
    ) {
        self.base = base
        self.runner = StageRunner(name: name, retry: retry, timeout: timeout, onError: onError, transform: transform)
    }

    /// Pulls one record at a time from the stage before and applies the closure.
    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline var base: Base.AsyncIterator
        @usableFromInline let stage: TransformStage
        @usableFromInline var pending: [Output] = []
        @usableFromInline var pendingIndex = 0

        @inlinable
        init(base: Base.AsyncIterator, stage: TransformStage) {
            self.base = base
            self.stage = stage
        }

        /// The next output record, `nil` at the end.
        @inlinable
        public mutating func next() async throws -> Output? {
            if pendingIndex < pending.count {
                defer { pendingIndex += 1 }
                return pending[pendingIndex]
            }
            while true {
                try Task.checkCancellation()
                guard let element = try await base.next() else { return nil }
                switch try await stage.runner.apply(element) {
                case .none: continue
                case .one(let output): return output
                case .many(let outputs):
                    guard let first = outputs.first else { continue }
                    pending = outputs
                    pendingIndex = 1
                    return first
                }
            }
        }
    }

    @inlinable
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), stage: self) }
}
