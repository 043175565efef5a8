import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import PipeServer

/// When the router's answers count as done, which decides whether the next request on the connection may be
/// answered on the fast path.
@Suite("Router request tracker")
struct RouterRequestTrackerTests {
    func channel() throws -> (EmbeddedChannel, FastPathConnection) {
        let connection = FastPathConnection()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(RouterRequestTracker(connection: connection))
        return (channel, connection)
    }

    func request(_ method: HTTPTypes.HTTPRequest.Method) -> HTTPRequestPart {
        .head(HTTPTypes.HTTPRequest(method: method, scheme: nil, authority: nil, path: "/v1/x"))
    }

    func response(_ status: HTTPTypes.HTTPResponse.Status, length: Int?) -> HTTPResponsePart {
        var fields = HTTPFields()
        if let length { fields[.contentLength] = String(length) }
        return .head(HTTPTypes.HTTPResponse(status: status, headerFields: fields))
    }

    func body(_ count: Int) -> HTTPResponsePart { .body(ByteBuffer(repeating: 0x61, count: count)) }

    @Test("an answer of known length is done at its last body byte, before its end part")
    func knownLength() throws {
        let (channel, connection) = try channel()
        try channel.writeInbound(request(.get))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(connection.routerRequests == 1 && !connection.routerReading)
        try channel.writeOutbound(response(.ok, length: 5))
        try channel.writeOutbound(body(3))
        #expect(connection.routerRequests == 1, "two bytes still owed")
        try channel.writeOutbound(body(2))
        #expect(connection.routerRequests == 0)
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(connection.routerRequests == 0, "counted once")
    }

    @Test("an answer that writes more than its length is done only at its end")
    func overshoot() throws {
        let (channel, connection) = try channel()
        try channel.writeInbound(request(.get))
        try channel.writeOutbound(response(.ok, length: 4))
        try channel.writeOutbound(body(6))
        #expect(connection.routerRequests == 1)
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(connection.routerRequests == 0)
    }

    @Test("HEAD answers are done at their head; 304s and chunked ones at their end; 100 Continue is not an answer")
    func bodilessAndChunked() throws {
        let (channel, connection) = try channel()
        for method in [HTTPTypes.HTTPRequest.Method.head, .get, .get, .post] {
            try channel.writeInbound(request(method))
            try channel.writeInbound(HTTPRequestPart.end(nil))
        }
        #expect(connection.routerRequests == 4)
        try channel.writeOutbound(response(.ok, length: 1000))  // the HEAD's: a length, and no body
        #expect(connection.routerRequests == 3)
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.writeOutbound(response(.notModified, length: nil))
        #expect(connection.routerRequests == 3, "a 304 counts at its end")
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(connection.routerRequests == 2)
        try channel.writeOutbound(response(.ok, length: nil))  // chunked
        try channel.writeOutbound(body(10))
        #expect(connection.routerRequests == 2)
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(connection.routerRequests == 1)
        try channel.writeOutbound(response(.continue, length: nil))
        #expect(connection.routerRequests == 1)
        try channel.writeOutbound(response(.created, length: 0))
        #expect(connection.routerRequests == 0)
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(connection.routerRequests == 0)
    }
}
