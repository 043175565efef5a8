import Foundation
import PipeCore
import PipePipeline
import Testing

/// Counts things across tasks.
final class Counter: @unchecked Sendable {
    // @unchecked Sendable: every field is read and written only under `lock`.
    private let lock = NSLock()
    private var current = 0
    private var highest = 0
    private var items: [String] = []
    func add(_ n: Int = 1) {
        lock.withLock {
            current += n; highest = max(highest, current)
        }
    }
    func note(_ item: String) { lock.withLock { items.append(item) } }
    var value: Int { lock.withLock { current } }
    var peak: Int { lock.withLock { highest } }
    var notes: [String] { lock.withLock { items } }
}

/// An endless source that counts how many records were pulled from it.
struct CountingSource: AsyncSequence, Sendable {
    typealias Element = Int
    let pulled: Counter
    var limit = Int.max

    struct AsyncIterator: AsyncIteratorProtocol {
        let pulled: Counter
        let limit: Int
        var next = 0
        mutating func next() async throws -> Int? {
            guard next < limit else { return nil }
            defer { next += 1 }
            pulled.add()
            return next
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pulled: pulled, limit: limit) }
}

struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

@Suite("Typed pipelines")
struct TypedPipelineTests {
    static func numbers(_ range: Range<Int>) -> AsyncStream<Int> {
        AsyncStream { continuation in
            for n in range { continuation.yield(n) }
            continuation.finish()
        }
    }

    @Test("map, filter, compactMap and flatMap compose")
    func composition() async throws {
        let result = try await Pipeline(Self.numbers(0..<10))
            .filter { $0 % 2 == 0 }
            .map { $0 * 10 }
            .compactMap { $0 == 20 ? nil : $0 }
            .flatMap { [$0, $0 + 1] }
            .collect(limit: 100)
        #expect(result == [0, 1, 40, 41, 60, 61, 80, 81])
    }

    @Test("a failing stage without a policy fails the run, naming the stage and the record")
    func failureNamesStageAndRecord() async {
        do {
            _ = try await Pipeline(Self.numbers(0..<10))
                .map("double") { $0 * 2 }
                .map("check") { value -> Int in
                    if value == 8 { throw Boom() }
                    return value
                }
                .collect(limit: 100)
            Issue.record("the run succeeded")
        } catch {
            #expect(error.code == .pipelineStageFailed)
            #expect(error.details["stage"] == "check")
            #expect(error.details["record"] == "8")
            #expect(error.message.contains("boom"))
        }
    }

    @Test("skip and recover policies keep the run going; recover sees the record and the error")
    func errorPolicies() async throws {
        let skipped = try await Pipeline(Self.numbers(0..<6))
            .map("odd-fails", onError: .skip) { n -> Int in
                if n % 2 == 1 { throw Boom() }
                return n
            }
            .collect(limit: 100)
        #expect(skipped == [0, 2, 4])

        let deadLetters = Counter()
        let recovered = try await Pipeline(Self.numbers(0..<4))
            .map(
                "parse",
                onError: .recover { record, error in
                    deadLetters.note("\(record): \(error)")
                    return -1
                }
            ) { n -> Int in
                if n == 2 { throw Boom() }
                return n
            }
            .collect(limit: 100)
        #expect(recovered == [0, 1, -1, 3])
        #expect(deadLetters.notes == ["2: boom"])
    }

    @Test("retry runs the closure again on the original record, with backoff, up to the limit")
    func retry() async throws {
        let attempts = Counter()
        let seen = Counter()
        let result = try await Pipeline(Self.numbers(0..<1))
            .map("flaky", retry: .exponential(attempts: 3, initialDelay: .milliseconds(1))) { n -> Int in
                attempts.add()
                seen.note(String(n))
                if attempts.value < 3 { throw Boom() }
                return n + 100
            }
            .collect(limit: 10)
        #expect(result == [100])
        #expect(attempts.value == 3)
        #expect(seen.notes == ["0", "0", "0"])

        let always = Counter()
        do {
            _ = try await Pipeline(Self.numbers(0..<1))
                .map("broken", retry: .exponential(attempts: 2, initialDelay: .milliseconds(1))) { _ -> Int in
                    always.add()
                    throw Boom()
                }
                .collect(limit: 10)
            Issue.record("the run succeeded")
        } catch {
            #expect(error.details["stage"] == "broken")
            #expect(always.value == 2)
        }
    }

