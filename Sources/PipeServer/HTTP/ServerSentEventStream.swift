import NIOCore

/// A Server-Sent Events body: each message as it comes, and a comment line whenever nothing else was sent for
/// ``heartbeatInterval``.
///
/// A job can stay quiet for minutes (queued behind others, or a long step without progress). Without traffic, a
/// client's idle timeout or a proxy in between drops the connection, and the client reconnects for nothing; the
/// comment (`: keep-alive`), which every SSE client ignores, keeps it open and shows the server is there.
enum ServerSentEventStream {
    static let heartbeatInterval: Duration = .seconds(15)
    static let heartbeat = ByteBuffer(string: ": keep-alive\n\n")

    /// `messages`, already encoded as SSE text, interleaved with heartbeats; ends when `messages` does, or when the
    /// client goes away.
    static func body<Messages: AsyncSequence & Sendable>(
        _ messages: Messages, heartbeatInterval: Duration = heartbeatInterval
    ) -> AsyncStream<ByteBuffer> where Messages.Element == ByteBuffer {
        // Bounded: a client that stops reading loses the oldest messages, as the job's own event stream does.
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let heartbeats = Task {
            while (try? await Task.sleep(for: heartbeatInterval)) != nil { continuation.yield(heartbeat) }
        }
        let forwarder = Task {
            do {
                for try await message in messages { continuation.yield(message) }
            } catch {
                // The source failed: end the response; the client reconnects and starts from the current state.
            }
            heartbeats.cancel()
            continuation.finish()
        }
        continuation.onTermination = { _ in
            forwarder.cancel()
            heartbeats.cancel()
        }
        return stream
    }
}
