import Crypto
import Foundation
import PipeCore
import PipeStorage
import Testing

@Suite("Objects")
struct ObjectTests {
    let alice = StorageFixture.alice

    func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    func withBucket(
        backend: String = "sqlite", encrypted: Bool = false, options: BucketOptions = BucketOptions(),
        _ body: (StorageService, BucketName, StorageFixture) async throws -> Void
    ) async throws {
        let fixture = try await StorageFixture(backend: backend) { $0.chunkSize = 100_000 }
        defer { fixture.remove() }
        var options = options
        options.encryptedAtRest = encrypted
        let bucket = BucketName.named("files")
        _ = try await fixture.storage.createBucket(bucket, options: options, as: alice)
        try await body(fixture.storage, bucket, fixture)
    }

    @Test("bytes, files and async sequences store the same object, with the SHA-256 ETag", arguments: [false, true])
    func putSources(encrypted: Bool) async throws {
        try await withBucket(encrypted: encrypted) { storage, bucket, fixture in
            let bytes = pattern(1_234_567)
            let fromBytes = try await storage.putObject(bytes, in: bucket, at: .named("a.bin"), as: alice)
            let file = URL(fileURLWithPath: fixture.directory + "-input.bin")
            try Data(bytes).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let fromFile = try await storage.putObject(fileAt: file, in: bucket, at: .named("b.bin"), as: alice)
            let stream = AsyncStream<[UInt8]> { continuation in
                var offset = 0
                while offset < bytes.count {  // uneven chunks, as a network gives them
                    let end = min(bytes.count, offset + 777 + offset % 5000)
                    continuation.yield(Array(bytes[offset..<end]))
                    offset = end
                }
                continuation.finish()
            }
            let fromStream = try await storage.putObject(streaming: stream, in: bucket, at: .named("c.bin"), as: alice)
            for info in [fromBytes, fromFile, fromStream] {
                #expect(info.size == Int64(bytes.count))
                #expect(info.etag == sha256(bytes))
                #expect(info.contentType == "application/octet-stream")
                #expect(info.cacheControl == "private")
                #expect(try await storage.getObject(in: bucket, at: info.key, as: alice).bytes == bytes)
            }
            let empty = try await storage.putObject([], in: bucket, at: .named("empty"), as: alice)
            #expect(empty.etag == sha256([]) && empty.size == 0)
            #expect(try await storage.getObject(in: bucket, at: .named("empty"), as: alice).bytes.isEmpty)
        }
    }

    @Test("upsert, If-Match and If-None-Match decide whether a write replaces", arguments: StorageFixture.backends)
    func conditionalPuts(backend: String) async throws {
        try await withBucket(backend: backend) { storage, bucket, _ in
            let key = ObjectKey.named("doc.txt")
            let first = try await storage.putObject(Array("one".utf8), in: bucket, at: key, as: alice)
            #expect(await pipeError { try await storage.putObject([1], in: bucket, at: key, as: alice) }?.code == .objectExists)
            let noneMatch = PutObjectOptions(ifNoneMatch: "*")
            #expect(await pipeError { try await storage.putObject([1], in: bucket, at: key, options: noneMatch, as: alice) }?.code == .preconditionFailed)
            try await storage.putObject([1], in: bucket, at: .named("new.txt"), options: noneMatch, as: alice)
            let stale = PutObjectOptions(ifMatch: "\"0000\"")
            #expect(await pipeError { try await storage.putObject([2], in: bucket, at: key, options: stale, as: alice) }?.code == .preconditionFailed)
            let current = PutObjectOptions(ifMatch: "\"\(first.etag)\"")
            let second = try await storage.putObject(Array("two".utf8), in: bucket, at: key, options: current, as: alice)
            #expect(second.createdAt == first.createdAt)
            let upsert = try await storage.putObject(Array("three".utf8), in: bucket, at: key, options: PutObjectOptions(upsert: true), as: alice)
            #expect(String(decoding: try await storage.getObject(in: bucket, at: key, as: alice).bytes, as: UTF8.self) == "three")
            #expect(upsert.etag != second.etag)
            #expect(await pipeError { try await storage.putObject([1], in: bucket, at: key, options: PutObjectOptions(ifNoneMatch: "\"abc\""), as: alice) }?.code == .invalidArgument)
        }
    }

