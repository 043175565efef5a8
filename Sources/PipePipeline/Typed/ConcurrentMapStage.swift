import PipeCore

/// A stage that runs its closure on up to `concurrency` records at once, in order or not.
///
/// A driver task pulls from the stage before, keeps at most `concurrency` records in flight or
/// waiting to leave, and hands results over through a bounded channel; it stops pulling when the
/// reader stops reading. Ending or cancelling the reader cancels the driver and its tasks.
public struct ConcurrentMapStage<Base: AsyncSequence & Sendable, Output: Sendable>: AsyncSequence, Sendable
where Base.Element: Sendable {
    public typealias Element = Output

    let base: Base
    let concurrency: Int
    let ordered: Bool
    let runner: StageRunner<Base.Element, Output>

    init(
        base: Base, name: String, concurrency: Int, ordered: Bool, retry: RetryPolicy?, timeout: Duration?,
        onError: StageErrorPolicy<Base.Element, Output>,
        transform: @escaping @Sendable (Base.Element) async throws -> Output
    ) {
        self.base = base
        self.concurrency = concurrency
        self.ordered = ordered
        self.runner = StageRunner(name: name, retry: retry, timeout: timeout, onError: onError) {
            .one(try await transform($0))
        }
    }

    /// Reads the stage. A class, so that dropping it cancels the driver.
    public final class AsyncIterator: AsyncIteratorProtocol {
        let stage: ConcurrentMapStage
        let channel: ResultChannel<Output>
        var driver: Task<Void, Never>?

        init(stage: ConcurrentMapStage) {
            self.stage = stage
            self.channel = ResultChannel(capacity: stage.concurrency)
        }

        deinit {
            driver?.cancel()
            channel.finish(CancellationError())
        }

        /// The next output record, `nil` at the end; starts the driver on first use.
        public func next() async throws -> Output? {
            let driver = self.driver ?? start()
            do {
                return try await withTaskCancellationHandler {
                    try await channel.receive()
                } onCancel: {
                    driver.cancel()
                }
            } catch is CancellationError {
                throw PipeError(.cancelled, "the pipeline was cancelled")
            }
        }

        private func start() -> Task<Void, Never> {
            let stage = self.stage
            let task = channel.startDriver { channel in try await stage.drive(into: channel) }
            driver = task
            return task
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stage: self) }

    func drive(into channel: ResultChannel<Output>) async throws {
        try await withThrowingTaskGroup(of: (Int, Emission<Output>).self) { group in
            var upstream = base.makeAsyncIterator()
            var upstreamDone = false
            var inFlight = 0
            var nextIndex = 0
            var nextToEmit = 0
            var finished: [Int: Emission<Output>] = [:]  // completed out of order, waiting to leave
            while true {
                while !upstreamDone && inFlight + finished.count < concurrency {
                    try Task.checkCancellation()
                    guard let element = try await upstream.next() else {
                        upstreamDone = true
                        break
                    }
                    let index = nextIndex
                    nextIndex += 1
                    inFlight += 1
                    let runner = self.runner
                    group.addTask { (index, try await runner.apply(element)) }
                }
                guard inFlight > 0, let (index, emission) = try await group.next() else { return }
                inFlight -= 1
                if ordered {
                    finished[index] = emission
                    while let ready = finished.removeValue(forKey: nextToEmit) {
                        nextToEmit += 1
                        guard await send(ready, to: channel) else { return }
                    }
                } else {
                    guard await send(emission, to: channel) else { return }
                }
            }
        }
    }

    private func send(_ emission: Emission<Output>, to channel: ResultChannel<Output>) async -> Bool {
        switch emission {
        case .none: true
        case .one(let output): await channel.send([output])
        case .many(let outputs): outputs.isEmpty ? true : await channel.send(outputs)
        }
    }
}
