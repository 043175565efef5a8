/// One page of a listing, and the cursor to fetch the next.
///
/// Cursors are opaque strings made by the store; pass ``nextCursor`` back unchanged to continue. A `nil`
/// ``nextCursor`` means the listing is complete. A page may hold fewer items than asked for, even none, without the
/// listing being complete, so loop on the cursor, not on the item count:
///
/// ```swift
/// var cursor: String? = nil
/// repeat {
///     let page = try await storage.listObjects(in: bucket, prefix: "logs/", limit: 100, cursor: cursor)
///     for object in page.items { print(object.key) }
///     cursor = page.nextCursor
/// } while cursor != nil
/// ```
public struct Page<Element: Sendable>: Sendable {
    /// The items on this page, in listing order.
    public var items: [Element]
    /// The cursor for the next page, or `nil` when this is the last one.
    public var nextCursor: String?

    /// Makes a page.
    public init(items: [Element], nextCursor: String? = nil) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

extension Page: Equatable where Element: Equatable {}
extension Page: Hashable where Element: Hashable {}
extension Page: Encodable where Element: Encodable {}
extension Page: Decodable where Element: Decodable {}

/// The rules listings share: how big a page may be, and positional cursors (the position of the last item a page
/// returned, counting down).
public enum Paging {
    /// The most items one page may hold.
    public static let maxLimit = 1_000

    /// Checks a page size, and decodes a positional cursor (`nil`: the first page).
    ///
    /// - Parameters:
    ///   - limit: the page size asked for.
    ///   - cursor: a previous page's `nextCursor`, if any.
    /// - Throws: `invalid_argument` for a limit outside 1…``maxLimit`` or a cursor no listing returned.
    public static func position(limit: Int, cursor: String?) throws(PipeError) -> Int64? {
        guard (1...maxLimit).contains(limit) else {
            throw PipeError(.invalidArgument, "limit must be 1 to \(maxLimit)", details: ["field": "limit"])
        }
        guard let cursor else { return nil }
        guard let position = Int64(cursor), position > 0 else {
            throw PipeError(.invalidArgument, "the cursor is not one a listing returned", details: ["field": "cursor"])
        }
        return position
    }
}
