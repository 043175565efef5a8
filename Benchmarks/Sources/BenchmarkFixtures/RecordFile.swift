import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The JSON Lines file of typical records that the parse and serialize benchmarks read, held in memory.
///
/// The file is generated once by ``RecordGenerator`` into ``BenchmarkPaths/dataDirectory`` as
/// `records-v<format>-<MB>MB.jsonl` and reused afterwards; `Benchmarks/scripts/make-jsonl.py` writes the same bytes
/// to the same name, so either may create it. Its size is `$PIPE_BENCH_JSONL_MB` megabytes (10⁶ bytes; default 100),
/// rounded up to a whole record.
///
/// ```swift
/// let file = try RecordFile.load()
/// for range in file.lineRanges { _ = file.bytes[range] }   // one record, without its newline
/// ```
public struct RecordFile: Sendable {
    /// Where the file is on disk.
    public let path: String
    /// The whole file.
    public let bytes: [UInt8]
    /// Each record's byte range in ``bytes``, without the newline.
    public let lineRanges: [Range<Int>]

    /// The file's size in bytes, newlines included: the amount of JSON each benchmark iteration processes.
    public var byteCount: Int { bytes.count }

    /// `$PIPE_BENCH_JSONL_MB`, else 100.
    public static var configuredMegabytes: Int {
        BenchmarkPaths.environment("PIPE_BENCH_JSONL_MB").flatMap { Int($0) }.map { max(1, $0) } ?? 100
    }

    /// The file's path for a size, whether or not it exists yet.
    public static func filePath(megabytes: Int) -> String {
        BenchmarkPaths.dataDirectory
            .appendingPathComponent("records-v\(RecordGenerator.formatVersion)-\(megabytes)MB.jsonl").path
    }

    /// Makes sure the file exists, generating it if needed, and returns its path.
    @discardableResult
    public static func ensureGenerated(megabytes: Int = RecordFile.configuredMegabytes) throws -> String {
        let path = filePath(megabytes: megabytes)
        if FileManager.default.fileExists(atPath: path) { return path }
        try FileManager.default.createDirectory(
            at: BenchmarkPaths.dataDirectory, withIntermediateDirectories: true)
        // Write beside the target and rename into place, so an interrupted run never leaves a short file behind.
        let partial = "\(path).partial-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: partial, contents: nil),
            let handle = FileHandle(forWritingAtPath: partial)
        else { throw BenchmarkFixtureError("cannot create \(partial)") }
        do {
            let target = megabytes * 1_000_000
            var generator = RecordGenerator()
            var chunk: [UInt8] = []
            chunk.reserveCapacity((1 << 20) + 4096)
            var written = 0
            while written < target {
                let before = chunk.count
                chunk.append(contentsOf: generator.nextRecord().utf8)
                chunk.append(UInt8(ascii: "\n"))
                written += chunk.count - before
                if chunk.count >= (1 << 20) || written >= target {
                    try handle.write(contentsOf: chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        guard rename(partial, path) == 0 else {
            try? FileManager.default.removeItem(atPath: partial)
            throw BenchmarkFixtureError("cannot rename \(partial) to \(path): errno \(errno)")
        }
        return path
    }

    /// Generates the file if needed, then reads it into memory and finds its lines.
    public static func load(megabytes: Int = RecordFile.configuredMegabytes) throws -> RecordFile {
        let path = try ensureGenerated(megabytes: megabytes)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BenchmarkFixtureError("cannot read \(path)")
        }
        let bytes = [UInt8](data)
        var lineRanges: [Range<Int>] = []
        lineRanges.reserveCapacity(bytes.count / 400)
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            if end > start { lineRanges.append(start..<end) }
            start = end + 1
        }
        return RecordFile(path: path, bytes: bytes, lineRanges: lineRanges)
    }
}
