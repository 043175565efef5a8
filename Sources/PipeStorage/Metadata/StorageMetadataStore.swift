#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

/// Where the storage service keeps buckets, object records and upload sessions: SQLite embedded
/// (`SQLiteStorageMetadata`), PostgreSQL when scaled out.
///
/// Each method is one transaction. Methods that drop a reference to a blob return the blobs no longer referenced
/// by any object or part, which the caller deletes after the transaction committed (never before: a crash in
/// between leaves an orphan for the sweep, never a record pointing at nothing).
package protocol StorageMetadataStore: Sendable {
    /// A counter every writer to this store bumps after each commit, for readers to tell that nothing changed since
    /// they looked; `nil` when the store cannot offer one (then nothing is served from memory unconfirmed).
    var changeCounter: SharedChangeCounter? { get }

    // MARK: Buckets

    /// - Throws: `bucket_exists`.
    func insertBucket(_ record: BucketRecord) async throws(PipeError)
    func bucket(_ name: BucketName) async throws(PipeError) -> BucketRecord?
    func buckets() async throws(PipeError) -> [BucketRecord]
    /// Applies `change` to the stored record and saves it. - Throws: `bucket_not_found`, or what `change` throws.
    func updateBucket(_ name: BucketName, _ change: @escaping @Sendable (inout BucketRecord) throws(PipeError) -> Void)
        async throws(PipeError) -> BucketRecord
    /// Deletes every object (and, when `deleteBucket`, the bucket and its uploads).
    /// - Throws: `bucket_not_found`; `conflict` when `deleteBucket && !force` and objects remain.
    func removeBucketContents(_ name: BucketName, deleteBucket: Bool, force: Bool) async throws(PipeError)
        -> [BlobID]

    // MARK: Objects

    func object(_ bucket: BucketName, _ key: ObjectKey) async throws(PipeError) -> ObjectRecord?
    /// The bucket and the object, read together (one round trip for the hot read path).
    func bucketAndObject(_ bucket: BucketName, _ key: ObjectKey) async throws(PipeError)
        -> (bucket: BucketRecord?, object: ObjectRecord?)
    /// Writes `record` if `conditions` and the bucket's quotas allow it; returns the stored record (creation date
    /// kept from a replaced object) and the blobs the replaced object freed.
    /// - Throws: `bucket_not_found`, `object_exists`, `precondition_failed`, `quota_exceeded`.
    func commitObject(_ record: ObjectRecord, conditions: CommitConditions) async throws(PipeError)
        -> (info: ObjectInfo, freed: [BlobID])
    /// Deletes the objects that exist among `keys`; returns the keys deleted and the blobs freed.
    func deleteObjects(_ bucket: BucketName, _ keys: [ObjectKey]) async throws(PipeError)
        -> (deleted: [ObjectKey], freed: [BlobID])
    /// Deletes the object only if it still stores `blob` (the version a move copied); returns the blobs freed, or
    /// `nil` when the object is gone or holds other bytes now.
    func deleteObject(_ bucket: BucketName, _ key: ObjectKey, ifBlob blob: BlobID) async throws(PipeError) -> [BlobID]?
    /// Up to `limit` objects whose keys start with `prefix` and are byte-wise at least `from`, in key order.
    func listObjects(_ bucket: BucketName, prefix: String, from: [UInt8], limit: Int) async throws(PipeError)
        -> [ObjectRecord]
    /// The members of `ids` that an object or a part still refers to.
    func referencedBlobs(_ ids: [BlobID]) async throws(PipeError) -> Set<BlobID>
    /// Replaces, in batches of at most `batch`, every wrapped key not made by `activeKeyID` with `rewrap(key)`;
    /// returns how many it replaced.
    func rewrapKeys(
        activeKeyID: String, batch: Int, _ rewrap: @escaping @Sendable (WrappedKey) throws(PipeError) -> WrappedKey
    ) async throws(PipeError) -> Int

    // MARK: Uploads

    /// - Throws: `bucket_not_found`.
    func insertUpload(_ record: UploadRecord) async throws(PipeError)
    func upload(_ id: UploadID) async throws(PipeError) -> UploadRecord?
    /// Records (or replaces) a part; returns blobs freed by a replaced part. - Throws: `upload_not_found`.
    func putPart(_ part: PartRecord, of upload: UploadID) async throws(PipeError) -> [BlobID]
    func parts(of upload: UploadID) async throws(PipeError) -> [PartRecord]
    /// Deletes a session and its parts; returns the parts' blobs that nothing else refers to.
    func deleteUpload(_ id: UploadID) async throws(PipeError) -> [BlobID]
    /// Commits `object` (like ``commitObject(_:conditions:)``) and deletes the session, in one transaction.
    func completeUpload(_ id: UploadID, object: ObjectRecord, conditions: CommitConditions) async throws(PipeError)
        -> (info: ObjectInfo, freed: [BlobID])
    func expiredUploads(at date: Date) async throws(PipeError) -> [UploadID]
}
