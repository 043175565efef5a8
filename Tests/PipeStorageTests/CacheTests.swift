import Foundation
import MetricsTestKit
import PipeCore
@testable import PipeStorage
import Testing
import PipeTestSupport

@Suite("Read cache")
struct CacheTests {
    let alice = StorageFixture.alice
    let metrics = TestMetrics()

    func count(_ label: String) -> Int64 {
        (try? metrics.expectCounter(label).totalValue) ?? 0
    }

    @Test("small hot objects are served from memory; overwrite and delete invalidate; metrics count hits and misses")
    func hitsAndInvalidation() async throws {
        let fixture = try await StorageFixture { [metrics] in
            $0.cacheCapacity = 1 << 20
            $0.cacheObjectLimit = 64 << 10
            $0.metricsFactory = metrics
        }
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("hot")
        _ = try await storage.createBucket(bucket, as: alice)
        let key = ObjectKey.named("config.json")
        try await storage.putObject(Array("v1".utf8), in: bucket, at: key, as: alice)
        let (hits, misses) = (count("pipe_storage_cache_hits_total"), count("pipe_storage_cache_misses_total"))
        #expect(try await storage.getObject(in: bucket, at: key, as: alice).bytes == Array("v1".utf8))
        #expect(try await storage.getObject(in: bucket, at: key, as: alice).bytes == Array("v1".utf8))
        #expect(count("pipe_storage_cache_misses_total") == misses + 1)
        #expect(count("pipe_storage_cache_hits_total") == hits + 1)
        // Proof the hit did not touch the disk: the blob is gone, yet the cached read works.
        for blob in fixture.blobFiles() { try FileManager.default.removeItem(atPath: fixture.directory + "/" + blob) }
        #expect(try await storage.getObject(in: bucket, at: key, as: alice).bytes == Array("v1".utf8))

        try await storage.putObject(Array("v2".utf8), in: bucket, at: key, options: PutObjectOptions(upsert: true), as: alice)
        #expect(try await storage.getObject(in: bucket, at: key, as: alice).bytes == Array("v2".utf8))
        try await storage.deleteObject(in: bucket, at: key, as: alice)
        #expect(await pipeError { _ = try await storage.getObject(in: bucket, at: key, as: alice) }?.code == .objectNotFound)
        // Permissions are checked before the cache: a stranger gets nothing from it.
        try await storage.putObject(Array("v3".utf8), in: bucket, at: key, as: alice)
        _ = try await storage.getObject(in: bucket, at: key, as: alice)
        #expect(await pipeError { _ = try await storage.getObject(in: bucket, at: key, as: StorageFixture.bob) }?.code == .bucketNotFound)
    }

    @Test("a hot object stays in memory while nothing is written; a write in flight, or a writer that died in one, bounds that to a second")
    func confirmationLifetime() async throws {
        let fixture = try await StorageFixture { $0.cacheCapacity = 1 << 20 }
        defer { fixture.remove() }
        let storage = fixture.storage
        let (bucket, key) = (BucketName.named("hot"), ObjectKey.named("config.json"))
        _ = try await storage.createBucket(bucket, as: alice)
        try await storage.putObject(Array("v1".utf8), in: bucket, at: key, as: alice)
        _ = try await storage.getObject(in: bucket, at: key, as: alice)  // read and confirmed, no write in flight
        let lapse = ObjectCache.confirmationLifetime + .milliseconds(200)
        try await Task.sleep(for: lapse)
        #expect(storage.objectInMemory(in: bucket, at: key, as: alice) != nil, "no write since: still current")

        // Another process begins a write and dies before ending it.
        let other = try SharedChangeCounter(path: fixture.directory + "/storage.sqlite.changes")
        other.begin()
        #expect(storage.objectInMemory(in: bucket, at: key, as: alice) == nil, "a write began: confirm again")
        _ = try await storage.getObject(in: bucket, at: key, as: alice)  // confirmed while the write looks in flight
        #expect(storage.objectInMemory(in: bucket, at: key, as: alice) != nil)
        try await Task.sleep(for: lapse)
        #expect(storage.objectInMemory(in: bucket, at: key, as: alice) == nil, "an unbalanced confirmation lapses")
        #expect(try await storage.getObject(in: bucket, at: key, as: alice).bytes == Array("v1".utf8))

        // The write ends after all (a slow writer, not a dead one): confirmations stand again.
        other.end()
        try await Task.sleep(for: lapse)  // the unbalanced confirmation lapses first
        _ = try await storage.getObject(in: bucket, at: key, as: alice)
        try await Task.sleep(for: lapse)
        #expect(storage.objectInMemory(in: bucket, at: key, as: alice) != nil)
        // A write by this process ends the confirmation at once.
        try await storage.putObject(Array("v2".utf8), in: bucket, at: key, options: PutObjectOptions(upsert: true), as: alice)
        #expect(storage.objectInMemory(in: bucket, at: key, as: alice) == nil)
        #expect(try await storage.getObject(in: bucket, at: key, as: alice).bytes == Array("v2".utf8))
    }

