import PipeCore

extension StorageService {
    /// Creates a bucket owned by `principal`.
    ///
    /// Any signed-in principal may create buckets; anonymous callers may not.
    ///
    /// - Throws: `bucket_exists`; `unauthenticated` for `nil`;
    ///   `invalid_argument` for bad options.
    public func createBucket(_ name: BucketName, options: BucketOptions = BucketOptions(), as principal: Principal?)
        async throws(PipeError) -> Bucket
    {
        guard let principal else { throw PipeError(.unauthenticated, "sign in to create a bucket") }
        if principal.scopes.isEmpty == false && !principal.hasScope("storage:admin") {
            throw PipeError(.forbidden, "the token's scopes do not allow creating buckets (needs storage:admin)")
        }
        try Self.validate(options)
        let date = now
        let bucket = Bucket(name: name, options: options, createdAt: date, updatedAt: date)
        try await metadata.insertBucket(
            BucketRecord(bucket: bucket, policy: AccessPolicy(owner: principal.id, publicRead: options.isPublic)))
        metrics.count(.createBucket)
        return bucket
    }

    /// A bucket's settings. - Throws: `bucket_not_found` (also when `principal` may not see it).
    public func getBucket(_ name: BucketName, as principal: Principal?) async throws(PipeError) -> Bucket {
        try await visibleBucket(name, to: principal).bucket
    }

    /// The buckets `principal` may see, by name.
    public func listBuckets(as principal: Principal?) async throws(PipeError) -> [Bucket] {
        try await metadata.buckets().filter { Self.discovers($0, principal) }.map(\.bucket)
    }

    /// Replaces a bucket's settings; needs `admin` on the bucket.
    ///
    /// Tightened limits apply to later writes only: objects already stored stay.
    public func updateBucket(_ name: BucketName, options: BucketOptions, as principal: Principal?)
        async throws(PipeError) -> Bucket
    {
        let record = try await visibleBucket(name, to: principal)
        try authorize(principal, .admin, on: .bucket(name), in: record)
        try Self.validate(options)
        let date = now
        let updated = try await metadata.updateBucket(name) { record throws(PipeError) in
            record.bucket.options = options
            record.bucket.updatedAt = date
            record.policy.publicRead = options.isPublic
        }
        cache.invalidate(bucket: name)
        return updated.bucket
    }

    /// Who owns a bucket and who else may do what in it; needs `admin` on the bucket.
    public func bucketPolicy(_ name: BucketName, as principal: Principal?) async throws(PipeError) -> AccessPolicy {
        let record = try await visibleBucket(name, to: principal)
        try authorize(principal, .admin, on: .bucket(name), in: record)
        return record.policy
    }

    /// Replaces a bucket's grants; needs `admin` on the bucket. Grants must be on the bucket or resources in it.
    ///
    /// ```swift
    /// try await storage.setGrants([Grant(.role("editor"), .write, on: .objects(docs, prefix: "drafts/"))],
    ///                             on: docs, as: owner)
    /// ```
    public func setGrants(_ grants: [Grant], on name: BucketName, as principal: Principal?) async throws(PipeError)
        -> AccessPolicy
    {
        let record = try await visibleBucket(name, to: principal)
        try authorize(principal, .admin, on: .bucket(name), in: record)
        guard grants.count <= 1000 else { throw PipeError(.limitExceeded, "a bucket holds at most 1000 grants") }
        for grant in grants where !Resource.bucket(name).covers(grant.resource) {
            throw PipeError(.invalidArgument, "a grant on bucket \(name) must be on that bucket or objects in it")
        }
        return try await metadata.updateBucket(name) { record throws(PipeError) in
            record.policy.grants = grants
        }.policy
    }

    /// How many bytes and objects a bucket holds (what its quotas are checked against); needs `read` on the bucket.
    public func usage(of name: BucketName, as principal: Principal?) async throws(PipeError) -> BucketUsage {
        let record = try await visibleBucket(name, to: principal)
        try authorize(principal, .read, on: .bucket(name), in: record)
        return record.usage
    }

    /// Deletes every object in a bucket; needs `delete` on the bucket. Upload sessions stay.
    public func emptyBucket(_ name: BucketName, as principal: Principal?) async throws(PipeError) {
        let record = try await visibleBucket(name, to: principal)
        try authorize(principal, .delete, on: .bucket(name), in: record)
        let freed = try await metadata.removeBucketContents(name, deleteBucket: false, force: true)
        cache.invalidate(bucket: name)
        await blobs.deleteBlobs(freed)
        metrics.count(.emptyBucket)
    }

    /// Deletes a bucket; needs `admin` on it.
    ///
    /// - Parameters:
    ///   - name: the bucket.
    ///   - force: also delete the objects and upload sessions it holds; without it a bucket that holds
    ///     objects is refused with `conflict`, so a typo cannot wipe data.
    ///   - principal: the caller, who needs `admin` on the bucket.
    public func deleteBucket(_ name: BucketName, force: Bool = false, as principal: Principal?)
        async throws(PipeError)
    {
        let record = try await visibleBucket(name, to: principal)
        try authorize(principal, .admin, on: .bucket(name), in: record)
        let freed = try await metadata.removeBucketContents(name, deleteBucket: true, force: force)
        cache.invalidate(bucket: name)
        await blobs.deleteBlobs(freed)
        metrics.count(.deleteBucket)
    }

    static func validate(_ options: BucketOptions) throws(PipeError) {
        if let limit = options.fileSizeLimit, limit < 0 {
            throw PipeError(.invalidArgument, "fileSizeLimit must not be negative")
        }
        if let limit = options.maxBytes, limit < 0 { throw PipeError(.invalidArgument, "maxBytes must not be negative") }
        if let limit = options.maxObjects, limit < 0 {
            throw PipeError(.invalidArgument, "maxObjects must not be negative")
        }
        guard options.allowedContentTypes.count <= 100 else {
            throw PipeError(.limitExceeded, "at most 100 allowed content types")
        }
        for type in options.allowedContentTypes where !ContentTypes.isValid(type) && type != "*" {
            throw PipeError(.invalidArgument, "\(type.debugDescription) is not a media type (type/subtype or type/*)")
        }
        if let cacheControl = options.defaultCacheControl { try ObjectOptionRules.checkCacheControl(cacheControl) }
    }
}
