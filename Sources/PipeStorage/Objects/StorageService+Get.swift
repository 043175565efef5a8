#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import CoreMetrics
import PipeCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension StorageService {
    /// An object's record without its bytes; needs `read` on the object.
    ///
    /// - Throws: `bucket_not_found`; `object_not_found` (also when `principal` may not
    ///   read it); `not_modified` / `precondition_failed` from `conditions`.
    public func headObject(
        in bucket: BucketName, at key: ObjectKey, conditions: ReadConditions = ReadConditions(),
        as principal: Principal?
    ) async throws(PipeError) -> ObjectInfo {
        let info = try await readableObject(bucket, key, by: principal).object.info
        try conditions.check(info)
        return info
    }

    /// Opens an object (or a byte range of it) for streaming; needs `read` on the object.
    ///
    /// - Throws: what ``headObject(in:at:conditions:as:)`` throws, and `range_not_satisfiable`.
    public func openObject(
        in bucket: BucketName, at key: ObjectKey, range: ByteRange? = nil,
        conditions: ReadConditions = ReadConditions(), as principal: Principal?
    ) async throws(PipeError) -> ObjectDownload {
        let (record, object, confirmation) = try await readableObject(bucket, key, by: principal)
        return try await open(
            bucket, key, range: range, conditions: conditions, found: object, bucketIsPublic: record.bucket.isPublic,
            confirmation: confirmation)
    }

    /// Opens an object authorized by a signed URL (``verifySignedURL(method:bucket:key:query:contentType:)``).
    public func openObject(
        signed access: SignedAccess, range: ByteRange? = nil, conditions: ReadConditions = ReadConditions()
    ) async throws(PipeError) -> ObjectDownload {
        guard access.method == .get || access.method == .head else {
            throw PipeError(
                .signatureInvalid, "the URL is signed for \(access.method), not GET", details: ["reason": "method"])
        }
        let (record, object) = try await metadata.bucketAndObject(access.bucket, access.key)
        try access.check(record)
        guard let object else { throw PipeError.noObject(access.bucket, access.key) }
        return try await open(
            access.bucket, access.key, range: range, conditions: conditions, found: object,
            bucketIsPublic: record?.bucket.isPublic ?? false)
    }

    /// Reads an object (or a range) into memory; needs `read` on the object.
    ///
    /// For objects bigger than ``StorageConfiguration/maxBufferedObjectSize`` use
    /// ``openObject(in:at:range:conditions:as:)`` or ``downloadObject(in:at:to:range:conditions:as:)``.
    /// The returned `StoredObject.bytes` hold the range asked for.
    ///
    /// - Throws: what ``openObject(in:at:range:conditions:as:)`` throws, and `limit_exceeded`.
    public func getObject(
        in bucket: BucketName, at key: ObjectKey, range: ByteRange? = nil,
        conditions: ReadConditions = ReadConditions(), as principal: Principal?
    ) async throws(PipeError) -> StoredObject {
        // A hot small object whose record is known current needs no database read at all.
        if range == nil, conditions == ReadConditions(), let (payload, _) = confirmedInMemory(bucket, key, as: principal) {
            return payload.object
        }
        let (_, found, confirmation) = try await readableObject(bucket, key, by: principal)
        // Whole small objects come from (and go into) the read cache inside `open`.
        let download = try await open(
            bucket, key, range: range, conditions: conditions, found: found, confirmation: confirmation)
        guard Int64(download.range.count) <= configuration.maxBufferedObjectSize else {
            throw PipeError(
                .limitExceeded,
                "\(key) is \(download.range.count) bytes; read objects over \(configuration.maxBufferedObjectSize) "
                    + "bytes as a stream or into a file")
        }
        if let bytes = download.bytesInMemory { return StoredObject(info: download.info, bytes: bytes) }
        return StoredObject(info: download.info, bytes: try await download.chunks.collect())
    }

    /// Writes an object (or a range) to the file at `url`, atomically: the file appears whole, or not at all.
    ///
    /// - Throws: what ``openObject(in:at:range:conditions:as:)`` throws, and file system errors.
    @discardableResult
    public func downloadObject(
        in bucket: BucketName, at key: ObjectKey, to url: URL, range: ByteRange? = nil,
        conditions: ReadConditions = ReadConditions(), as principal: Principal?
    ) async throws(PipeError) -> ObjectInfo {
        let download = try await openObject(in: bucket, at: key, range: range, conditions: conditions, as: principal)
        let path = url.path
        let temporary = "\(path).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).partial"
        let output = try DirectAppender(creating: temporary, mode: 0o644)
        do throws(PipeError) {
            var iterator = download.chunks.makeAsyncIterator()
            while let chunk = try await iterator.next() {
                try await BlockingIO.run { () throws(PipeError) in try output.append(chunk) }
            }
            try await BlockingIO.run { () throws(PipeError) in
                try output.finish()
                try POSIX.rename(temporary, path)
            }
        } catch {
            output.abandon()
            POSIX.unlink(temporary)
            throw error
        }
        return download.info
    }

    /// Looks the object up and opens its blob. An overwrite can delete the blob between the two steps; then the
    /// lookup runs again and finds the new one, so the reader gets the whole old object or the whole new one.
    ///
    /// `confirmation` says when `found` was read; a cached copy of that version is marked current as of then, for
    /// ``objectInMemory(in:at:as:)``.
    func open(
        _ bucket: BucketName, _ key: ObjectKey, range: ByteRange?, conditions: ReadConditions,
        found: ObjectRecord? = nil, bucketIsPublic: Bool = false, confirmation: ObjectCache.Confirmation? = nil
    ) async throws(PipeError) -> ObjectDownload {
        let generation = cache.generation
        for attempt in 0..<8 {
            let object: ObjectRecord
            if attempt == 0, let found {
                object = found
            } else {
                object = try await metadata.object(bucket, key).orThrow(PipeError.noObject(bucket, key))
            }
            try conditions.check(object.info)
            let cacheControl = ObjectDownload.cacheControl(for: object.info, bucketIsPublic: bucketIsPublic)
            // A whole small object comes from the read cache while the cached copy is the version just looked up.
            let cacheable = range == nil && object.info.size <= Int64(cache.objectLimit)
            if cacheable, let cached = cache.lookup(bucket, key), cached.info.etag == object.info.etag,
                cached.info.updatedAt == object.info.updatedAt
            {
                if attempt == 0, let confirmation { cache.confirm(object.info, confirmation) }
                metrics.count(.get)
                metrics.bytesRead.increment(by: Int64(cached.bytes.count))
                return ObjectDownload(
                    info: object.info, range: 0..<object.info.size, cacheControl: cacheControl,
                    chunks: ObjectByteStream(source: .memory(cached.bytes), onBytes: { _ in }))
            }
            let span = try range?.resolve(size: object.info.size) ?? 0..<object.info.size
            let blob: any BlobReader
            do throws(PipeError) {
                blob = try await blobs.openBlob(object.location.blob)
            } catch where error.code == .notFound && attempt < 7 {
                continue
            }
            let reader = PlaintextReader(
                blob: blob, size: object.info.size, key: try dataKey(of: object.location), range: span,
                chunkSize: configuration.chunkSize)
            metrics.count(.get)
            let counter = metrics.bytesRead
            let stream = ObjectByteStream(source: .blob(reader), onBytes: { counter.increment(by: Int64($0)) })
            guard cacheable else {
                return ObjectDownload(info: object.info, range: span, cacheControl: cacheControl, chunks: stream)
            }
            // Small: read it now (one read of at most the cache's object limit) and keep it for the next reader.
            let bytes = try await stream.collect()
            cache.insert(
                StoredObject(info: object.info, bytes: bytes), generation: generation,
                confirmation: attempt == 0 ? confirmation : nil)
            return ObjectDownload(
                info: object.info, range: span, cacheControl: cacheControl,
                chunks: ObjectByteStream(source: .memory(bytes), onBytes: { _ in }))
        }
        throw PipeError(.unavailable, "\(key) kept changing while it was being opened")
    }
}

