#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A storage bucket: a named container of objects with its own access and upload rules.
///
/// Encoded with camelCase keys (`isPublic`, `fileSizeLimit`, …); `nil` optionals are left out.
public struct Bucket: Sendable, Hashable, Codable {
    /// The bucket's unique name.
    public var name: BucketName
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
    /// When the bucket was created.
    public var createdAt: Date
    /// When the bucket's settings last changed.
    public var updatedAt: Date

    /// Makes a bucket record.
    public init(
        name: BucketName,
        isPublic: Bool = false,
        fileSizeLimit: Int64? = nil,
        allowedContentTypes: [String] = [],
        defaultCacheControl: String? = nil,
        encryptedAtRest: Bool = false,
        maxBytes: Int64? = nil,
        maxObjects: Int64? = nil,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.name = name
        self.isPublic = isPublic
        self.fileSizeLimit = fileSizeLimit
        self.allowedContentTypes = allowedContentTypes
        self.defaultCacheControl = defaultCacheControl
        self.encryptedAtRest = encryptedAtRest
        self.maxBytes = maxBytes
        self.maxObjects = maxObjects
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Makes a bucket record from its settings.
    public init(name: BucketName, options: BucketOptions, createdAt: Date, updatedAt: Date) {
        self.init(
            name: name,
            isPublic: options.isPublic,
            fileSizeLimit: options.fileSizeLimit,
            allowedContentTypes: options.allowedContentTypes,
            defaultCacheControl: options.defaultCacheControl,
            encryptedAtRest: options.encryptedAtRest,
            maxBytes: options.maxBytes,
            maxObjects: options.maxObjects,
            createdAt: createdAt,
            updatedAt: updatedAt
        )
    }

    /// The owner-chosen settings of this bucket; setting it replaces them all (timestamps are left alone).
    public var options: BucketOptions {
        get {
            BucketOptions(
                isPublic: isPublic,
                fileSizeLimit: fileSizeLimit,
                allowedContentTypes: allowedContentTypes,
                defaultCacheControl: defaultCacheControl,
                encryptedAtRest: encryptedAtRest,
                maxBytes: maxBytes,
                maxObjects: maxObjects
            )
        }
        set {
            isPublic = newValue.isPublic
            fileSizeLimit = newValue.fileSizeLimit
            allowedContentTypes = newValue.allowedContentTypes
            defaultCacheControl = newValue.defaultCacheControl
            encryptedAtRest = newValue.encryptedAtRest
            maxBytes = newValue.maxBytes
            maxObjects = newValue.maxObjects
        }
    }

    /// Whether an object of `size` bytes fits under ``fileSizeLimit``.
    public func accepts(size: Int64) -> Bool {
        fileSizeLimit.map { size <= $0 } ?? true
    }

    /// Whether an upload with this `Content-Type` is allowed by ``allowedContentTypes``.
    ///
    /// Matching ignores case and parameters (`text/plain; charset=utf-8` matches `text/plain`); a pattern `type/*`
    /// matches every subtype of `type`, and `*/*` matches everything.
    ///
    /// ```swift
    /// bucket.allowedContentTypes = ["image/*", "application/pdf"]
    /// bucket.accepts(contentType: "image/PNG")   // true
    /// bucket.accepts(contentType: "text/html")   // false
    /// ```
    public func accepts(contentType: String) -> Bool {
        if allowedContentTypes.isEmpty { return true }
        let type = Self.essence(of: contentType)
        guard let slash = type.firstIndex(of: "/") else { return false }
        let topLevel = type[..<slash]
        return allowedContentTypes.contains { allowed in
            let pattern = Self.essence(of: allowed)
            if pattern == "*/*" || pattern == "*" { return true }
            if pattern.hasSuffix("/*") { return pattern.dropLast(2) == topLevel }
            return pattern == type
        }
    }

    /// `type/subtype` lowercased, without parameters or surrounding spaces.
    private static func essence(of mediaType: String) -> String {
        var type = mediaType.prefix { $0 != ";" }
        while let first = type.first, first == " " || first == "\t" { type.removeFirst() }
        while let last = type.last, last == " " || last == "\t" { type.removeLast() }
        return type.lowercased()
    }
}
