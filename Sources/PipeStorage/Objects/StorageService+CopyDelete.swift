import PipeCore

/// Options for ``StorageService/copyObject(from:at:to:at:options:as:)``.
public struct CopyOptions: Sendable, Hashable {
    /// Replace an object already at the destination (otherwise `object_exists`).
    public var upsert: Bool
    /// Copy only if the source's ETag is this one (`precondition_failed` otherwise).
    public var sourceIfMatch: String?

    /// Makes copy options; the default refuses to overwrite.
    public init(upsert: Bool = false, sourceIfMatch: String? = nil) {
        self.upsert = upsert
        self.sourceIfMatch = sourceIfMatch
    }
}

/// What ``StorageService/deleteObjects(in:keys:as:)`` did.
public struct DeletedObjects: Sendable, Hashable {
    /// Keys that existed and are now gone.
    public var deleted: [ObjectKey]
    /// Keys that did not exist (deleting them is not an error in a batch).
    public var missing: [ObjectKey]
}

extension StorageService {
    /// Copies an object, within a bucket or across buckets, keeping its content type, cache control and metadata.
    ///
    /// Needs `read` on the source and `write` on the destination; the destination bucket's rules (size limit,
    /// content types, quotas) apply. When both buckets store bytes the same way (both encrypted or both not), the
    /// copy shares the stored blob and costs a metadata write, whatever the size; otherwise the bytes are re-encoded.
    ///
    /// - Throws: `object_not_found` for the source; what ``putObject(_:in:at:options:as:)`` throws for
    ///   the destination.
    @discardableResult
    public func copyObject(
        from sourceBucket: BucketName, at sourceKey: ObjectKey, to bucket: BucketName, at key: ObjectKey,
        options: CopyOptions = CopyOptions(), as principal: Principal?
    ) async throws(PipeError) -> ObjectInfo {
        try await copy(from: sourceBucket, at: sourceKey, to: bucket, at: key, options: options, as: principal).info
    }

    /// The copy, returning also the blob of the source version it copied.
    func copy(
        from sourceBucket: BucketName, at sourceKey: ObjectKey, to bucket: BucketName, at key: ObjectKey,
        options: CopyOptions, as principal: Principal?
    ) async throws(PipeError) -> (info: ObjectInfo, source: BlobID) {
        let sourceRecord = try await visibleBucket(sourceBucket, to: principal)
        try authorize(principal, .read, on: .object(sourceBucket, sourceKey), in: sourceRecord, hiddenAs: .objectNotFound)
        let target = sourceBucket == bucket ? sourceRecord : try await visibleBucket(bucket, to: principal)
        try authorize(principal, .write, on: .object(bucket, key), in: target)
        let source = try await metadata.object(sourceBucket, sourceKey).orThrow(
            PipeError.noObject(sourceBucket, sourceKey))
        try ReadConditions(ifMatch: options.sourceIfMatch).check(source.info)
        let destination = target.bucket
        let putOptions = PutObjectOptions(
            contentType: source.info.contentType, cacheControl: source.info.cacheControl,
            metadata: source.info.metadata, upsert: options.upsert)
        _ = try ObjectOptionRules.contentType(
            for: key, options: putOptions, bucket: destination, maxMetadataBytes: configuration.maxMetadataBytes)
        if let limit = destination.fileSizeLimit, source.info.size > limit {
            throw PipeError(
                .limitExceeded, "the object is larger than bucket \(bucket)'s limit of \(limit) bytes",
                details: ["limit": "\(limit)"])
        }
        metrics.count(.copy)
        if (source.location.wrappedKey != nil) == destination.encryptedAtRest {
            let date = now
            var info = source.info
            info.bucket = bucket
            info.key = key
            info.createdAt = date
            info.updatedAt = date
            let copied = try await commit(
                ObjectRecord(info: info, location: source.location),
                conditions: CommitConditions(upsert: options.upsert, sharesBlob: true))
            return (copied, source.location.blob)
        }
        let blob = try await blobs.openBlob(source.location.blob)
        var plaintext = PlaintextSource(
            reader: PlaintextReader(
                blob: blob, size: source.info.size, key: try dataKey(of: source.location),
                range: 0..<source.info.size, chunkSize: configuration.chunkSize))
        let result: Result<ObjectInfo, PipeError>
        do throws(PipeError) {
            result = .success(try await put(from: &plaintext, in: target, at: key, options: putOptions))
        } catch {
            result = .failure(error)
        }
        await plaintext.reader.settle()  // no read may be in flight when the blob is closed
        await blob.close()
        return (try result.get(), source.location.blob)
    }

