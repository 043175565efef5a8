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
        var file: FileReader?
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
                case .file(let path): file = try FileReader(path: path)
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
            guard let file else {
                ended = true
                return
            }
            let result = try file.nextChunk { raw in
                Result { () throws(PipeError) in try decoder.feed(raw, into: &records) }
            }
            switch result {
            case .none:
                try decoder.finish(into: &records)
                ended = true
            case .some(let outcome): try outcome.get()
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(sequence: self, decoder: format.decoder(limits: limits))
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
