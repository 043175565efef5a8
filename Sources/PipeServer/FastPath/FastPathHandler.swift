import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// The last handler of a connection's pipeline before the router: hands each request head to ``ObjectFastPath``
/// and, when that answers, writes the answer here on the event loop; otherwise passes the request on unchanged.
///
/// Responses must leave in the order their requests came (HTTP/1.1 pipelining). The router answers the requests it
/// gets one at a time, so while any request passed on still awaits the end of its response, nothing is answered
/// here: later requests are passed on too.
final class FastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A whole response decided from the request head alone.
    struct Answer {
        var head: HTTPResponse
        var body: [UInt8]?
    }

    let fastPath: ObjectFastPath
    private var peer: String?
    /// Requests passed on whose response has not ended yet.
    private var passedOn = 0
    /// The answer to the request being read, written once its end arrives (a body, if any, is dropped).
    private var answering: Answer?

    init(fastPath: ObjectFastPath) {
        self.fastPath = fastPath
    }

    func handlerAdded(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress?.ipAddress
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if passedOn == 0, let answer = fastPath.answer(request, peer: peer) {
                answering = answer
                return
            }
            passedOn += 1
            context.fireChannelRead(data)
        case .body:
            if answering == nil { context.fireChannelRead(data) }
        case .end:
            guard let answer = answering else { return context.fireChannelRead(data) }
            answering = nil
            context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
            if let body = answer.body {
                context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn = max(0, passedOn - 1) }
        context.write(data, promise: promise)
    }
}
