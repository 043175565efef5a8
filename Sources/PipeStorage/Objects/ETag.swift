/// Comparing entity tags as HTTP clients send them.
///
/// Objects store their ETag as bare lowercase hex (the SHA-256 of their bytes); clients may send it quoted
/// (`"ab12…"`), weak (`W/"ab12…"`), as a list (`"a", "b"`) or as `*`.
enum ETag {
    /// The tag without `W/` and quotes.
    static func bare(_ tag: Substring) -> Substring {
        var tag = tag.trimmingBlanks
        if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
        if tag.count >= 2, tag.first == "\"", tag.last == "\"" { tag = tag.dropFirst().dropLast() }
        return tag
    }

    /// Whether the header value `list` names `etag` (or is `*`).
    static func matches(_ list: String, _ etag: String) -> Bool {
        list.split(separator: ",").contains { candidate in
            let bare = bare(candidate)
            return bare == "*" || bare == etag
        }
    }

    /// The tag as an HTTP header carries it.
    static func quoted(_ etag: String) -> String { "\"\(etag)\"" }
}
