import Foundation
import PipeClient
import PipeCore
import Testing

/// The remote client's local object cache: every read validated with the server, bounded memory.
@Suite("Remote object cache", .serialized)
struct RemoteCacheTests {
    @Test("a copy is served on 304; a change or a delete by another client is seen at the next read")
    func validated() async throws {
        try await ClientFixture.with(.remote) { fixture in
            let bucket = try BucketName("cached")
            _ = try await fixture.client.storage.createBucket(bucket, options: BucketOptions())
            let key = try ObjectKey("a.txt")
            _ = try await fixture.client.storage.putObject(Array("one".utf8), in: bucket, at: key, options: PutObjectOptions())
            var options = PipeClient.RemoteOptions()
            let cache = RemoteObjectCache(maxBytes: 64 << 10, maxObjectBytes: 16 << 10)
            options.cache = cache
            let reader = try await fixture.newRemoteClient(.apiKey(fixture.adminKey), options: options)

            let first = try await reader.storage.getObject(in: bucket, at: key)
            let again = try await reader.storage.getObject(in: bucket, at: key)
            #expect(first.bytes == Array("one".utf8) && again.bytes == first.bytes && again.info.etag == first.info.etag)
            #expect(cache.statistics == .init(hits: 1, misses: 1, objects: 1, bytes: 3))

            // Another client overwrites: the next read brings the new version, then serves it from the copy.
            _ = try await fixture.client.storage.putObject(
                Array("two!".utf8), in: bucket, at: key, options: PutObjectOptions(upsert: true))
            #expect(try await reader.storage.getObject(in: bucket, at: key).bytes == Array("two!".utf8))
            #expect(try await reader.storage.getObject(in: bucket, at: key).bytes == Array("two!".utf8))
            #expect(cache.statistics == .init(hits: 2, misses: 2, objects: 1, bytes: 4))

            // Another client deletes: the read fails as it would without a cache, and the copy goes.
            try await fixture.client.storage.deleteObject(in: bucket, at: key)
            #expect(await ParityTests.code { _ = try await reader.storage.getObject(in: bucket, at: key) } == "object_not_found")
            #expect(cache.statistics.objects == 0)

            // The reader's own write drops its copy at once.
            _ = try await reader.storage.putObject(Array("three".utf8), in: bucket, at: key, options: PutObjectOptions())
            _ = try await reader.storage.getObject(in: bucket, at: key)
            #expect(cache.statistics.objects == 1)
            try await reader.storage.deleteObject(in: bucket, at: key)
            #expect(cache.statistics.objects == 0)
        }
    }

    @Test("no-store and oversized objects are not kept; the least recently read go first past the budget")
    func bounded() async throws {
        try await ClientFixture.with(.remote) { fixture in
            let bucket = try BucketName("bounded")
            _ = try await fixture.client.storage.createBucket(bucket, options: BucketOptions())
            var options = PipeClient.RemoteOptions()
            let cache = RemoteObjectCache(maxBytes: 64 << 10, maxObjectBytes: 16 << 10)
            options.cache = cache
            let reader = try await fixture.newRemoteClient(.apiKey(fixture.adminKey), options: options)
            let secret = try ObjectKey("secret.txt")
            _ = try await reader.storage.putObject(
                Array("s".utf8), in: bucket, at: secret, options: PutObjectOptions(cacheControl: "no-store"))
            let big = try ObjectKey("big.bin")
            _ = try await reader.storage.putObject(
                [UInt8](repeating: 7, count: 20 << 10), in: bucket, at: big, options: PutObjectOptions())
            _ = try await reader.storage.getObject(in: bucket, at: secret)
            _ = try await reader.storage.getObject(in: bucket, at: big)
            #expect(cache.statistics.objects == 0)

            let keys = try (0..<10).map { try ObjectKey("part-\($0)") }
            for (index, key) in keys.enumerated() {
                _ = try await reader.storage.putObject(
                    [UInt8](repeating: UInt8(index), count: 10 << 10), in: bucket, at: key, options: PutObjectOptions())
                _ = try await reader.storage.getObject(in: bucket, at: key)
                _ = try await reader.storage.getObject(in: bucket, at: keys[0])  // keeps the first one recent
            }
            let held = cache.statistics
            #expect(held.bytes <= 64 << 10 && held.objects >= 5 && held.objects < 10)
            let hitsBefore = held.hits
            _ = try await reader.storage.getObject(in: bucket, at: keys[0])
            #expect(cache.statistics.hits == hitsBefore + 1, "the most recently read object is still held")
            cache.removeAll()
            #expect(cache.statistics.objects == 0 && cache.statistics.bytes == 0)
        }
    }
}
