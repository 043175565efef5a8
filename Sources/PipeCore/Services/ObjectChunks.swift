/// An object's record and its bytes as a stream of chunks, in order: what ``ObjectStorage/readObject(in:at:)``
/// returns, so a reader of a large object holds one chunk at a time rather than the whole object.
///
/// The stream can be iterated once.
///
/// ```swift
/// let object = try await storage.readObject(in: logs, at: try ObjectKey("2026/11/29.jsonl"))
/// for try await chunk in object { process(chunk) }
/// ```
public struct ObjectChunks: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = PipeError

    /// The object's record.
    public let info: ObjectInfo
    private let next: @Sendable () async throws(PipeError) -> [UInt8]?

    /// Makes a stream from its record and a function that returns the next chunk (`nil` at the end) each time it
    /// is called. Implementations of ``ObjectStorage`` provide this.
    public init(info: ObjectInfo, next: @escaping @Sendable () async throws(PipeError) -> [UInt8]?) {
        self.info = info
        self.next = next
    }

    /// The chunks, in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = [UInt8]
        public typealias Failure = PipeError

        let next: @Sendable () async throws(PipeError) -> [UInt8]?

        /// The next chunk, or `nil` after the last.
        public mutating func next() async throws(PipeError) -> [UInt8]? {
            try await next()
        }
    }

    /// Starts the iteration.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(next: next)
    }
}
