import Crypto
import Foundation
import PipeCore
import PipeStorage
import PipeTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writers killed with SIGKILL at random moments: readers only ever see a whole version, and the sweep removes
/// what the dead writers left behind.
@Suite("Crash safety")
struct CrashTests {
    static let rounds = 16

    func hex(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    @Test("SIGKILL mid-upload never leaves a torn or truncated object visible", arguments: [false, true])
    func killedWriters(encrypted: Bool) async throws {
        let fixture = try await StorageFixture { $0.cacheCapacity = 0 }
        defer { fixture.remove() }
        let bucket = BucketName.named("crash")
        let key = ObjectKey.named("big.bin")
        _ = try await fixture.storage.createBucket(bucket, options: BucketOptions(encryptedAtRest: encrypted), as: StorageFixture.alice)
        // 64 MiB each: big enough that most kills land mid-write.
        let versions = (0..<3).map { version in
            let block = pattern(1 << 20, seed: UInt8(40 + version))
            var bytes: [UInt8] = []
            bytes.reserveCapacity(64 << 20)
            for _ in 0..<64 { bytes.append(contentsOf: block) }
            return bytes
        }
        let hashes = Set(versions.map(hex))
        var files: [String] = []
        for (index, version) in versions.enumerated() {
            let path = fixture.directory + "-v\(index).bin"
            try Data(version).write(to: URL(fileURLWithPath: path))
            files.append(path)
        }
        defer { for file in files { try? FileManager.default.removeItem(atPath: file) } }
        let executable = CommandRunner(product: "pipe").executable
        var generator = SystemRandomNumberGenerator()
        var completed = 0
        var killed = 0
        for round in 0..<Self.rounds {
            let process = Process()
            process.executableURL = executable
            process.arguments = [
                "storage", "put", bucket.rawValue, key.rawValue, files[round % files.count], "--upsert",
                "--directory", fixture.directory,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Read once while the writer works, then kill it at a random moment.
            let deadline = ContinuousClock.now + .milliseconds(Int.random(in: 20...400, using: &generator))
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...100, using: &generator)))
            try await expectWholeVersion(fixture, bucket, key, hashes)
            try await Task.sleep(until: deadline)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
            if process.terminationReason == .exit && process.terminationStatus == 0 { completed += 1 }
            try await expectWholeVersion(fixture, bucket, key, hashes)
        }
        print("crash test (encrypted: \(encrypted)): \(killed) writers killed, \(completed) completed")
        #expect(killed > 0)
        // The dead writers' partial files and unrecorded blobs go with the sweep.
        let sweeper = try await fixture.reopen { $0.orphanGracePeriod = .zero; $0.cacheCapacity = 0 }
        _ = try await sweeper.storage.sweep()
        #expect(fixture.files().filter { $0.hasPrefix("tmp/") }.isEmpty)
        let expected = try await sweeper.storage.usage(of: bucket, as: StorageFixture.alice).objects
        #expect(fixture.blobFiles().count == Int(expected))
        try await expectWholeVersion(sweeper, bucket, key, hashes)
    }

    func expectWholeVersion(_ fixture: StorageFixture, _ bucket: BucketName, _ key: ObjectKey, _ hashes: Set<String>)
        async throws(PipeError)
    {
        do throws(PipeError) {
            let object = try await fixture.storage.getObject(in: bucket, at: key, as: StorageFixture.alice)
            let hash = hex(object.bytes)
            #expect(hashes.contains(hash), "a torn or truncated object was visible (\(object.bytes.count) bytes)")
            #expect(object.info.etag == hash && object.info.size == Int64(object.bytes.count))
        } catch where error.code == .objectNotFound {
            // Before the first write completes there is nothing to see, which is fine.
        }
    }

    @Test("orphaned blobs are swept only after the grace period; blobs in use never")
    func orphanSweep() async throws {
        let fixture = try await StorageFixture { $0.orphanGracePeriod = .seconds(3600) }
        defer { fixture.remove() }
        let bucket = BucketName.named("sweep")
        _ = try await fixture.storage.createBucket(bucket, as: StorageFixture.alice)
        try await fixture.storage.putObject(pattern(1000), in: bucket, at: .named("kept"), as: StorageFixture.alice)
        // A blob written but never recorded: what a crash between the two steps leaves.
        let blobs = try FileBlobStore(root: fixture.directory)
        let writer = try await blobs.makeWriter()
        try await writer.write(pattern(100))
        _ = try await writer.commit()
        // A partial file of a process that no longer exists.
        let partial = fixture.directory + "/tmp/0123456789abcdef0123456789abcdef.999999.partial"
        _ = FileManager.default.createFile(atPath: partial, contents: Data([1, 2, 3]))
        #expect(fixture.blobFiles().count == 2)
        let early = try await fixture.storage.sweep()
        #expect(early.orphanedBlobs == 1 && fixture.blobFiles().count == 2)  // the dead writer's partial only
        fixture.clock.advance(by: 7200)
        let late = try await fixture.storage.sweep()
        #expect(late.orphanedBlobs == 1 && fixture.blobFiles().count == 1)
        #expect(try await fixture.storage.getObject(in: bucket, at: .named("kept"), as: StorageFixture.alice).bytes == pattern(1000))
    }
}
