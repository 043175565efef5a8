/// Something a ``Permission`` can be granted on.
///
/// Encoded as an object with a `type` tag:
///
/// ```json
/// {"type": "bucket", "bucket": "photos"}
/// {"type": "object", "bucket": "photos", "key": "2024/cat.jpg"}
/// {"type": "objects", "bucket": "photos", "prefix": "2024/"}
/// {"type": "pipeline", "id": "…"}
/// {"type": "job", "id": "…"}
/// ```
public enum Resource: Sendable, Hashable {
    /// A bucket: its settings, and every object in it.
    case bucket(BucketName)
    /// Exactly one object.
    case object(BucketName, ObjectKey)
    /// Every object whose key starts with `prefix` (byte-wise); the empty prefix means every object in the bucket.
    ///
    /// The prefix is a plain string, not an ``ObjectKey``: a prefix such as `photos/.` or the empty string is not a
    /// valid key but is a meaningful prefix. Kept apart from ``object(_:_:)`` so that a grant on one key never
    /// reaches other keys that happen to start with it (`cat.jpg` and `cat.jpg.bak`).
    case objects(BucketName, prefix: String)
    /// A stored pipeline.
    case pipeline(PipelineID)
    /// A job.
    case job(JobID)
    /// An account (a user or a service account): its profile, sessions, API keys and second factor.
    case account(UserID)

    /// Whether a grant on this resource applies to `other`.
    ///
    /// A bucket covers itself and all its objects; a prefix covers the objects and the narrower prefixes that start
    /// with it; every other resource covers only itself.
    ///
    /// ```swift
    /// Resource.objects(photos, prefix: "2024/").covers(.object(photos, try ObjectKey("2024/cat.jpg")))  // true
    /// ```
    public func covers(_ other: Resource) -> Bool {
        switch (self, other) {
        case (.bucket(let granted), .bucket(let asked)):
            granted == asked
        case (.bucket(let granted), .object(let asked, _)), (.bucket(let granted), .objects(let asked, _)):
            granted == asked
        case (.objects(let granted, let prefix), .object(let asked, let key)):
            granted == asked && key.hasPrefix(prefix)
        case (.objects(let granted, let prefix), .objects(let asked, let narrower)):
            granted == asked && narrower.utf8.starts(with: prefix.utf8)
        default:
            self == other
        }
    }
}

extension Resource: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, bucket, key, prefix, id
    }

    /// Decodes the tagged form shown in the type's discussion, validating the identifiers in it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "bucket":
            self = .bucket(try container.decode(BucketName.self, forKey: .bucket))
        case "object":
            self = .object(
                try container.decode(BucketName.self, forKey: .bucket),
                try container.decode(ObjectKey.self, forKey: .key)
            )
        case "objects":
            self = .objects(
                try container.decode(BucketName.self, forKey: .bucket),
                prefix: try container.decodeIfPresent(String.self, forKey: .prefix) ?? ""
            )
        case "pipeline":
            self = .pipeline(try container.decode(PipelineID.self, forKey: .id))
        case "job":
            self = .job(try container.decode(JobID.self, forKey: .id))
        case "account":
            self = .account(try container.decode(UserID.self, forKey: .id))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown resource type \(type.debugDescription); "
                    + "expected bucket, object, objects, pipeline, job or account"
            )
        }
    }

    /// Encodes the tagged form shown in the type's discussion.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .bucket(let bucket):
            try container.encode("bucket", forKey: .type)
            try container.encode(bucket, forKey: .bucket)
        case .object(let bucket, let key):
            try container.encode("object", forKey: .type)
            try container.encode(bucket, forKey: .bucket)
            try container.encode(key, forKey: .key)
        case .objects(let bucket, let prefix):
            try container.encode("objects", forKey: .type)
            try container.encode(bucket, forKey: .bucket)
            try container.encode(prefix, forKey: .prefix)
        case .pipeline(let id):
            try container.encode("pipeline", forKey: .type)
            try container.encode(id, forKey: .id)
        case .job(let id):
            try container.encode("job", forKey: .type)
            try container.encode(id, forKey: .id)
        case .account(let id):
            try container.encode("account", forKey: .type)
            try container.encode(id, forKey: .id)
        }
    }
}
