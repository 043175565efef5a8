import Testing

@testable import PipeClient

@Suite("Server-Sent Events parser")
struct ServerSentEventTests {
    typealias Event = ServerSentEventParser.Event

    static func parse(_ chunks: [String]) throws -> [Event] {
        var parser = ServerSentEventParser()
        var events: [Event] = []
        for chunk in chunks { events += try parser.feed(Array(chunk.utf8)) }
        return events
    }

    @Test("events, split anywhere: every way of cutting the stream into chunks gives the same events")
    func chunking() throws {
        let stream = "event: state\ndata: {\"state\":\"running\"}\n\n: a comment\nevent: progress\r\ndata: {\"read\":1,\r\ndata: \"written\":1}\r\n\r\ndata: plain\rid: 7\r\r"
        let whole = try Self.parse([stream])
        #expect(
            whole == [
                Event(name: "state", data: "{\"state\":\"running\"}", id: nil),
                Event(name: "progress", data: "{\"read\":1,\n\"written\":1}", id: nil),
                Event(name: "message", data: "plain", id: "7"),
            ])
        let bytes = Array(stream.utf8)
        for cut in 1..<bytes.count {
            let parts = [String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)]
            #expect(try Self.parse(parts) == whole, "cut at \(cut)")
        }
        #expect(try Self.parse(stream.map { String($0) }) == whole, "one character at a time")
    }

    @Test("fields without a space, unknown fields, events with no data, and an unfinished event")
    func edges() throws {
        #expect(try Self.parse(["data:x\nretry: 10\nfoo: bar\n\n"]) == [Event(name: "message", data: "x", id: nil)])
        #expect(try Self.parse(["event: empty\n\n"]).isEmpty)
        #expect(try Self.parse(["data: no blank line yet\n"]).isEmpty)
        #expect(try Self.parse(["data\n\n"]) == [Event(name: "message", data: "", id: nil)])
    }

    @Test("a line without an end is bounded")
    func longLine() {
        var parser = ServerSentEventParser()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024)
        #expect(throws: ServerSentEventError.self) {
            for _ in 0...(ServerSentEventParser.maxLineBytes / chunk.count) { _ = try parser.feed(chunk) }
        }
    }
}
