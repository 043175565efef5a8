import Foundation
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The records of a file or a stored object in a ``RecordFormat``, decoded as they are pulled: a slow pipeline
/// reads slowly. Memory is bounded by a few chunks plus the longest record: files are read a megabyte at a time,
/// stored objects through `ObjectStorage.readObject(in:at:)` in the chunks the store hands over (the whole object
/// at once only from stores that cannot stream).
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
    /// The run's stateless first steps, which decoding tasks apply to whole chunks (set only by a run, which
    /// takes the records a chunk at a time and knows they have been through these steps).
    var prefix: StatelessPrefix?

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
        var objectChunks: ObjectChunks.AsyncIterator?
        var chunk = DecodedChunk()
        var index = 0
        var started = false
        var ended = false

        /// The next record, `nil` at the end of the input.
        /// - Throws: `not_found` for a missing file, `invalid_json` or `invalid_argument` naming the line, element
        ///   or row of bad input, `limit_exceeded` for a record longer than the limit.
        public mutating func next() async throws -> JSONValue? {
            while index >= chunk.records.count {
                if let failure = chunk.failure { throw failure }
                if ended { return nil }
                index = 0
                try await fill()
            }
            defer { index += 1 }
            return chunk.records[index]
        }

        /// The next decoded chunk whole (its records not yet handed out by ``next()``); `nil` at the end.
        mutating func nextChunk() async throws -> DecodedChunk? {
            while index >= chunk.records.count && chunk.failure == nil {
                if ended { return nil }
                index = 0
                try await fill()
            }
            var taken = chunk
            if index > 0 { taken.records = Array(chunk.records[index...]) }
            chunk = DecodedChunk()
            index = 0
            return taken
        }

        private mutating func fill() async throws(PipeError) {
            chunk = DecodedChunk()
            if !started {
                started = true
                switch sequence.origin {
                case .file(let path):
                    // Decoding runs on tasks of its own, a few chunks ahead, so parsing overlaps the steps.
                    prefetcher = Prefetcher(path: path, sequence: sequence)
                case .bytes(let bytes): pendingBytes = bytes
                case .object(let storage, let bucket, let key):
                    objectChunks = try await storage.readObject(in: bucket, at: key).makeAsyncIterator()
                }
            }
            if objectChunks != nil {
                try await fillFromObject()
                return
            }
            if let bytes = pendingBytes {
                pendingBytes = nil
                let result = bytes.withUnsafeBytes { raw in
                    Result { () throws(PipeError) in try decoder.feed(raw, into: &chunk.records) }
                }
                do throws(PipeError) {
                    try result.get()
                    try decoder.finish(into: &chunk.records)
                } catch {
                    chunk.failure = error  // after the good records before it
                }
                chunk.read = chunk.records.count
                ended = true
                return
            }
            guard let prefetcher else {
                ended = true
                return
            }
            do {
                guard let next = try await prefetcher.channel.receive() else {
                    ended = true
                    return
                }
                chunk = next
            } catch let error as PipeError {
                throw error
            } catch {
                throw PipeError(.cancelled, "reading the source was cancelled")
            }
        }

        /// Decodes the stored object's next chunk (or, at its end, what the decoder still holds).
        private mutating func fillFromObject() async throws(PipeError) {
            let bytes: [UInt8]?
            do throws(PipeError) {
                bytes = try await objectChunks?.next()
            } catch {
                chunk.failure = error
                ended = true
                return
            }
            let result: Result<Void, PipeError>
            if let bytes {
                result = bytes.withUnsafeBytes { raw in
                    Result { () throws(PipeError) in try decoder.feed(raw, into: &chunk.records) }
                }
            } else {
                result = Result { () throws(PipeError) in try decoder.finish(into: &chunk.records) }
                ended = true
            }
            if case .failure(let error) = result {
                chunk.failure = error  // after the good records before it
                ended = true
            }
            chunk.read = chunk.records.count
        }

    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(sequence: self, decoder: format.decoder(limits: limits, selection: selection))
    }
}

/// The records decoded from one chunk of a source. When the run's first steps are stateless, the decoding
/// task has already taken the records through them: `records` are what the last of those steps put out,
/// `counts` and `deadLetters` what happened on the way, and `failure` the error that stopped the chunk.
struct DecodedChunk: Sendable {
    var records: [JSONValue] = []
    /// Source records the chunk held.
    var read = 0
    /// How many of the run's first steps the records have been through.
    var stepsDone = 0
    var counts: [PipelineRunReport.StepCounts] = []
    var deadLetters: [DeadLetter] = []
    var failure: PipeError?
}

