import Foundation
import PipeCore
import PipeStorage
import Testing
import PipeTestSupport

@Suite("Resumable uploads")
struct UploadTests {
    let alice = StorageFixture.alice

    @Test("parts sent in any order, resumed after a restart, complete into one object", arguments: [false, true])
    func resumeAfterRestart(encrypted: Bool) async throws {
        let fixture = try await StorageFixture()
        defer { fixture.remove() }
        let bucket = BucketName.named("uploads")
        _ = try await fixture.storage.createBucket(bucket, options: BucketOptions(encryptedAtRest: encrypted), as: alice)
        let parts = (1...5).map { pattern(100_000 + $0 * 7, seed: UInt8($0)) }
        let session = try await fixture.storage.startUpload(
            in: bucket, at: .named("video.mp4"), options: PutObjectOptions(metadata: ["take": "3"]), as: alice)
        try await fixture.storage.uploadPart(parts[3], number: 4, to: session.id, as: alice)
        try await fixture.storage.uploadPart(parts[0], number: 1, to: session.id, as: alice)
        // The "server" restarts: a new service on the same directory knows the acknowledged parts.
        let restarted = try await fixture.reopen()
        let status = try await restarted.storage.upload(session.id, as: alice)
        #expect(status.parts.map(\.number) == [1, 4])
        #expect(status.parts.map(\.size) == [Int64(parts[0].count), Int64(parts[3].count)])
        for number in [5, 2, 3] {
            try await restarted.storage.uploadPart(parts[number - 1], number: number, to: session.id, as: alice)
        }
        // Re-sending a part replaces it.
        try await restarted.storage.uploadPart(parts[1], number: 2, to: session.id, as: alice)
        let info = try await restarted.storage.completeUpload(session.id, as: alice)
        let whole = parts.flatMap { $0 }
        #expect(info.size == Int64(whole.count) && info.contentType == "video/mp4" && info.metadata == ["take": "3"])
        #expect(try await restarted.storage.getObject(in: bucket, at: .named("video.mp4"), as: alice).bytes == whole)
        #expect(fixture.blobFiles().count == 1)  // the parts are gone
        #expect(await pipeError { _ = try await restarted.storage.upload(session.id, as: alice) }?.code == .uploadNotFound)
    }

    @Test("missing parts, bad numbers, other principals and aborts", arguments: StorageFixture.backends)
    func refusals(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("uploads")
        _ = try await storage.createBucket(bucket, options: BucketOptions(fileSizeLimit: 1000), as: alice)
        let session = try await storage.startUpload(in: bucket, at: .named("f"), as: alice)
        try await storage.uploadPart([1], number: 1, to: session.id, as: alice)
        try await storage.uploadPart([3], number: 3, to: session.id, as: alice)
        let gap = await pipeError { _ = try await storage.completeUpload(session.id, as: alice) }
        #expect(gap?.code == .invalidArgument && gap?.details["missingPart"] == "2")
        #expect(await pipeError { try await storage.uploadPart([1], number: 0, to: session.id, as: alice) }?.code == .invalidArgument)
        #expect(await pipeError { try await storage.uploadPart([1], number: 10_001, to: session.id, as: alice) }?.code == .invalidArgument)
        #expect(await pipeError { try await storage.uploadPart(pattern(1001), number: 2, to: session.id, as: alice) }?.code == .limitExceeded)
        #expect(await pipeError { try await storage.uploadPart([1], number: 2, to: session.id, as: StorageFixture.bob) }?.code == .uploadNotFound)
        try await storage.uploadPart(pattern(600), number: 2, to: session.id, as: alice)
        try await storage.uploadPart(pattern(600), number: 3, to: session.id, as: alice)
        #expect(await pipeError { _ = try await storage.completeUpload(session.id, as: alice) }?.code == .limitExceeded)
        try await storage.abortUpload(session.id, as: alice)
        #expect(fixture.blobFiles().isEmpty)
        #expect(await pipeError { try await storage.abortUpload(session.id, as: alice) }?.code == .uploadNotFound)
    }

    @Test("a part damaged on disk fails the completion instead of producing a wrong object", arguments: StorageFixture.backends)
    func damagedPart(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("uploads")
        _ = try await storage.createBucket(bucket, as: alice)
        let session = try await storage.startUpload(in: bucket, at: .named("f"), as: alice)
        try await storage.uploadPart(pattern(5000), number: 1, to: session.id, as: alice)
        let blob = try #require(fixture.blobFiles().first)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: fixture.directory + "/" + blob))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data([0xFF, 0xFE]))
        try handle.close()
        let error = await pipeError { _ = try await storage.completeUpload(session.id, as: alice) }
        #expect(error?.code == .dataCorrupted)
        #expect(await pipeError { _ = try await storage.headObject(in: bucket, at: .named("f"), as: alice) }?.code == .objectNotFound)
    }

    @Test("expired sessions are refused and swept with their parts", arguments: StorageFixture.backends)
    func expiry(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend) { $0.uploadSessionLifetime = .seconds(60) }
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("uploads")
        _ = try await storage.createBucket(bucket, as: alice)
        let session = try await storage.startUpload(in: bucket, at: .named("f"), as: alice)
        try await storage.uploadPart(pattern(100), number: 1, to: session.id, as: alice)
        fixture.clock.advance(by: 61)
        #expect(await pipeError { try await storage.uploadPart([1], number: 2, to: session.id, as: alice) }?.code == .uploadNotFound)
        let report = try await storage.sweep()
        #expect(report.expiredUploads == 1)
        #expect(fixture.blobFiles().isEmpty)
    }

    @Test("a taken key is refused when the session starts, not after the upload", arguments: StorageFixture.backends)
    func earlyConflict(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let bucket = BucketName.named("uploads")
        _ = try await fixture.storage.createBucket(bucket, as: alice)
        try await fixture.storage.putObject([1], in: bucket, at: .named("f"), as: alice)
        #expect(await pipeError { _ = try await fixture.storage.startUpload(in: bucket, at: .named("f"), as: alice) }?.code == .objectExists)
        let replace = try await fixture.storage.startUpload(in: bucket, at: .named("f"), options: PutObjectOptions(upsert: true), as: alice)
        try await fixture.storage.uploadPart([9, 9], number: 1, to: replace.id, as: alice)
        #expect(try await fixture.storage.completeUpload(replace.id, as: alice).size == 2)
    }
}
