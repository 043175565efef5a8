import Foundation
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How far a transfer has come.
public struct TransferProgress: Sendable, Hashable {
    /// Bytes moved so far.
    public var bytes: Int64
    /// All the bytes to move, when known.
    public var total: Int64?

    /// A progress report.
    public init(bytes: Int64, total: Int64?) {
        self.bytes = bytes
        self.total = total
    }
}

/// Called as a transfer moves, from whatever thread moves it; keep it quick.
public typealias ProgressHandler = @Sendable (TransferProgress) -> Void

/// A link that lets whoever holds it read (`GET`) or create (`PUT`) one object until it expires, without
/// credentials.
public struct SignedLink: Sendable, Hashable {
    /// The path and query under the deployment's base URL (`/v1/storage/signed/…?…`).
    public var path: String
    /// `GET` or `PUT`.
    public var method: HTTPMethod
    /// When it stops working.
    public var expiresAt: Date

    /// The whole URL under `base`, the deployment's base URL.
    public func url(base: URL) -> URL? {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + path)
    }
}

/// Moving objects' bytes without holding them in memory: files and byte streams in and out, with progress; signed
/// links; resumable uploads that survive a dropped connection and a restart of the client. The same in-process and
/// remote, like ``PipeClient/storage``.
public protocol ObjectTransfers: Sendable {
    /// Streams the file at `file` into an object.
    func upload(
        file: URL, to bucket: BucketName, at key: ObjectKey, options: PutObjectOptions, progress: ProgressHandler?
    ) async throws(PipeError) -> ObjectInfo

    /// Streams `chunks` into an object; `length` (when known) is sent ahead.
    func upload(
        _ chunks: some AsyncSequence<[UInt8], any Error> & Sendable, length: Int64?, to bucket: BucketName,
        at key: ObjectKey, options: PutObjectOptions, progress: ProgressHandler?
    ) async throws(PipeError) -> ObjectInfo

    /// Writes an object into the file at `file`, atomically (it appears whole or not at all).
    func download(
        _ bucket: BucketName, _ key: ObjectKey, to file: URL, progress: ProgressHandler?
    ) async throws(PipeError) -> ObjectInfo

    /// An object's bytes as they arrive, in chunks; nothing holds the whole object.
    ///
    /// - Throws: from the call, what opening the object throws (`object_not_found`, …); from the sequence, a
    ///   transfer that fails part way.
    func stream(_ bucket: BucketName, _ key: ObjectKey) async throws(PipeError)
        -> (info: ObjectInfo, chunks: AsyncThrowingStream<[UInt8], any Error>)

    /// A link for `method` (`GET` or `PUT`) on one object, valid for `expiresIn` (at most 7 days).
    func signedLink(_ method: HTTPMethod, bucket: BucketName, key: ObjectKey, expiresIn: Duration)
        async throws(PipeError) -> SignedLink

    /// Starts a resumable upload of an object; keep the id to resume after a restart.
    func startUpload(to bucket: BucketName, at key: ObjectKey, options: PutObjectOptions) async throws(PipeError)
        -> UploadID

    /// Sends the parts of `file` the server does not hold yet (a part it holds is checked against the local bytes
    /// by its SHA-256, and sent again when they differ); returns the numbers of the parts sent.
    ///
    /// After a dropped connection or a restart, call it again with the same id: it goes on from what the server
    /// acknowledged.
    ///
    /// - Throws: `conflict` when the server holds parts past the end of the file (the file changed).
    func uploadParts(_ id: UploadID, file: URL, partSize: Int, progress: ProgressHandler?) async throws(PipeError)
        -> [Int]

    /// Joins the acknowledged parts into the object.
    func completeUpload(_ id: UploadID) async throws(PipeError) -> ObjectInfo

    /// Abandons a resumable upload and its parts.
    func abortUpload(_ id: UploadID) async throws(PipeError)
}

/// The default part size of resumable uploads: 8 MiB.
public let defaultUploadPartSize = 8 << 20

