#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import CoreMetrics
import PipeCore

/// How a ``StorageService`` runs: its keys, limits, cache and clock. Every field has a production default.
///
/// ```swift
/// var configuration = StorageConfiguration()
/// configuration.masterKeys = [try MasterKey(id: "k2", base64: newKey), try MasterKey(id: "k1", base64: oldKey)]
/// configuration.activeMasterKeyID = "k2"
/// let storage = try await StorageService.embedded(directory: ".pipe/storage", configuration: configuration)
/// ```
public struct StorageConfiguration: Sendable {
    /// Keys that wrap the data keys of encrypted objects. Empty: the embedded service makes one on first start and
    /// keeps it in `keys/master.key` under its directory (readable by the owner only).
    public var masterKeys: [MasterKey] = []
    /// The key that wraps new data keys; `nil` means the first of ``masterKeys``.
    public var activeMasterKeyID: String?
    /// The HMAC key for signed URLs (at least 32 bytes). `nil`: made on first start and kept in `keys/signing.key`.
    public var signingSecret: [UInt8]?
    /// How long a resumable upload session stays open.
    public var uploadSessionLifetime: Duration = .seconds(24 * 3600)
    /// How old an unreferenced blob must be before the sweep deletes it: longer than any write takes between
    /// committing its blob and recording it.
    public var orphanGracePeriod: Duration = .seconds(3600)
    /// Whether opening the service sweeps expired uploads, dead writers' partial files and orphaned blobs.
    public var sweepOnOpen = true
    /// Bytes the in-memory read cache may hold in total; `0` turns it off.
    public var cacheCapacity = 32 << 20
    /// The largest object the read cache keeps.
    public var cacheObjectLimit = 256 << 10
    /// The size of the chunks objects are read and written in.
    public var chunkSize = 1 << 20
    /// The largest object ``StorageService/getObject(in:at:range:conditions:as:)`` returns in memory; stream or
    /// download bigger ones.
    public var maxBufferedObjectSize: Int64 = 256 << 20
    /// The largest total size of an object's user metadata (keys and values).
    public var maxMetadataBytes = 8 << 10
    /// The most parts one resumable upload may have.
    public var maxParts = 10_000
    /// The largest part of a resumable upload.
    public var maxPartSize: Int64 = 5 << 30
    /// The most items one listing page returns.
    public var maxListLimit = 1000
    /// Where the service's metrics go; `nil` means the process-wide `MetricsSystem` (what a server bootstraps).
    public var metricsFactory: (any MetricsFactory)?
    /// The clock; tests move it to expire uploads and signed URLs.
    public var now: @Sendable () -> Date = { Date() }

    /// The defaults.
    public init() {}
}
