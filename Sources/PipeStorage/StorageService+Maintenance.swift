#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging
import PipeCore

/// What a ``StorageService/sweep()`` removed.
public struct SweepReport: Sendable, Hashable {
    /// Upload sessions past their expiry, with their parts.
    public var expiredUploads: Int
    /// Blobs nothing refers to (left by crashes between writing bytes and recording them) and partial files of
    /// writers that died.
    public var orphanedBlobs: Int
}

extension StorageService {
    /// Removes expired upload sessions, orphaned blobs older than ``StorageConfiguration/orphanGracePeriod`` and the
    /// partial files of dead writers. Safe to run at any time, from any process sharing the store.
    @discardableResult
    public func sweep() async throws(PipeError) -> SweepReport {
        var expired = 0
        while true {
            let ids = try await metadata.expiredUploads(at: now)
            for id in ids { await blobs.deleteBlobs(try await metadata.deleteUpload(id)) }
            expired += ids.count
            if ids.count < 1000 { break }
        }
        let metadata = self.metadata
        let orphans = try await blobs.sweep(
            createdBefore: now.addingTimeInterval(-Self.seconds(configuration.orphanGracePeriod)),
            isReferenced: { ids throws(PipeError) in try await metadata.referencedBlobs(ids) })
        if expired > 0 || orphans > 0 {
            logger.info("storage sweep", metadata: ["expiredUploads": "\(expired)", "orphanedBlobs": "\(orphans)"])
        }
        return SweepReport(expiredUploads: expired, orphanedBlobs: orphans)
    }

    /// Re-wraps every data key not wrapped by the active master key with the active one, without rewriting any
    /// object's bytes; returns how many keys it re-wrapped. After it returns, retired master keys can be removed
    /// from the configuration.
    ///
    /// ```swift
    /// var configuration = StorageConfiguration()
    /// configuration.masterKeys = [newKey, oldKey]          // new first: it becomes the active key
    /// let storage = try await StorageService.embedded(directory: path, configuration: configuration)
    /// let moved = try await storage.rewrapDataKeys()
    /// ```
    @discardableResult
    public func rewrapDataKeys() async throws(PipeError) -> Int {
        let ring = keyRing
        let count = try await metadata.rewrapKeys(activeKeyID: ring.active.id, batch: 500) { wrapped throws(PipeError) in
            try ring.rewrap(wrapped)
        }
        logger.info("re-wrapped data keys", metadata: ["count": "\(count)", "masterKey": "\(ring.active.id)"])
        return count
    }
}
