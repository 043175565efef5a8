import CoreMetrics

/// The storage service's instruments (swift-metrics), exported by whatever backend the program bootstrapped.
///
/// - `pipe_storage_cache_hits_total`, `pipe_storage_cache_misses_total`: reads of small objects served from memory
///   or not;
/// - `pipe_storage_cache_bytes`: bytes the read cache holds;
/// - `pipe_storage_bytes_written_total`, `pipe_storage_bytes_read_total`: object bytes in and out;
/// - `pipe_storage_operations_total{operation}`: calls by kind (`put`, `get`, `list`, `delete`, `copy`, …).
struct StorageMetrics: Sendable {
    let cacheHits = Counter(label: "pipe_storage_cache_hits_total")
    let cacheMisses = Counter(label: "pipe_storage_cache_misses_total")
    let cacheBytes = Gauge(label: "pipe_storage_cache_bytes")
    let bytesWritten = Counter(label: "pipe_storage_bytes_written_total")
    let bytesRead = Counter(label: "pipe_storage_bytes_read_total")

    func count(_ operation: String) {
        Counter(label: "pipe_storage_operations_total", dimensions: [("operation", operation)]).increment()
    }
}
