import PipeCore

/// A response body as it arrives: an `AsyncSequence` of byte chunks with backpressure.
///
/// Reading slowly slows the download (the transfer pauses while the client's buffer is full);
/// stopping early, or cancelling the reading task, aborts the transfer and frees its connection.
/// Iterate it once.
///
/// ```swift
/// let response = try await client.execute(request)
/// for try await chunk in response.body { try file.write(contentsOf: chunk) }
/// ```
public struct HTTPResponseBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    let lifetime: TransferLifetime

    /// Reads chunks in order; throws the transfer's `PipeError` if it fails.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let lifetime: TransferLifetime

        public mutating func next() async throws -> [UInt8]? {
            let lifetime = lifetime
            return try await withTaskCancellationHandler {
                try await lifetime.transfer.responseBody.next(resume: { lifetime.resume() })
            } onCancel: {
                lifetime.cancel()
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(lifetime: lifetime) }

    /// Reads the whole body into memory.
    /// - Throws: `limit_exceeded` once more than `maximum` bytes arrive (the transfer is aborted).
    public func collect(upTo maximum: Int) async throws(PipeError) -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await chunk in self {
                guard bytes.count + chunk.count <= maximum else {
                    lifetime.cancel()
                    throw PipeError(.limitExceeded, "the response body is larger than \(maximum) bytes")
                }
                if bytes.isEmpty { bytes.reserveCapacity(chunk.count) }
                bytes.append(contentsOf: chunk)
            }
        } catch let error as PipeError {
            throw error
        } catch {
            throw PipeError(.internalError, "\(error)")
        }
        return bytes
    }
}

/// Ties a transfer's life to the response values that reference it: when the last one goes away
/// without reading to the end, the transfer is cancelled so its connection is not held forever.
final class TransferLifetime: Sendable {
    let transfer: Transfer
    let loop: CurlEventLoop

    init(transfer: Transfer, loop: CurlEventLoop) {
        self.transfer = transfer
        self.loop = loop
    }

    func resume() { loop.submit(.resume(transfer)) }

    func cancel() {
        if transfer.requestCancel(.cancelled) { loop.submit(.cancel(transfer)) }
    }

    deinit {
        // Only queues a command; the loop thread does the cleanup.
        cancel()
    }
}
