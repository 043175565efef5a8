import PipeCore

/// Authorization: every public operation passes through here before it reads or writes anything.
extension StorageService {
    /// The principal used by programs that own the whole store (the `pipe storage` commands, maintenance jobs).
    public static let localAdministrator = Principal(id: try! UserID("local-admin"), roles: [AccessPolicy.adminRole])

    /// The bucket's record, if `principal` may know it exists; the same `bucket_not_found` otherwise, so that names
    /// cannot be probed.
    func visibleBucket(_ name: BucketName, to principal: Principal?) async throws(PipeError) -> BucketRecord {
        guard let record = try await metadata.bucket(name), Self.discovers(record, principal) else {
            throw PipeError.noBucket(name)
        }
        return record
    }

    /// The bucket and the object for a read, looked up together, once `principal` is known to be allowed to read
    /// the object (the object record is not used before the check passes).
    func readableObject(_ bucket: BucketName, _ key: ObjectKey, by principal: Principal?) async throws(PipeError)
        -> (bucket: BucketRecord, object: ObjectRecord, confirmation: ObjectCache.Confirmation?)
    {
        // Taken before the read: while it holds, nothing committed since could be missing from the read.
        let snapshot = metadata.changeCounter?.snapshot()
        let (record, object) = try await metadata.bucketAndObject(bucket, key)
        guard let record, Self.discovers(record, principal) else {
            throw PipeError.noBucket(bucket)
        }
        try authorize(principal, .read, on: .object(bucket, key), in: record, hiddenAs: .objectNotFound)
        guard let object else { throw PipeError.noObject(bucket, key) }
        let confirmation = snapshot.map {
            ObjectCache.Confirmation(
                bucket: record, counter: $0.started, balanced: $0.balanced, at: .now,
                cacheControl: ObjectDownload.cacheControl(for: object.info, bucketIsPublic: record.bucket.isPublic))
        }
        return (record, object, confirmation)
    }

    /// Whether `principal` may know `record`'s bucket exists: its policy says so, and the principal's token (when
    /// scoped) reaches storage at all — a token scoped to pipelines learns nothing about buckets.
    static func discovers(_ record: BucketRecord, _ principal: Principal?) -> Bool {
        guard record.policy.isDiscoverable(by: principal) else { return false }
        guard let principal, !principal.scopes.isEmpty, !record.policy.publicRead else { return true }
        return principal.scopes.contains { $0.hasPrefix("storage:") }
    }

    /// Throws unless `principal` may do `action` on `resource`.
    ///
    /// A refusal is `forbidden` when the principal can read the resource anyway (it learns nothing new); when it
    /// cannot, the refusal is `hiddenAs` (`object_not_found` for operations on one object), the same error a missing
    /// object gives, so refusals do not reveal what exists.
    func authorize(
        _ principal: Principal?, _ action: Action, on resource: Resource, in record: BucketRecord,
        hiddenAs: PipeError.Code? = nil
    ) throws(PipeError) {
        if record.policy.allows(principal, action, on: resource) { return }
        if let hiddenAs, !record.policy.allows(principal, .read, on: resource) {
            throw PipeError(hiddenAs, "\(Self.describe(resource)) was not found")
        }
        throw PipeError(
            .forbidden, "\(principal.map { "\($0.id)" } ?? "an anonymous caller") may not \(action.rawValue) "
                + Self.describe(resource), details: ["action": action.rawValue])
    }

    static func describe(_ resource: Resource) -> String {
        switch resource {
        case .bucket(let bucket): "bucket \(bucket)"
        case .object(let bucket, let key): "object \(key) in \(bucket)"
        case .objects(let bucket, let prefix): "objects under \"\(prefix)\" in \(bucket)"
        case .pipeline(let id): "pipeline \(id)"
        case .job(let id): "job \(id)"
        case .account(let id): "account \(id)"
        }
    }
}
