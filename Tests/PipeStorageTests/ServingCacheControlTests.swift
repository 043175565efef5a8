import Foundation
import PipeCore
import PipeStorage
import PipeTestSupport
import Testing

@Suite("Cache-Control for serving")
struct ServingCacheControlTests {
    let alice = StorageFixture.alice

    @Test("objects of buckets that are not public are always served private, even after a bucket stops being public")
    func privateStaysPrivate() async throws {
        let fixture = try await StorageFixture()
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("site")
        _ = try await storage.createBucket(bucket, options: BucketOptions(isPublic: true), as: alice)
        try await storage.putObject(
            Array("<p>".utf8), in: bucket, at: .named("a.html"), options: PutObjectOptions(cacheControl: "max-age=300"), as: alice)
        try await storage.putObject(Array("<p>".utf8), in: bucket, at: .named("b.html"), as: alice)
        #expect(try await storage.openObject(in: bucket, at: .named("a.html"), as: nil).cacheControl == "max-age=300")
        #expect(try await storage.openObject(in: bucket, at: .named("b.html"), as: nil).cacheControl == "public, max-age=60")

        _ = try await storage.updateBucket(bucket, options: BucketOptions(isPublic: false), as: alice)
        #expect(try await storage.openObject(in: bucket, at: .named("a.html"), as: alice).cacheControl == "private, max-age=300")
        #expect(try await storage.openObject(in: bucket, at: .named("b.html"), as: alice).cacheControl == "private, no-cache")
    }
}
