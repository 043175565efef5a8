import Crypto
import Foundation
import PipeClient
import PipeCore
import Synchronization
import Testing

/// Files and streams in and out, signed links and resumable uploads, in both modes.
@Suite("PipeClient transfers", .serialized)
struct TransferTests {
    static func file(_ directory: URL, _ name: String, bytes count: Int, seed: UInt8 = 7) throws -> (URL, [UInt8]) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var bytes = [UInt8](repeating: 0, count: count)
        var state = UInt32(seed) &* 2_654_435_761
        for index in bytes.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            bytes[index] = UInt8(truncatingIfNeeded: state >> 24)
        }
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return (url, bytes)
    }

    static func sha(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    @Test("a file up and down with progress; a byte stream up; the same bytes and hashes", arguments: Mode.allCases)
    func files(_ mode: Mode) async throws {
        try await ClientFixture.with(mode) { fixture in
            let pipe = fixture.client
            let bucket = try BucketName("files")
            _ = try await pipe.storage.createBucket(bucket, options: BucketOptions())
            let (source, bytes) = try Self.file(fixture.directory.appendingPathComponent("local"), "in.bin", bytes: 3 << 20)
            let reports = Mutex<[TransferProgress]>([])
            let info = try await pipe.transfers.upload(
                file: source, to: bucket, at: try ObjectKey("big/in.bin"), options: PutObjectOptions(),
                progress: { report in reports.withLock { $0.append(report) } })
            #expect(info.size == Int64(bytes.count) && info.etag == Self.sha(bytes))
            #expect(reports.withLock { $0.last?.bytes } == Int64(bytes.count))
            let target = fixture.directory.appendingPathComponent("local/out.bin")
            let down = Mutex<Int64>(0)
            let got = try await pipe.transfers.download(
                bucket, try ObjectKey("big/in.bin"), to: target, progress: { report in down.withLock { $0 = report.bytes } })
            #expect(try [UInt8](Data(contentsOf: target)) == bytes && got.etag == info.etag)
            #expect(down.withLock { $0 } == Int64(bytes.count))

            let (streamedInfo, chunks) = try await pipe.transfers.stream(bucket, try ObjectKey("big/in.bin"))
            var received: [UInt8] = []
            var pieces = 0
            for try await chunk in chunks {
                received += chunk
                pieces += 1
            }
            #expect(received == bytes && streamedInfo.size == Int64(bytes.count) && streamedInfo.etag == info.etag)
            #expect(pieces > 1, "the object arrived in chunks")
            #expect(await ParityTests.code { _ = try await pipe.transfers.stream(bucket, try ObjectKey("nope")) } == "object_not_found")

            let stream = AsyncThrowingStream<[UInt8], any Error> { continuation in
                for start in stride(from: 0, to: bytes.count, by: 100_000) {
                    continuation.yield(Array(bytes[start..<min(bytes.count, start + 100_000)]))
                }
                continuation.finish()
            }
            let streamed = try await pipe.transfers.upload(
                stream, length: nil, to: bucket, at: try ObjectKey("streamed.bin"), options: PutObjectOptions(), progress: nil)
            #expect(streamed.etag == info.etag)
            #expect(
                await ParityTests.code {
                    _ = try await pipe.transfers.download(bucket, try ObjectKey("missing"), to: target, progress: nil)
                } == "object_not_found")
            #expect(try [UInt8](Data(contentsOf: target)) == bytes, "a failed download leaves the file alone")
        }
    }

    @Test("a resumable upload goes on from the parts already acknowledged, resends a changed one, and refuses a shrunk file", arguments: Mode.allCases)
    func resumable(_ mode: Mode) async throws {
        try await ClientFixture.with(mode) { fixture in
            let transfers = fixture.client.transfers
            let bucket = try BucketName("uploads")
            _ = try await fixture.client.storage.createBucket(bucket, options: BucketOptions())
            let local = fixture.directory.appendingPathComponent("local")
            let part = 65_536
            let (source, bytes) = try Self.file(local, "movie.bin", bytes: 10 * part + 1234)  // 11 parts
            let key = try ObjectKey("movie.bin")
            let id = try await transfers.startUpload(to: bucket, at: key, options: PutObjectOptions())
            // A run that got the first three parts across, with part 2 corrupted on the way, then died.
            var first = Array(bytes[0..<(3 * part)])
            first[part + 10] ^= 0xFF
            let prefix = local.appendingPathComponent("prefix.bin")
            try Data(first).write(to: prefix)
            #expect(try await transfers.uploadParts(id, file: prefix, partSize: part, progress: nil) == [1, 2, 3])
            // The next run (a new process would do the same with the saved id): part 2 differs, 4–11 are missing.
            let reports = Mutex<[Int64]>([])
            let sent = try await transfers.uploadParts(
                id, file: source, partSize: part, progress: { report in reports.withLock { $0.append(report.bytes) } })
            #expect(sent == [2] + Array(4...11))
            #expect(reports.withLock { $0.last } == Int64(bytes.count))
            #expect(try await transfers.uploadParts(id, file: source, partSize: part, progress: nil).isEmpty)
            let info = try await transfers.completeUpload(id)
            #expect(info.size == Int64(bytes.count) && info.etag == Self.sha(bytes))
            #expect(try await fixture.client.storage.getObject(in: bucket, at: key).bytes == bytes)

            // The server holds 11 parts; a file of 3 parts cannot be what was being uploaded.
            let other = try await transfers.startUpload(to: bucket, at: try ObjectKey("other.bin"), options: PutObjectOptions())
            _ = try await transfers.uploadParts(other, file: source, partSize: part, progress: nil)
            #expect(await ParityTests.code { _ = try await transfers.uploadParts(other, file: prefix, partSize: part, progress: nil) } == "conflict")
            try await transfers.abortUpload(other)
            #expect(await ParityTests.code { _ = try await transfers.completeUpload(other) } == "upload_not_found")
        }
    }

    @Test("a signed link reads the object without credentials, until it is tampered with", arguments: Mode.allCases)
    func signedLinks(_ mode: Mode) async throws {
        try await ClientFixture.with(mode) { fixture in
            let bucket = try BucketName("shared")
            _ = try await fixture.client.storage.createBucket(bucket, options: BucketOptions())
            _ = try await fixture.client.storage.putObject(
                Array("for your eyes".utf8), in: bucket, at: try ObjectKey("note.txt"), options: PutObjectOptions())
            let link = try await fixture.client.transfers.signedLink(
                .get, bucket: bucket, key: try ObjectKey("note.txt"), expiresIn: .seconds(300))
            #expect(link.path.hasPrefix("/v1/storage/signed/shared/note.txt?") && link.method == .get)
            #expect(link.expiresAt > Date() && link.expiresAt < Date().addingTimeInterval(301))
        }
    }
}
