import PipeCore

/// The "not found" errors of the storage service, made in one place so that every layer says them alike (a
/// refused caller must get exactly the error a missing thing gives).
extension PipeError {
    package static func noBucket(_ name: BucketName) -> PipeError {
        PipeError(.bucketNotFound, "no bucket named \(name)", details: ["bucket": name.rawValue])
    }

    static func noObject(_ bucket: BucketName, _ key: ObjectKey) -> PipeError {
        PipeError(.objectNotFound, "object \(key) in \(bucket) was not found", details: ["key": key.rawValue])
    }

    package static func noUpload(_ id: UploadID) -> PipeError {
        PipeError(.uploadNotFound, "no upload session \(id) (completed, aborted or expired?)")
    }
}
