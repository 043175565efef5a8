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
final class RouterRequestTracker: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let connection: FastPathConnection

    init(connection: FastPathConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            connection.routerRequests += 1
            connection.routerReading = true
        case .body: break
        case .end: connection.routerReading = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            connection.routerRequests = max(0, connection.routerRequests - 1)
            connection.lastActivity = .now()
        }
        context.write(data, promise: promise)
    }
}
