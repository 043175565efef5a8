extension PipeError {
    /// A stable error code and the HTTP status it maps to.
    ///
    /// Codes are lowercase `snake_case` strings. They are part of the public contract: once shipped,
    /// a code keeps its spelling and its meaning.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible, Codable {
        /// The wire spelling, e.g. `invalid_json`.
        public let rawValue: String
        /// The HTTP status returned when this error ends a request.
        public let httpStatus: Int

        /// Creates a code; unknown raw values (from a newer server) map to status 500.
        public init(rawValue: String) {
            self.rawValue = rawValue
            self.httpStatus = Code.known[rawValue] ?? 500
        }

        init(_ rawValue: String, status: Int) {
            self.rawValue = rawValue
            self.httpStatus = status
        }

        public init(from decoder: any Decoder) throws {
            self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        public var description: String { rawValue }

        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    }
}

extension PipeError.Code {
    // MARK: General

    /// The request or input is malformed.
    public static let invalidArgument = Self("invalid_argument", status: 400)
    /// An identifier (bucket name, object key, job id…) breaks its naming rules.
    public static let invalidIdentifier = Self("invalid_identifier", status: 400)
    /// A size, depth, count or time limit was exceeded.
    public static let limitExceeded = Self("limit_exceeded", status: 413)
    /// The path exists, but not with this method; the response's `Allow` header lists the methods it has.
    public static let methodNotAllowed = Self("method_not_allowed", status: 405)
    /// The request's URL (path and query) is longer than the server serves.
    public static let uriTooLong = Self("uri_too_long", status: 414)
    /// The thing asked for does not exist.
    public static let notFound = Self("not_found", status: 404)
    /// The thing to create already exists or the state does not allow the change.
    public static let conflict = Self("conflict", status: 409)
    /// A precondition (ETag, version) did not hold.
    public static let preconditionFailed = Self("precondition_failed", status: 412)
    /// No valid credentials were presented.
    public static let unauthenticated = Self("unauthenticated", status: 401)
    /// The principal is known but not allowed to do this.
    public static let forbidden = Self("forbidden", status: 403)
    /// Too many requests; retry later.
    public static let rateLimited = Self("rate_limited", status: 429)
    /// The operation took longer than allowed.
    public static let timeout = Self("timeout", status: 504)
    /// The operation was cancelled by its caller.
    public static let cancelled = Self("cancelled", status: 499)
    /// A dependency (database, remote service) is not reachable right now.
    public static let unavailable = Self("unavailable", status: 503)
    /// A bug or an unexpected failure inside Pipe.
    public static let internalError = Self("internal", status: 500)

    // MARK: Network (client side)

    /// A host name did not resolve.
    public static let dnsFailure = Self("dns_failure", status: 502)
    /// The TCP connection could not be made or was refused.
    public static let connectionFailed = Self("connection_failed", status: 502)
    /// The TLS handshake failed: an untrusted or invalid certificate, or a rejected client certificate.
    public static let tlsFailure = Self("tls_failure", status: 502)
    /// The peer broke the protocol: garbage instead of HTTP, a connection closed mid-body, an HTTP/2 error.
    public static let protocolError = Self("protocol_error", status: 502)

    // MARK: JSON

    /// The bytes are not valid JSON (RFC 8259).
    public static let invalidJSON = Self("invalid_json", status: 400)
    /// JSON nesting is deeper than the configured bound.
    public static let jsonTooDeep = Self("json_too_deep", status: 400)

    // MARK: Expressions (JMESPath Community)

    /// The expression does not parse; `details["position"]` is the character offset.
    public static let expressionSyntax = Self("expression_syntax", status: 400)
    /// A value of the wrong type reached an operator or function.
    public static let expressionInvalidType = Self("expression_invalid_type", status: 400)
    /// A function was called with the wrong number of arguments.
    public static let expressionInvalidArity = Self("expression_invalid_arity", status: 400)
    /// A function name is not known.
    public static let expressionUnknownFunction = Self("expression_unknown_function", status: 400)
    /// A value is of the right type but not allowed (e.g. a slice step of 0).
    public static let expressionInvalidValue = Self("expression_invalid_value", status: 400)
    /// Arithmetic overflowed or divided by zero.
    public static let expressionNotANumber = Self("expression_not_a_number", status: 400)
    /// A `$variable` is used outside any `let` that binds it.
    public static let expressionUndefinedVariable = Self("expression_undefined_variable", status: 400)

