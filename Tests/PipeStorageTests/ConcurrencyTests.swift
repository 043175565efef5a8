import Crypto
import Foundation
import PipeCore
import PipeStorage
import Testing

@Suite("Concurrency")
struct ConcurrencyTests {
    let alice = StorageFixture.alice

    @Test("1,000 concurrent puts and gets", arguments: StorageFixture.backends)
    func thousand(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend)
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("busy")
        _ = try await storage.createBucket(bucket, as: alice)
        let alice = self.alice
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<1000 {
                group.addTask {
                    try await storage.putObject(pattern(100 + index, seed: UInt8(index % 251)), in: bucket, at: .named("o/\(index)"), as: alice)
                }
            }
            try await group.waitForAll()
        }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<1000 {
                group.addTask {
                    try await storage.getObject(in: bucket, at: .named("o/\(index)"), as: alice).bytes
                        == pattern(100 + index, seed: UInt8(index % 251))
                }
            }
            var correct = 0
            for try await ok in group where ok { correct += 1 }
            #expect(correct == 1000)
        }
        #expect(try await storage.usage(of: bucket, as: alice).objects == 1000)
        #expect(fixture.blobFiles().count == 1000)
    }

    @Test("concurrent writers to one key: the last complete write wins, readers see whole versions only", arguments: StorageFixture.backends)
    func oneKey(backend: String) async throws {
        let fixture = try await StorageFixture(backend: backend) { $0.cacheCapacity = 0; $0.chunkSize = 64 << 10 }
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("contended")
        _ = try await storage.createBucket(bucket, options: BucketOptions(encryptedAtRest: true), as: alice)
        let key = ObjectKey.named("shared.bin")
        let versions = (0..<12).map { pattern(300_000 + $0 * 1000, seed: UInt8($0 * 17)) }
        let hashes = Set(versions.map { SHA256.hash(data: $0).map { String(format: "%02x", $0) }.joined() })
        try await storage.putObject(versions[0], in: bucket, at: key, as: alice)
        let alice = self.alice
        let torn = try await withThrowingTaskGroup(of: Int.self) { group in
            for version in versions {
                group.addTask {
                    try await storage.putObject(version, in: bucket, at: key, options: PutObjectOptions(upsert: true), as: alice)
                    return 0
                }
            }
            for _ in 0..<6 {
                group.addTask {
                    var torn = 0
                    for _ in 0..<15 {
                        let object = try await storage.getObject(in: bucket, at: key, as: alice)
                        let hash = SHA256.hash(data: object.bytes).map { String(format: "%02x", $0) }.joined()
                        if !hashes.contains(hash) || hash != object.info.etag { torn += 1 }
                    }
                    return torn
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(torn == 0)
        let final = try await storage.getObject(in: bucket, at: key, as: alice)
        #expect(versions.contains(final.bytes))
        #expect(fixture.blobFiles().count == 1)  // every replaced version's bytes were removed
    }
}
