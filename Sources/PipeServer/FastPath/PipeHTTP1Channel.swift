import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 child channel, with the fast path around it when one is given: a ``RawFastPathHandler``
/// first, which answers requests it can decide from memory straight from the bytes, and a ``RouterRequestTracker``
/// last, which tells it when the router is busy.
///
/// Between them the pipeline is `HTTP1Channel`'s, in the same order, so `Connection: close` and graceful shutdown
/// work as they do without the fast path. The idle timeout moves to the raw handler, the one that sees every
/// request.
struct PipeHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    let fastPath: ObjectFastPath?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let connection = fastPath.map { _ in FastPathConnection() }
            if let fastPath, let connection {
                try channel.pipeline.syncOperations.addHandler(
                    RawFastPathHandler(fastPath: fastPath, connection: connection, idleTimeout: configuration.idleTimeout))
            }
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = configuration.httpDecoder.maxHeaderFieldSize
            limits.maxHeaderListSize = configuration.httpDecoder.maxHeaderListSize
            limits.maxHeaderFieldCount = configuration.httpDecoder.maxHeaderFieldCount
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: limits)
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try channel.pipeline.syncOperations.addHandler(
                HTTPConnectionStateHandler(
                    idleTimeout: connection == nil ? configuration.idleTimeout.map { Duration($0) } : nil, logger: logger))
            if let connection { try channel.pipeline.syncOperations.addHandler(RouterRequestTracker(connection: connection)) }
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}
