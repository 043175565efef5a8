import PipeCore
import PipeStorage

/// ``ObjectStorage`` in-process: PipeStorage's service, as the client's current caller.
struct EmbeddedStorage: ObjectStorage {
    let storage: StorageService
    let caller: EmbeddedCaller

    private func acting() async throws(PipeError) -> PrincipalStorage {
        storage.acting(as: try await caller.principal())
    }

    func createBucket(_ name: BucketName, options: BucketOptions) async throws(PipeError) -> Bucket {
        try await acting().createBucket(name, options: options)
    }

    func getBucket(_ name: BucketName) async throws(PipeError) -> Bucket {
        try await acting().getBucket(name)
    }

    func listBuckets() async throws(PipeError) -> [Bucket] {
        try await acting().listBuckets()
    }

    func deleteBucket(_ name: BucketName) async throws(PipeError) {
        try await acting().deleteBucket(name)
    }

    func putObject(_ bytes: [UInt8], in bucket: BucketName, at key: ObjectKey, options: PutObjectOptions)
        async throws(PipeError) -> ObjectInfo
    {
        try await acting().putObject(bytes, in: bucket, at: key, options: options)
    }

    func getObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) -> StoredObject {
        try await acting().getObject(in: bucket, at: key)
    }

    func readObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) -> ObjectChunks {
        try await acting().readObject(in: bucket, at: key)
    }

    func headObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) -> ObjectInfo {
        try await acting().headObject(in: bucket, at: key)
    }

    func listObjects(in bucket: BucketName, prefix: String, limit: Int, cursor: String?) async throws(PipeError)
        -> Page<ObjectInfo>
    {
        try await acting().listObjects(in: bucket, prefix: prefix, limit: limit, cursor: cursor)
    }

    func deleteObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) {
        try await acting().deleteObject(in: bucket, at: key)
    }
}
