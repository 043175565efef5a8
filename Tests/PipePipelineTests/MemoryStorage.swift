import Foundation
import PipeCore

/// A minimal in-memory `ObjectStorage` for these tests only: it stands in for the storage service
/// (issue 5 builds the real one) so the pipeline's storage sources and sinks are exercised through the
/// port exactly as they will be in production. Listing is not needed here and refuses.
actor MemoryStorage: ObjectStorage {
    private var buckets: [BucketName: Bucket] = [:]
    private var objects: [BucketName: [ObjectKey: StoredObject]] = [:]

    func createBucket(_ name: BucketName, options: BucketOptions) throws(PipeError) -> Bucket {
        guard buckets[name] == nil else { throw PipeError(.bucketExists, "bucket \(name) exists") }
        let bucket = Bucket(name: name, options: options, createdAt: Date(), updatedAt: Date())
        buckets[name] = bucket
        objects[name] = [:]
        return bucket
    }

    func getBucket(_ name: BucketName) throws(PipeError) -> Bucket {
        guard let bucket = buckets[name] else { throw PipeError(.bucketNotFound, "no bucket \(name)") }
        return bucket
    }

    func listBuckets() -> [Bucket] { buckets.values.sorted { $0.name.rawValue < $1.name.rawValue } }

    func deleteBucket(_ name: BucketName) throws(PipeError) {
        _ = try getBucket(name)
        buckets[name] = nil
        objects[name] = nil
    }

    func putObject(_ bytes: [UInt8], in bucket: BucketName, at key: ObjectKey, options: PutObjectOptions)
        throws(PipeError) -> ObjectInfo
    {
        _ = try getBucket(bucket)
        if !options.upsert, objects[bucket]?[key] != nil { throw PipeError(.objectExists, "\(key) exists") }
        let info = ObjectInfo(
            bucket: bucket, key: key, size: Int64(bytes.count),
            contentType: options.contentType ?? "application/octet-stream", etag: "\(bytes.hashValue)",
            createdAt: Date(), updatedAt: Date())
        objects[bucket, default: [:]][key] = StoredObject(info: info, bytes: bytes)
        return info
    }

    func getObject(in bucket: BucketName, at key: ObjectKey) throws(PipeError) -> StoredObject {
        _ = try getBucket(bucket)
        guard let object = objects[bucket]?[key] else { throw PipeError(.objectNotFound, "no object \(key)") }
        return object
    }

    func headObject(in bucket: BucketName, at key: ObjectKey) throws(PipeError) -> ObjectInfo {
        try getObject(in: bucket, at: key).info
    }

    func listObjects(in bucket: BucketName, prefix: String, limit: Int, cursor: String?) throws(PipeError)
        -> Page<ObjectInfo>
    {
        throw PipeError(.unavailable, "listing is not part of this test double")
    }

    func deleteObject(in bucket: BucketName, at key: ObjectKey) throws(PipeError) {
        _ = try getObject(in: bucket, at: key)
        objects[bucket]?[key] = nil
    }
}