    @Test("content type, cache control and metadata are stored; bad metadata is refused", arguments: StorageFixture.backends)
    func attributes(backend: String) async throws {
        try await withBucket(backend: backend, options: BucketOptions(defaultCacheControl: "max-age=300")) { storage, bucket, _ in
            let info = try await storage.putObject(
                [1, 2], in: bucket, at: .named("photos/Cat.JPG"),
                options: PutObjectOptions(metadata: ["owner-id": "42", "caption": "a cat 🐈"]), as: alice)
            #expect(info.contentType == "image/jpeg" && info.cacheControl == "max-age=300")
            #expect(info.metadata == ["owner-id": "42", "caption": "a cat 🐈"])
            let explicit = try await storage.putObject(
                [1], in: bucket, at: .named("x"),
                options: PutObjectOptions(contentType: "text/csv", cacheControl: "no-store"), as: alice)
            #expect(explicit.contentType == "text/csv" && explicit.cacheControl == "no-store")
            for options in [
                PutObjectOptions(metadata: ["bad key": "v"]), PutObjectOptions(metadata: ["k": "a\nb"]),
                PutObjectOptions(metadata: ["k": String(repeating: "v", count: 9000)]),
                PutObjectOptions(contentType: "nonsense"), PutObjectOptions(cacheControl: "a\r\nb"),
            ] {
                let error = await pipeError { try await storage.putObject([1], in: bucket, at: .named("y"), options: options, as: alice) }
                #expect(error?.code == .invalidArgument || error?.code == .limitExceeded)
            }
        }
    }

    @Test("byte ranges, across encrypted segment boundaries too", arguments: [false, true])
    func ranges(encrypted: Bool) async throws {
        try await withBucket(encrypted: encrypted) { storage, bucket, _ in
            let bytes = pattern(300_001)
            let key = ObjectKey.named("r")
            try await storage.putObject(bytes, in: bucket, at: key, as: alice)
            let cases: [(ByteRange, Range<Int>)] = [
                (.bytes(0, 0), 0..<1), (.bytes(0, 99), 0..<100), (.bytes(65_530, 65_545), 65_530..<65_546),
                (.bytes(65_536, 131_071), 65_536..<131_072), (.from(299_000), 299_000..<300_001),
                (.suffix(10), 299_991..<300_001), (.suffix(1_000_000), 0..<300_001),
                (.bytes(100, 10_000_000), 100..<300_001), (.bytes(131_071, 262_145), 131_071..<262_146),
            ]
            for (range, expected) in cases {
                let object = try await storage.getObject(in: bucket, at: key, range: range, as: alice)
                #expect(object.bytes == Array(bytes[expected]), "\(range)")
                let download = try await storage.openObject(in: bucket, at: key, range: range, as: alice)
                #expect(download.range == Int64(expected.lowerBound)..<Int64(expected.upperBound))
            }
            for bad in [ByteRange.bytes(300_001, 300_002), .bytes(10, 5), .from(400_000), .suffix(0)] {
                #expect(await pipeError { _ = try await storage.getObject(in: bucket, at: key, range: bad, as: alice) }?.code == .rangeNotSatisfiable)
            }
            #expect(try ByteRange(header: "bytes=5-9") == .bytes(5, 9))
            #expect(try ByteRange(header: "bytes=5-") == .from(5))
            #expect(try ByteRange(header: "bytes=-5") == .suffix(5))
            for header in ["bytes=1-2,4-5", "bytes=a-b", "items=1-2", "bytes=-", "bytes=+1-2"] {
                #expect(throws: PipeError.self) { try ByteRange(header: header) }
            }
        }
    }

    @Test("conditional reads: If-None-Match, If-Modified-Since and If-Match", arguments: StorageFixture.backends)
    func conditionalGets(backend: String) async throws {
        try await withBucket(backend: backend) { storage, bucket, fixture in
            let key = ObjectKey.named("c")
            let info = try await storage.putObject([1, 2, 3], in: bucket, at: key, as: alice)
            let notModified = await pipeError {
                _ = try await storage.getObject(in: bucket, at: key, conditions: ReadConditions(ifNoneMatch: "\"\(info.etag)\""), as: alice)
            }
            #expect(notModified?.code == .notModified && notModified?.httpStatus == 304)
            _ = try await storage.getObject(in: bucket, at: key, conditions: ReadConditions(ifNoneMatch: "\"other\""), as: alice)
            let later = fixture.clock.now.addingTimeInterval(10)
            #expect(await pipeError { _ = try await storage.headObject(in: bucket, at: key, conditions: ReadConditions(ifModifiedSince: later), as: alice) }?.code == .notModified)
            let earlier = info.updatedAt.addingTimeInterval(-10)
            _ = try await storage.headObject(in: bucket, at: key, conditions: ReadConditions(ifModifiedSince: earlier), as: alice)
            #expect(await pipeError { _ = try await storage.openObject(in: bucket, at: key, conditions: ReadConditions(ifMatch: "\"x\""), as: alice) }?.code == .preconditionFailed)
        }
    }

