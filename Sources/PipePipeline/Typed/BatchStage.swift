import PipeCore

/// Groups records into arrays of up to `size`, emitting a shorter batch when `timeout` passes
/// after a batch's first record (so a slow source still sees its records move) and at the end.
public struct BatchStage<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element: Sendable {
    public typealias Element = [Base.Element]

    let base: Base
    let size: Int
    let timeout: Duration?

    /// Reads batches. A class, so that dropping it cancels the driver a timeout needs.
    public final class AsyncIterator: AsyncIteratorProtocol {
        let stage: BatchStage
        var upstream: Base.AsyncIterator?
        let channel: ResultChannel<Base.Element>
        var driver: Task<Void, Never>?
        var ended = false

        init(stage: BatchStage) {
            self.stage = stage
            self.channel = ResultChannel(capacity: stage.size)
            // Without a timeout, batches are pulled directly: no task, no channel traffic.
            self.upstream = stage.timeout == nil ? stage.base.makeAsyncIterator() : nil
        }

        deinit {
            driver?.cancel()
            channel.finish(CancellationError())
        }

        /// The next batch, `nil` at the end.
        public func next() async throws -> [Base.Element]? {
            if ended { return nil }
            guard let timeout = stage.timeout else { return try await nextWithoutTimeout() }
            let driver = self.driver ?? start()
            do {
                return try await withTaskCancellationHandler {
                    guard let first = try await channel.receive() else {
                        ended = true
                        return nil
                    }
                    var batch = [first]
                    batch.reserveCapacity(stage.size)
                    let deadline = ContinuousClock.now + timeout
                    while batch.count < stage.size {
                        switch try await channel.receive(until: deadline) {
                        case .element(let element): batch.append(element)
                        case .timedOut: return batch
                        case .end:
                            ended = true
                            return batch
                        }
                    }
                    return batch
                } onCancel: {
                    driver.cancel()
                }
            } catch is CancellationError {
                throw PipeError(.cancelled, "the pipeline was cancelled")
            }
        }

        private func nextWithoutTimeout() async throws -> [Base.Element]? {
            var batch: [Base.Element] = []
            while batch.count < stage.size {
                try Task.checkCancellation()
                guard let element = try await upstream?.next() else {
                    ended = true
                    break
                }
                batch.append(element)
            }
            return batch.isEmpty ? nil : batch
        }

        private func start() -> Task<Void, Never> {
            let base = stage.base
            let task = channel.startDriver { channel in
                for try await element in base {
                    guard await channel.send([element]) else { return }
                }
            }
            driver = task
            return task
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stage: self) }
}
