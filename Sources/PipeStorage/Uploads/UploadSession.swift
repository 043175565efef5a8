#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

/// A resumable upload: an object sent in numbered parts, in any order, over as many connections and restarts as it
/// takes, then completed into one object (or aborted).
///
/// The parts listed in ``parts`` are the ones the store acknowledged: durable, checksummed, safe to skip when
/// resuming. Sessions expire at ``expiresAt``; the sweep then removes them and their parts.
public struct UploadSession: Sendable, Hashable {
    /// The session's id, to resume with.
    public var id: UploadID
    /// The bucket the object goes to.
    public var bucket: BucketName
    /// The object's key.
    public var key: ObjectKey
    /// The options the object is stored with on completion.
    public var options: PutObjectOptions
    /// When the session was started.
    public var createdAt: Date
    /// When the session and its parts are discarded unless completed.
    public var expiresAt: Date
    /// The acknowledged parts, by number.
    public var parts: [UploadedPart]
}

/// A part of a resumable upload the store acknowledged.
public struct UploadedPart: Sendable, Hashable, Codable {
    /// The part's number, from 1.
    public var number: Int
    /// Its size in bytes.
    public var size: Int64
    /// SHA-256 of its bytes, lowercase hex: compare with a local hash to decide whether to send it again.
    public var sha256: String
}
