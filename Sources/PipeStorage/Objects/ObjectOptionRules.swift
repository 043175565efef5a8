import PipeCore

/// Checks on what callers attach to objects, made before any byte is written.
enum ObjectOptionRules {
    /// `Cache-Control`: printable ASCII, at most 1 KiB (it is echoed into response headers).
    static func checkCacheControl(_ value: String) throws(PipeError) {
        guard value.utf8.count <= 1024, value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw PipeError(.invalidArgument, "Cache-Control must be printable ASCII of at most 1024 bytes")
        }
    }

    /// User metadata: keys of `[A-Za-z0-9_.-]` (1–128), values without control characters, bounded in total.
    static func checkMetadata(_ metadata: [String: String], maxBytes: Int) throws(PipeError) {
        var total = 0
        for (key, value) in metadata {
            guard !key.isEmpty, key.utf8.count <= 128,
                key.utf8.allSatisfy({
                    ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
                        || $0 == 0x2E
                })
            else {
                throw PipeError(.invalidArgument, "metadata key \(key.debugDescription) must be 1–128 of [A-Za-z0-9_.-]")
            }
            guard value.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control }) else {
                throw PipeError(.invalidArgument, "metadata value of \(key) holds control characters")
            }
            total += key.utf8.count + value.utf8.count
        }
        guard total <= maxBytes else {
            throw PipeError(.limitExceeded, "user metadata is \(total) bytes; at most \(maxBytes) are allowed")
        }
    }

    /// Validates put options against the bucket and returns the content type to store.
    static func contentType(for key: ObjectKey, options: PutObjectOptions, bucket: Bucket, maxMetadataBytes: Int)
        throws(PipeError) -> String
    {
        if let cacheControl = options.cacheControl { try checkCacheControl(cacheControl) }
        try checkMetadata(options.metadata, maxBytes: maxMetadataBytes)
        if let ifNoneMatch = options.ifNoneMatch, ifNoneMatch.trimmingBlanks != "*" {
            throw PipeError(.invalidArgument, "If-None-Match on a write must be \"*\"")
        }
        if let ifMatch = options.ifMatch, ifMatch.utf8.count > 1024 {
            throw PipeError(.invalidArgument, "If-Match is longer than 1024 bytes")
        }
        let type = options.contentType ?? ContentTypes.sniff(key: key.rawValue)
        guard ContentTypes.isValid(type) else {
            throw PipeError(.invalidArgument, "\(type.debugDescription) is not a media type")
        }
        guard bucket.accepts(contentType: type) else {
            throw PipeError(
                .invalidArgument, "bucket \(bucket.name) does not accept \(type)",
                details: ["contentType": type, "reason": "contentType"])
        }
        return type
    }
}
