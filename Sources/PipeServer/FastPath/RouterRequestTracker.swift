import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// What the two ends of a connection's pipeline share about it: the ``RawFastPathHandler`` at the socket end and the
/// ``RouterRequestTracker`` at the router's end. Both run on the connection's event loop, the only place this is
/// touched.
final class FastPathConnection {
    /// Requests handed to the router whose response has not ended yet. While there are any, nothing is answered on
    /// the fast path: responses must leave in the order their requests came (HTTP/1.1 pipelining).
    var routerRequests = 0
    /// Whether the router is still reading a request (its head arrived, its end not yet).
    var routerReading = false
    /// The last time a byte arrived or a response ended: the idle timeout counts from here.
    var lastActivity = NIODeadline.now()
}

/// Sits just before the router and counts the requests that reach it and the responses that leave it, so the
/// ``RawFastPathHandler`` knows when it may answer and when the connection is idle.
///
/// A response with a known length counts as done once its last body byte is written, not at its `.end` part: the
/// router writes that part later (a hop of its own), and a quick client has by then read the whole answer and sent
/// its next request, which would otherwise go to the router too. Nothing the fast path writes can come between those
/// bytes and the `.end`, which writes none when the length is known. A chunked response is done at its `.end`,
/// which writes the last chunk, and so are 204 and 304 answers and any that write more than their length.
final class RouterRequestTracker: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let connection: FastPathConnection
    /// Whether each request passed to the router and not yet answered is a HEAD (whose answer has no body, whatever
    /// its `Content-Length` says), oldest first: HTTP/1.1 answers in order.
    private var pendingHeads = CircularBuffer<Bool>()
    /// Body bytes the response being written still owes, when its length is known.
    private var owed: Int?
    /// The response being written has been counted as done.
    private var counted = false

    init(connection: FastPathConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            connection.routerRequests += 1
            connection.routerReading = true
            pendingHeads.append(request.method == .head)
        case .body: break
        case .end: connection.routerReading = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let response):
            let status = response.status.code
            // An interim answer (100 Continue): the final one follows.
            if (100..<200).contains(status), status != 101 { break }
            let isHead = pendingHeads.popFirst() ?? false
            counted = false
            // A HEAD answer's body never reaches the wire (the encoder drops it). A 204 or 304 should have none, but
            // would carry one it was given: those count at their end, as do answers of unknown length.
            owed =
                if isHead {
                    0
                } else if status == 204 || status == 304 {
                    nil
                } else {
                    response.headerFields[.contentLength].flatMap { Int($0) }
                }
            if owed == 0 { countDone() }
        case .body(let bytes):
            if let remaining = owed {
                let left = remaining - bytes.readableBytes
                // Exactly the promised length: done. More than promised is a broken answer: leave it to its end.
                owed = left >= 0 ? left : nil
                if left == 0 { countDone() }
            }
        case .end:
            countDone()
            owed = nil
        }
        context.write(data, promise: promise)
    }

    private func countDone() {
        guard !counted else { return }
        counted = true
        connection.routerRequests = max(0, connection.routerRequests - 1)
        connection.lastActivity = .now()
    }
}
