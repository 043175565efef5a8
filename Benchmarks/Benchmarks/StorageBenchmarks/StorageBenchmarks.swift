import Benchmark
import Foundation
import PipeCore
import PipeStorage

// Small-object operations of the embedded store (SQLite metadata, files on local disk), as the gateway will make
// them: 4 KiB puts (each durable: fsync of the blob, its directory and the SQLite WAL), gets from disk and from
// the read cache, and one listing page. scripts/compare-storage.sh measures large objects against `cp`.

let benchmarks: @Sendable () -> Void = {
    // Each sample is one fresh store (set up outside the measurement) and then 1,000 operations on it: the
    // throughput row is operations per second, the wall-clock row the time of 1,000.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1,
        scalingFactor: .kilo,
        maxDuration: .seconds(15),
        maxIterations: 5
    )
    let owner = Principal(id: try! UserID("bench"))
    let bucket = try! BucketName("bench")
    let payload = [UInt8](repeating: 0x5A, count: 4096)

    func store(cache: Bool) async throws -> StorageService {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-bench-\(UUID().uuidString)")
        var configuration = StorageConfiguration()
        configuration.cacheCapacity = cache ? 64 << 20 : 0
        let storage = try await StorageService.embedded(directory: directory.path, configuration: configuration)
        _ = try await storage.createBucket(bucket, as: owner)
        for index in 0..<1000 {
            try await storage.putObject(payload, in: bucket, at: try ObjectKey("seed/\(index)"), as: owner)
        }
        return storage
    }

    Benchmark("storage: put 4 KiB (durable)") { benchmark in
        let storage = try await store(cache: false)
        var index = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            index += 1
            try await storage.putObject(payload, in: bucket, at: try ObjectKey("put/\(index)"), as: owner)
        }
    }

    Benchmark("storage: get 4 KiB from disk") { benchmark in
        let storage = try await store(cache: false)
        var index = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            index = (index + 1) % 1000
            blackHole(try await storage.getObject(in: bucket, at: try ObjectKey("seed/\(index)"), as: owner))
        }
    }

    Benchmark("storage: get 4 KiB from the cache") { benchmark in
        let storage = try await store(cache: true)
        var index = 0
        for index in 0..<1000 {  // warm the cache
            _ = try await storage.getObject(in: bucket, at: try ObjectKey("seed/\(index)"), as: owner)
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            index = (index + 1) % 1000
            blackHole(try await storage.getObject(in: bucket, at: try ObjectKey("seed/\(index)"), as: owner))
        }
    }

    Benchmark("storage: list a page of 1000", configuration: .init(scalingFactor: .one, maxIterations: 50)) {
        benchmark in
        let storage = try await store(cache: false)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try await storage.listObjects(in: bucket, prefix: "seed/", limit: 1000, as: owner))
        }
    }
}
