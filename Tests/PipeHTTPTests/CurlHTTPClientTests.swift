import Foundation
import PipeCore
import PipeTestSupport
import Testing

@testable import PipeHTTP

/// The client against a real HTTP/1.1 server on 127.0.0.1 (Servers/behaviour_server.py).
@Suite("CurlHTTPClient", .serialized)
final class CurlHTTPClientTests {
    let fixture: HTTPFixture
    var server: BehaviourServer { fixture.server }
    var client: CurlHTTPClient { fixture.client }

    init() throws {
        fixture = try HTTPFixture()
    }

    func url(_ path: String, on other: BehaviourServer? = nil) -> URL { fixture.url(path, on: other) }

    func text(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    func code(_ body: () async throws -> Void) async -> PipeError.Code? {
        do {
            try await body()
            return nil
        } catch {
            return (error as? PipeError)?.code ?? PipeError.Code(rawValue: "not_a_pipe_error")
        }
    }

    @Test("GET returns status, headers and body over HTTP/1.1")
    func get() async throws {
        let response = try await client.send(HTTPRequest(url: url("/hello")))
        #expect(response.status == 200)
        #expect(text(response) == "hello")
        #expect(response.headers["content-type"]?.hasPrefix("text/plain") == true)
        let streaming = try await client.execute(HTTPRequest(url: url("/json")))
        #expect(streaming.version == "HTTP/1.1")
        #expect(try await streaming.body.collect(upTo: 1000) == Array(#"{"ok":true}"#.utf8))
    }

    @Test("request headers and methods reach the server")
    func headersAndMethods() async throws {
        var request = HTTPRequest(url: url("/headers"))
        request.headers.add(name: "X-Pipe-Test", value: "yes")
        let headers = try JSONValue(parsing: try await client.send(request).body)
        #expect(headers["x-pipe-test"] == "yes")
        let echoed = try await client.send(
            HTTPRequest(
                method: .patch, url: url("/echo"), headers: ["Content-Type": "text/x-test"], body: Array("abc".utf8)))
        #expect(text(echoed) == "abc")
        #expect(echoed.headers["X-Method"] == "PATCH")
        #expect(echoed.headers["Content-Type"] == "text/x-test")
        let head = try await client.send(HTTPRequest(method: .head, url: url("/hello")))
        #expect(head.status == 200 && head.body.isEmpty)
        let missing = try await client.send(HTTPRequest(url: url("/status/404")))
        #expect(missing.status == 404)
    }

    @Test("bodies from bytes, a file and a stream of unknown length")
    func uploads() async throws {
        let bytes = (0..<300_000).map { UInt8($0 % 251) }
        let fromBytes = try JSONValue(
            parsing: try await client.send(HTTPRequest(method: .put, url: url("/upload-count"), body: bytes)).body)
        #expect(fromBytes["bytes"] == .int(bytes.count))

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-upload-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try await client.execute(
            HTTPRequest(method: .post, url: url("/upload-count")), body: .file(at: file.path))
        let fileResult = try JSONValue(parsing: try await fromFile.body.collect(upTo: 1000))
        #expect(fileResult == fromBytes)

        let chunks = AsyncStream<[UInt8]> { continuation in
            for start in stride(from: 0, to: bytes.count, by: 7_000) {
                continuation.yield(Array(bytes[start..<min(start + 7_000, bytes.count)]))
            }
            continuation.finish()
        }
        let fromStream = try await client.execute(
            HTTPRequest(method: .post, url: url("/upload-count")), body: .stream(chunks, length: nil))
        #expect(try JSONValue(parsing: try await fromStream.body.collect(upTo: 1000)) == fromBytes)
    }

    @Test("a stream longer than its declared length fails instead of sending a wrong body")
    func streamLengthMismatch() async throws {
        let chunks = AsyncStream<[UInt8]> { continuation in
            continuation.yield([1, 2, 3])
            continuation.finish()
        }
        let failed = await code {
            let response = try await client.execute(
                HTTPRequest(method: .post, url: url("/upload-count")), body: .stream(chunks, length: 10))
            _ = try await response.body.collect(upTo: 1000)
        }
        #expect(failed != nil)
        #expect(client.activeTransferCount == 0)
    }

    @Test("a reused easy handle carries nothing of its previous request over")
    func handleReuse() async throws {
        // One call at a time: each gets the handle the one before left, which the loop keeps without a reset.
        var put = HTTPRequest(
            method: .put, url: url("/echo"), headers: ["Content-Type": "text/x-put", "X-Only-Once": "1"],
            body: Array("first".utf8))
        put.timeout = .milliseconds(300)
        let first = try await client.send(put)
        #expect(text(first) == "first" && first.headers["X-Method"] == "PUT")
        let head = try await client.send(HTTPRequest(method: .head, url: url("/hello")))
        #expect(head.status == 200 && head.body.isEmpty)
        let get = try await client.send(HTTPRequest(url: url("/echo")))
        #expect(get.headers["X-Method"] == "GET" && get.body.isEmpty && get.headers["Content-Type"] == nil)
        let headers = try JSONValue(parsing: try await client.send(HTTPRequest(url: url("/headers"))).body)
        for name in ["x-only-once", "content-type", "content-length", "expect", "transfer-encoding"] {
            #expect(headers[name] == nil, "\(name) carried over")
        }
        #expect(try await client.send(HTTPRequest(method: .delete, url: url("/echo"))).headers["X-Method"] == "DELETE")
        let getWithBody = try await client.send(HTTPRequest(method: .get, url: url("/echo"), body: [9, 8]))
        #expect(getWithBody.headers["X-Method"] == "GET" && getWithBody.body == [9, 8])
        // The first request's 300 ms timeout went with it: a slower answer now still arrives.
        #expect(text(try await client.send(HTTPRequest(url: url("/delay/600")))) == "delayed")
        // And after a failed transfer (its handle is reset), the next one is whole too.
        var short = HTTPRequest(url: url("/delay/2000"))
        short.timeout = .milliseconds(100)
        #expect(await code { _ = try await client.send(short) } == .timeout)
        let after = try await client.send(
            HTTPRequest(method: .post, url: url("/echo"), headers: ["Content-Type": "text/x-post"], body: [1, 2, 3]))
        #expect(after.body == [1, 2, 3] && after.headers["X-Method"] == "POST")
        #expect(after.headers["Content-Type"] == "text/x-post")
    }

    @Test("connections are reused")
    func keepAlive() async throws {
        let before = try JSONValue(parsing: try await client.send(HTTPRequest(url: url("/connection-count"))).body)
        for _ in 0..<50 { _ = try await client.send(HTTPRequest(url: url("/hello"))) }
        let after = try JSONValue(parsing: try await client.send(HTTPRequest(url: url("/connection-count"))).body)
        let opened = (after["connections"]?.intValue ?? 0) - (before["connections"]?.intValue ?? 0)
        #expect(opened <= 1, "opened \(opened) connections for 51 sequential requests")
    }

    @Test("1,000 requests in flight over a few connections")
    func concurrency() async throws {
        var configuration = CurlHTTPClient.Configuration()
        configuration.maxConnectionsPerHost = 4
        let limited = try CurlHTTPClient(configuration: configuration)
        defer { limited.shutdown() }
        let before = try JSONValue(parsing: try await limited.send(HTTPRequest(url: url("/connection-count"))).body)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<1_000 {
                let request = HTTPRequest(url: url(i % 2 == 0 ? "/hello" : "/json"))
                group.addTask { try await limited.send(request).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 1_000 && statuses.allSatisfy { $0 == 200 })
        let after = try JSONValue(parsing: try await limited.send(HTTPRequest(url: url("/connection-count"))).body)
        let opened = (after["connections"]?.intValue ?? 0) - (before["connections"]?.intValue ?? 0)
        #expect(opened <= 4, "opened \(opened) connections")
        #expect(limited.activeTransferCount == 0)
    }

    @Test("a slow reader pauses the download (backpressure)")
    func backpressure() async throws {
        let progress = ProgressRecorder()
        var configuration = CurlHTTPClient.Configuration()
        configuration.responseBufferBytes = 256 * 1024
        let slowClient = try CurlHTTPClient(configuration: configuration)
        defer { slowClient.shutdown() }
        let total = 200 << 20
        let response = try await slowClient.execute(
            HTTPRequest(url: url("/bytes/\(total)")), progress: { progress.record($0) })
        var iterator = response.body.makeAsyncIterator()
        _ = try await iterator.next()
        try await Task.sleep(for: .milliseconds(700))
        // Kernel socket buffers hold a few MB; without backpressure all 200 MB would be in.
        #expect(progress.maxReceived < 48 << 20, "received \(progress.maxReceived) bytes while the reader slept")
        var count = 0
        while let chunk = try await iterator.next() { count += chunk.count }
        #expect(count > 0)
    }

    @Test("cancelling the task aborts the transfer and frees its handle")
    func cancellation() async throws {
        let client = self.client
        let request = HTTPRequest(url: url("/bytes/\(1 << 30)"))
        let task = Task {
            let response = try await client.execute(request)
            var received = 0
            for try await chunk in response.body { received += chunk.count }
            return received
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        switch result {
        case .success(let received): Issue.record("finished with \(received) bytes despite cancellation")
        case .failure(let error): #expect((error as? PipeError)?.code == .cancelled, "\(error)")
        }
        try await waitUntil { client.activeTransferCount == 0 }
        #expect(try await client.send(HTTPRequest(url: url("/hello"))).status == 200)

        // Cancelled while waiting for the response head.
        let delayed = HTTPRequest(url: url("/delay/5000"))
        let waiting = Task { try await client.send(delayed) }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        let outcome = await waiting.result
        #expect((outcome.failure as? PipeError)?.code == .cancelled)
    }

    @Test("dropping a response without reading its body frees the connection")
    func abandonedBody() async throws {
        do {
            let response = try await client.execute(HTTPRequest(url: url("/bytes/\(64 << 20)")))
            #expect(response.status == 200)
        }
        try await waitUntil { client.activeTransferCount == 0 }
    }

    @Test("request, stall and connect timeouts")
    func timeouts() async throws {
        var slow = HTTPRequest(url: url("/delay/5000"))
        slow.timeout = .milliseconds(300)
        #expect(await code { _ = try await client.send(slow) } == .timeout)

        var headers = HTTPRequest(url: url("/slow-headers/5000"))
        headers.timeout = .milliseconds(300)
        #expect(await code { _ = try await client.send(headers) } == .timeout)

        var configuration = CurlHTTPClient.Configuration()
        configuration.stallTimeout = .milliseconds(500)
        configuration.requestTimeout = nil
        configuration.connectTimeout = .milliseconds(500)
        let strict = try CurlHTTPClient(configuration: configuration)
        defer { strict.shutdown() }
        do {
            _ = try await strict.send(HTTPRequest(url: url("/stall-body/60000")))
            Issue.record("a stalled body completed")
        } catch {
            #expect(error.code == .timeout)
            #expect(error.details["timeout"] == "stall")
        }
        let silent = try SilentTCPServer()
        let start = ContinuousClock.now
        let connect = await code {
            _ = try await strict.send(HTTPRequest(url: URL(string: "https://127.0.0.1:\(silent.port)/")!))
        }
        #expect(connect == .timeout)
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test("a request that times out queued behind busy connections says so")
    func queuedTimeout() async throws {
        var configuration = CurlHTTPClient.Configuration()
        configuration.maxConnectionsPerHost = 1
        configuration.requestTimeout = nil
        let single = try CurlHTTPClient(configuration: configuration)
        defer { single.shutdown() }
        let slow = HTTPRequest(url: url("/delay/2000"))
        let busy = Task { try await single.send(slow) }
        try await waitUntil { single.activeTransferCount == 1 }
        try await Task.sleep(for: .milliseconds(100))  // the first request holds the one connection
        var queued = HTTPRequest(url: url("/hello"))
        queued.timeout = .milliseconds(300)
        do {
            _ = try await single.send(queued)
            Issue.record("a request behind a busy connection completed within its timeout")
        } catch {
            #expect(error.code == .timeout)
            #expect(error.details["timeout"] == "connection")
            #expect(error.message.contains("all 1 connections this client opens to one host were busy"))
        }
        // The timeout held while the request waited: the busy request is still running (curl alone would have
        // reported the timeout only once the connection came free).
        #expect(single.activeTransferCount == 1)
        #expect(try await busy.value.status == 200)
        // The connection is free again: the same request now goes through.
        #expect(try await single.send(queued).status == 200)
    }

    @Test("broken servers give errors, not hangs")
    func brokenServers() async throws {
        #expect(await code { _ = try await client.send(HTTPRequest(url: url("/close-mid-body"))) } == .protocolError)
        #expect(await code { _ = try await client.send(HTTPRequest(url: url("/garbage"))) } == .protocolError)
        let closedPort = try SilentTCPServer().port  // closed again when the value is released
        #expect(
            await code { _ = try await client.send(HTTPRequest(url: URL(string: "http://127.0.0.1:\(closedPort)/")!)) }
                == .connectionFailed)
    }

    @Test("bad input is refused before anything is sent")
    func badInput() async throws {
        #expect(
            await code { _ = try await client.send(HTTPRequest(url: URL(string: "ftp://127.0.0.1/x")!)) }
                == .invalidArgument)
        var request = HTTPRequest(url: url("/hello"))
        request.headers.add(name: "X-Bad", value: "a\r\nInjected: yes")
        #expect(await code { _ = try await client.send(request) } == .invalidArgument)
        var big = CurlHTTPClient.Configuration()
        big.maxCollectedResponseBytes = 1000
        let small = try CurlHTTPClient(configuration: big)
        defer { small.shutdown() }
        #expect(await code { _ = try await small.send(HTTPRequest(url: url("/bytes/5000"))) } == .limitExceeded)
    }

    @Test("redirects: off by default, same-origin when enabled, bounded")
    func redirects() async throws {
        #expect(try await client.send(HTTPRequest(url: url("/redirect/2"))).status == 302)
        var configuration = CurlHTTPClient.Configuration()
        configuration.redirects = .sameOrigin(maximum: 3)
        let following = try CurlHTTPClient(configuration: configuration)
        defer { following.shutdown() }
        let done = try await following.send(HTTPRequest(url: url("/redirect/3")))
        #expect(done.status == 200 && text(done) == "done")
        #expect(await code { _ = try await following.send(HTTPRequest(url: url("/redirect/4"))) } == .protocolError)

        let other = try BehaviourServer.start()
        defer { other.stop() }
        let target = other.baseURL + "/headers"
        let away = url("/redirect-to?url=\(target.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
        var withCredentials = HTTPRequest(url: away)
        withCredentials.headers.add(name: "Authorization", value: "Bearer secret")
        #expect(try await following.send(withCredentials).status == 302)  // cross-origin: not followed

        configuration.redirects = .anyOrigin()
        let anywhere = try CurlHTTPClient(configuration: configuration)
        defer { anywhere.shutdown() }
        let followed = try await anywhere.send(withCredentials)
        #expect(followed.status == 200)
        let seen = try JSONValue(parsing: followed.body)
        #expect(seen["authorization"] == nil, "credentials crossed origins: \(seen)")

        var post = HTTPRequest(method: .post, url: url("/redirect-to?url=%2Fecho&status=303"), body: Array("x".utf8))
        post.headers.add(name: "Content-Type", value: "text/plain")
        let afterSeeOther = try await following.send(post)
        #expect(afterSeeOther.headers["X-Method"] == "GET")
        post.url = url("/redirect-to?url=%2Fecho&status=307")
        let afterTemporary = try await following.send(post)
        #expect(afterTemporary.headers["X-Method"] == "POST" && text(afterTemporary) == "x")
    }

    @Test("a proxy from configuration carries the request")
    func proxy() async throws {
        var configuration = CurlHTTPClient.Configuration()
        configuration.proxy = server.baseURL
        let proxied = try CurlHTTPClient(configuration: configuration)
        defer { proxied.shutdown() }
        // The host does not resolve: only the proxy can have answered.
        let response = try await proxied.send(HTTPRequest(url: URL(string: "http://pipe-proxy-test.invalid/headers")!))
        #expect(response.status == 200)
        #expect(try JSONValue(parsing: response.body)["host"] == "pipe-proxy-test.invalid")
    }

    @Test("upload and download progress")
    func progress() async throws {
        let recorder = ProgressRecorder()
        let bytes = [UInt8](repeating: 7, count: 2 << 20)
        let response = try await client.execute(
            HTTPRequest(method: .post, url: url("/echo")), body: .bytes(bytes), progress: { recorder.record($0) })
        _ = try await response.body.collect(upTo: 4 << 20)
        let last = try #require(recorder.last)
        #expect(last.bytesSent == Int64(bytes.count) && last.totalBytesToSend == Int64(bytes.count))
        #expect(last.bytesReceived == Int64(bytes.count))
    }

    @Test("shutdown fails requests in flight with cancelled")
    func shutdown() async throws {
        let doomed = try CurlHTTPClient()
        let request = HTTPRequest(url: url("/delay/5000"))
        let task = Task { try await doomed.send(request) }
        try await Task.sleep(for: .milliseconds(200))
        doomed.shutdown()
        #expect(((await task.result).failure as? PipeError)?.code == .cancelled)
        #expect(await code { _ = try await doomed.send(request) } == .cancelled)
    }
}

/// Collects progress reports from the event-loop thread.
final class ProgressRecorder: @unchecked Sendable {
    // @unchecked Sendable: all state is read and written under `lock`.
    private let lock = NSLock()
    private var reports: [HTTPProgress] = []
    func record(_ progress: HTTPProgress) { lock.withLock { reports.append(progress) } }
    var last: HTTPProgress? { lock.withLock { reports.last } }
    var maxReceived: Int64 { lock.withLock { reports.map(\.bytesReceived).max() ?? 0 } }
}

/// Polls `condition` for up to five seconds.
func waitUntil(_ condition: () -> Bool) async throws {
    for _ in 0..<500 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition not met within 5 s")
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
