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
    /// The next chunk is hashed and sealed while the previous one is being written, so hashing costs no time on a
    /// machine with a second core. On any failure the partial blob is removed.
    func writeBlob(
        from source: inout some ChunkSource, encrypted: Bool, limit: Int64?, limitMessage: @autoclosure () -> String
    ) async throws(PipeError) -> WrittenBlob {
        if let limit, let known = source.knownSize, known > limit {
            throw PipeError(.limitExceeded, limitMessage(), details: ["limit": "\(limit)"])
        }
        let writer = try await blobs.makeWriter()
        if !encrypted, let file = source as? FileSource, let fileWriter = writer as? FileBlobWriter {
            return try await importFile(file, into: fileWriter, limit: limit, limitMessage: limitMessage())
        }
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
            var pending: Task<Result<Void, PipeError>, Never>? = nil
            defer { pending?.cancel() }
            while let chunk = try await source.nextChunk() {
                if Task.isCancelled { throw PipeError(.cancelled, "the write was cancelled") }
                size += Int64(chunk.count)
                if let limit, size > limit {
                    throw PipeError(.limitExceeded, limitMessage(), details: ["limit": "\(limit)"])
                }
                hasher.update(data: chunk)
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
            await writer.abort()
            throw error
        }
    }

    /// A plaintext file into a local blob: the kernel copies the bytes (as `cp` does), and each copied stretch is read
    /// back from the page cache and hashed while the next is being copied. Hashing what was stored, not what was
    /// read from the source, keeps the ETag true even if the source file changes during the copy.
    func importFile(_ file: FileSource, into writer: FileBlobWriter, limit: Int64?, limitMessage: String)
        async throws(PipeError) -> WrittenBlob
    {
        let step = 2 << 20  // big enough to amortise a thread hop, small enough to keep memory flat
        let source = file.descriptor  // the FileSource outlives this call and closes it
        do throws(PipeError) {
            var hasher = SHA256()
            var size: Int64 = 0
            var copied = try await writer.append(copyingFrom: source, at: 0, count: step)
            while copied > 0 {
                if Task.isCancelled { throw PipeError(.cancelled, "the write was cancelled") }
                if let limit, size + Int64(copied) > limit {
                    throw PipeError(.limitExceeded, limitMessage, details: ["limit": "\(limit)"])
                }
                let (offset, count) = (size, copied)
                async let next = Self.result { () async throws(PipeError) in
                    try await writer.append(copyingFrom: source, at: offset + Int64(count), count: step)
                }
                let stored = try await writer.readBack(at: offset, count: count)
                guard stored.count == count else {
                    throw PipeError(.unavailable, "the blob being written was shortened by someone else")
                }
                hasher.update(data: stored)
                size += Int64(count)
                copied = try await next.get()
            }
            let blob = try await writer.commit()
            metrics.bytesWritten.increment(by: size)
            return WrittenBlob(
                location: BlobLocation(blob: blob, storedSize: size, wrappedKey: nil), size: size,
                sha256: Self.hex(hasher.finalize()))
        } catch {
            await writer.abort()
            throw error
        }
    }

    static func result<T>(_ body: () async throws(PipeError) -> T) async -> Result<T, PipeError> {
        do throws(PipeError) {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The data key of a stored blob, unwrapped; `nil` for plaintext blobs.
    func dataKey(of location: BlobLocation) throws(PipeError) -> SymmetricKey? {
        try location.wrappedKey.map { wrapped throws(PipeError) in try keyRing.unwrap(wrapped) }
    }
}
