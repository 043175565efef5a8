import Foundation
import PipeCore
import PipeStorage
import Testing
import PipeTestSupport

@Suite("Encryption at rest")
struct EncryptionTests {
    let alice = StorageFixture.alice

    @Test("encrypted objects never reach the disk in plaintext, and tampering is detected")
    func ciphertextOnDisk() async throws {
        let fixture = try await StorageFixture()
        defer { fixture.remove() }
        let storage = fixture.storage
        let bucket = BucketName.named("vault")
        _ = try await storage.createBucket(bucket, options: BucketOptions(encryptedAtRest: true), as: alice)
        let secret = Array(String(repeating: "TOP SECRET PAYLOAD ", count: 10_000).utf8)
        try await storage.putObject(secret, in: bucket, at: .named("s.txt"), as: alice)
        let blob = try #require(fixture.blobFiles().first)
        let stored = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture.directory + "/" + blob)))
        #expect(stored.count > secret.count)
        #expect(!String(decoding: stored, as: UTF8.self).contains("SECRET"))

        var damaged = stored
        damaged[70_000] ^= 0x01
        try Data(damaged).write(to: URL(fileURLWithPath: fixture.directory + "/" + blob))
        let reopened = try await fixture.reopen { $0.cacheCapacity = 0 }
        #expect(await pipeError { _ = try await reopened.storage.getObject(in: bucket, at: .named("s.txt"), as: alice) }?.code == .dataCorrupted)
        // The segment before the damage still reads.
        let head = try await reopened.storage.getObject(in: bucket, at: .named("s.txt"), range: .bytes(0, 999), as: alice)
        #expect(head.bytes == Array(secret[0..<1000]))
        // A truncated blob fails too, rather than returning a short object.
        try Data(stored.prefix(stored.count - 10)).write(to: URL(fileURLWithPath: fixture.directory + "/" + blob))
        #expect(await pipeError { _ = try await reopened.storage.getObject(in: bucket, at: .named("s.txt"), as: alice) }?.code == .dataCorrupted)
    }

    @Test("rotating the master key re-wraps data keys without rewriting any object")
    func rotation() async throws {
        let oldKey = try MasterKey.generate(id: "k1")
        let newKey = try MasterKey.generate(id: "k2")
        let fixture = try await StorageFixture { $0.masterKeys = [oldKey] }
        defer { fixture.remove() }
        let bucket = BucketName.named("vault")
        _ = try await fixture.storage.createBucket(bucket, options: BucketOptions(encryptedAtRest: true), as: alice)
        for index in 0..<20 {
            try await fixture.storage.putObject(pattern(1000 + index, seed: UInt8(index)), in: bucket, at: .named("o\(index)"), as: alice)
        }
        let session = try await fixture.storage.startUpload(in: bucket, at: .named("upload"), as: alice)
        try await fixture.storage.uploadPart(pattern(50), number: 1, to: session.id, as: alice)
        let blobsBefore = try fixture.blobFiles().map { ($0, try Data(contentsOf: URL(fileURLWithPath: fixture.directory + "/" + $0))) }

        let rotated = try await fixture.reopen { $0.masterKeys = [newKey, oldKey] }
        #expect(try await rotated.storage.rewrapDataKeys() == 21)
        #expect(try await rotated.storage.rewrapDataKeys() == 0)
        let blobsAfter = try fixture.blobFiles().map { ($0, try Data(contentsOf: URL(fileURLWithPath: fixture.directory + "/" + $0))) }
        #expect(blobsBefore.map(\.0) == blobsAfter.map(\.0) && blobsBefore.map(\.1) == blobsAfter.map(\.1))

        let newOnly = try await fixture.reopen { $0.masterKeys = [newKey] }
        for index in 0..<20 {
            #expect(try await newOnly.storage.getObject(in: bucket, at: .named("o\(index)"), as: alice).bytes == pattern(1000 + index, seed: UInt8(index)))
        }
        #expect(try await newOnly.storage.completeUpload(session.id, as: alice).size == 50)
        let oldOnly = try await fixture.reopen { $0.masterKeys = [oldKey]; $0.cacheCapacity = 0 }
        #expect(await pipeError { _ = try await oldOnly.storage.getObject(in: bucket, at: .named("o1"), as: alice) }?.code == .unavailable)
    }

    @Test("a key file that exists but cannot be read stops the start instead of being replaced")
    func unreadableKeyFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A directory where the key file should be: it exists, and reading it fails (even for root).
        try FileManager.default.createDirectory(atPath: directory + "/keys/master.key", withIntermediateDirectories: true)
        let error = await pipeError { _ = try await StorageService.embedded(directory: directory) }
        #expect(error?.code == .unavailable)
        #expect(FileManager.default.fileExists(atPath: directory + "/keys/master.key"))
    }

    @Test("master keys must be 256 bits with a plain id; the signing secret at least 32 bytes")
    func keyRules() async throws {
        #expect(throws: PipeError.self) { try MasterKey(id: "k", bytes: [UInt8](repeating: 1, count: 16)) }
        #expect(throws: PipeError.self) { try MasterKey(id: "bad id", bytes: [UInt8](repeating: 1, count: 32)) }
        #expect(throws: PipeError.self) { try MasterKey(id: "k", base64: "not base64!") }
        let key = try MasterKey.generate(id: "k")
        #expect(try MasterKey(id: "k", base64: key.base64).base64 == key.base64)
        let error = await pipeError { _ = try await StorageFixture { $0.signingSecret = [1, 2, 3] } }
        #expect(error?.code == .invalidArgument)
    }
}