    // MARK: Storage, auth, pipelines

    /// No bucket has this name.
    public static let bucketNotFound = Self("bucket_not_found", status: 404)
    /// A bucket with this name already exists.
    public static let bucketExists = Self("bucket_exists", status: 409)
    /// No object has this key.
    public static let objectNotFound = Self("object_not_found", status: 404)
    /// An object with this key exists and `upsert` was false.
    public static let objectExists = Self("object_exists", status: 409)
    /// A conditional read found the caller's copy current (`If-None-Match`, `If-Modified-Since`): nothing to send.
    public static let notModified = Self("not_modified", status: 304)
    /// A byte range lies outside the object.
    public static let rangeNotSatisfiable = Self("range_not_satisfiable", status: 416)
    /// A bucket's byte or object-count quota would be exceeded.
    public static let quotaExceeded = Self("quota_exceeded", status: 507)
    /// No resumable upload session has this id (it never existed, was completed or aborted, or expired).
    public static let uploadNotFound = Self("upload_not_found", status: 404)
    /// A signed URL was altered, is for another method, object or content type, or has expired;
    /// `details["reason"]` says which (`expired` or `signature`).
    public static let signatureInvalid = Self("signature_invalid", status: 403)
    /// Stored bytes failed an integrity check (a content hash or an authentication tag did not match).
    public static let dataCorrupted = Self("data_corrupted", status: 500)
    /// No job has this id.
    public static let jobNotFound = Self("job_not_found", status: 404)
    /// An `Idempotency-Key` already made a job for a different request (another pipeline or body).
    public static let idempotencyKeyReused = Self("idempotency_key_reused", status: 422)
    /// No pipeline definition has this name (or the caller may not see it), or not this version.
    public static let pipelineNotFound = Self("pipeline_not_found", status: 404)
    /// A pipeline definition failed validation.
    public static let invalidPipeline = Self("invalid_pipeline", status: 422)
    /// A pipeline stage failed on a record; `details["stage"]` names the stage and
    /// `details["record"]` shows (the start of) the record.
    public static let pipelineStageFailed = Self("pipeline_stage_failed", status: 422)

    // Auth
    /// A token (access token, id token from a provider) is malformed, unsigned, signed by an unknown key or
    /// with the wrong algorithm, or carries a wrong claim; `details["reason"]` says which, for logs.
    public static let tokenInvalid = Self("token_invalid", status: 401)
    /// The access token has expired: refresh it.
    public static let tokenExpired = Self("token_expired", status: 401)
    /// The refresh token is unknown, expired, revoked, or was already used (which revokes its whole session).
    public static let sessionInvalid = Self("session_invalid", status: 401)
    /// The password (or email) is wrong. Deliberately the same for a missing account.
    public static let invalidCredentials = Self("invalid_credentials", status: 401)
    /// An OAuth login was refused: unknown or reused `state`, wrong redirect URI, a provider error, or an
    /// identity the provider did not vouch for; `details["reason"]` says which.
    public static let oauthFailed = Self("oauth_failed", status: 400)

    static let all: [PipeError.Code] = [
        .invalidArgument, .invalidIdentifier, .limitExceeded, .uriTooLong, .methodNotAllowed, .notFound, .conflict, .preconditionFailed,
        .unauthenticated, .forbidden, .rateLimited, .timeout, .cancelled, .unavailable, .internalError,
        .dnsFailure, .connectionFailed, .tlsFailure, .protocolError,
        .invalidJSON, .jsonTooDeep,
        .expressionSyntax, .expressionInvalidType, .expressionInvalidArity, .expressionUnknownFunction,
        .expressionInvalidValue, .expressionNotANumber, .expressionUndefinedVariable,
        .bucketNotFound, .bucketExists, .objectNotFound, .objectExists, .notModified, .rangeNotSatisfiable,
        .quotaExceeded, .uploadNotFound, .signatureInvalid, .dataCorrupted, .jobNotFound, .idempotencyKeyReused,
        .pipelineNotFound, .invalidPipeline,
        .pipelineStageFailed, .tokenInvalid, .tokenExpired, .sessionInvalid, .invalidCredentials, .oauthFailed,
    ]

    static let known: [String: Int] = Dictionary(uniqueKeysWithValues: all.map { ($0.rawValue, $0.httpStatus) })
}
