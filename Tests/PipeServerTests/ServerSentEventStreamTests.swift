import NIOCore
import Testing

@testable import PipeServer

@Suite("Server-Sent Events body")
struct ServerSentEventStreamTests {
    @Test("a quiet stream carries keep-alive comments, then its messages, and ends with them")
    func heartbeats() async throws {
        let (messages, source) = AsyncStream<ByteBuffer>.makeStream()
        let body = ServerSentEventStream.body(messages, heartbeatInterval: .milliseconds(20))
        let sender = Task {
            try await Task.sleep(for: .milliseconds(200))
            source.yield(ByteBuffer(string: "event: state\ndata: {}\n\n"))
            source.finish()
        }
        var chunks: [String] = []
        for await chunk in body { chunks.append(String(buffer: chunk)) }
        try await sender.value
        let message = try #require(chunks.firstIndex(of: "event: state\ndata: {}\n\n"))
        #expect(message >= 2, "keep-alives arrived while the job was quiet")
        #expect(chunks[..<message].allSatisfy { $0 == ": keep-alive\n\n" })
        #expect(chunks.last == "event: state\ndata: {}\n\n", "nothing follows the last message")
    }

    @Test("a client that goes away stops the forwarding")
    func clientGone() async throws {
        let (messages, source) = AsyncStream<ByteBuffer>.makeStream()
        let ended = AsyncStream<Void>.makeStream()
        source.onTermination = { _ in ended.continuation.finish() }
        var body: AsyncStream<ByteBuffer>? = ServerSentEventStream.body(messages, heartbeatInterval: .milliseconds(20))
        var iterator = body?.makeAsyncIterator()
        #expect(await iterator?.next() != nil)
        iterator = nil
        body = nil
        // The source's stream is released once the forwarder stops: waiting ends only then.
        for await _ in ended.stream {}
        _ = body
    }
}
