/// The settings of a bucket that its owner chooses: everything in a ``Bucket`` except its name and timestamps.
///
/// This is what creating or reconfiguring a bucket takes. The defaults make a private bucket with no size or
/// content-type limits.
///
/// ```swift
/// let options = BucketOptions(isPublic: true, fileSizeLimit: 10 << 20, allowedContentTypes: ["image/*"])
/// ```
public struct BucketOptions: Sendable, Hashable, Codable {
    /// Whether anyone may read objects without credentials. Writes always need permission.
    public var isPublic: Bool
    /// The largest object accepted, in bytes; `nil` for no bucket-specific limit.
    public var fileSizeLimit: Int64?
    /// Media types accepted on upload, exact (`image/png`) or by top-level type (`image/*`); empty accepts all.
    public var allowedContentTypes: [String]
    /// The `Cache-Control` value given to objects uploaded without one; `nil` for none.
    public var defaultCacheControl: String?
    /// Whether object bytes are encrypted before they reach the blob store.
    public var encryptedAtRest: Bool
    /// The most bytes all the bucket's objects may hold together; `nil` for no quota.
    public var maxBytes: Int64?
    /// The most objects the bucket may hold; `nil` for no quota.
    public var maxObjects: Int64?

    /// Makes bucket settings; every argument has the permissive default.
    public init(
        isPublic: Bool = false,
        fileSizeLimit: Int64? = nil,
        allowedContentTypes: [String] = [],
        defaultCacheControl: String? = nil,
        encryptedAtRest: Bool = false,
        maxBytes: Int64? = nil,
        maxObjects: Int64? = nil
    ) {
        self.isPublic = isPublic
        self.fileSizeLimit = fileSizeLimit
        self.allowedContentTypes = allowedContentTypes
        self.defaultCacheControl = defaultCacheControl
        self.encryptedAtRest = encryptedAtRest
        self.maxBytes = maxBytes
        self.maxObjects = maxObjects
    }
}
