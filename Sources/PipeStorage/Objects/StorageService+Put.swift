#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

extension StorageService {
    /// Stores `bytes` as an object; needs `write` on the object.
    ///
    /// - Throws: `bucket_not_found`; `object_exists` (`upsert` false and the key is
    ///   taken); `precondition_failed` (`ifMatch`/`ifNoneMatch`); `limit_exceeded`
    ///   (over the bucket's file size limit); `quota_exceeded`; `invalid_argument`
    ///   (a content type the bucket refuses, bad metadata); `forbidden`.
    @discardableResult
    public func putObject(
        _ bytes: [UInt8], in bucket: BucketName, at key: ObjectKey, options: PutObjectOptions = PutObjectOptions(),
        as principal: Principal?
    ) async throws(PipeError) -> ObjectInfo {
        var source = BytesSource(bytes, chunkSize: configuration.chunkSize)
        return try await put(from: &source, in: bucket, at: key, options: options, as: principal)
    }

    /// Stores the file at `url` as an object, reading it in chunks (any size; memory use stays flat).
    ///
    /// Throws what ``putObject(_:in:at:options:as:)`` throws, and `not_found` when the file is missing.
    @discardableResult
    public func putObject(
        fileAt url: URL, in bucket: BucketName, at key: ObjectKey, options: PutObjectOptions = PutObjectOptions(),
        as principal: Principal?
    ) async throws(PipeError) -> ObjectInfo {
        var source = try FileSource(path: url.path, chunkSize: configuration.chunkSize)
        let result: Result<ObjectInfo, PipeError>
        do throws(PipeError) {
            result = .success(try await put(from: &source, in: bucket, at: key, options: options, as: principal))
        } catch {
            result = .failure(error)
        }
        await source.settle()  // no read may still be in flight when the file is closed
        return try result.get()
    }

    /// Stores the bytes of an `AsyncSequence` of chunks (a request body, a generated export) as an object.
    ///
    /// The sequence is read once, as the write goes; a size limit fails the write as soon as it is passed. Throws
    /// what ``putObject(_:in:at:options:as:)`` throws; an error from the sequence fails the write and stores nothing.
    ///
    /// ```swift
    /// let (chunks, continuation) = AsyncStream.makeStream(of: [UInt8].self)
    /// async let info = storage.putObject(streaming: chunks, in: logs, at: key, as: alice)
    /// continuation.yield(Array("first line\n".utf8)); continuation.finish()
    /// ```
    @discardableResult
    public func putObject<Chunks: AsyncSequence>(
        streaming chunks: Chunks, in bucket: BucketName, at key: ObjectKey,
        options: PutObjectOptions = PutObjectOptions(), as principal: Principal?
    ) async throws(PipeError) -> ObjectInfo where Chunks.Element == [UInt8] {
        var source = SequenceSource(chunks, chunkSize: configuration.chunkSize)
        return try await put(from: &source, in: bucket, at: key, options: options, as: principal)
    }

    /// Stores an upload authorized by a signed URL (``verifySignedURL(method:bucket:key:query:contentType:)``).
    @discardableResult
    public func putObject<Chunks: AsyncSequence>(
        streaming chunks: Chunks, signed access: SignedAccess, options: PutObjectOptions = PutObjectOptions()
    ) async throws(PipeError) -> ObjectInfo where Chunks.Element == [UInt8] {
        guard access.method == .put else {
            throw PipeError(.signatureInvalid, "the URL is signed for \(access.method), not PUT", details: ["reason": "method"])
        }
        var options = options
        if let contentType = access.contentType {
            guard options.contentType == nil || options.contentType == contentType else {
                throw PipeError(
                    .signatureInvalid, "the URL is signed for Content-Type \(contentType)",
                    details: ["reason": "contentType"])
            }
            options.contentType = contentType
        }
        var source = SequenceSource(chunks, chunkSize: configuration.chunkSize)
        let record = try await metadata.bucket(access.bucket)
        try access.check(record)
        guard let record else { throw PipeError.noBucket(access.bucket) }
        return try await put(from: &source, in: record, at: access.key, options: options)
    }

    func put(
        from source: inout some ChunkSource, in bucket: BucketName, at key: ObjectKey, options: PutObjectOptions,
        as principal: Principal?
    ) async throws(PipeError) -> ObjectInfo {
        let record = try await visibleBucket(bucket, to: principal)
        try authorize(principal, .write, on: .object(bucket, key), in: record)
        return try await put(from: &source, in: record, at: key, options: options)
    }

    /// The write itself, once authorized: check, stream into a blob, commit the record, then drop what it replaced.
    func put(from source: inout some ChunkSource, in record: BucketRecord, at key: ObjectKey, options: PutObjectOptions)
        async throws(PipeError) -> ObjectInfo
    {
        let bucket = record.bucket
        let contentType = try ObjectOptionRules.contentType(
            for: key, options: options, bucket: bucket, maxMetadataBytes: configuration.maxMetadataBytes)
        let conditions = CommitConditions(options)
        // Fail fast on a taken key before streaming gigabytes; the commit checks again, atomically.
        try await precheck(conditions, bucket: bucket.name, key: key)
        let limitMessage = "the object is larger than bucket \(bucket.name)'s limit of \(bucket.fileSizeLimit ?? 0) bytes"
        let written = try await writeBlob(
            from: &source, encrypted: bucket.encryptedAtRest, limit: bucket.fileSizeLimit,
            limitMessage: limitMessage)
        let info = newObject(written, in: bucket, at: key, contentType: contentType, options: options)
        return try await commit(ObjectRecord(info: info, location: written.location), conditions: conditions)
    }

    /// The record of a just-written object: private buckets' objects default to `Cache-Control: private`.
    func newObject(
        _ written: WrittenBlob, in bucket: Bucket, at key: ObjectKey, contentType: String, options: PutObjectOptions
    ) -> ObjectInfo {
        let date = now
        return ObjectInfo(
            bucket: bucket.name, key: key, size: written.size, contentType: contentType, etag: written.sha256,
            cacheControl: options.cacheControl ?? bucket.defaultCacheControl ?? (bucket.isPublic ? nil : "private"),
            metadata: options.metadata, createdAt: date, updatedAt: date)
    }

    func precheck(_ conditions: CommitConditions, bucket: BucketName, key: ObjectKey) async throws(PipeError) {
        try conditions.check(try await metadata.object(bucket, key)?.info, key: key)
    }

    /// Records a written blob as the object; on refusal the blob is deleted, on success what it replaced is.
    func commit(_ object: ObjectRecord, conditions: CommitConditions) async throws(PipeError) -> ObjectInfo {
        let (info, freed): (ObjectInfo, [BlobID])
        do throws(PipeError) {
            (info, freed) = try await metadata.commitObject(object, conditions: conditions)
        } catch {
            if try await metadata.referencedBlobs([object.location.blob]).isEmpty {
                await blobs.deleteBlobs([object.location.blob])
            }
            throw error
        }
        cache.invalidate(object.info.bucket, object.info.key)
        await blobs.deleteBlobs(freed)
        metrics.count(.put)
        return info
    }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> PipeError) throws(PipeError) -> Wrapped {
        guard let self else { throw error() }
        return self
    }
}