    /// Moves an object: a copy, then a delete of the source. Needs `read` and `delete` on the source, `write` on
    /// the destination. If the delete fails the copy stays and the error is thrown, so the bytes are never lost;
    /// and the source is deleted only if it still holds the version that was copied (a write that landed on the
    /// source meanwhile is kept, and the move throws `conflict`).
    @discardableResult
    public func moveObject(
        from sourceBucket: BucketName, at sourceKey: ObjectKey, to bucket: BucketName, at key: ObjectKey,
        options: CopyOptions = CopyOptions(), as principal: Principal?
    ) async throws(PipeError) -> ObjectInfo {
        let sourceRecord = try await visibleBucket(sourceBucket, to: principal)
        try authorize(
            principal, .delete, on: .object(sourceBucket, sourceKey), in: sourceRecord, hiddenAs: .objectNotFound)
        guard sourceBucket != bucket || sourceKey != key else {
            throw PipeError(.invalidArgument, "an object cannot be moved onto itself")
        }
        let (info, copied) = try await copy(
            from: sourceBucket, at: sourceKey, to: bucket, at: key, options: options, as: principal)
        guard let freed = try await metadata.deleteObject(sourceBucket, sourceKey, ifBlob: copied) else {
            throw PipeError(
                .conflict, "\(sourceKey) changed while it was being moved; the copy at \(key) holds the version before",
                details: ["key": sourceKey.rawValue])
        }
        cache.invalidate(sourceBucket, sourceKey)
        await blobs.deleteBlobs(freed)
        metrics.count(.move)
        return info
    }

    /// Deletes an object; needs `delete` on it.
    ///
    /// - Throws: `bucket_not_found`, `object_not_found`, `forbidden`.
    public func deleteObject(in bucket: BucketName, at key: ObjectKey, as principal: Principal?)
        async throws(PipeError)
    {
        let record = try await visibleBucket(bucket, to: principal)
        try authorize(principal, .delete, on: .object(bucket, key), in: record, hiddenAs: .objectNotFound)
        guard try await removeObjects(bucket, [key]).deleted.isEmpty == false else {
            throw PipeError.noObject(bucket, key)
        }
    }

    /// Deletes up to 1000 objects at once; needs `delete` on each (checked for all before any is deleted).
    public func deleteObjects(in bucket: BucketName, keys: [ObjectKey], as principal: Principal?)
        async throws(PipeError) -> DeletedObjects
    {
        guard keys.count <= 1000 else { throw PipeError(.limitExceeded, "delete at most 1000 objects at once") }
        let record = try await visibleBucket(bucket, to: principal)
        for key in keys {
            try authorize(principal, .delete, on: .object(bucket, key), in: record, hiddenAs: .objectNotFound)
        }
        return try await removeObjects(bucket, keys)
    }

    func removeObjects(_ bucket: BucketName, _ keys: [ObjectKey]) async throws(PipeError) -> DeletedObjects {
        let (deleted, freed) = try await metadata.deleteObjects(bucket, keys)
        for key in keys { cache.invalidate(bucket, key) }
        await blobs.deleteBlobs(freed)
        metrics.count(.delete)
        let gone = Set(deleted)
        return DeletedObjects(deleted: deleted, missing: keys.filter { !gone.contains($0) })
    }
}
