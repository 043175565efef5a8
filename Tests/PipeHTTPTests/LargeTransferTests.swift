import Foundation
import PipeCore
import PipeTestSupport
import Testing

@testable import PipeHTTP

/// 1 GiB each way through the client, with resident memory staying bounded.
@Suite("Large transfers", .serialized)
struct LargeTransferTests {
    static let gibibyte = 1 << 30

    /// Resident set size in bytes (Linux: /proc/self/statm), or `nil` where unavailable.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// A client without a whole-request timeout: a gibibyte on a busy CI machine may take a while.
    static func unboundedClient() throws -> CurlHTTPClient {
        var configuration = CurlHTTPClient.Configuration()
        configuration.requestTimeout = nil
        return try CurlHTTPClient(configuration: configuration)
    }

    @Test("a 1 GiB download streams in bounded memory and arrives intact")
    func download() async throws {
        let server = try BehaviourServer.start()
        defer { server.stop() }
        let client = try Self.unboundedClient()
        defer { client.shutdown() }
        let before = Self.residentBytes()
        var peak = before ?? 0
        let response = try await client.execute(
            HTTPRequest(url: URL(string: server.baseURL + "/bytes/\(Self.gibibyte)")!))
        #expect(response.headers["Content-Length"] == String(Self.gibibyte))
        var received = 0
        var checked = 0
        for try await chunk in response.body {
            // Check the pattern (byte i = i % 251) on a sample of chunks to keep the test fast.
            if checked < 64 || received % (64 << 20) < chunk.count {
                for (offset, byte) in chunk.enumerated() where byte != UInt8((received + offset) % 251) {
                    Issue.record("wrong byte at \(received + offset)")
                    return
                }
                checked += 1
            }
            received += chunk.count
            if received % (16 << 20) < chunk.count, let now = Self.residentBytes() { peak = max(peak, now) }
        }
        #expect(received == Self.gibibyte)
        if let before {
            #expect(peak - before < 100 << 20, "resident memory grew by \((peak - before) >> 20) MB")
        }
    }

    @Test("a 1 GiB streamed upload sends every byte in bounded memory")
    func upload() async throws {
        let server = try BehaviourServer.start()
        defer { server.stop() }
        let client = try Self.unboundedClient()
        defer { client.shutdown() }
        let before = Self.residentBytes()
        let peak = PeakRecorder(start: before ?? 0)
        let chunk = [UInt8](repeating: 0x5A, count: 256 * 1024)
        let chunks = AsyncStream<[UInt8]>(bufferingPolicy: .bufferingOldest(4)) { continuation in
            Task {
                for i in 0..<(Self.gibibyte / chunk.count) {
                    // Yield only when the consumer keeps up: the stream's buffer is tiny.
                    while case .dropped = continuation.yield(chunk) { try? await Task.sleep(for: .milliseconds(1)) }
                    if i % 64 == 0, let now = Self.residentBytes() { peak.record(now) }
                }
                continuation.finish()
            }
        }
        let response = try await client.execute(
            HTTPRequest(method: .put, url: URL(string: server.baseURL + "/upload-count")!),
            body: .stream(chunks, length: Int64(Self.gibibyte)))
        let result = try JSONValue(parsing: try await response.body.collect(upTo: 10_000))
        #expect(result["bytes"] == .int(Self.gibibyte))
        if let before {
            #expect(peak.value - before < 100 << 20, "resident memory grew by \((peak.value - before) >> 20) MB")
        }
    }
}

/// The highest value recorded, from any task.
final class PeakRecorder: @unchecked Sendable {
    // @unchecked Sendable: `peak` is read and written only under `lock`.
    private let lock = NSLock()
    private var peak: Int
    init(start: Int) { peak = start }
    func record(_ value: Int) { lock.withLock { peak = max(peak, value) } }
    var value: Int { lock.withLock { peak } }
}
