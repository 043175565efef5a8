/// The storage port: buckets and the objects in them.
///
/// Designed for implementations in-process (local disk and SQLite), over HTTP and on S3-compatible stores, which later
/// modules provide, with one contract test suite run against each so they behave alike. Implementations check
/// bucket rules (size limit, content types); a value of this type acts for one caller, and implementations that know
/// their caller (PipeStorage's `StorageService.acting(as:)`) check its permissions on every call, against the
/// bucket's ``AccessPolicy``.
///
/// Errors are ``PipeError``s; each method lists the codes it throws for expected failures. Any method may also throw
/// ``PipeError/Code/unavailable`` when the backing store cannot be reached.
///
/// Writes are atomic: a reader sees a whole old object or a whole new one, never part of either.
///
/// ```swift
/// let photos = try BucketName("photos")
/// _ = try await storage.createBucket(photos, options: BucketOptions(allowedContentTypes: ["image/*"]))
/// let info = try await storage.putObject(jpeg, in: photos, at: try ObjectKey("cat.jpg"),
///                                        options: PutObjectOptions(contentType: "image/jpeg"))
/// ```
public protocol ObjectStorage: Sendable {
    // MARK: Buckets

    /// Creates a bucket.
    ///
    /// - Throws: ``PipeError/Code/bucketExists`` when the name is taken.
    func createBucket(_ name: BucketName, options: BucketOptions) async throws(PipeError) -> Bucket

    /// Returns a bucket's record.
    ///
    /// - Throws: ``PipeError/Code/bucketNotFound``.
    func getBucket(_ name: BucketName) async throws(PipeError) -> Bucket

    /// Returns every bucket, ordered by name.
    func listBuckets() async throws(PipeError) -> [Bucket]

    /// Deletes an empty bucket.
    ///
    /// - Throws: ``PipeError/Code/bucketNotFound``; ``PipeError/Code/conflict`` when the bucket still holds objects
    ///   (deleting them is an explicit, separate act, so a typo cannot wipe a bucket).
    func deleteBucket(_ name: BucketName) async throws(PipeError)

    // MARK: Objects

    /// Stores `bytes` as the object `key` in `bucket` and returns its record.
    ///
    /// - Throws: ``PipeError/Code/bucketNotFound``; ``PipeError/Code/objectExists`` when the key is taken and
    ///   `options.upsert` is `false`; ``PipeError/Code/limitExceeded`` when `bytes` exceeds the bucket's
    ///   ``Bucket/fileSizeLimit``; ``PipeError/Code/invalidArgument`` when the content type is not one the bucket
    ///   accepts (``Bucket/accepts(contentType:)``).
    func putObject(_ bytes: [UInt8], in bucket: BucketName, at key: ObjectKey, options: PutObjectOptions)
        async throws(PipeError) -> ObjectInfo

    /// Reads an object in full.
    ///
    /// - Throws: ``PipeError/Code/bucketNotFound``, ``PipeError/Code/objectNotFound``.
    func getObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) -> StoredObject

    /// Reads an object as a stream of chunks, so that its size does not bound the reader's memory.
    ///
    /// A default implementation hands over ``getObject(in:at:)``'s bytes as one chunk; stores that can stream
    /// override it.
    ///
    /// - Throws: ``PipeError/Code/bucketNotFound``, ``PipeError/Code/objectNotFound``; iteration throws what reading
    ///   the bytes throws.
    func readObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) -> ObjectChunks

    /// Returns an object's record without its bytes.
    ///
    /// - Throws: ``PipeError/Code/bucketNotFound``, ``PipeError/Code/objectNotFound``.
    func headObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) -> ObjectInfo

    /// Lists objects whose keys start with `prefix`, in ascending UTF-8 byte order of their keys.
    ///
    /// - Parameters:
    ///   - bucket: the bucket to list.
    ///   - prefix: compared byte-wise; `""` lists everything.
    ///   - limit: the most items to return, at least 1; implementations may cap it (at no less than 1000) and may
    ///     return fewer items even when more follow (see ``Page``).
    ///   - cursor: `nil` for the first page, else the ``Page/nextCursor`` of the previous page.
    /// - Throws: ``PipeError/Code/bucketNotFound``; ``PipeError/Code/invalidArgument`` for a `limit` below 1 or a
    ///   cursor this store did not make.
    func listObjects(in bucket: BucketName, prefix: String, limit: Int, cursor: String?) async throws(PipeError)
        -> Page<ObjectInfo>

    /// Deletes an object.
    ///
    /// - Throws: ``PipeError/Code/bucketNotFound``, ``PipeError/Code/objectNotFound``.
    func deleteObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError)
}

extension ObjectStorage {
    /// Hands over the whole object as one chunk (for stores that cannot stream).
    public func readObject(in bucket: BucketName, at key: ObjectKey) async throws(PipeError) -> ObjectChunks {
        let object = try await getObject(in: bucket, at: key)
        let pending = PendingBytes(object.bytes)
        return ObjectChunks(info: object.info) { pending.take() }
    }

    /// Creates a private bucket with default settings.
    public func createBucket(_ name: BucketName) async throws(PipeError) -> Bucket {
        try await createBucket(name, options: BucketOptions())
    }

    /// Stores `bytes` with default options: `application/octet-stream`, no overwrite.
    public func putObject(_ bytes: [UInt8], in bucket: BucketName, at key: ObjectKey) async throws(PipeError)
        -> ObjectInfo
    {
        try await putObject(bytes, in: bucket, at: key, options: PutObjectOptions())
    }

    /// Lists the first page of objects under `prefix`.
    public func listObjects(in bucket: BucketName, prefix: String = "", limit: Int = 1000) async throws(PipeError)
        -> Page<ObjectInfo>
    {
        try await listObjects(in: bucket, prefix: prefix, limit: limit, cursor: nil)
    }
}
