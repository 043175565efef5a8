import Foundation
import PipeCore
import PipePipeline
import Testing

/// A source that yields `values`, sleeping `pause` before each record whose index is in `slowAt`.
struct PacedSource: AsyncSequence, Sendable {
    typealias Element = Int
    let values: [Int]
    let slowAt: Set<Int>
    let pause: Duration

    struct AsyncIterator: AsyncIteratorProtocol {
        let source: PacedSource
        var index = 0
        mutating func next() async throws -> Int? {
            guard index < source.values.count else { return nil }
            if source.slowAt.contains(index) { try await Task.sleep(for: source.pause) }
            defer { index += 1 }
            return source.values[index]
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(source: self) }
}

@Suite("Batching and stage timeouts")
struct BatchAndTimeoutTests {
    @Test("batches fill to their size; the last one may be short")
    func bySize() async throws {
        let batches = try await Pipeline(PacedSource(values: Array(0..<10), slowAt: [], pause: .zero))
            .batch(size: 4)
            .collect(limit: 10)
        #expect(batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    }

    @Test("a batch leaves early when its timeout passes")
    func byTimeout() async throws {
        // Records 0-2 come at once, then a 1.5 s gap (long, so a busy machine still fires the 100 ms timer), then 3-5.
        let source = PacedSource(values: Array(0..<6), slowAt: [3], pause: .milliseconds(1_500))
        let batches = try await Pipeline(source).batch(size: 10, timeout: .milliseconds(100)).collect(limit: 10)
        #expect(batches == [[0, 1, 2], [3, 4, 5]])
    }

    @Test("batching with a timeout still stops when cancelled")
    func batchCancellation() async throws {
        let source = PacedSource(values: Array(0..<100), slowAt: Set(0..<100), pause: .seconds(10))
        let run = Task { try await Pipeline(source).batch(size: 10, timeout: .seconds(1)).collect(limit: 10) }
        try await Task.sleep(for: .milliseconds(100))
        run.cancel()
        let outcome = await run.result
        if case .success = outcome { Issue.record("finished despite cancellation") }
    }

    @Test("a stage timeout fails a slow record, and retry and error policies apply to it")
    func stageTimeout() async throws {
        let slow: @Sendable (Int) async throws -> Int = { n in
            if n == 2 { try await Task.sleep(for: .seconds(10)) }
            return n
        }
        do {
            _ = try await Pipeline(PacedSource(values: Array(0..<4), slowAt: [], pause: .zero))
                .map("lookup", timeout: .milliseconds(50), slow)
                .collect(limit: 10)
            Issue.record("a stuck record did not time out")
        } catch {
            #expect(error.code == .pipelineStageFailed)
            #expect(error.details["stage"] == "lookup")
            #expect(error.details["cause"] == "timeout")
        }
        let skipped = try await Pipeline(PacedSource(values: Array(0..<4), slowAt: [], pause: .zero))
            .map("lookup", timeout: .milliseconds(50), onError: .skip, slow)
            .collect(limit: 10)
        #expect(skipped == [0, 1, 3])
    }
}
