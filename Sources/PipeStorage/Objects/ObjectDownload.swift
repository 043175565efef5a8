import Crypto
import PipeCore

/// An object opened for reading: its record, the byte range being read, and the bytes as a stream of chunks.
///
/// ```swift
/// let download = try await storage.openObject(in: videos, at: key, range: .from(1 << 20), as: viewer)
/// print(download.info.contentType, download.range)     // video/mp4 1048576..<52428800
/// for try await chunk in download.chunks { try output.write(contentsOf: chunk) }
/// ```
public struct ObjectDownload: Sendable {
    /// The object's record (size, type, ETag, cache control …).
    public let info: ObjectInfo
    /// The byte offsets ``chunks`` delivers: the whole object unless a range was asked for.
    public let range: Range<Int64>
    /// The `Cache-Control` an HTTP response serving the object must carry: the object's own, made `private` when its
    /// bucket is not public (so shared caches never keep it, even after a bucket stops being public); when the
    /// object sets none, `private, no-cache`, or `public, max-age=60` in a public bucket.
    public let cacheControl: String
    /// The bytes of ``range``, in order, in chunks of up to the configured chunk size.
    public let chunks: ObjectByteStream

    /// The bytes, when they are already in memory (a small object from the read cache); `nil` when they stream from
    /// the blob. A server answers with them in one write.
    public var bytesInMemory: [UInt8]? {
        if case .memory(let bytes) = chunks.source { return bytes }
        return nil
    }

    static func cacheControl(for info: ObjectInfo, bucketIsPublic: Bool) -> String {
        guard let own = info.cacheControl else { return bucketIsPublic ? "public, max-age=60" : "private, no-cache" }
        let lowered = own.lowercased()
        if bucketIsPublic || lowered.contains("private") || lowered.contains("no-store") { return own }
        return "private, " + own
    }
}

/// The bytes of an object as an `AsyncSequence` of chunks.
///
/// Reading is lazy: nothing is read until iteration asks for it, and a consumer that stops early stops the reading.
/// Iteration throws `PipeError` — `data_corrupted` when stored bytes fail their integrity check.
public struct ObjectByteStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = PipeError

    enum Source: Sendable {
        case memory([UInt8])
        case blob(PlaintextReader)
    }

    let source: Source
    let onBytes: @Sendable (Int) -> Void

    /// Iterates the chunks.
    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        public typealias Element = [UInt8]
        public typealias Failure = PipeError

        var source: Source?
        let onBytes: @Sendable (Int) -> Void

        /// The next chunk, or `nil` after the last.
        public mutating func next() async throws(PipeError) -> [UInt8]? {
            switch source {
            case nil:
                return nil
            case .memory(let bytes):
                source = nil
                return bytes.isEmpty ? nil : bytes
            case .blob(var reader):
                source = nil
                // The blob closes when the last iterator lets go of it (iterators of one stream share it).
                guard let chunk = try await reader.next() else { return nil }
                onBytes(chunk.count)
                source = .blob(reader)
                return chunk
            }
        }
    }

    /// Starts an iteration.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: source, onBytes: onBytes)
    }

    /// Reads every chunk into one array.
    public func collect() async throws(PipeError) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = makeAsyncIterator()
        while let chunk = try await iterator.next() {
            if bytes.isEmpty { bytes = chunk } else { bytes.append(contentsOf: chunk) }
        }
        return bytes
    }
}
