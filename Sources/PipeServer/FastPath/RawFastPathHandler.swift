import NIOCore

/// The first handler of a connection (after TLS): reads request heads straight from the bytes and answers those
/// ``ObjectFastPath`` can answer from memory, before any HTTP parsing, conversion or task hop; every other request is
/// passed on, as its exact bytes, to Hummingbird's HTTP/1.1 pipeline and the router.
///
/// Only heads in ``RawRequestHead``'s strict grammar are read here, and only bodies of a declared length are framed,
/// so the bytes passed on are always whole requests and the parser behind sees what it would have seen alone. The
/// first head outside that grammar (a chunked body, an upgrade, anything unusual) ends the fast path for the
/// connection: from then on every byte goes straight through.
///
/// Responses leave in the order their requests came: while a request passed on awaits the end of its response, later
/// ones are passed on too. The idle timeout lives here too (``FastPathConnection/lastActivity``), because requests
/// answered here never reach Hummingbird's connection state handler: a connection is closed when nothing arrived for
/// the timeout and the router is not busy writing a response. Graceful shutdown needs nothing here: between two
/// events no answer is half written, so the state handler closing an idle connection loses nothing.
final class RawFastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The longest head read here; a longer one goes to Hummingbird's parser, which applies the configured limits.
    static let maximumHeadBytes = 8 * 1024

    let fastPath: ObjectFastPath
    let connection: FastPathConnection
    let idleTimeout: TimeAmount?
    private var peer: String?
    /// Bytes not yet handled: the start of a head still arriving, or requests held while the socket cannot take
    /// more (a client that sends without reading must not make the server buffer without bound).
    private var pending: ByteBuffer?
    /// Set once a request outside the strict grammar arrived: every byte goes straight on from then.
    private var passingThrough = false
    /// Body bytes of the request being passed on still to come.
    private var bodyRemaining = 0
    private var answered = false
    /// A `read` held back while the socket cannot take more answers.
    private var readHeld = false
    private var idleCheck: Scheduled<Void>?
    private var memo = FastPathMemo()

    init(fastPath: ObjectFastPath, connection: FastPathConnection, idleTimeout: TimeAmount?) {
        self.fastPath = fastPath
        self.connection = connection
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress?.ipAddress
        if context.channel.isActive { scheduleIdleCheck(context, in: idleTimeout) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if peer == nil { peer = context.channel.remoteAddress?.ipAddress }
        scheduleIdleCheck(context, in: idleTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.lastActivity = .now()
        if passingThrough { return context.fireChannelRead(data) }
        var bytes = unwrapInboundIn(data)
        if var held = pending.take() {
            held.writeBuffer(&bytes)
            bytes = held
        }
        handle(&bytes, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushAnswers(context)
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, var held = pending.take() {
            handle(&held, context: context)
            flushAnswers(context)
        }
        if context.channel.isWritable, readHeld {
            readHeld = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        // While requests wait for the socket to take their answers, reading more would only grow `pending`.
        if pending != nil && !passingThrough && !context.channel.isWritable {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// Answers or passes on every whole request at the front of `bytes`; keeps the rest in `pending`.
    private func handle(_ bytes: inout ByteBuffer, context: ChannelHandlerContext) {
        while bytes.readableBytes > 0 {
            if bodyRemaining > 0 {
                let body = bytes.readSlice(length: min(bodyRemaining, bytes.readableBytes))!
                bodyRemaining -= body.readableBytes
                context.fireChannelRead(wrapInboundOut(body))
                continue
            }
            if !context.channel.isWritable {
                pending = bytes
                return
            }
            let outcome = bytes.withUnsafeReadableBytes {
                RawRequestHead.parse(
                    $0, maximumLength: Self.maximumHeadBytes, maximumFields: ServerTransport.maxHeaderFields)
            }
            switch outcome {
            case .incomplete:
                pending = bytes
                return
            case .unframed:
                passingThrough = true
                flushAnswers(context)
                context.fireChannelRead(wrapInboundOut(bytes))
                return
            case .head(let head):
                if let answer = answer(head, context: context) {
                    bytes.moveReaderIndex(forwardBy: head.length)
                    context.write(wrapOutboundOut(answer), promise: nil)
                    answered = true
                } else {
                    let request = bytes.readSlice(length: head.length)!
                    bodyRemaining = head.bodyLength
                    context.fireChannelRead(wrapInboundOut(request))
                }
            }
        }
    }

    private func answer(_ head: RawRequestHead, context: ChannelHandlerContext) -> ByteBuffer? {
        guard connection.routerRequests == 0, head.method != .other, head.bodyLength == 0, !head.hasDeclinedField,
            head.authorizationCount <= 1, let (bucket, key) = memo.object(at: head.target)
        else { return nil }
        return fastPath.answer(
            bucket: bucket, key: key, head: head.method == .head, authorization: head.authorization,
            forwardedFor: head.forwardedFor, peer: peer, connection: &memo, allocator: context.channel.allocator)
    }

    private func flushAnswers(_ context: ChannelHandlerContext) {
        guard answered else { return }
        answered = false
        context.flush()
    }

    private func scheduleIdleCheck(_ context: ChannelHandlerContext, in delay: TimeAmount?) {
        guard let delay, idleCheck == nil else { return }
        idleCheck = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: delay) {
            self.idleCheck = nil
            self.checkIdle(context)
        }
    }

    /// Closes the connection when it has been idle for the timeout: nothing arrived, and the router is neither
    /// writing a response (however long that takes) nor waiting for more of a request.
    private func checkIdle(_ context: ChannelHandlerContext) {
        guard let idleTimeout, context.channel.isActive else { return }
        let busy = connection.routerRequests > 0 && !connection.routerReading
        let due = connection.lastActivity + idleTimeout
        if busy {
            scheduleIdleCheck(context, in: idleTimeout)
        } else if NIODeadline.now() >= due {
            context.close(promise: nil)
        } else {
            scheduleIdleCheck(context, in: due - .now())
        }
    }
}
