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

    @Test("SIGKILL mid-upload never leaves a torn or truncated object visible", arguments: [false, true])
    func killedWriters(encrypted: Bool) async throws {
        let fixture = try await StorageFixture { $0.cacheCapacity = 0 }
        defer { fixture.remove() }
        let bucket = BucketName.named("crash")
        let key = ObjectKey.named("big.bin")
        _ = try await fixture.storage.createBucket(bucket, options: BucketOptions(encryptedAtRest: encrypted), as: StorageFixture.alice)
        // 128 MiB each, written to files once; only their hashes stay in memory.
        var hashes = Set<String>()
        var files: [String] = []
        for version in 0..<3 {
            let block = pattern(1 << 20, seed: UInt8(40 + version))
            var hasher = SHA256()
            let path = fixture.directory + "-v\(version).bin"
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            for index in 0..<128 {
                var chunk = block
                chunk[0] = UInt8(index)  // no two megabytes alike, so a misplaced one shows
                hasher.update(data: chunk)
                try handle.write(contentsOf: Data(chunk))
            }
            try handle.close()
            hashes.insert(hasher.finalize().map { String(format: "%02x", $0) }.joined())
            files.append(path)
        }
        defer { for file in files { try? FileManager.default.removeItem(atPath: file) } }
        let executable = CommandRunner(product: "pipe").executable
        func writer(_ file: String) throws -> Process {
            let process = Process()
            process.executableURL = executable
            process.arguments = [
                "storage", "put", bucket.rawValue, key.rawValue, file, "--upsert", "--directory", fixture.directory,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        // How long one uninterrupted write takes here, so the kills land inside writes, not after them.
        let started = ContinuousClock.now
        let calibration = try writer(files[0])
        calibration.waitUntilExit()
        #expect(calibration.terminationStatus == 0)
        let whole = max(Int((ContinuousClock.now - started) / .milliseconds(1)), 20)
        var generator = SystemRandomNumberGenerator()
        var completed = 0
        var killed = 0
        for round in 0..<Self.rounds {
            let process = try writer(files[round % files.count])
            // Kill it at a random moment within a write's usual length, while this test reads the object.
            let delay = Duration.milliseconds(Int.random(in: (whole / 10)...(whole * 9 / 10), using: &generator))
            let pid = process.processIdentifier
            async let killedIt: Bool = {
                try? await Task.sleep(for: delay)
                guard process.isRunning else { return false }
                kill(pid, SIGKILL)
                return true
            }()
            try await expectWholeVersion(fixture, bucket, key, hashes)
            if await killedIt { killed += 1 }
            process.waitUntilExit()
            if process.terminationReason == .exit && process.terminationStatus == 0 { completed += 1 }
            try await expectWholeVersion(fixture, bucket, key, hashes)
        }
        print("crash test (encrypted: \(encrypted)): \(killed) writers killed, \(completed) completed")
        #expect(killed >= Self.rounds / 2, "most writers should die mid-write (a write takes about \(whole) ms)")
        // The dead writers' partial files and unrecorded blobs go with the sweep.
        let sweeper = try await fixture.reopen { $0.orphanGracePeriod = .zero; $0.cacheCapacity = 0 }
        _ = try await sweeper.storage.sweep()
        #expect(fixture.files().filter { $0.hasPrefix("tmp/") }.isEmpty)
        let expected = try await sweeper.storage.usage(of: bucket, as: StorageFixture.alice).objects
        #expect(fixture.blobFiles().count == Int(expected))
        try await expectWholeVersion(sweeper, bucket, key, hashes)
    }

    /// Reads the object as a stream (hashing as it goes) and checks it is one whole version.
    func expectWholeVersion(_ fixture: StorageFixture, _ bucket: BucketName, _ key: ObjectKey, _ hashes: Set<String>)
        async throws(PipeError)
    {
        do throws(PipeError) {
            let download = try await fixture.storage.openObject(in: bucket, at: key, as: StorageFixture.alice)
            var hasher = SHA256()
            var size: Int64 = 0
            var iterator = download.chunks.makeAsyncIterator()
            while let chunk = try await iterator.next() {
                hasher.update(data: chunk)
                size += Int64(chunk.count)
            }
            let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            #expect(hashes.contains(hash), "a torn or truncated object was visible (\(size) bytes)")
            #expect(download.info.etag == hash && download.info.size == size)
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
