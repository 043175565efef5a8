#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

extension StorageService {
    /// Starts a resumable upload of one object; needs `write` on the object.
    ///
    /// The options (content type, upsert, conditions …) are checked now and again on completion.
    ///
    /// ```swift
    /// let session = try await storage.startUpload(in: videos, at: key, as: alice)
    /// for (number, part) in parts.enumerated() {
    ///     _ = try await storage.uploadPart(part, number: number + 1, to: session.id, as: alice)
    /// }
    /// let info = try await storage.completeUpload(session.id, as: alice)
    /// ```
    public func startUpload(
        in bucket: BucketName, at key: ObjectKey, options: PutObjectOptions = PutObjectOptions(),
        as principal: Principal?
    ) async throws(PipeError) -> UploadSession {
        let record = try await visibleBucket(bucket, to: principal)
        try authorize(principal, .write, on: .object(bucket, key), in: record)
        _ = try ObjectOptionRules.contentType(
            for: key, options: options, bucket: record.bucket, maxMetadataBytes: configuration.maxMetadataBytes)
        try await precheck(CommitConditions(options), bucket: bucket, key: key)
        let date = now
        let upload = UploadRecord(
            id: UploadID.random(), bucket: bucket, key: key, options: options, owner: principal?.id, createdAt: date,
            expiresAt: date.addingTimeInterval(Self.seconds(configuration.uploadSessionLifetime)))
        try await metadata.insertUpload(upload)
        metrics.count(.startUpload)
        return Self.session(upload, parts: [])
    }

    /// Sends one part (numbered from 1); sending a number again replaces that part. Only the principal that started
    /// the session may add to it.
    ///
    /// - Throws: `upload_not_found` (unknown, finished, expired or someone else's session);
    ///   `invalid_argument` for a bad number; `limit_exceeded` for a part over
    ///   ``StorageConfiguration/maxPartSize`` or the bucket's file size limit.
    @discardableResult
    public func uploadPart(_ bytes: [UInt8], number: Int, to id: UploadID, as principal: Principal?)
        async throws(PipeError) -> UploadedPart
    {
        var source = BytesSource(bytes, chunkSize: configuration.chunkSize)
        return try await uploadPart(from: &source, number: number, to: id, as: principal)
    }

    /// Sends one part from an `AsyncSequence` of chunks (see ``uploadPart(_:number:to:as:)``).
    @discardableResult
    public func uploadPart<Chunks: AsyncSequence>(
        streaming chunks: Chunks, number: Int, to id: UploadID, as principal: Principal?
    ) async throws(PipeError) -> UploadedPart where Chunks.Element == [UInt8] {
        var source = SequenceSource(chunks, chunkSize: configuration.chunkSize)
        return try await uploadPart(from: &source, number: number, to: id, as: principal)
    }

    /// The session and the parts acknowledged so far: what a client resumes from.
    public func upload(_ id: UploadID, as principal: Principal?) async throws(PipeError) -> UploadSession {
        let upload = try await ownUpload(id, principal)
        return Self.session(upload, parts: try await metadata.parts(of: id))
    }