    @Test("when full, the cache drops an object nobody read since it came in before one that was read")
    func secondChance() {
        // Room for three 100-byte objects (each costs its bytes and 256 more).
        let cache = ObjectCache(capacity: 3 * 356, objectLimit: 1000, metrics: StorageMetrics(factory: nil))
        let bucket = BucketName.named("hot")
        func object(_ name: String) -> StoredObject {
            StoredObject(
                info: ObjectInfo(
                    bucket: bucket, key: .named(name), size: 100, contentType: "text/plain", etag: name,
                    createdAt: Date(), updatedAt: Date()),
                bytes: Array(repeating: 1, count: 100))
        }
        for name in ["a", "b", "c"] { cache.insert(object(name), generation: cache.generation) }
        #expect(cache.lookup(bucket, .named("a")) != nil)  // read: spared once
        cache.insert(object("d"), generation: cache.generation)
        #expect(cache.lookup(bucket, .named("b")) == nil, "the oldest object not read since goes first")
        #expect(cache.lookup(bucket, .named("a")) != nil)
        #expect(cache.lookup(bucket, .named("c")) != nil && cache.lookup(bucket, .named("d")) != nil)
        // Everything was read: one more insertion still makes room, passing over each once.
        cache.insert(object("e"), generation: cache.generation)
        let kept = ["a", "c", "d", "e"].filter { cache.lookup(bucket, .named($0)) != nil }
        #expect(kept.count == 3 && kept.contains("e"))
    }

    @Test("big objects bypass the cache and the total stays within its capacity")
    func bounded() async throws {
        let fixture = try await StorageFixture { [metrics] in
            $0.cacheCapacity = 100_000
            $0.cacheObjectLimit = 40_000
            $0.metricsFactory = metrics
        }
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("hot")
        _ = try await storage.createBucket(bucket, as: alice)
        try await storage.putObject(pattern(50_000), in: bucket, at: .named("big"), as: alice)
        for index in 0..<10 { try await storage.putObject(pattern(30_000, seed: UInt8(index)), in: bucket, at: .named("s\(index)"), as: alice) }
        for index in 0..<10 { _ = try await storage.getObject(in: bucket, at: .named("s\(index)"), as: alice) }
        _ = try await storage.getObject(in: bucket, at: .named("big"), as: alice)
        let gauge = try metrics.expectGauge("pipe_storage_cache_bytes")
        #expect((gauge.lastValue ?? 0) <= 100_000)
        // The three most recent small objects fit; older ones were evicted and are read from disk again, correctly.
        for index in 0..<10 {
            #expect(try await storage.getObject(in: bucket, at: .named("s\(index)"), as: alice).bytes == pattern(30_000, seed: UInt8(index)))
        }
    }

    @Test("readers racing an overwrite never get a stale cached object afterwards")
    func racingOverwrite() async throws {
        let fixture = try await StorageFixture()
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("race")
        _ = try await storage.createBucket(bucket, as: alice)
        let key = ObjectKey.named("k")
        for version in 0..<30 {
            try await storage.putObject([UInt8(version)], in: bucket, at: key, options: PutObjectOptions(upsert: true), as: alice)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { _ = try await storage.getObject(in: bucket, at: key, as: self.alice) } }
                group.addTask {
                    try await storage.putObject([UInt8(version), 1], in: bucket, at: key, options: PutObjectOptions(upsert: true), as: self.alice)
                }
                try await group.waitForAll()
            }
            #expect(try await storage.getObject(in: bucket, at: key, as: alice).bytes == [UInt8(version), 1])
        }
    }
}
