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
