import Crypto
import Foundation
import PipeCore
import PipeHTTP
import PipeTestSupport
import Testing

/// A 1 GiB object through `pipe serve` in a child process, up and down, with the server's peak resident memory read
/// from `/proc`: streaming means the peak stays a small fraction of the object.
@Suite("Large objects over HTTP", .serialized)
struct LargeObjectTests {
    static let size = 1 << 30
    static let chunk = 1 << 20

    /// The object's bytes, generated chunk by chunk (never held whole): chunk `n` is a fixed pattern stamped with `n`.
    struct Chunks: AsyncSequence, Sendable {
        typealias Element = [UInt8]
        struct AsyncIterator: AsyncIteratorProtocol {
            var number = 0
            mutating func next() async -> [UInt8]? {
                guard number < LargeObjectTests.size / LargeObjectTests.chunk else { return nil }
                defer { number += 1 }
                return LargeObjectTests.chunk(number)
            }
        }
        func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
    }

    static func chunk(_ number: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: number &* 131), count: chunk)
        withUnsafeBytes(of: UInt64(number).littleEndian) { stamp in
            for offset in stride(from: 0, to: chunk, by: 4096) { bytes.replaceSubrange(offset..<offset + 8, with: stamp) }
        }
        return bytes
    }

    /// The SHA-256 of the whole object, computed the same way the upload generates it.
    static func expectedDigest() -> SHA256.Digest {
        var hasher = SHA256()
        for number in 0..<(size / chunk) { hasher.update(data: chunk(number)) }
        return hasher.finalize()
    }

    /// The peak resident set size of process `pid`, in bytes (Linux `/proc`; `nil` elsewhere).
    static func peakResidentBytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 * 1024 }
    }

    @Test("1 GiB streams up and down intact while the server's peak memory stays far below the object's size")
    func oneGibibyte() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-large-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = CurlHTTPClient.Configuration()
        configuration.requestTimeout = .seconds(600)
        let http = try CurlHTTPClient(configuration: configuration)
        defer { http.shutdown() }
        let server = try ServeProcess.start(directory: directory, environment: ["PIPE_PASSWORD_HASH_COST": "10"])
        defer { server.stop() }
        let key = try #require(server.adminKey)
        let headers: HTTPHeaders = ["Authorization": "Bearer " + key]
        let bucket = HTTPRequest(
            method: .post, url: URL(string: server.baseURL + "/v1/storage/buckets")!,
            headers: ["Authorization": "Bearer " + key, "Content-Type": "application/json"], body: Array(#"{"name": "large"}"#.utf8))
        #expect(try await http.send(bucket).status == 201)
        let baseline = try #require(Self.peakResidentBytes(server.processIdentifier))

        let url = URL(string: server.baseURL + "/v1/storage/buckets/large/objects/one.bin")!
        let upload = try await http.execute(
            HTTPRequest(
                method: .put, url: url, headers: ["Authorization": "Bearer " + key, "Content-Type": "application/octet-stream"]),
            body: .stream(Chunks(), length: Int64(Self.size)))
        let stored = try await upload.collect(upTo: 1 << 20)
        #expect(stored.status == 201, "\(String(decoding: stored.body, as: UTF8.self))")
        #expect(stored.json["size"] == .number(.int(Int64(Self.size))))

        let download = try await http.execute(HTTPRequest(url: url, headers: headers))
        #expect(download.status == 200 && download.headers["Content-Length"] == String(Self.size))
        var hasher = SHA256()
        var received = 0
        for try await bytes in download.body {
            hasher.update(data: bytes)
            received += bytes.count
        }
        #expect(received == Self.size)
        #expect(hasher.finalize() == Self.expectedDigest())

        let peak = try #require(Self.peakResidentBytes(server.processIdentifier))
        // Buffers per transfer are a few MiB; 192 MiB over the idle baseline would mean something held the object.
        #expect(peak - baseline < 192 << 20, "peak \(peak >> 20) MiB, baseline \(baseline >> 20) MiB")
        print("large objects: server peak RSS \(peak >> 20) MiB (baseline \(baseline >> 20) MiB) for a \(Self.size >> 20) MiB object")
    }
}
