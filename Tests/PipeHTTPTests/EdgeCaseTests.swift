import Foundation
import PipeCore
import PipeTestSupport
import Testing

@testable import PipeHTTP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Edge cases: producers that must stop, bodies that cannot be replayed, misuse that must fail
/// cleanly rather than hang.
@Suite("HTTP client edge cases", .serialized)
final class EdgeCaseTests {
    let fixture: HTTPFixture
    var server: BehaviourServer { fixture.server }
    var client: CurlHTTPClient { fixture.client }

    init() throws {
        fixture = try HTTPFixture()
    }

    func url(_ path: String, on other: BehaviourServer? = nil) -> URL { fixture.url(path, on: other) }

    @Test("an endless upload stream stops being pulled once the server has answered")
    func producerStops() async throws {
        let produced = PeakRecorder(start: 0)
        let endless = EndlessChunks(pulled: produced)
        // /hello answers without reading the body, then closes the connection.
        _ = try? await client.execute(
            HTTPRequest(method: .post, url: url("/hello")), body: .stream(endless, length: nil))
        try await Task.sleep(for: .milliseconds(300))
        let afterAnswer = produced.value
        try await Task.sleep(for: .milliseconds(500))
        #expect(produced.value - afterAnswer <= 1, "still pulling: \(afterAnswer) → \(produced.value)")
        try await waitUntil { client.activeTransferCount == 0 }
    }

    @Test("a consumed stream body is never replayed on a redirect")
    func streamNotReplayed() async throws {
        var configuration = CurlHTTPClient.Configuration()
        configuration.redirects = .sameOrigin()
        let following = try CurlHTTPClient(configuration: configuration)
        defer { following.shutdown() }
        let body = AsyncStream<[UInt8]> { continuation in
            continuation.yield(Array("payload".utf8))
            continuation.finish()
        }
        let response = try await following.execute(
            HTTPRequest(method: .put, url: url("/redirect-to?url=%2Fupload-count&status=301")),
            body: .stream(body, length: 7))
        #expect(response.status == 301)
    }

    @Test("POST without a body sends Content-Length: 0")
    func emptyPost() async throws {
        let response = try await client.send(HTTPRequest(method: .post, url: url("/headers")))
        #expect(try JSONValue(parsing: response.body)["content-length"] == "0")
    }

    @Test("download(into:) refuses a pipe, which could block the event loop")
    func downloadIntoPipe() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        do {
            _ = try await client.download(HTTPRequest(url: url("/hello")), into: fds[1])
            Issue.record("a pipe was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
        }
    }

    @Test("a second concurrent reader of one body gets an error, not a hang")
    func twoReaders() async throws {
        // Headers and 10 bytes now, the rest after 400 ms: the first reader is still waiting.
        let response = try await client.execute(HTTPRequest(url: url("/stall-body/400")))
        let body = response.body
        async let first: [UInt8] = body.collect(upTo: 1000)
        try await Task.sleep(for: .milliseconds(50))
        var second = body.makeAsyncIterator()
        await #expect(throws: PipeError.self) { _ = try await second.next() }
        _ = try? await first
    }

    @Test("shutting down from a progress callback does not deadlock")
    func shutdownFromCallback() async throws {
        let doomed = try CurlHTTPClient()
        let box = ClientBox(doomed)
        do {
            let response = try await doomed.execute(HTTPRequest(url: url("/bytes/\(64 << 20)"))) { progress in
                if progress.bytesReceived > 0 { box.client?.shutdown() }
            }
            _ = try await response.body.collect(upTo: 128 << 20)
            Issue.record("the transfer survived its client's shutdown")
        } catch {
            #expect(error.code == .cancelled)
        }
        box.client = nil
    }
}

/// Lets a progress closure reach its client without owning it.
final class ClientBox: @unchecked Sendable {
    // @unchecked Sendable: `client` is set at init and cleared once by the test after the
    // transfer has ended; the callback only reads it while the transfer runs.
    var client: CurlHTTPClient?
    init(_ client: CurlHTTPClient) { self.client = client }
}

/// An endless body: 64 KiB chunks, one every millisecond, counting how many were pulled.
struct EndlessChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let pulled: PeakRecorder

    struct AsyncIterator: AsyncIteratorProtocol {
        let pulled: PeakRecorder
        var count = 0
        mutating func next() async throws -> [UInt8]? {
            try await Task.sleep(for: .milliseconds(1))
            count += 1
            pulled.record(count)
            return [UInt8](repeating: 1, count: 64 * 1024)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pulled: pulled) }
}