/// The run's first steps, when they keep no state and never suspend (`filter`, `map`, `flatMap`, `validate`,
/// `parse`, `format`): decoding tasks run them on whole chunks in parallel, and the parsed records that do
/// not get through die on the task that made them.
///
/// Each chunk runs its own copy of the steps, compiled anew (when they have no custom transform): a retain
/// writes an object's first cache line, so steps and expression trees shared by tasks on two processors would
/// have that line bounced between them for every record, which costs more than compiling a few expressions
/// once per megabyte.
struct StatelessPrefix: Sendable {
    let steps: [CompiledStep]
    let limits: PipelineLimits
    let metrics: RunMetrics
    /// The definition the steps came from, to compile private copies from.
    let definition: PipelineDefinition?

    /// The leading stateless steps of `steps`, or `nil` when the first step is not one.
    init?(
        _ steps: [CompiledStep], limits: PipelineLimits, metrics: RunMetrics, definition: PipelineDefinition? = nil
    ) {
        let prefix = steps.prefix { step in
            guard !step.isAsynchronous else { return false }
            switch step.operation {
            case .filter, .map, .flatMap, .validate, .parse, .format: return true
            default: return false
            }
        }
        guard !prefix.isEmpty else { return nil }
        self.steps = Array(prefix)
        self.limits = limits
        self.metrics = metrics
        self.definition = definition
    }

    private init(steps: [CompiledStep], limits: PipelineLimits, metrics: RunMetrics) {
        self.steps = steps
        self.limits = limits
        self.metrics = metrics
        definition = nil
    }

    /// The same steps compiled anew, sharing nothing with other tasks (itself when it cannot recompile).
    func privateCopy() -> StatelessPrefix {
        guard let definition, let compiled = try? definition.compile() else { return self }
        return StatelessPrefix(steps: Array(compiled.steps.prefix(steps.count)), limits: limits, metrics: metrics)
    }

    /// Decodes whole lines and takes each record through the steps as soon as it is parsed.
    func decode(_ bytes: [UInt8], with decoder: inout JSONLinesDecoder) -> DecodedChunk {
        var ledger = StepLedger(steps: steps, limits: limits, metrics: metrics)
        var chunk = DecodedChunk()
        var stepFailure: PipeError?
        let end = steps.count  // read here, so the per-record closure does not capture (and copy) `self`
        do throws(PipeError) {
            try decoder.decode(bytes) { (record: JSONValue) throws(PipeError) in
                chunk.read += 1
                do {
                    try ledger.pushStateless(record, at: 0, end: end, into: &chunk.records)
                } catch {
                    stepFailure = (error as? PipeError) ?? PipeError(.internalError, "\(error)")
                    throw stepFailure!  // stops decoding the chunk
                }
            }
        } catch {
            chunk.failure = stepFailure ?? error
        }
        chunk.stepsDone = steps.count
        chunk.counts = ledger.counts
        chunk.deadLetters = ledger.deadLetters
        return chunk
    }

    func run(_ chunk: inout DecodedChunk) {
        var ledger = StepLedger(steps: steps, limits: limits, metrics: metrics)
        var output: [JSONValue] = []
        output.reserveCapacity(chunk.records.count)
        do {
            for record in chunk.records { try ledger.pushStateless(record, at: 0, end: steps.count, into: &output) }
        } catch {
            chunk.failure = (error as? PipeError) ?? PipeError(.internalError, "\(error)")
        }
        chunk.records = output
        chunk.stepsDone = steps.count
        chunk.counts = ledger.counts
        chunk.deadLetters = ledger.deadLetters
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

    /// Reads the next chunk into a new array after a copy of `prefix`, without an intermediate buffer; `nil`
    /// at the end of the file.
    func read(after prefix: [UInt8]) throws(PipeError) -> [UInt8]? {
        let size = buffer.count
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: prefix.count + size) { storage, initialized in
            _ = storage.initialize(fromContentsOf: prefix)
            while true {
                let count = Glibc_read(descriptor, storage.baseAddress! + prefix.count, size)
                if count < 0 && errno == EINTR { continue }
                if count < 0 { failure = errno }
                initialized = prefix.count + max(0, count)
                return
            }
        }
        if failure != 0 { throw PipeError(.unavailable, "read failed: errno \(failure)") }
        return bytes.count == prefix.count ? nil : bytes
    }

