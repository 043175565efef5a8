import Testing

@testable import PipeServer

/// The strict request-head reader of the raw fast path: what it frames, and everything it must leave to the router.
@Suite("Raw request heads")
struct RawRequestHeadTests {
    static func parse(_ text: String, maximumLength: Int = 8192, maximumFields: Int = 100) -> RawRequestHead.Outcome {
        Array(text.utf8).withUnsafeBytes {
            RawRequestHead.parse($0, maximumLength: maximumLength, maximumFields: maximumFields)
        }
    }

    static func head(_ text: String) -> RawRequestHead? {
        if case .head(let head) = parse(text) { return head }
        return nil
    }

    static func isUnframed(_ text: String, maximumLength: Int = 8192, maximumFields: Int = 100) -> Bool {
        if case .unframed = parse(text, maximumLength: maximumLength, maximumFields: maximumFields) { return true }
        return false
    }

    static func isIncomplete(_ text: String) -> Bool {
        if case .incomplete = parse(text) { return true }
        return false
    }

    @Test("a plain GET: method, target, length, the fields the fast path needs")
    func plain() throws {
        let text =
            "GET /v1/storage/buckets/b/objects/k%20x HTTP/1.1\r\nHost: a\r\nAUTHORIZATION:  Bearer t \r\n"
            + "X-Forwarded-For: 10.0.0.1\r\nx-forwarded-for:10.0.0.2\r\nConnection: Keep-Alive\r\n\r\nNEXT"
        let head = try #require(Self.head(text))
        #expect(head.method == .get)
        #expect(head.target == "/v1/storage/buckets/b/objects/k%20x")
        #expect(head.authorization == "Bearer t" && head.authorizationCount == 1)
        #expect(head.forwardedFor == "10.0.0.1, 10.0.0.2")
        #expect(head.length == text.utf8.count - 4 && head.bodyLength == 0 && !head.hasDeclinedField)
        #expect(Self.head("HEAD / HTTP/1.1\r\n\r\n")?.method == .head)
        #expect(Self.head("DELETE /x HTTP/1.1\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n")?.authorizationCount == 2)
    }

    @Test("bodies of a declared length are framed; ranges, preconditions and CORS are marked for the router")
    func framing() throws {
        let put = try #require(Self.head("PUT /o HTTP/1.1\r\nContent-Length: 12\r\n\r\nhello world!"))
        #expect(put.method == .other && put.bodyLength == 12)
        for field in ["Range: bytes=0-1", "If-None-Match: \"x\"", "Origin: https://a", "if-modified-since: x"] {
            #expect(Self.head("GET /o HTTP/1.1\r\n\(field)\r\n\r\n")?.hasDeclinedField == true, "\(field)")
        }
    }

    @Test("a head still arriving asks for more bytes, up to the length bound")
    func incomplete() {
        #expect(Self.isIncomplete(""))
        #expect(Self.isIncomplete("GET / HTTP/1.1\r\nHost: a\r\n"))
        #expect(Self.isIncomplete("GET / HTTP/1.1\r\nHost: a\r\n\r"))
        #expect(Self.isUnframed("GET / HTTP/1.1\r\nHost: " + String(repeating: "a", count: 100), maximumLength: 64))
        #expect(Self.isUnframed("GET / HTTP/1.1\r\n" + String(repeating: "A: b\r\n", count: 5) + "\r\n", maximumFields: 4))
    }

    @Test("everything outside the strict grammar is left to the router's parser", arguments: [
        "GET / HTTP/1.0\r\n\r\n",  // another version
        "GET  / HTTP/1.1\r\n\r\n",  // two spaces
        "get / HTTP/1.1\r\n\r\n",  // methods are case-sensitive
        "BREW / HTTP/1.1\r\n\r\n",  // an unknown method
        "GET * HTTP/1.1\r\n\r\n",  // not origin-form
        "GET http://a/ HTTP/1.1\r\n\r\n",  // absolute-form
        "\r\nGET / HTTP/1.1\r\n\r\n",  // a leading empty line
        "GET /a\u{7F}b HTTP/1.1\r\n\r\n",  // a control byte in the target
        "GET / HTTP/1.1\nHost: a\r\n\r\n",  // a bare LF
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",  // space before the colon
        "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",  // obs-fold
        "GET / HTTP/1.1\r\nHo(st: a\r\n\r\n",  // not a token
        "GET / HTTP/1.1\r\nX: a\u{01}b\r\n\r\n",  // a control byte in a value
        "GET / HTTP/1.1\r\nX: caf\u{E9}\r\n\r\n",  // obs-text
        "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n",  // a bare CR in a value
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",  // twice
        "POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1,1\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 1 1\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 9999999999999999\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n",
        "PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n",
        "GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\n\r\n",
    ])
    func unframed(_ text: String) {
        #expect(Self.isUnframed(text))
    }
}
