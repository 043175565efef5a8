import Foundation
import GRDB
import PipeCore
@testable import PipeStorage
import Testing
import PipeTestSupport

@Suite("Listing, copying and deleting")
struct ListAndCopyTests {
    let alice = StorageFixture.alice

    func all(
        _ storage: StorageService, _ bucket: BucketName, prefix: String = "", delimiter: String? = nil, limit: Int
    ) async throws -> (objects: [String], prefixes: [String], pages: Int) {
        var cursor: String? = nil
        var objects: [String] = []
        var prefixes: [String] = []
        var pages = 0
        repeat {
            let page = try await storage.listObjects(
                in: bucket, prefix: prefix, delimiter: delimiter, limit: limit, cursor: cursor, as: alice)
            #expect(page.objects.count + page.commonPrefixes.count <= limit)
            objects += page.objects.map(\.key.rawValue)
            prefixes += page.commonPrefixes
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil
        return (objects, prefixes, pages)
    }

    @Test("prefix, delimiter and cursor pages, in byte order, each key once", arguments: StorageFixture.backends)
    func listing(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("tree")
        _ = try await storage.createBucket(bucket, as: alice)
        let keys = [
            "a.txt", "b/1", "b/2", "b/c/3", "b/c/4", "b0", "bz", "c/x", "Z", "é/1", "🐈", "b/d/5", "b.txt",
        ]
        for key in keys { try await storage.putObject([1], in: bucket, at: .named(key), as: alice) }
        let sorted = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for limit in [1, 2, 3, 1000] {
            #expect(try await all(storage, bucket, limit: limit).objects == sorted)
            let root = try await all(storage, bucket, delimiter: "/", limit: limit)
            #expect(root.objects == ["Z", "a.txt", "b.txt", "b0", "bz", "🐈"])
            #expect(root.prefixes == ["b/", "c/", "é/"])
            let inB = try await all(storage, bucket, prefix: "b/", delimiter: "/", limit: limit)
            #expect(inB.objects == ["b/1", "b/2"] && inB.prefixes == ["b/c/", "b/d/"])
            #expect(try await all(storage, bucket, prefix: "b/c/", limit: limit).objects == ["b/c/3", "b/c/4"])
        }
        #expect(try await all(storage, bucket, prefix: "nothing", limit: 5).objects.isEmpty)
        // Cursors belong to their listing.
        let page = try await storage.listObjects(in: bucket, limit: 2, as: alice)
        let cursor = try #require(page.nextCursor)
        #expect(await pipeError { _ = try await storage.listObjects(in: bucket, prefix: "b", limit: 2, cursor: cursor, as: alice) }?.code == .invalidArgument)
        #expect(await pipeError { _ = try await storage.listObjects(in: bucket, limit: 2, cursor: "garbage!", as: alice) }?.code == .invalidArgument)
        #expect(await pipeError { _ = try await storage.listObjects(in: bucket, limit: 0, as: alice) }?.code == .invalidArgument)
        #expect(await pipeError { _ = try await storage.listObjects(in: bucket, limit: 1001, as: alice) }?.code == .invalidArgument)
    }

    @Test("100,000 objects page through completely and quickly")
    func largeListing() async throws {
        let fixture = try await StorageFixture()
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("many")
        _ = try await storage.createBucket(bucket, as: alice)
        let template = try await storage.putObject([1], in: bucket, at: .named("template"), as: alice)
        let metadata = try #require(storage.metadata as? SQLiteStorageMetadata)
        let location = try #require(try await metadata.object(bucket, .named("template"))).location
        // One transaction through the same commit code a put uses, so the fixture takes seconds, not an fsync each.
        try await metadata.database.write { db in
            for index in 0..<100_000 {
                var info = template
                info.key = try ObjectKey("dir\(index % 10)/item-\(String(index, radix: 36))")
                _ = try SQLiteStorageMetadata.commit(db, ObjectRecord(info: info, location: location), CommitConditions(upsert: false))
            }
        }
        let start = ContinuousClock.now
        let flat = try await all(storage, bucket, limit: 1000)
        let elapsed = ContinuousClock.now - start
        #expect(flat.objects.count == 100_001 && flat.pages == 101)
        #expect(flat.objects == flat.objects.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        let folders = try await all(storage, bucket, delimiter: "/", limit: 1000)
        #expect(folders.prefixes == (0..<10).map { "dir\($0)/" } && folders.objects == ["template"])
        let one = try await all(storage, bucket, prefix: "dir3/", limit: 1000)
        #expect(one.objects.count == 10_000)
        print("listed 100,001 objects in 101 pages in \(elapsed)")
        #expect(try await storage.usage(of: bucket, as: alice).objects == 100_001)
    }

    @Test("copy within and across buckets, plain and encrypted; the copy outlives its source", arguments: StorageFixture.backends)
    func copies(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let plain = BucketName.named("plain")
        let secret = BucketName.named("secret")
        _ = try await storage.createBucket(plain, as: alice)
        _ = try await storage.createBucket(secret, options: BucketOptions(encryptedAtRest: true), as: alice)
        let bytes = pattern(200_000)
        let original = try await storage.putObject(
            bytes, in: plain, at: .named("src.csv"), options: PutObjectOptions(metadata: ["k": "v"]), as: alice)
        let sameBucket = try await storage.copyObject(from: plain, at: .named("src.csv"), to: plain, at: .named("copy.csv"), as: alice)
        #expect(sameBucket.etag == original.etag && sameBucket.metadata == ["k": "v"] && sameBucket.contentType == original.contentType)
        #expect(fixture.blobFiles().count == 1)  // shared, not duplicated
        let encrypted = try await storage.copyObject(from: plain, at: .named("src.csv"), to: secret, at: .named("e.csv"), as: alice)
        #expect(encrypted.etag == original.etag && fixture.blobFiles().count == 2)
        let back = try await storage.copyObject(from: secret, at: .named("e.csv"), to: plain, at: .named("back.csv"), as: alice)
        #expect(back.etag == original.etag)
        #expect(await pipeError { try await storage.copyObject(from: plain, at: .named("src.csv"), to: plain, at: .named("copy.csv"), as: alice) }?.code == .objectExists)
        #expect(await pipeError { try await storage.copyObject(from: plain, at: .named("src.csv"), to: plain, at: .named("x"), options: CopyOptions(sourceIfMatch: "\"no\""), as: alice) }?.code == .preconditionFailed)
        #expect(await pipeError { try await storage.copyObject(from: plain, at: .named("nope"), to: plain, at: .named("x"), as: alice) }?.code == .objectNotFound)

        try await storage.deleteObject(in: plain, at: .named("src.csv"), as: alice)
        for (bucket, key) in [(plain, "copy.csv"), (secret, "e.csv"), (plain, "back.csv")] {
            #expect(try await storage.getObject(in: bucket, at: .named(key), as: alice).bytes == bytes)
        }
        try await storage.deleteObject(in: plain, at: .named("copy.csv"), as: alice)
        try await storage.deleteObject(in: plain, at: .named("back.csv"), as: alice)
        #expect(fixture.blobFiles().count == 1)  // only the encrypted copy's blob is left
    }

    @Test("a copy whose source disappeared before it committed is refused instead of recording a deleted blob", arguments: StorageFixture.backends)
    func copyRacingDelete(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("race")
        _ = try await storage.createBucket(bucket, as: alice)
        try await storage.putObject(pattern(100), in: bucket, at: .named("src"), as: alice)
        let metadata = storage.metadata
        let source = try #require(try await metadata.object(bucket, .named("src")))
        // The source goes between the copy reading its record and committing the new one.
        try await storage.deleteObject(in: bucket, at: .named("src"), as: alice)
        var info = source.info
        info.key = .named("dst")
        let error = await pipeError {
            _ = try await metadata.commitObject(
                ObjectRecord(info: info, location: source.location),
                conditions: CommitConditions(upsert: false, sharesBlob: true))
        }
        #expect(error?.code == .conflict)
        #expect(await pipeError { _ = try await storage.headObject(in: bucket, at: .named("dst"), as: alice) }?.code == .objectNotFound)
    }

    @Test("a move deletes only the version it copied", arguments: StorageFixture.backends)
    func moveKeepsNewerSource(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("moves")
        _ = try await storage.createBucket(bucket, as: alice)
        let old = try await storage.putObject([1], in: bucket, at: .named("a"), as: alice)
        let metadata = storage.metadata
        let copied = try #require(try await metadata.object(bucket, .named("a"))).location.blob
        // A newer version lands on the source after the move copied the old one.
        try await storage.putObject([2], in: bucket, at: .named("a"), options: PutObjectOptions(upsert: true), as: alice)
        #expect(try await metadata.deleteObject(bucket, .named("a"), ifBlob: copied) == nil)
        let kept = try await storage.getObject(in: bucket, at: .named("a"), as: alice)
        #expect(kept.bytes == [2] && kept.info.etag != old.etag)
    }

    @Test("move, delete one and delete many", arguments: StorageFixture.backends)
    func moveAndDelete(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("moves")
        _ = try await storage.createBucket(bucket, as: alice)
        try await storage.putObject(pattern(10), in: bucket, at: .named("from"), as: alice)
        let moved = try await storage.moveObject(from: bucket, at: .named("from"), to: bucket, at: .named("to"), as: alice)
        #expect(moved.key == .named("to"))
        #expect(await pipeError { _ = try await storage.headObject(in: bucket, at: .named("from"), as: alice) }?.code == .objectNotFound)
        #expect(try await storage.getObject(in: bucket, at: .named("to"), as: alice).bytes == pattern(10))
        #expect(await pipeError { try await storage.moveObject(from: bucket, at: .named("to"), to: bucket, at: .named("to"), as: alice) }?.code == .invalidArgument)
        for index in 0..<5 { try await storage.putObject([UInt8(index)], in: bucket, at: .named("m\(index)"), as: alice) }
        let result = try await storage.deleteObjects(in: bucket, keys: [.named("m1"), .named("m3"), .named("ghost")], as: alice)
        #expect(result.deleted == [.named("m1"), .named("m3")] && result.missing == [.named("ghost")])
        #expect(await pipeError { try await storage.deleteObject(in: bucket, at: .named("m1"), as: alice) }?.code == .objectNotFound)
        #expect(try await all(storage, bucket, limit: 10).objects == ["m0", "m2", "m4", "to"])
    }
}
