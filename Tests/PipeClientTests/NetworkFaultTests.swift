import Foundation
import PipeClient
import PipeCore
import PipeServer
import PipeTestSupport
import Testing

/// A remote client across real network faults: a proxy on 127.0.0.1 that cuts connections part way, and a server
/// that goes away and comes back.
@Suite("PipeClient network faults", .serialized)
struct NetworkFaultTests {
    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("pipe-faults-\(UUID().uuidString)")
    }

    @Test("a resumable upload cut part way, then the server restarted: resuming sends only what is missing, and the object is the file")
    func uploadAcrossRestart() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var server = try await TestServer.start(directory)
        let key = try #require(server.adminKey)
        let part = 256 * 1024
        // Every connection dies 100 KiB into what the client sends: after the small calls, in the first part. (libcurl
        // itself tries a request again on a fresh connection when a reused one dies early; that one dies too.)
        let proxy = try FaultyProxy(upstreamPort: server.port, cutConnections: .max, afterBytes: 100 << 10, direction: .toServer)
        defer { proxy.stop() }
        var options = PipeClient.RemoteOptions()
        options.retry.maxAttempts = 1  // the failure must reach the caller, as when the whole client dies
        let pipe = try await PipeClient.remote(URL(string: "http://127.0.0.1:\(proxy.port)")!, credentials: .apiKey(key), options: options)
        let bucket = try BucketName("restarts")
        _ = try await pipe.storage.createBucket(bucket, options: BucketOptions())
        let (file, bytes) = try TransferTests.file(directory.appendingPathComponent("local"), "video.bin", bytes: 8 * part + 999)
        let objectKey = try ObjectKey("video.bin")
        let id = try await pipe.transfers.startUpload(to: bucket, at: objectKey, options: PutObjectOptions())

        // The bucket and the start went over the first connection; the parts are sent on it until it is cut.
        await #expect(throws: PipeError.self) {
            _ = try await pipe.transfers.uploadParts(id, file: file, partSize: part, progress: nil)
        }
        #expect(proxy.cut >= 1)
        proxy.stopCutting()

        // The server goes away and comes back (on another port, behind the same address for the client).
        await server.stop()
        server = try await TestServer.start(directory)
        proxy.upstreamPort = server.port
        let sent = try await pipe.transfers.uploadParts(id, file: file, partSize: part, progress: nil)
        #expect(!sent.isEmpty, "at least the part that was cut is sent again")
        #expect(Set(sent).isSubset(of: Set(1...9)))
        let info = try await pipe.transfers.completeUpload(id)
        #expect(info.size == Int64(bytes.count) && info.etag == TransferTests.sha(bytes))
        #expect(try await pipe.storage.getObject(in: bucket, at: objectKey).bytes == bytes)
        await pipe.shutdown()
        await server.stop()
    }

    @Test("a download whose connection drops is retried transparently; one that keeps dropping fails clearly and leaves no file")
    func droppedDownloads() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await TestServer.start(directory)
        let key = try #require(server.adminKey)
        let setup = try await PipeClient.remote(URL(string: "http://127.0.0.1:\(server.port)")!, credentials: .apiKey(key))
        let bucket = try BucketName("drops")
        _ = try await setup.storage.createBucket(bucket, options: BucketOptions())
        let (file, bytes) = try TransferTests.file(directory.appendingPathComponent("local"), "big.bin", bytes: 3 << 20)
        let objectKey = try ObjectKey("big.bin")
        _ = try await setup.transfers.upload(file: file, to: bucket, at: objectKey, options: PutObjectOptions(), progress: nil)
        await setup.shutdown()
        let output = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)

        // Cut once, 1 MiB into the body: the rest is asked for with Range, and the file is whole.
        let once = try FaultyProxy(upstreamPort: server.port, cutConnections: 1, afterBytes: 1 << 20)
        let retrying = try await PipeClient.remote(URL(string: "http://127.0.0.1:\(once.port)")!, credentials: .apiKey(key))
        let copy = output.appendingPathComponent("copy.bin")
        let info = try await retrying.transfers.download(bucket, objectKey, to: copy, progress: nil)
        #expect(info.size == Int64(bytes.count) && once.cut == 1 && once.accepted >= 2)
        #expect(once.relayedToClient < bytes.count + (64 << 10), "the retry asked for the rest, not the whole object again")
        #expect(try [UInt8](Data(contentsOf: copy)) == bytes)
        await retrying.shutdown()
        once.stop()

        // Cut every time: a clear error, no file where it was going, nothing left beside it.
        let always = try FaultyProxy(upstreamPort: server.port, cutConnections: .max, afterBytes: 512 << 10)
        var options = PipeClient.RemoteOptions()
        options.retry.maxAttempts = 3
        options.retry.baseDelay = .milliseconds(10)
        let failing = try await PipeClient.remote(
            URL(string: "http://127.0.0.1:\(always.port)")!, credentials: .apiKey(key), options: options)
        let lost = output.appendingPathComponent("lost.bin")
        do {
            _ = try await failing.transfers.download(bucket, objectKey, to: lost, progress: nil)
            Issue.record("a download cut every time succeeded")
        } catch {
            #expect(error.code == .unavailable, "\(error)")
            #expect(!error.message.isEmpty)
        }
        #expect(always.cut == 3, "every attempt was made (each going on from the last) and cut")
        #expect(!FileManager.default.fileExists(atPath: lost.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["copy.bin"])

        // Read as a stream, a cut surfaces as an error of the sequence, after the bytes that did arrive.
        let (_, chunks) = try await failing.transfers.stream(bucket, objectKey)
        var received = 0
        await #expect(throws: (any Error).self) {
            for try await chunk in chunks { received += chunk.count }
        }
        #expect(received > 0 && received < bytes.count)
        await failing.shutdown()
        always.stop()
        await server.stop()
    }
}
