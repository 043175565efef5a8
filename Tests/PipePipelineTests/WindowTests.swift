import PipeCore
import PipePipeline
import Testing

struct Sale: Sendable, Hashable {
    let country: String
    let amount: Double
}

@Suite("Windows and keyed aggregation")
struct WindowTests {
    static let sales: [Sale] = [
        Sale(country: "FR", amount: 10), Sale(country: "DE", amount: 5), Sale(country: "FR", amount: 2),
        Sale(country: "IT", amount: 7), Sale(country: "DE", amount: 1), Sale(country: "FR", amount: 4),
        Sale(country: "IT", amount: 3),
    ]

    static func source() -> AsyncStream<Sale> {
        AsyncStream { continuation in
            for sale in sales { continuation.yield(sale) }
            continuation.finish()
        }
    }

    @Test("tumbling windows sum per key, in first-seen key order, with a partial last window")
    func tumbling() async throws {
        let results = try await Pipeline(Self.source())
            .window(.tumbling(count: 3), key: { $0.country }, aggregate: .sum { $0.amount })
            .collect(limit: 100)
        let flat = results.map {
            "\($0.window):\($0.records.lowerBound)-\($0.records.upperBound):\($0.key)=\($0.value)"
        }
        #expect(
            flat == ["0:0-2:FR=12.0", "0:0-2:DE=5.0", "1:3-5:IT=7.0", "1:3-5:DE=1.0", "1:3-5:FR=4.0", "2:6-6:IT=3.0"])
    }

    @Test("sliding windows overlap by size minus step")
    func sliding() async throws {
        let results = try await Pipeline(Self.source())
            .window(.sliding(count: 4, step: 2), key: { _ in "all" }, aggregate: .count())
            .collect(limit: 100)
        // Windows start at 0, 2, 4, 6; the last two are cut short by the end of the stream.
        #expect(results.map(\.records) == [0...3, 2...5, 4...6, 6...6])
        #expect(results.map(\.value) == [4, 4, 3, 1])
    }

    @Test("min, max, average and distinct")
    func aggregators() async throws {
        let minimum = try await Pipeline(Self.source())
            .window(.tumbling(count: 100), key: { $0.country }, aggregate: .min { $0.amount })
            .collect(limit: 10)
        #expect(minimum.map(\.value) == [2, 1, 3])
        let maximum = try await Pipeline(Self.source())
            .window(.tumbling(count: 100), key: { _ in 0 }, aggregate: .max { $0.amount })
            .collect(limit: 10)
        #expect(maximum.first?.value == 10)
        let average = try await Pipeline(Self.source())
            .window(.tumbling(count: 100), key: { $0.country }, aggregate: .average { $0.amount })
            .collect(limit: 10)
        #expect(average.first?.value.value == 16.0 / 3 && average.first?.value.count == 3)
        let distinct = try await Pipeline(Self.source())
            .window(.tumbling(count: 100), key: { _ in "all" }, aggregate: .distinct { $0.country })
            .collect(limit: 10)
        #expect(distinct.first?.value == ["FR", "DE", "IT"])
    }

    @Test("a window with too many keys fails instead of growing without bound")
    func keyLimit() async {
        do {
            _ = try await Pipeline(Self.source())
                .window(.tumbling(count: 100), name: "per-sale", maxKeys: 2, key: { $0 }, aggregate: .count())
                .collect(limit: 10)
            Issue.record("the key limit did not hold")
        } catch {
            #expect(error.code == .limitExceeded)
            #expect(error.details["stage"] == "per-sale")
        }
    }
}
