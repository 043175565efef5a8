import Crypto
import CoreMetrics
import PipeCore

/// A blob written and committed, not yet recorded in metadata.
struct WrittenBlob: Sendable {
    var location: BlobLocation
    /// Plaintext size.
    var size: Int64
    /// SHA-256 of the plaintext, lowercase hex: the object's ETag.
    var sha256: String
}

extension StorageService {
    /// Streams `source` into a new blob: counts, hashes and (when `encrypted`) seals each chunk, and refuses the
    /// write as soon as it passes `limit`, before the rest is read.
    ///
    /// Each chunk is hashed while it is being written, so hashing costs no time on a machine with a second core. On
    /// any failure the partial blob is removed.
    func writeBlob(
        from source: inout some ChunkSource, encrypted: Bool, limit: Int64?, limitMessage: @autoclosure () -> String
    ) async throws(PipeError) -> WrittenBlob {
        if let limit, let known = source.knownSize, known > limit {
            throw PipeError(.limitExceeded, limitMessage(), details: ["limit": "\(limit)"])
        }
        let writer = try await blobs.makeWriter()
        // The write in flight; awaited before anything else touches the writer, abort included.
        var pending: Task<Result<Void, PipeError>, Never>? = nil
        do throws(PipeError) {
            var hasher = SHA256()
            var size: Int64 = 0
            var stored: Int64 = 0
            var sealer: SegmentSealer? = nil
            var wrapped: WrappedKey? = nil
            if encrypted {
                let (key, wrappedKey) = try keyRing.makeDataKey()
                sealer = SegmentSealer(key: key)
                wrapped = wrappedKey
            }
            while let chunk = try await source.nextChunk() {
                if Task.isCancelled { throw PipeError(.cancelled, "the write was cancelled") }
                size += Int64(chunk.count)
                if let limit, size > limit {
                    throw PipeError(.limitExceeded, limitMessage(), details: ["limit": "\(limit)"])
                }
                let out = try sealer?.seal(chunk) ?? chunk
                if let pending { try await pending.value.get() }
                stored += Int64(out.count)
                pending = out.isEmpty ? nil : Task { () async -> Result<Void, PipeError> in
                    do throws(PipeError) {
                        try await writer.write(out)
                        return .success(())
                    } catch {
                        return .failure(error)
                    }
                }
                hasher.update(data: chunk)  // while the write runs
            }
            if let pending { try await pending.value.get() }
            pending = nil
            if var final = sealer {
                let out = try final.finish()
                stored += Int64(out.count)
                try await writer.write(out)
            }
            let blob = try await writer.commit()
            metrics.bytesWritten.increment(by: Int64(size))
            return WrittenBlob(
                location: BlobLocation(blob: blob, storedSize: stored, wrappedKey: wrapped), size: size,
                sha256: Self.hex(hasher.finalize()))
        } catch {
            if let pending { _ = await pending.value }
            await writer.abort()
            throw error
        }
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        Hex.encode(digest)
    }

    /// The data key of a stored blob, unwrapped; `nil` for plaintext blobs.
    func dataKey(of location: BlobLocation) throws(PipeError) -> SymmetricKey? {
        try location.wrappedKey.map { wrapped throws(PipeError) in try keyRing.unwrap(wrapped) }
    }
}