    /// Reads the next chunk and passes it to `body`; `nil` at the end of the file.
    func nextChunk<T>(_ body: (UnsafeRawBufferPointer) -> T) throws(PipeError) -> T? {
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                Glibc_read(descriptor, raw.baseAddress!, raw.count)
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

/// Reads a file and decodes it on tasks of its own into a bounded channel of chunks, in order, so decoding
/// overlaps the pipeline's steps; dropping it stops the tasks.
///
/// JSON Lines is cut at line ends and its chunks decoded in parallel (one task per processor, at most four),
/// each also running the run's stateless first steps; other formats decode on one task.
final class Prefetcher {
    let channel = ResultChannel<DecodedChunk>(capacity: 2)
    private var driver: Task<Void, Never>?

    init(path: String, sequence: DecodedRecords) {
        let format = sequence.format
        let limits = sequence.limits
        let selection = sequence.selection
        let prefix = sequence.prefix
        if case .jsonLines = format {
            let width = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
            driver = channel.startDriver { channel in
                try await Self.decodeLines(
                    path: path, limits: limits, selection: selection, prefix: prefix, width: width, into: channel)
            }
            return
        }
        driver = channel.startDriver { channel in
            let reader = try FileReader(path: path)
            var decoder = format.decoder(limits: limits, selection: selection)
            while !Task.isCancelled {
                var chunk = DecodedChunk()
                let outcome = try reader.nextChunk { raw in
                    Result { () throws(PipeError) in try decoder.feed(raw, into: &chunk.records) }
                }
                // A bad record ends the chunk, but the good ones before it still go through the steps first.
                do throws(PipeError) {
                    if outcome == nil { try decoder.finish(into: &chunk.records) }
                    try outcome?.get()
                } catch {
                    chunk.failure = error
                }
                chunk.read = chunk.records.count
                prefix?.run(&chunk)
                if chunk.read > 0 || chunk.failure != nil, !(await channel.send([chunk])) { return }
                if outcome == nil || chunk.failure != nil { return }
            }
        }
    }

    /// Cuts the file into runs of whole lines and decodes up to `width` of them at once, sending the results in
    /// file order.
    static func decodeLines(
        path: String, limits: PipelineLimits, selection: JSONFieldSelection?, prefix: StatelessPrefix?,
        width: Int, into channel: ResultChannel<DecodedChunk>
    ) async throws {
        let reader = try FileReader(path: path)
        try await withThrowingTaskGroup(of: (Int, DecodedChunk).self) { group in
            var carry: [UInt8] = []
            var atEnd = false
            var lines = 0
            var spawned = 0
            var sent = 0
            var done: [Int: DecodedChunk] = [:]
            while true {
                while spawned - sent < width && !atEnd {
                    try Task.checkCancellation()
                    var piece: [UInt8]
                    if let read = try reader.read(after: carry) {
                        // Everything up to the last line end is whole lines; the rest waits for the next read.
                        piece = read
                        var cut = piece.count  // the last line end is near: records are short
                        while cut > carry.count && piece[cut - 1] != 0x0A { cut -= 1 }
                        if cut == carry.count && !piece[..<cut].contains(0x0A) { cut = 0 }
                        carry = Array(piece[cut...])
                        piece.removeSubrange(cut...)
                    } else {
                        atEnd = true
                        piece = carry
                    }
                    guard carry.count <= limits.maxRecordBytes else {
                        throw PipeError(
                            .limitExceeded, "line \(lines + 1) is longer than \(limits.maxRecordBytes) bytes",
                            details: ["line": String(lines + 1)])
                    }
                    if piece.isEmpty { continue }
                    let firstLine = lines
                    lines += Self.lineEnds(in: piece)
                    let index = spawned
                    spawned += 1
                    group.addTask {
                        var decoder = JSONLinesDecoder(
                            maxRecordBytes: limits.maxRecordBytes, selection: selection?.privateCopy(),
                            firstLine: firstLine)
                        guard let prefix = prefix?.privateCopy() else {
                            var chunk = DecodedChunk()
                            do throws(PipeError) {
                                try decoder.decode(piece) { (record: JSONValue) throws(PipeError) in
                                    chunk.records.append(record)
                                }
                            } catch {
                                chunk.failure = error
                            }
                            chunk.read = chunk.records.count
                            return (index, chunk)
                        }
                        return (index, prefix.decode(piece, with: &decoder))
                    }
                }
                guard spawned > sent, let (index, chunk) = try await group.next() else { return }
                done[index] = chunk
                while let ready = done.removeValue(forKey: sent) {
                    sent += 1
                    guard await channel.send([ready]) else {
                        group.cancelAll()
                        return
                    }
                    if ready.failure != nil {
                        group.cancelAll()
                        return
                    }
                }
            }
        }
    }

    /// How many `\n` bytes `bytes` holds (for the line numbers in error messages), found with `memchr`.
    static func lineEnds(in bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { raw in
            guard var cursor = raw.baseAddress else { return 0 }
            let end = cursor + raw.count
            var count = 0
            while cursor < end, let found = memchr(cursor, 0x0A, end - cursor) {
                count += 1
                cursor = UnsafeRawPointer(found) + 1
            }
            return count
        }
    }

    deinit {
        driver?.cancel()
        channel.finish(CancellationError())
    }
}

/// `read(2)`, named apart from `FileReader.read(after:)`.
private func Glibc_read(_ descriptor: Int32, _ bytes: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, bytes, count)
}
