import PipeCore

/// One page of a listing: objects, and the "folders" a delimiter rolled up, in one byte-wise key order.
///
/// ```swift
/// var cursor: String? = nil
/// repeat {
///     let page = try await storage.listObjects(in: photos, prefix: "2026/", delimiter: "/", cursor: cursor, as: me)
///     for folder in page.commonPrefixes { print("dir ", folder) }     // 2026/01/, 2026/02/, …
///     for object in page.objects { print("file", object.key) }       // 2026/cover.jpg
///     cursor = page.nextCursor
/// } while cursor != nil
/// ```
public struct ObjectListing: Sendable, Hashable {
    /// Objects directly under the prefix (all of them when there is no delimiter).
    public var objects: [ObjectInfo]
    /// Each distinct key prefix up to and including the delimiter's first occurrence after `prefix`.
    public var commonPrefixes: [String]
    /// Pass back to get the next page; `nil` when the listing is complete.
    public var nextCursor: String?

    /// Makes a page.
    public init(objects: [ObjectInfo] = [], commonPrefixes: [String] = [], nextCursor: String? = nil) {
        self.objects = objects
        self.commonPrefixes = commonPrefixes
        self.nextCursor = nextCursor
    }
}