    @Test("reads into a file and as a stream", arguments: StorageFixture.backends)
    func downloads(backend: String) async throws {
        try await withBucket(backend: backend, encrypted: true) { storage, bucket, fixture in
            let bytes = pattern(777_777, seed: 3)
            try await storage.putObject(bytes, in: bucket, at: .named("d"), as: alice)
            let target = URL(fileURLWithPath: fixture.directory + "-out.bin")
            defer { try? FileManager.default.removeItem(at: target) }
            try await storage.downloadObject(in: bucket, at: .named("d"), to: target, as: alice)
            #expect([UInt8](try Data(contentsOf: target)) == bytes)
            var streamed: [UInt8] = []
            var chunks = 0
            for try await chunk in try await storage.openObject(in: bucket, at: .named("d"), as: alice).chunks {
                streamed += chunk
                chunks += 1
            }
            #expect(streamed == bytes && chunks > 1)
            #expect(await pipeError { try await storage.downloadObject(in: bucket, at: .named("missing"), to: target, as: alice) }?.code == .objectNotFound)
        }
    }

    @Test("the size limit stops an endless stream once it is passed, and nothing is stored", arguments: StorageFixture.backends)
    func sizeLimitWhileStreaming(backend: String) async throws {
        try await withBucket(backend: backend, options: BucketOptions(fileSizeLimit: 1_000_000)) { storage, bucket, fixture in
            let produced = Mutex(0)
            let endless = AsyncStream<[UInt8]> {
                produced.withLock { $0 += 65_536 }
                return [UInt8](repeating: 7, count: 65_536)
            }
            let error = await pipeError { try await storage.putObject(streaming: endless, in: bucket, at: .named("big"), as: alice) }
            #expect(error?.code == .limitExceeded)
            #expect(produced.withLock { $0 } < 3_000_000)
            #expect(fixture.blobFiles().isEmpty)
            #expect(fixture.files().filter { $0.hasPrefix("tmp/") }.isEmpty)
            #expect(await pipeError { try await storage.putObject(pattern(1_000_001), in: bucket, at: .named("b"), as: alice) }?.code == .limitExceeded)
            try await storage.putObject(pattern(1_000_000), in: bucket, at: .named("exact"), as: alice)
        }
    }

    @Test("quotas on bytes and object count", arguments: StorageFixture.backends)
    func quotas(backend: String) async throws {
        try await withBucket(backend: backend, options: BucketOptions(maxBytes: 1000, maxObjects: 3)) { storage, bucket, _ in
            try await storage.putObject(pattern(400), in: bucket, at: .named("a"), as: alice)
            try await storage.putObject(pattern(400), in: bucket, at: .named("b"), as: alice)
            let bytes = await pipeError { try await storage.putObject(pattern(300), in: bucket, at: .named("c"), as: alice) }
            #expect(bytes?.code == .quotaExceeded && bytes?.details["quota"] == "bytes")
            // Replacing an object with a smaller one is always allowed.
            try await storage.putObject(pattern(100), in: bucket, at: .named("a"), options: PutObjectOptions(upsert: true), as: alice)
            try await storage.putObject(pattern(100), in: bucket, at: .named("c"), as: alice)
            let count = await pipeError { try await storage.putObject([1], in: bucket, at: .named("d"), as: alice) }
            #expect(count?.code == .quotaExceeded && count?.details["quota"] == "objects")
            #expect(try await storage.usage(of: bucket, as: alice) == BucketUsage(bytes: 600, objects: 3))
            try await storage.deleteObject(in: bucket, at: .named("b"), as: alice)
            #expect(try await storage.usage(of: bucket, as: alice) == BucketUsage(bytes: 200, objects: 2))
        }
    }

    @Test("a failing byte stream stores nothing and reports the failure", arguments: StorageFixture.backends)
    func failingStream(backend: String) async throws {
        struct Broken: Error {}
        try await withBucket(backend: backend) { storage, bucket, fixture in
            let stream = AsyncThrowingStream<[UInt8], any Error> { continuation in
                continuation.yield(pattern(500_000))
                continuation.finish(throwing: Broken())
            }
            let error = await pipeError { try await storage.putObject(streaming: stream, in: bucket, at: .named("x"), as: alice) }
            #expect(error?.code == .invalidArgument)
            #expect(fixture.blobFiles().isEmpty)
            #expect(await pipeError { _ = try await storage.headObject(in: bucket, at: .named("x"), as: alice) }?.code == .objectNotFound)
        }
    }
}

import Synchronization
import PipeTestSupport
