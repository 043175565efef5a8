import Crypto
import Foundation
import PipeCore
import PipeStorage

/// ``ObjectTransfers`` in-process: PipeStorage's streaming calls, as the client's current caller.
struct EmbeddedTransfers: ObjectTransfers {
    let storage: StorageService
    let caller: EmbeddedCaller
    static let chunkSize = 1 << 20

    func upload(
        file: URL, to bucket: BucketName, at key: ObjectKey, options: PutObjectOptions, progress: ProgressHandler?
    ) async throws(PipeError) -> ObjectInfo {
        let principal = try await caller.principal()
        guard let progress else {
            return try await storage.putObject(fileAt: file, in: bucket, at: key, options: options, as: principal)
        }
        let total = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value
        let chunks = FileChunks(path: file.path, chunkSize: Self.chunkSize, progress: progress, total: total)
        return try await storage.putObject(streaming: chunks, in: bucket, at: key, options: options, as: principal)
    }

    func upload(
        _ chunks: some AsyncSequence<[UInt8], any Error> & Sendable, length: Int64?, to bucket: BucketName,
        at key: ObjectKey, options: PutObjectOptions, progress: ProgressHandler?
    ) async throws(PipeError) -> ObjectInfo {
        try await storage.putObject(
            streaming: CountedChunks(base: chunks, total: length, progress: progress), in: bucket, at: key,
            options: options, as: try await caller.principal())
    }

    func download(_ bucket: BucketName, _ key: ObjectKey, to file: URL, progress: ProgressHandler?)
        async throws(PipeError) -> ObjectInfo
    {
        let principal = try await caller.principal()
        guard let progress else { return try await storage.downloadObject(in: bucket, at: key, to: file, as: principal) }
        let download = try await storage.openObject(in: bucket, at: key, as: principal)
        let total = download.info.size
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw PipeError(.unavailable, "cannot create \(temporary.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            var written: Int64 = 0
            for try await chunk in download.chunks {
                try handle.write(contentsOf: chunk)
                written += Int64(chunk.count)
                progress(TransferProgress(bytes: written, total: total))
            }
            try handle.close()
            try FileParts.move(temporary, to: file)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error as? PipeError ?? PipeError(.unavailable, "cannot write \(file.path): \(error.localizedDescription)")
        }
        return download.info
    }

    func stream(_ bucket: BucketName, _ key: ObjectKey) async throws(PipeError)
        -> (info: ObjectInfo, chunks: AsyncThrowingStream<[UInt8], any Error>)
    {
        let download = try await storage.openObject(in: bucket, at: key, as: try await caller.principal())
        return (download.info, .forwarding(download.chunks))
    }

    func signedLink(_ method: HTTPMethod, bucket: BucketName, key: ObjectKey, expiresIn: Duration)
        async throws(PipeError) -> SignedLink
    {
        let link = try await storage.signURL(method, in: bucket, at: key, expiresIn: expiresIn, as: try await caller.principal())
        return SignedLink(path: link.path + "?" + link.query, method: link.method, expiresAt: link.expiresAt)
    }

    func startUpload(to bucket: BucketName, at key: ObjectKey, options: PutObjectOptions) async throws(PipeError)
        -> UploadID
    {
        try await storage.startUpload(in: bucket, at: key, options: options, as: try await caller.principal()).id
    }

    func uploadParts(_ id: UploadID, file: URL, partSize: Int, progress: ProgressHandler?) async throws(PipeError)
        -> [Int]
    {
        let principal = try await caller.principal()
        let parts = try FileParts(file, partSize: partSize)
        let acknowledged = try await storage.upload(id, as: principal).parts
        try parts.check(acknowledged.map(\.number))
        var sent: [Int] = []
        var moved: Int64 = 0
        for number in 1...parts.count {
            let bytes = try parts.read(number)
            let known = acknowledged.first { $0.number == number }
            if known?.size != Int64(bytes.count) || known?.sha256 != Self.sha256(bytes) {
                _ = try await storage.uploadPart(bytes, number: number, to: id, as: principal)
                sent.append(number)
            }
            moved += Int64(bytes.count)
            progress?(TransferProgress(bytes: moved, total: parts.size))
        }
        return sent
    }

    func completeUpload(_ id: UploadID) async throws(PipeError) -> ObjectInfo {
        try await storage.completeUpload(id, as: try await caller.principal())
    }

    func abortUpload(_ id: UploadID) async throws(PipeError) {
        try await storage.abortUpload(id, as: try await caller.principal())
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }
}
