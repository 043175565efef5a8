import PipeCore

/// Where a run's output records (or its dead letters) go, chosen from a ``PipelineSink``.
final class RecordOutput {
    enum Target {
        case collect
        case caller(@Sendable (JSONValue) async throws -> Void)
        case file(AtomicFile)
        case storage(any ObjectStorage, BucketName, ObjectKey)
    }

    /// Storage objects are written whole, so their bytes are bounded (until the storage port takes streams).
    static let maxStorageBytes = 1 << 30

    let target: Target
    var encoder: RecordEncoder
    private(set) var collected: [JSONValue] = []
    private var bytes: [UInt8] = []
    let limits: PipelineLimits

    init(
        _ sink: PipelineSink, environment: PipelineEnvironment, caller: (@Sendable (JSONValue) async throws -> Void)?,
        limits: PipelineLimits
    ) throws(PipeError) {
        self.limits = limits
        switch sink {
        case .collect:
            target = .collect
            encoder = RecordEncoder(format: .jsonLines)
        case .caller:
            guard let caller else {
                throw PipeError(.invalidPipeline, "sink: a caller sink needs a closure passed to execute")
            }
            target = .caller(caller)
            encoder = RecordEncoder(format: .jsonLines)
        case .file(let path, let format):
            target = .file(try AtomicFile(path: try environment.resolve(path)))
            encoder = format.encoder()
        case .storage(let bucket, let key, let format):
            target = .storage(try environment.requireStorage(), bucket, key)
            encoder = format.encoder()
        }
    }

    func write(_ record: JSONValue) async throws {
        switch target {
        case .collect:
            guard collected.count < limits.maxCollectedRecords else {
                throw PipeError(
                    .limitExceeded,
                    "the run put out more than \(limits.maxCollectedRecords) records to collect (limits.maxCollectedRecords)"
                )
            }
            collected.append(record)
        case .caller(let body):
            do {
                try await body(record)
            } catch {
                throw StageFailure.wrap(error, stage: "sink", record: record)
            }
        case .file(let file):
            try file.append { (buffer: inout [UInt8]) throws(PipeError) in try encoder.encode(record, into: &buffer) }
        case .storage:
            try encoder.encode(record, into: &bytes)
            guard bytes.count <= Self.maxStorageBytes else {
                throw PipeError(.limitExceeded, "the output object is larger than \(Self.maxStorageBytes) bytes")
            }
        }
    }

    /// Makes the output visible: renames the file into place, or stores the object.
    func commit() async throws(PipeError) {
        switch target {
        case .collect, .caller: return
        case .file(let file):
            try file.append { (buffer: inout [UInt8]) throws(PipeError) in encoder.finish(into: &buffer) }
            try file.commit()
        case .storage(let storage, let bucket, let key):
            encoder.finish(into: &bytes)
            let contentType =
                switch encoder.format {
                case .jsonLines: "application/jsonl"
                case .jsonArray: "application/json"
                case .csv: "text/csv"
                }
            _ = try await storage.putObject(
                bytes, in: bucket, at: key, options: PutObjectOptions(contentType: contentType, upsert: true))
        }
    }

    /// Drops a partial output after a failed run.
    func abandon() {
        if case .file(let file) = target { file.abandon() }
    }
}