    @Test("concurrent map keeps order, and at most `concurrency` records are in flight", arguments: [true, false])
    func concurrentMap(ordered: Bool) async throws {
        let running = Counter()
        let result = try await Pipeline(Self.numbers(0..<200))
            .map("slow", concurrency: 4, ordered: ordered) { n -> Int in
                running.add()
                try await Task.sleep(for: .microseconds(Int.random(in: 0...500)))
                running.add(-1)
                return n * 2
            }
            .collect(limit: 1_000)
        #expect(running.peak <= 4)
        if ordered {
            #expect(result == (0..<200).map { $0 * 2 })
        } else {
            #expect(result.sorted() == (0..<200).map { $0 * 2 })
        }
    }

    @Test("a slow sink slows the source: nothing is pulled far ahead", arguments: [1, 4])
    func backpressure(concurrency: Int) async throws {
        let pulled = Counter()
        let consumed = Counter()
        let run = Task {
            try await Pipeline(CountingSource(pulled: pulled))
                .map { $0 + 1 }
                .map("parallel", concurrency: concurrency) { $0 }
                .sink { _ in
                    consumed.add()
                    try await Task.sleep(for: .milliseconds(2))
                }
        }
        // Let the sink take a few records (however busy the machine), then stop.
        let deadline = ContinuousClock.now + .seconds(20)
        while consumed.value <= 10 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        run.cancel()
        _ = await run.result
        // In flight (concurrency), buffered for the reader (concurrency), plus the one being pulled.
        #expect(
            pulled.value - consumed.value <= 2 * concurrency + 2, "pulled \(pulled.value), consumed \(consumed.value)")
        #expect(consumed.value > 10)
    }

    @Test("cancelling the run stops every stage promptly with `cancelled`")
    func cancellation() async throws {
        let pulled = Counter()
        // An untyped closure: Swift 6.3 crashes on a typed-throws closure handed to `Task` here.
        let run = Task {
            try await Pipeline(CountingSource(pulled: pulled))
                .map("wait", concurrency: 3) { n -> Int in
                    try await Task.sleep(for: .seconds(30))
                    return n
                }
                .sink { _ in }
        }
        try await Task.sleep(for: .milliseconds(100))
        run.cancel()
        let outcome = await run.result
        switch outcome {
        case .success: Issue.record("the run finished")
        case .failure(let error): #expect((error as? PipeError)?.code == .cancelled, "\(error)")
        }
        let after = pulled.value
        try await Task.sleep(for: .milliseconds(100))
        #expect(pulled.value == after)
        #expect(after <= 4)
    }

    @Test("rate limiting spaces records out")
    func rateLimit() async throws {
        let start = ContinuousClock.now
        let result = try await Pipeline(Self.numbers(0..<11)).rateLimit(perSecond: 100).collect(limit: 100)
        #expect(result.count == 11)
        // Ten gaps of 10 ms each at least: a lower bound, which sleeping guarantees.
        #expect(ContinuousClock.now - start >= .milliseconds(95))
    }

    @Test("collect refuses to grow past its limit")
    func collectLimit() async {
        do {
            _ = try await Pipeline(CountingSource(pulled: Counter())).collect(limit: 1_000)
            Issue.record("collected an endless source")
        } catch {
            #expect(error.code == .limitExceeded)
        }
    }

    @Test("deadLetter sets failing records aside with their stage and error; a full box fails the run")
    func typedDeadLetters() async throws {
        let letters = DeadLetterBox<Int>(capacity: 10)
        let output = try await Pipeline(PacedSource(values: Array(0..<10), slowAt: [], pause: .zero))
            .map("halve", onError: .deadLetter(into: letters)) { n -> Int in
                guard n % 2 == 0 else { throw PipeError(.invalidArgument, "\(n) is odd") }
                return n / 2
            }
            .collect(limit: 100)
        #expect(output == [0, 1, 2, 3, 4])
        #expect(letters.letters.map(\.record) == [1, 3, 5, 7, 9])
        #expect(letters.letters.allSatisfy { $0.stage == "halve" && $0.error.code == .invalidArgument })
        #expect(letters.drain().count == 5 && letters.letters.isEmpty)

        let small = DeadLetterBox<Int>(capacity: 2)
        do {
            _ = try await Pipeline(PacedSource(values: Array(0..<10), slowAt: [], pause: .zero))
                .map("fail", onError: .deadLetter(into: small)) { _ -> Int in throw PipeError(.invalidArgument, "no") }
                .collect(limit: 100)
            Issue.record("the full box did not fail the run")
        } catch {
            #expect(error.code == .limitExceeded)
        }
    }
}
