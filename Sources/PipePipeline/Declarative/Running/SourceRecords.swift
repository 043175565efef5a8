import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The records of a file or a stored object in a ``RecordFormat``, decoded as they are pulled: a slow pipeline
/// reads slowly, and memory is bounded by one chunk plus the longest record.
public struct DecodedRecords: AsyncSequence, Sendable {
    public typealias Element = JSONValue

    enum Origin: Sendable {
        case file(String)
        case object(any ObjectStorage, BucketName, ObjectKey)
        case bytes([UInt8])
    }

    let origin: Origin
    let format: RecordFormat
    let limits: PipelineLimits
    /// The fields the pipeline reads, when it reads only some: JSON records are built with just those.
    var selection: JSONFieldSelection?

    /// Records of the file at `path` (opened when iteration starts).
    public init(file path: String, format: RecordFormat, limits: PipelineLimits = PipelineLimits()) {
        origin = .file(path)
        self.format = format
        self.limits = limits
    }

    /// Records of bytes already in memory.
    public init(bytes: [UInt8], format: RecordFormat, limits: PipelineLimits = PipelineLimits()) {
        origin = .bytes(bytes)
        self.format = format
        self.limits = limits
    }

    init(
        object key: ObjectKey, in bucket: BucketName, of storage: any ObjectStorage, format: RecordFormat,
        limits: PipelineLimits
    ) {
        origin = .object(storage, bucket, key)
        self.format = format
        self.limits = limits
    }

    /// Reads a chunk at a time and hands out the records decoded from it.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let sequence: DecodedRecords
        var decoder: any RecordDecoder
        var prefetcher: Prefetcher?
        var pendingBytes: [UInt8]?
        var records: [JSONValue] = []
        var index = 0
        var started = false
        var ended = false

        /// The next record, `nil` at the end of the input.
        /// - Throws: `not_found` for a missing file, `invalid_json` or `invalid_argument` naming the line, element
        ///   or row of bad input, `limit_exceeded` for a record longer than the limit.
        public mutating func next() async throws -> JSONValue? {
            while index >= records.count {
                if ended { return nil }
                records.removeAll(keepingCapacity: true)
                index = 0
                try await fill()
            }
            defer { index += 1 }
            return records[index]
        }

        private mutating func fill() async throws(PipeError) {
            if !started {
                started = true
                switch sequence.origin {
                case .file(let path):
                    // Decoding runs on its own task, a couple of chunks ahead, so parsing overlaps the steps.
                    prefetcher = Prefetcher(path: path, sequence: sequence)
                case .bytes(let bytes): pendingBytes = bytes
                case .object(let storage, let bucket, let key):
                    pendingBytes = try await storage.getObject(in: bucket, at: key).bytes
                }
            }
            if let bytes = pendingBytes {
                pendingBytes = nil
                let result = bytes.withUnsafeBytes { raw in
                    Result { () throws(PipeError) in try decoder.feed(raw, into: &records) }
                }
                try result.get()
                try decoder.finish(into: &records)
                ended = true
                return
            }
            guard let prefetcher else {
                ended = true
                return
            }
            do {
                guard let batch = try await prefetcher.channel.receive() else {
                    ended = true
                    return
                }
                records = batch
            } catch let error as PipeError {
                throw error
            } catch {
                throw PipeError(.cancelled, "reading the source was cancelled")
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(sequence: self, decoder: format.decoder(limits: limits, selection: selection))
    }
}

/// An open file read in chunks; closes itself when dropped.
final class FileReader {
    private let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)

    init(path: String) throws(PipeError) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw PipeError(
                code == ENOENT ? .notFound : .unavailable, "cannot open \(path): errno \(code)",
                details: ["path": path])
        }
    }

    /// Reads the next chunk and passes it to `body`; `nil` at the end of the file.
    func nextChunk<T>(_ body: (UnsafeRawBufferPointer) -> T) throws(PipeError) -> T? {
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress!, raw.count)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw PipeError(.unavailable, "read failed: errno \(errno)")
            }
            if count == 0 { return nil }
            return buffer.withUnsafeBytes { raw in body(UnsafeRawBufferPointer(rebasing: raw[0..<count])) }
        }
    }

    deinit { close(descriptor) }
}

/// Reads and decodes a file on its own task into a bounded channel of record batches (one per megabyte
/// chunk, at most two ahead), so decoding overlaps the pipeline's steps; dropping it stops the task.
final class Prefetcher {
    let channel = ResultChannel<[JSONValue]>(capacity: 2)
    private var driver: Task<Void, Never>?

    init(path: String, sequence: DecodedRecords) {
        let format = sequence.format
        let limits = sequence.limits
        let selection = sequence.selection
        driver = channel.startDriver { channel in
            let reader = try FileReader(path: path)
            var decoder = format.decoder(limits: limits, selection: selection)
            while !Task.isCancelled {
                var records: [JSONValue] = []
                let outcome = try reader.nextChunk { raw in
                    Result { () throws(PipeError) in try decoder.feed(raw, into: &records) }
                }
                guard let outcome else {
                    try decoder.finish(into: &records)
                    if !records.isEmpty { _ = await channel.send([records]) }
                    return
                }
                try outcome.get()
                if !records.isEmpty, !(await channel.send([records])) { return }
            }
        }
    }

    deinit {
        driver?.cancel()
        channel.finish(CancellationError())
    }
}