extension ObjectTransfers {
    /// Sends what the server lacks of `file` and completes the upload: ``uploadParts(_:file:partSize:progress:)``,
    /// then ``completeUpload(_:)``. Call it again with the same id after a failure.
    public func resumeUpload(
        _ id: UploadID, file: URL, partSize: Int = defaultUploadPartSize, progress: ProgressHandler? = nil
    ) async throws(PipeError) -> ObjectInfo {
        _ = try await uploadParts(id, file: file, partSize: partSize, progress: progress)
        return try await completeUpload(id)
    }
}

/// The parts of a file: sizes, and reading one part.
struct FileParts {
    let path: String
    let size: Int64
    let partSize: Int

    init(_ file: URL, partSize: Int) throws(PipeError) {
        guard (64 << 10...256 << 20).contains(partSize) else {
            throw PipeError(.invalidArgument, "partSize must be 64 KiB–256 MiB", details: ["field": "partSize"])
        }
        path = file.path
        self.partSize = partSize
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        } catch {
            throw PipeError(.notFound, "cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// Throws when the server holds parts past the file's end: the file shrank since they were sent.
    func check(_ acknowledged: [Int]) throws(PipeError) {
        if let extra = acknowledged.first(where: { $0 > count }) {
            throw PipeError(
                .conflict, "the upload has part \(extra) but \(path) now has \(count) parts: the file changed",
                details: ["part": String(extra)])
        }
    }

    /// Moves `temporary` over `file` in one step (rename(2)): a reader sees the old file or the new one.
    static func move(_ temporary: URL, to file: URL) throws(PipeError) {
        guard rename(temporary.path, file.path) == 0 else {
            throw PipeError(.unavailable, "cannot move \(temporary.path) to \(file.path): \(String(cString: strerror(errno)))")
        }
    }

    /// At least one part, even for an empty file.
    var count: Int { max(1, Int((size + Int64(partSize) - 1) / Int64(partSize))) }

    func range(of number: Int) -> Range<Int64> {
        let start = Int64(number - 1) * Int64(partSize)
        return start..<min(size, start + Int64(partSize))
    }

    func read(_ number: Int) throws(PipeError) -> [UInt8] {
        let range = range(of: number)
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(range.lowerBound))
            let data = try handle.read(upToCount: Int(range.count)) ?? Data()
            guard data.count == range.count else {
                throw PipeError(.conflict, "\(path) changed while it was being uploaded")
            }
            return [UInt8](data)
        } catch let error as PipeError {
            throw error
        } catch {
            throw PipeError(.unavailable, "cannot read \(path): \(error.localizedDescription)")
        }
    }
}

/// A file as chunks, read as they are asked for.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let path: String
    let chunkSize: Int
    let progress: ProgressHandler?
    let total: Int64?

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?
        let chunkSize: Int
        let progress: ProgressHandler?
        let total: Int64?
        var sent: Int64 = 0
        var failure: (any Error)?

        mutating func next() async throws -> [UInt8]? {
            guard let handle else { throw failure ?? PipeError(.unavailable, "the file could not be opened") }
            guard let data = try handle.read(upToCount: chunkSize), !data.isEmpty else {
                try? handle.close()
                return nil
            }
            sent += Int64(data.count)
            progress?(TransferProgress(bytes: sent, total: total))
            return [UInt8](data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            return AsyncIterator(handle: handle, chunkSize: chunkSize, progress: progress, total: total)
        } catch {
            return AsyncIterator(handle: nil, chunkSize: chunkSize, progress: progress, total: total, failure: error)
        }
    }
}

/// Counts the bytes of a sequence for a progress handler.
struct CountedChunks<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == [UInt8] {
    typealias Element = [UInt8]
    let base: Base
    let total: Int64?
    let progress: ProgressHandler?

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let total: Int64?
        let progress: ProgressHandler?
        var sent: Int64 = 0

        mutating func next() async throws -> [UInt8]? {
            guard let chunk = try await base.next() else { return nil }
            sent += Int64(chunk.count)
            progress?(TransferProgress(bytes: sent, total: total))
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), total: total, progress: progress)
    }
}