    /// Joins the parts, which must be numbered 1…n without gaps, into the object.
    ///
    /// Every part is checked against the hash recorded when it was acknowledged, so a part damaged on disk fails
    /// the completion (`data_corrupted`) instead of producing a wrong object. The object's ETag is
    /// the SHA-256 of the joined bytes, like any other object's.
    ///
    /// - Throws: `upload_not_found`; `invalid_argument` (missing parts); what
    ///   ``putObject(_:in:at:options:as:)`` throws at commit.
    public func completeUpload(_ id: UploadID, as principal: Principal?) async throws(PipeError) -> ObjectInfo {
        let upload = try await ownUpload(id, principal)
        let record = try await visibleBucket(upload.bucket, to: principal)
        try authorize(principal, .write, on: .object(upload.bucket, upload.key), in: record)
        let bucket = record.bucket
        let contentType = try ObjectOptionRules.contentType(
            for: upload.key, options: upload.options, bucket: bucket, maxMetadataBytes: configuration.maxMetadataBytes)
        let parts = try await metadata.parts(of: id)
        guard !parts.isEmpty else { throw PipeError(.invalidArgument, "the upload has no parts") }
        if let gap = parts.enumerated().first(where: { $0.element.number != $0.offset + 1 }) {
            throw PipeError(
                .invalidArgument, "part \(gap.offset + 1) is missing; parts must be numbered 1…n",
                details: ["missingPart": "\(gap.offset + 1)"])
        }
        var source = PartsSource(service: self, parts: parts)
        let written = try await writeBlob(
            from: &source, encrypted: bucket.encryptedAtRest, limit: bucket.fileSizeLimit,
            limitMessage: "the object is larger than bucket \(bucket.name)'s limit of \(bucket.fileSizeLimit ?? 0) bytes")
        let info = newObject(written, in: bucket, at: upload.key, contentType: contentType, options: upload.options)
        let conditions = CommitConditions(upload.options)
        let stored: ObjectInfo
        let freed: [BlobID]
        do throws(PipeError) {
            (stored, freed) = try await metadata.completeUpload(
                id, object: ObjectRecord(info: info, location: written.location), conditions: conditions)
        } catch {
            await blobs.deleteBlobs([written.location.blob])
            throw error
        }
        cache.invalidate(bucket.name, upload.key)
        await blobs.deleteBlobs(freed)
        metrics.count(.completeUpload)
        return stored
    }

    /// Discards a session and its parts.
    public func abortUpload(_ id: UploadID, as principal: Principal?) async throws(PipeError) {
        _ = try await ownUpload(id, principal)
        await blobs.deleteBlobs(try await metadata.deleteUpload(id))
        metrics.count(.abortUpload)
    }

    func uploadPart(from source: inout some ChunkSource, number: Int, to id: UploadID, as principal: Principal?)
        async throws(PipeError) -> UploadedPart
    {
        let upload = try await ownUpload(id, principal)
        guard (1...configuration.maxParts).contains(number) else {
            throw PipeError(.invalidArgument, "part numbers run from 1 to \(configuration.maxParts) (got \(number))")
        }
        let record = try await visibleBucket(upload.bucket, to: principal)
        let limit = min(configuration.maxPartSize, record.bucket.fileSizeLimit ?? .max)
        let written = try await writeBlob(
            from: &source, encrypted: record.bucket.encryptedAtRest, limit: limit,
            limitMessage: "a part may hold at most \(limit) bytes")
        let part = PartRecord(number: number, size: written.size, sha256: written.sha256, location: written.location)
        do throws(PipeError) {
            await blobs.deleteBlobs(try await metadata.putPart(part, of: id))
        } catch {
            await blobs.deleteBlobs([written.location.blob])
            throw error
        }
        metrics.count(.uploadPart)
        return UploadedPart(number: number, size: written.size, sha256: written.sha256)
    }

    /// The session, if it exists, has not expired, and belongs to `principal` (administrators may touch any);
    /// `upload_not_found` otherwise, so ids cannot be probed.
    func ownUpload(_ id: UploadID, _ principal: Principal?) async throws(PipeError) -> UploadRecord {
        let missing = PipeError.noUpload(id)
        guard let upload = try await metadata.upload(id), upload.expiresAt > now else { throw missing }
        guard upload.owner == principal?.id || principal?.hasRole(AccessPolicy.adminRole) == true else {
            throw missing
        }
        return upload
    }

    static func session(_ upload: UploadRecord, parts: [PartRecord]) -> UploadSession {
        UploadSession(
            id: upload.id, bucket: upload.bucket, key: upload.key, options: upload.options,
            createdAt: upload.createdAt, expiresAt: upload.expiresAt,
            parts: parts.map { UploadedPart(number: $0.number, size: $0.size, sha256: $0.sha256) })
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
