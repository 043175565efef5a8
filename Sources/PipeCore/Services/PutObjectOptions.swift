/// How ``ObjectStorage/putObject(_:in:at:options:)`` stores an object.
public struct PutObjectOptions: Sendable, Hashable, Codable {
    /// The media type to store; `nil` picks one from the key's extension (`.png` → `image/png`), else
    /// `application/octet-stream`.
    public var contentType: String?
    /// The `Cache-Control` value to store; `nil` uses the bucket's ``Bucket/defaultCacheControl``.
    public var cacheControl: String?
    /// User metadata to store with the object.
    public var metadata: [String: String]
    /// Whether to replace an existing object with the same key. When `false` (the default), writing to a taken key
    /// throws ``PipeError/Code/objectExists``, so uploads cannot overwrite each other by accident.
    public var upsert: Bool
    /// Write only if the current object's ETag is this one (`If-Match`); otherwise
    /// ``PipeError/Code/preconditionFailed``. A missing object fails too.
    public var ifMatch: String?
    /// Write only if no object has the key (`If-None-Match: *`, the only form allowed); otherwise
    /// ``PipeError/Code/preconditionFailed``.
    public var ifNoneMatch: String?

    /// Makes put options; the defaults store an `application/octet-stream` object and refuse to overwrite.
    public init(
        contentType: String? = nil,
        cacheControl: String? = nil,
        metadata: [String: String] = [:],
        upsert: Bool = false,
        ifMatch: String? = nil,
        ifNoneMatch: String? = nil
    ) {
        self.contentType = contentType
        self.cacheControl = cacheControl
        self.metadata = metadata
        self.upsert = upsert
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
    }
}
