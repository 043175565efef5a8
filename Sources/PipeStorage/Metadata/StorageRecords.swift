#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

/// How much a bucket holds: the figures its quotas are checked against.
public struct BucketUsage: Sendable, Hashable, Codable {
    /// The total size of the bucket's objects.
    public var bytes: Int64
    /// How many objects the bucket holds.
    public var objects: Int64

    /// Makes a usage figure.
    public init(bytes: Int64 = 0, objects: Int64 = 0) {
        self.bytes = bytes
        self.objects = objects
    }
}

/// A bucket as the metadata store keeps it: settings, access rules and usage.
package struct BucketRecord: Sendable, Hashable {
    package var bucket: Bucket
    /// The owner and grants; `publicRead` always mirrors `bucket.isPublic`.
    package var policy: AccessPolicy
    package var usage: BucketUsage

    package init(bucket: Bucket, policy: AccessPolicy, usage: BucketUsage = BucketUsage()) {
        self.bucket = bucket
        self.policy = policy
        self.usage = usage
    }

    /// The bucket's usage once `info` is stored in place of `existing`, after checking its quotas (every metadata
    /// store commits through this). A write that does not grow what a quota counts passes even over the quota, so
    /// a bucket whose quota was lowered can still be cleaned up.
    ///
    /// - Throws: `quota_exceeded`, naming the quota in `details`.
    package func usage(storing info: ObjectInfo, replacing existing: ObjectInfo?) throws(PipeError) -> BucketUsage {
        let oldSize = existing?.size ?? 0
        let bytes = usage.bytes - oldSize + info.size
        if let limit = bucket.maxBytes, bytes > limit, info.size > oldSize {
            throw PipeError(
                .quotaExceeded, "bucket \(info.bucket) would hold \(bytes) bytes; its quota is \(limit)",
                details: ["quota": "bytes", "limit": "\(limit)"])
        }
        let objects = usage.objects + (existing == nil ? 1 : 0)
        if let limit = bucket.maxObjects, objects > limit, existing == nil {
            throw PipeError(
                .quotaExceeded, "bucket \(info.bucket) would hold \(objects) objects; its quota is \(limit)",
                details: ["quota": "objects", "limit": "\(limit)"])
        }
        return BucketUsage(bytes: bytes, objects: objects)
    }
}

/// Where and how an object's bytes are stored.
package struct BlobLocation: Sendable, Hashable {
    package var blob: BlobID
    /// Bytes in the blob store (larger than the object when encrypted).
    package var storedSize: Int64
    /// The object's data key, wrapped; `nil` when the blob is plaintext.
    package var wrappedKey: WrappedKey?

    package init(blob: BlobID, storedSize: Int64, wrappedKey: WrappedKey? = nil) {
        self.blob = blob
        self.storedSize = storedSize
        self.wrappedKey = wrappedKey
    }
}

/// An object as the metadata store keeps it.
package struct ObjectRecord: Sendable, Hashable {
    package var info: ObjectInfo
    package var location: BlobLocation

    package init(info: ObjectInfo, location: BlobLocation) {
        self.info = info
        self.location = location
    }
}

/// A resumable upload session.
package struct UploadRecord: Sendable, Hashable {
    package var id: UploadID
    package var bucket: BucketName
    package var key: ObjectKey
    package var options: PutObjectOptions
    package var owner: UserID?
    package var createdAt: Date
    package var expiresAt: Date

    package init(
        id: UploadID, bucket: BucketName, key: ObjectKey, options: PutObjectOptions, owner: UserID? = nil,
        createdAt: Date, expiresAt: Date
    ) {
        self.id = id
        self.bucket = bucket
        self.key = key
        self.options = options
        self.owner = owner
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A part of a resumable upload that the store acknowledged.
package struct PartRecord: Sendable, Hashable {
    package var number: Int
    package var size: Int64
    /// SHA-256 of the part's plaintext, hex, checked again when the upload completes.
    package var sha256: String
    package var location: BlobLocation

    package init(number: Int, size: Int64, sha256: String, location: BlobLocation) {
        self.number = number
        self.size = size
        self.sha256 = sha256
        self.location = location
    }
}

/// The rules a write must pass at the moment it commits (checked in the same transaction that writes).
package struct CommitConditions: Sendable, Hashable {
    package var upsert: Bool
    package var ifMatch: String?
    package var ifNoneMatchAny: Bool
    /// The record shares a blob another object already uses (a copy): the commit fails with `conflict` unless
    /// some object still refers to it, so a copy racing the deletion of its source cannot record a deleted blob.
    package var sharesBlob: Bool

    package init(upsert: Bool, ifMatch: String? = nil, ifNoneMatchAny: Bool = false, sharesBlob: Bool = false) {
        self.upsert = upsert
        self.ifMatch = ifMatch
        self.ifNoneMatchAny = ifNoneMatchAny
        self.sharesBlob = sharesBlob
    }

    /// The conditions a put's options ask for.
    package init(_ options: PutObjectOptions) {
        self.init(upsert: options.upsert, ifMatch: options.ifMatch, ifNoneMatchAny: options.ifNoneMatch != nil)
    }

    /// Throws unless a write of `key` may replace `existing` (`nil`: no object there). Checked early by the
    /// service and again, atomically, by the store's commit.
    package func check(_ existing: ObjectInfo?, key: ObjectKey) throws(PipeError) {
        if ifNoneMatchAny, existing != nil {
            throw PipeError(.preconditionFailed, "\(key) exists and If-None-Match: * was given")
        }
        if let ifMatch {
            guard let existing, ETag.matches(ifMatch, existing.etag) else {
                throw PipeError(
                    .preconditionFailed, "\(key) does not have the ETag given in If-Match",
                    details: ["key": key.rawValue])
            }
        } else if existing != nil && !upsert && !ifNoneMatchAny {
            throw PipeError(
                .objectExists, "an object exists at \(key); pass upsert to replace it", details: ["key": key.rawValue])
        }
    }
}
