import Foundation
import PipeClient
import PipeCore
import PipeHTTP
import Testing

/// The loopback receiver a command-line tool catches an OAuth redirect with.
@Suite("Loopback redirect receiver")
struct LoopbackRedirectTests {
    @Test("waits for the callback path, answers other requests 404, returns the URL with its query")
    func callback() async throws {
        let receiver = try LoopbackRedirectReceiver(path: "/done")
        #expect(receiver.redirectURI == "http://127.0.0.1:\(receiver.port)/done" && receiver.port > 0)
        let waiting = Task { try await receiver.callback(timeout: .seconds(30)) }
        let http = try CurlHTTPClient()
        defer { http.shutdown() }
        let base = "http://127.0.0.1:\(receiver.port)"
        #expect(try await http.send(HTTPRequest(url: URL(string: base + "/favicon.ico")!)).status == 404)
        #expect(try await http.send(HTTPRequest(url: URL(string: base + "/donexyz")!)).status == 404)
        let page = try await http.send(HTTPRequest(url: URL(string: base + "/done?code=abc&state=s%201")!))
        #expect(page.status == 200 && String(decoding: page.body, as: UTF8.self).contains("close this window"))
        let url = try await waiting.value
        #expect(url.absoluteString == base + "/done?code=abc&state=s%201")
        // Closed once the callback came.
        await #expect(throws: (any Error).self) { try await http.send(HTTPRequest(url: URL(string: base + "/done")!)) }
    }

    @Test("gives up after its timeout, stops on cancellation, refuses bad settings")
    func limits() async throws {
        let receiver = try LoopbackRedirectReceiver()
        await #expect(throws: PipeError.self) { _ = try await receiver.callback(timeout: .milliseconds(300)) }
        do {
            _ = try await receiver.callback(timeout: .milliseconds(300))
        } catch {
            #expect(error.code == .timeout)
        }
        let waiting = Task { try await receiver.callback(timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        do {
            _ = try await waiting.value
            Issue.record("a cancelled wait returned")
        } catch let error as PipeError {
            #expect(error.code == .cancelled)
        }
        #expect(throws: PipeError.self) { _ = try LoopbackRedirectReceiver(path: "callback") }
        let taken = try LoopbackRedirectReceiver()
        #expect(throws: PipeError.self) { _ = try LoopbackRedirectReceiver(port: taken.port) }
    }
}
