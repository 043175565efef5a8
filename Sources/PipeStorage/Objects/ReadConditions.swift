#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

/// Preconditions on a read, as HTTP's conditional request headers give them.
///
/// When the caller's copy is current the read throws `not_modified` (the HTTP layer answers
/// `304 Not Modified`); when `ifMatch` fails it throws `precondition_failed` (`412`).
public struct ReadConditions: Sendable, Hashable {
    /// `If-None-Match`: skip the body when the object's ETag is one of these (or `*`).
    public var ifNoneMatch: String?
    /// `If-Modified-Since`: skip the body unless the object changed after this date (ignored with `ifNoneMatch`).
    public var ifModifiedSince: Date?
    /// `If-Match`: read only if the object's ETag is one of these (keeps the parts of a ranged download consistent).
    public var ifMatch: String?

    /// Makes read conditions; the default has none.
    public init(ifNoneMatch: String? = nil, ifModifiedSince: Date? = nil, ifMatch: String? = nil) {
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.ifMatch = ifMatch
    }

    /// Throws when `info` fails these conditions.
    func check(_ info: ObjectInfo) throws(PipeError) {
        if let ifMatch, !ETag.matches(ifMatch, info.etag) {
            throw PipeError(.preconditionFailed, "\(info.key) does not have the ETag given in If-Match")
        }
        if let ifNoneMatch {
            if ETag.matches(ifNoneMatch, info.etag) { throw Self.notModified(info) }
        } else if let ifModifiedSince,
            // HTTP dates have whole seconds: an object changed within the same second counts as not modified.
            info.updatedAt.timeIntervalSince1970.rounded(.down) <= ifModifiedSince.timeIntervalSince1970
        {
            throw Self.notModified(info)
        }
    }

    private static func notModified(_ info: ObjectInfo) -> PipeError {
        PipeError(.notModified, "\(info.key) is unchanged", details: ["etag": info.etag])
    }
}