extension StorageService {
    /// A whole small object served from memory alone, or `nil` when that cannot be done with certainty: the object
    /// is not in the read cache, or nothing proves the cached copy current, or `principal` may not read it (the
    /// ordinary calls then give the answer, error included).
    ///
    /// The cached copy counts as current while no metadata write has begun since its record was last read (the
    /// store's change counter has not moved; every process sharing the store bumps it around each write); when a
    /// write was in flight at that read, for a second at most. Made for the gateway's event-loop fast path: no lock
    /// is held for long, nothing is awaited and no file or database is touched.
    public func objectInMemory(in bucket: BucketName, at key: ObjectKey, as principal: Principal?) -> ObjectDownload? {
        guard let (payload, confirmation) = confirmedInMemory(bucket, key, as: principal) else { return nil }
        let object = payload.object
        return ObjectDownload(
            info: object.info, range: 0..<object.info.size, cacheControl: confirmation.cacheControl,
            chunks: ObjectByteStream(source: .memory(object.bytes), onBytes: { _ in }))
    }

    /// The cached copy behind ``objectInMemory(in:at:as:)``, when it is current and `principal` may read it
    /// (counted as a get).
    func confirmedInMemory(_ bucket: BucketName, _ key: ObjectKey, as principal: Principal?)
        -> (payload: ObjectCache.Payload, confirmation: ObjectCache.Confirmation)?
    {
        guard let counter = metadata.changeCounter?.value,
            let found = cache.confirmed(bucket, key, counter: counter, now: .now),
            Self.discovers(found.confirmation.bucket, principal),
            found.confirmation.bucket.policy.allows(principal, .read, on: .object(bucket, key))
        else { return nil }
        metrics.count(.get)
        metrics.bytesRead.increment(by: Int64(found.payload.object.bytes.count))
        return found
    }
}
