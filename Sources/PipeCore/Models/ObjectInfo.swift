#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What is known about a stored object without reading its bytes: the answer to a `HEAD` request or a listing entry.
///
/// Encoded with camelCase keys; `nil` optionals are left out.
public struct ObjectInfo: Sendable, Hashable, Codable {
    /// The bucket holding the object.
    public var bucket: BucketName
    /// The object's key in its bucket.
    public var key: ObjectKey
    /// The size of the object's bytes.
    public var size: Int64
    /// The media type given on upload (`application/octet-stream` when none was).
    public var contentType: String
    /// An opaque validator that changes whenever the bytes change, for conditional requests and caches.
    public var etag: String
    /// The `Cache-Control` value served with the object; `nil` for none.
    public var cacheControl: String?
    /// User metadata given on upload.
    public var metadata: [String: String]
    /// When the object was first written under this key.
    public var createdAt: Date
    /// When the object's bytes or metadata were last written.
    public var updatedAt: Date

    /// Makes an object record.
    public init(
        bucket: BucketName,
        key: ObjectKey,
        size: Int64,
        contentType: String,
        etag: String,
        cacheControl: String? = nil,
        metadata: [String: String] = [:],
        createdAt: Date,
        updatedAt: Date
    ) {
        self.bucket = bucket
        self.key = key
        self.size = size
        self.contentType = contentType
        self.etag = etag
        self.cacheControl = cacheControl
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
