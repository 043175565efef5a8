import Foundation
import PipeCore
import PipeStorage
import Testing
import PipeTestSupport

@Suite("Buckets")
struct BucketTests {
    let alice = StorageFixture.alice

    @Test("create, get, list, update, empty and delete", arguments: StorageFixture.backends)
    func lifecycle(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let docs = BucketName.named("docs")
        let options = BucketOptions(
            isPublic: false, fileSizeLimit: 1000, allowedContentTypes: ["text/*"], defaultCacheControl: "max-age=60",
            encryptedAtRest: true, maxBytes: 10_000, maxObjects: 5)
        let created = try await storage.createBucket(docs, options: options, as: alice)
        #expect(created.options == options)
        #expect(try await storage.getBucket(docs, as: alice) == created)
        #expect(await pipeError { _ = try await storage.createBucket(docs, as: alice) }?.code == .bucketExists)
        _ = try await storage.createBucket(.named("archive"), as: alice)
        #expect(try await storage.listBuckets(as: alice).map(\.name.rawValue) == ["archive", "docs"])

        fixture.clock.advance(by: 5)
        var changed = options
        changed.isPublic = true
        let updated = try await storage.updateBucket(docs, options: changed, as: alice)
        #expect(updated.isPublic && updated.updatedAt > created.updatedAt && updated.createdAt == created.createdAt)

        try await storage.putObject(Array("hi".utf8), in: docs, at: .named("a.txt"), as: alice)
        let refused = await pipeError { try await storage.deleteBucket(docs, as: alice) }
        #expect(refused?.code == .conflict)
        try await storage.emptyBucket(docs, as: alice)
        #expect(try await storage.usage(of: docs, as: alice) == BucketUsage())
        #expect(fixture.blobFiles().isEmpty)
        try await storage.deleteBucket(docs, as: alice)
        #expect(await pipeError { _ = try await storage.getBucket(docs, as: alice) }?.code == .bucketNotFound)
    }

    @Test("force deletes a bucket with its objects and uploads, and their bytes", arguments: StorageFixture.backends)
    func forceDelete(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("scratch")
        _ = try await storage.createBucket(bucket, as: alice)
        for index in 0..<5 { try await storage.putObject(pattern(100), in: bucket, at: .named("k\(index)"), as: alice) }
        let upload = try await storage.startUpload(in: bucket, at: .named("big"), as: alice)
        try await storage.uploadPart(pattern(10), number: 1, to: upload.id, as: alice)
        try await storage.deleteBucket(bucket, force: true, as: alice)
        #expect(fixture.blobFiles().isEmpty)
        #expect(await pipeError { _ = try await storage.upload(upload.id, as: alice) }?.code == .uploadNotFound)
    }

    @Test("bad options are refused", arguments: [
        BucketOptions(fileSizeLimit: -1), BucketOptions(allowedContentTypes: ["image"]),
        BucketOptions(allowedContentTypes: ["text/html\r\nX-Evil: 1"]), BucketOptions(defaultCacheControl: "a\nb"),
        BucketOptions(maxBytes: -5), BucketOptions(maxObjects: -1),
    ])
    func badOptions(options: BucketOptions) async throws {
        let fixture = try await StorageFixture()
        defer { fixture.remove() }
        let error = await pipeError { _ = try await fixture.storage.createBucket(.named("bad"), options: options, as: alice) }
        #expect(error?.code == .invalidArgument)
    }

    @Test("anonymous callers cannot create buckets; scoped tokens need storage:admin", arguments: StorageFixture.backends)
    func creators(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        #expect(await pipeError { _ = try await fixture.storage.createBucket(.named("x-1"), as: nil) }?.code == .unauthenticated)
        let scoped = Principal(id: try UserID("dave"), scopes: ["storage:read"])
        #expect(await pipeError { _ = try await fixture.storage.createBucket(.named("x-2"), as: scoped) }?.code == .forbidden)
        let admin = Principal(id: try UserID("erin"), scopes: ["storage:admin"])
        _ = try await fixture.storage.createBucket(.named("x-3"), as: admin)
    }

    @Test("content-type rules with wildcards are applied to uploads", arguments: StorageFixture.backends)
    func contentTypes(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let images = BucketName.named("images")
        _ = try await storage.createBucket(images, options: BucketOptions(allowedContentTypes: ["image/*", "application/pdf"]), as: alice)
        try await storage.putObject([1], in: images, at: .named("a.png"), as: alice)
        try await storage.putObject([1], in: images, at: .named("doc"), options: PutObjectOptions(contentType: "application/pdf"), as: alice)
        let refused = await pipeError { try await storage.putObject([1], in: images, at: .named("a.html"), as: alice) }
        #expect(refused?.code == .invalidArgument && refused?.details["reason"] == "contentType")
        #expect(try await storage.headObject(in: images, at: .named("a.png"), as: alice).contentType == "image/png")
    }
}
