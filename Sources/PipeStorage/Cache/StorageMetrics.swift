import CoreMetrics

/// The storage service's instruments (swift-metrics), exported by whatever backend the program bootstrapped.
///
/// - `pipe_storage_cache_hits_total`, `pipe_storage_cache_misses_total`: reads of small objects served from memory
///   or not;
/// - `pipe_storage_cache_bytes`: bytes the read cache holds;
/// - `pipe_storage_bytes_written_total`, `pipe_storage_bytes_read_total`: object bytes in and out;
/// - `pipe_storage_operations_total{operation}`: calls by kind (`put`, `get`, `list`, `delete`, `copy`, …).
struct StorageMetrics: Sendable {
    let factory: any MetricsFactory
    let cacheHits: Counter
    let cacheMisses: Counter
    let cacheBytes: Gauge
    let bytesWritten: Counter
    let bytesRead: Counter

    init(factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        self.factory = factory
        cacheHits = Counter(label: "pipe_storage_cache_hits_total", factory: factory)
        cacheMisses = Counter(label: "pipe_storage_cache_misses_total", factory: factory)
        cacheBytes = Gauge(label: "pipe_storage_cache_bytes", factory: factory)
        bytesWritten = Counter(label: "pipe_storage_bytes_written_total", factory: factory)
        bytesRead = Counter(label: "pipe_storage_bytes_read_total", factory: factory)
        operations = Dictionary(
            uniqueKeysWithValues: Operation.allCases.map { operation in
                let counter = Counter(
                    label: "pipe_storage_operations_total", dimensions: [("operation", operation.rawValue)],
                    factory: factory)
                return (operation, counter)
            })
    }

    /// The kinds of call counted by `pipe_storage_operations_total`.
    enum Operation: String, CaseIterable {
        case createBucket = "create_bucket", emptyBucket = "empty_bucket", deleteBucket = "delete_bucket"
        case put, get, list, copy, move, delete
        case startUpload = "start_upload", uploadPart = "upload_part", completeUpload = "complete_upload"
        case abortUpload = "abort_upload", signURL = "sign_url"
    }

    /// One counter per operation, made once: counting a call is then an increment, not a factory lookup.
    private let operations: [Operation: Counter]

    func count(_ operation: Operation) {
        operations[operation]?.increment()
    }
}
