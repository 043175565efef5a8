import Foundation
import PipeCore
import PipeTestSupport
import Testing

@testable import PipeHTTP

/// Downloads straight to files: complete files appear atomically, failures leave nothing behind.
@Suite("Downloads to files", .serialized)
final class DownloadTests {
    let server: BehaviourServer
    let client: CurlHTTPClient
    let directory: URL

    init() throws {
        server = try BehaviourServer.start()
        client = try CurlHTTPClient()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-download-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        client.shutdown()
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".download-") }
    }

    @Test("a successful body lands in the file, whole")
    func success() async throws {
        let path = directory.appendingPathComponent("ok.bin").path
        let response = try await client.download(
            HTTPRequest(url: URL(string: server.baseURL + "/bytes/3000000")!), to: path)
        #expect(response.status == 200 && response.body.isEmpty)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count == 3_000_000)
        #expect(bytes.enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) })
        #expect(try leftovers().isEmpty)
    }

    @Test("an error status returns its body and leaves the file alone")
    func errorStatus() async throws {
        let path = directory.appendingPathComponent("existing.txt").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        let response = try await client.download(
            HTTPRequest(url: URL(string: server.baseURL + "/status/404")!), to: path)
        #expect(response.status == 404 && !response.body.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(try leftovers().isEmpty)
    }

    @Test("a broken transfer leaves the old file and no partial file")
    func brokenTransfer() async throws {
        let path = directory.appendingPathComponent("existing.bin").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try await client.download(HTTPRequest(url: URL(string: server.baseURL + "/close-mid-body")!), to: path)
            Issue.record("a broken download succeeded")
        } catch {
            #expect(error.code == .protocolError)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(try leftovers().isEmpty)
    }
}
