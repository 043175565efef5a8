#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging
import PipeCore

/// Buckets and objects with access control, encryption at rest, resumable uploads, signed URLs and a read cache.
///
/// The embedded service (``embedded(directory:configuration:logger:)``) keeps metadata in SQLite and bytes in files
/// under one directory; the same service runs over other metadata and blob stores when a deployment scales out.
/// Every operation takes the calling principal (`nil` for an anonymous caller) and checks it against the bucket's
/// `AccessPolicy` before it touches anything.
///
/// ```swift
/// let storage = try await StorageService.embedded(directory: ".pipe/storage")
/// let alice = Principal(id: try UserID("alice"))
/// let photos = try BucketName("photos")
/// _ = try await storage.createBucket(photos, options: BucketOptions(allowedContentTypes: ["image/*"]), as: alice)
/// _ = try await storage.putObject(fileAt: URL(fileURLWithPath: "cat.jpg"), in: photos,
///                                 at: try ObjectKey("2026/cat.jpg"), as: alice)
/// let download = try await storage.openObject(in: photos, at: try ObjectKey("2026/cat.jpg"), as: alice)
/// for try await chunk in download.chunks { … }
/// ```
public final class StorageService: Sendable {
    let metadata: any StorageMetadataStore
    let blobs: any BlobStore
    let configuration: StorageConfiguration
    let keyRing: KeyRing
    let signer: URLSigner
    let cache: ObjectCache
    let metrics: StorageMetrics
    let logger: Logger

    /// Runs over the given stores. Most programs want ``embedded(directory:configuration:logger:)``.
    ///
    /// - Throws: `invalid_argument` when the configuration has no master key or signing secret, or
    ///   names an active key it does not hold.
    package init(
        metadata: any StorageMetadataStore, blobs: any BlobStore, configuration: StorageConfiguration, logger: Logger
    ) throws(PipeError) {
        guard let secret = configuration.signingSecret else {
            throw PipeError(.invalidArgument, "no URL signing secret is configured")
        }
        self.metadata = metadata
        self.blobs = blobs
        self.configuration = configuration
        self.keyRing = try KeyRing(keys: configuration.masterKeys, activeID: configuration.activeMasterKeyID)
        self.signer = try URLSigner(secret: secret)
        self.metrics = StorageMetrics(factory: configuration.metricsFactory)
        self.cache = ObjectCache(
            capacity: configuration.cacheCapacity, objectLimit: configuration.cacheObjectLimit, metrics: metrics)
        self.logger = logger
    }

    /// Opens (creating on first use) an embedded store under `directory`: `storage.sqlite` for metadata, `blobs/`
    /// and `tmp/` for bytes, and `keys/` for keys the configuration does not supply.
    ///
    /// - Throws: `unavailable` when the directory or database cannot be opened.
    public static func embedded(
        directory: String, configuration: StorageConfiguration = StorageConfiguration(),
        logger: Logger = Logger(label: "pipe.storage")
    ) async throws(PipeError) -> StorageService {
        try POSIX.makeDirectory(directory)
        return try await open(
            directory: directory, metadata: try SQLiteStorageMetadata(path: directory + "/storage.sqlite"),
            configuration: configuration, logger: logger)
    }

    /// Opens a store whose bytes (and the keys the configuration does not supply) live under `directory` and whose
    /// records live in `metadata`: SQLite embedded, PostgreSQL when scaled out (replicas share the directory).
    package static func open(
        directory: String, metadata: any StorageMetadataStore, configuration: StorageConfiguration, logger: Logger
    ) async throws(PipeError) -> StorageService {
        try POSIX.makeDirectory(directory)
        var configuration = configuration
        let keys = KeyFiles(directory: directory + "/keys")
        if configuration.masterKeys.isEmpty {
            configuration.masterKeys = [try keys.masterKey()]
            configuration.activeMasterKeyID = nil
        }
        if configuration.signingSecret == nil {
            configuration.signingSecret = try keys.signingSecret()
        }
        let service = try StorageService(
            metadata: metadata, blobs: try FileBlobStore(root: directory),
            configuration: configuration, logger: logger)
        if configuration.sweepOnOpen {
            _ = try await service.sweep()
        }
        return service
    }

    var now: Date { configuration.now() }
}
