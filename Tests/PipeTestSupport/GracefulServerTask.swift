import PipeCore
import ServiceLifecycleTestKit

/// A server running in a task for a test, stopped by a graceful shutdown, as SIGTERM stops `pipe serve`.
///
/// Cancelling a server's task instead can leave a connection accepted but never served, which NIO treats as a fatal
/// error (apple/swift-nio#3481).
public struct GracefulServerTask: Sendable {
    public let task: Task<Void, any Error>
    /// The port the server announced.
    public let port: Int
    private let trigger: GracefulShutdownTestTrigger

    /// Runs `run` (a server's run method, given the callback it announces its port with) in a task inside a
    /// graceful-shutdown scope; returns once the port is announced.
    ///
    /// - Throws: `unavailable` when the server ends without announcing a port.
    public static func start(
        _ run: @escaping @Sendable (_ onListening: @escaping @Sendable (Int) async -> Void) async throws -> Void
    ) async throws -> GracefulServerTask {
        let (events, continuation) = AsyncStream<(trigger: GracefulShutdownTestTrigger?, port: Int?)>.makeStream()
        let task = Task {
            defer { continuation.finish() }  // a server that fails to start ends the wait below
            try await testGracefulShutdown { trigger in
                continuation.yield((trigger, nil))
                try await run { port in continuation.yield((nil, port)) }
            }
        }
        var trigger: GracefulShutdownTestTrigger? = nil
        for await event in events {
            if let given = event.trigger { trigger = given }
            if let port = event.port, let trigger { return GracefulServerTask(task: task, port: port, trigger: trigger) }
        }
        throw PipeError(.unavailable, "the server did not start")
    }

    /// Shuts the server down gracefully and waits for it; cancels it when that takes longer than `fallback` (a test
    /// that left a request hanging).
    ///
    /// - Returns: whether the graceful shutdown finished on its own, without the cancellation.
    @discardableResult
    public func stop(cancellingAfter fallback: Duration = .seconds(5)) async -> Bool {
        trigger.triggerGracefulShutdown()
        let task = self.task
        let deadline = Task {
            try await Task.sleep(for: fallback)
            task.cancel()
        }
        _ = await task.result
        deadline.cancel()
        return (try? await deadline.value) == nil  // the deadline task was cancelled before it fired
    }
}
