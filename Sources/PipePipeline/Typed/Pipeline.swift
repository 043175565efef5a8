/// A typed pipeline over any `AsyncSequence`: a chain of named stages that runs in the calling
/// process, pulling one record at a time.
///
/// Every stage pulls from the one before it only when the stage after it asks, so a slow sink
/// slows the source and nothing buffers without bound; ``map(_:concurrency:ordered:retry:timeout:onError:_:)``
/// keeps at most `concurrency` records in flight. Cancelling the task that runs the pipeline stops
/// every stage. A stage whose closure throws fails the run with a `pipeline_stage_failed` error
/// naming the stage and the record, unless its error policy says otherwise.
///
/// ```swift
/// let totals = try await Pipeline(orders)
///     .filter("paid") { $0.status == "paid" }
///     .map("price", concurrency: 8, retry: .exponential(attempts: 3)) { try await price($0) }
///     .collect(limit: 10_000)
/// ```
public struct Pipeline<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element: Sendable {
    public typealias Element = Base.Element

    @usableFromInline let base: Base

    /// Starts a pipeline from any asynchronous sequence.
    public init(_ source: Base) {
        base = source
    }

    @inlinable
    public func makeAsyncIterator() -> Base.AsyncIterator { base.makeAsyncIterator() }
}

extension Pipeline {
    /// Transforms each record. A `timeout` bounds each attempt (the error is `timeout`, then the
    /// retry and error policies apply).
    public func map<Output: Sendable>(
        _ name: String = "map", retry: RetryPolicy? = nil, timeout: Duration? = nil,
        onError: StageErrorPolicy<Element, Output> = .fail,
        _ transform: @escaping @Sendable (Element) async throws -> Output
    ) -> Pipeline<TransformStage<Base, Output>> {
        Pipeline<TransformStage<Base, Output>>(
            TransformStage(base: base, name: name, retry: retry, timeout: timeout, onError: onError) {
                .one(try await transform($0))
            })
    }

    /// Keeps the records for which `isIncluded` is true.
    public func filter(
        _ name: String = "filter", retry: RetryPolicy? = nil, timeout: Duration? = nil,
        onError: StageErrorPolicy<Element, Element> = .fail,
        _ isIncluded: @escaping @Sendable (Element) async throws -> Bool
    ) -> Pipeline<TransformStage<Base, Element>> {
        Pipeline<TransformStage<Base, Element>>(
            TransformStage(base: base, name: name, retry: retry, timeout: timeout, onError: onError) { element in
                try await isIncluded(element) ? .one(element) : .none
            })
    }

    /// Transforms each record, dropping those that give `nil`.
    public func compactMap<Output: Sendable>(
        _ name: String = "compactMap", retry: RetryPolicy? = nil, timeout: Duration? = nil,
        onError: StageErrorPolicy<Element, Output> = .fail,
        _ transform: @escaping @Sendable (Element) async throws -> Output?
    ) -> Pipeline<TransformStage<Base, Output>> {
        Pipeline<TransformStage<Base, Output>>(
            TransformStage(base: base, name: name, retry: retry, timeout: timeout, onError: onError) { element in
                (try await transform(element)).map { .one($0) } ?? .none
            })
    }

    /// Turns each record into any number of records.
    public func flatMap<Output: Sendable>(
        _ name: String = "flatMap", retry: RetryPolicy? = nil, timeout: Duration? = nil,
        onError: StageErrorPolicy<Element, Output> = .fail,
        _ transform: @escaping @Sendable (Element) async throws -> [Output]
    ) -> Pipeline<TransformStage<Base, Output>> {
        Pipeline<TransformStage<Base, Output>>(
            TransformStage(base: base, name: name, retry: retry, timeout: timeout, onError: onError) {
                .many(try await transform($0))
            })
    }

    /// Transforms up to `concurrency` records at once (for stages that wait on I/O).
    ///
    /// With `ordered` (the default) records leave in the order they came; otherwise each leaves
    /// as soon as it is done. At most `concurrency` records are in flight or waiting to leave.
    public func map<Output: Sendable>(
        _ name: String = "map", concurrency: Int, ordered: Bool = true, retry: RetryPolicy? = nil,
        timeout: Duration? = nil, onError: StageErrorPolicy<Element, Output> = .fail,
        _ transform: @escaping @Sendable (Element) async throws -> Output
    ) -> Pipeline<ConcurrentMapStage<Base, Output>> {
        Pipeline<ConcurrentMapStage<Base, Output>>(
            ConcurrentMapStage(
                base: base, name: name, concurrency: Swift.max(1, concurrency), ordered: ordered, retry: retry,
                timeout: timeout, onError: onError, transform: transform))
    }

    /// Groups records into arrays of up to `size`. With a `timeout`, a batch also leaves when that
    /// long has passed since its first record arrived; the last batch may be shorter.
    public func batch(size: Int, timeout: Duration? = nil) -> Pipeline<BatchStage<Base>> {
        Pipeline<BatchStage<Base>>(BatchStage(base: base, size: Swift.max(1, size), timeout: timeout))
    }

    /// Groups records into count-based windows (tumbling or sliding) and aggregates each key in
    /// each window; emits one result per key when a window closes (partial windows at the end).
    /// A window with more than `maxKeys` keys fails the run with `limit_exceeded`.
    public func window<Key: Hashable & Sendable, Value: Sendable>(
        _ shape: WindowShape, name: String = "window", maxKeys: Int = 100_000,
        key: @escaping @Sendable (Element) -> Key, aggregate: Aggregator<Element, Value>
    ) -> Pipeline<WindowStage<Base, Key, Value>> {
        Pipeline<WindowStage<Base, Key, Value>>(
            WindowStage(
                base: base, name: name, shape: shape, maxKeys: Swift.max(1, maxKeys), key: key, aggregator: aggregate))
    }

    /// Lets at most `perSecond` records through per second, spacing them evenly.
    public func rateLimit(perSecond: Double) -> Pipeline<RateLimitStage<Base>> {
        Pipeline<RateLimitStage<Base>>(RateLimitStage(base: base, perSecond: perSecond))
    }
}
