#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import PipeCore

/// Where object bytes live: immutable blobs named by ``BlobID``.
///
/// The storage service writes a blob in full, commits it, and only then records it in the metadata store; it deletes
/// a blob only after the metadata stopped pointing at it. A crash between those steps leaves an unreferenced blob,
/// which ``sweep(createdBefore:isReferenced:)`` removes later. The local disk store (``FileBlobStore``) implements
/// this protocol; an S3-compatible store slots in behind it.
public protocol BlobStore: Sendable {
    /// Starts a new blob; nothing is visible until ``BlobWriter/commit()``.
    func makeWriter() async throws(PipeError) -> any BlobWriter

    /// Opens a committed blob for reading.
    ///
    /// - Throws: `not_found` when no such blob exists (it may have just been replaced).
    func openBlob(_ id: BlobID) async throws(PipeError) -> any BlobReader

    /// Deletes blobs; ids that do not exist are ignored.
    func deleteBlobs(_ ids: [BlobID]) async

    /// Deletes committed blobs older than `createdBefore` for which `isReferenced` is `false`, and writes abandoned
    /// by processes that died; returns how many blobs and partial writes it removed.
    func sweep(createdBefore: Date, isReferenced: @Sendable ([BlobID]) async throws(PipeError) -> Set<BlobID>)
        async throws(PipeError) -> Int
}

/// A blob being written. Used by one task at a time.
public protocol BlobWriter: Sendable {
    /// Appends bytes.
    func write(_ bytes: [UInt8]) async throws(PipeError)
    /// Makes the blob durable and visible under its id (on local disk: `fsync`, then `rename`, then `fsync` of the
    /// directory), and returns the id.
    func commit() async throws(PipeError) -> BlobID
    /// Discards what was written. Safe to call after a failed write; a no-op after ``commit()``.
    func abort() async
}

/// A committed blob opened for reading. Used by one task at a time; call ``close()`` when done.
public protocol BlobReader: Sendable {
    /// The blob's size in bytes.
    var size: Int64 { get }
    /// Reads up to `count` bytes starting at `offset` (fewer only at the end of the blob).
    func read(at offset: Int64, count: Int) async throws(PipeError) -> [UInt8]
    /// Releases the blob.
    func close() async
}
