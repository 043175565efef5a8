import PipeCore

/// The storage service seen by one principal, through the `ObjectStorage` port that pipelines and other modules use.
///
/// ```swift
/// let environment = PipelineEnvironment(storage: storage.acting(as: jobOwner))
/// ```
public struct PrincipalStorage: ObjectStorage {
    /// The service.
    public let service: StorageService
    /// Who every call acts as.
    public let principal: Principal?

    public func createBucket(_ name: BucketName, options: BucketOptions) async throws(PipeError) -> Bucket {
        try await service.createBucket(name, options: options, as: principal)
    }

    public func getBucket(_ name: BucketName) async throws(PipeError) -> Bucket {
        try await service.getBucket(name, as: principal)
    }

    public func listBuckets() async throws(PipeError) -> [Bucket] {
        try await service.listBuckets(as: principal)
    }

    public func deleteBucket(_ name: BucketName) async throws(PipeError) {
        try await service.deleteBucket(name, as: principal)
    }

    public func putObject(_ bytes: [UInt8], in bucket: BucketName, at key: ObjectKey, options: PutObjectOptions)
        async throws(PipeError) -> ObjectInfo
    {
        try await service.putObject(bytes, in: bucket, at: key, options: options, as: principal)
    }

    public func getObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) -> StoredObject {
        try await service.getObject(in: bucket, at: key, as: principal)
    }

    /// Streams the object in chunks of the configured chunk size.
    public func readObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) -> ObjectChunks {
        let download = try await service.openObject(in: bucket, at: key, as: principal)
        let cursor = ChunkCursor(download.chunks.makeAsyncIterator())
        return ObjectChunks(info: download.info) { () async throws(PipeError) in try await cursor.next() }
    }

    public func headObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) -> ObjectInfo {
        try await service.headObject(in: bucket, at: key, as: principal)
    }

    public func listObjects(in bucket: BucketName, prefix: String, limit: Int, cursor: String?)
        async throws(PipeError) -> Page<ObjectInfo>
    {
        let listing = try await service.listObjects(
            in: bucket, prefix: prefix, limit: min(limit, service.configuration.maxListLimit), cursor: cursor,
            as: principal)
        return Page(items: listing.objects, nextCursor: listing.nextCursor)
    }

    public func deleteObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) {
        try await service.deleteObject(in: bucket, at: key, as: principal)
    }
}

extension StorageService {
    /// This service as the `ObjectStorage` port, every call made as `principal`.
    public func acting(as principal: Principal?) -> PrincipalStorage {
        PrincipalStorage(service: self, principal: principal)
    }
}

/// Holds a stream's iterator between calls of the closure an `ObjectChunks` is made of.
actor ChunkCursor {
    private var iterator: ObjectByteStream.AsyncIterator?

    init(_ iterator: ObjectByteStream.AsyncIterator) {
        self.iterator = iterator
    }

    func next() async throws(PipeError) -> [UInt8]? {
        // Taken out while it works, so an overlapping call (a misuse) finds nothing rather than shared state.
        guard var current = iterator else { return nil }
        iterator = nil
        let chunk = try await current.next()
        if chunk != nil { iterator = current }
        return chunk
    }
}
