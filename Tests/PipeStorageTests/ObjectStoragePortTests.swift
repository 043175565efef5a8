import Foundation
import PipeCore
import PipeStorage
import Testing
import PipeTestSupport

/// The `ObjectStorage` port as pipelines and other modules see it, through `StorageService.acting(as:)`.
@Suite("ObjectStorage port")
struct ObjectStoragePortTests {
    @Test("the port's contract: buckets, puts, gets, listings with cursors, deletes, and its error codes")
    func contract() async throws {
        let fixture = try await StorageFixture()
        defer { fixture.remove() }
        let storage: any ObjectStorage = fixture.storage.acting(as: StorageFixture.alice)
        let bucket = BucketName.named("port")
        let made = try await storage.createBucket(bucket)
        #expect(try await storage.getBucket(bucket) == made)
        #expect(try await storage.listBuckets().map(\.name) == [bucket])
        for index in 0..<25 {
            _ = try await storage.putObject(Array("\(index)".utf8), in: bucket, at: .named("k/\(1000 + index)"))
        }
        #expect(await pipeError { _ = try await storage.putObject([1], in: bucket, at: .named("k/1000")) }?.code == .objectExists)
        #expect(try await storage.getObject(in: bucket, at: .named("k/1007")).bytes == Array("7".utf8))
        #expect(try await storage.headObject(in: bucket, at: .named("k/1007")).size == 1)
        var cursor: String? = nil
        var keys: [String] = []
        repeat {
            let page = try await storage.listObjects(in: bucket, prefix: "k/", limit: 10, cursor: cursor)
            keys += page.items.map(\.key.rawValue)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(keys == (0..<25).map { "k/\(1000 + $0)" })
        #expect(await pipeError { try await storage.deleteBucket(bucket) }?.code == .conflict)
        try await storage.deleteObject(in: bucket, at: .named("k/1007"))
        #expect(await pipeError { try await storage.deleteObject(in: bucket, at: .named("k/1007")) }?.code == .objectNotFound)
        #expect(await pipeError { _ = try await storage.getObject(in: .named("nope"), at: .named("a")) }?.code == .bucketNotFound)
        // The same port acting for someone else sees nothing.
        let stranger: any ObjectStorage = fixture.storage.acting(as: StorageFixture.bob)
        #expect(try await stranger.listBuckets().isEmpty)
        #expect(await pipeError { _ = try await stranger.getObject(in: bucket, at: .named("k/1000")) }?.code == .bucketNotFound)
    }
}
