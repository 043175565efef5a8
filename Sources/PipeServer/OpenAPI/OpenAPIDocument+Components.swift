// Part of the OpenAPI document (see OpenAPIDocument.swift): security schemes, parameters, headers and responses the operations share.

extension OpenAPIDocument {
    static let sharedComponents = #"""
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
      description: An access token (a JWT from sign-in) or an API key (`pipe_<id>_<secret>`).

  # ── Parameters ──────────────────────────────────────────────────────────────────────────────────────────────
  parameters:
    Bucket:
      name: bucket
      in: path
      required: true
      schema: {$ref: '#/components/schemas/BucketName'}
    ObjectKey:
      name: key
      in: path
      required: true
      description: >-
        The object key. It may contain `/`, sent as is (the rest of the path is the key) or percent-encoded as
        `%2F`; the path is percent-decoded once.
      schema: {$ref: '#/components/schemas/ObjectKey'}
    JobID:
      name: job
      in: path
      required: true
      schema: {$ref: '#/components/schemas/OpaqueID'}
    SessionID:
      name: session
      in: path
      required: true
      schema: {$ref: '#/components/schemas/OpaqueID'}
    UploadID:
      name: upload
      in: path
      required: true
      schema: {$ref: '#/components/schemas/OpaqueID'}
    UserID:
      name: user
      in: path
      required: true
      schema: {$ref: '#/components/schemas/OpaqueID'}
    PipelineName:
      name: name
      in: path
      required: true
      schema: {$ref: '#/components/schemas/PipelineName'}
    Provider:
      name: provider
      in: path
      required: true
      description: >-
        A configured provider (`google`, `github`, or a configured OpenID Connect provider's name: 1–32 of
        `[a-z0-9_-]`); `404` for any other.
      schema: {type: string, pattern: '^[a-z0-9_-]{1,32}$'}
    Account:
      name: account
      in: query
      description: Another account (admins); the caller's own when absent.
      schema: {$ref: '#/components/schemas/OpaqueID'}
    Limit:
      name: limit
      in: query
      description: Page size.
      schema: {type: integer, minimum: 1, maximum: 1000, default: 100}
    Cursor:
      name: cursor
      in: query
      description: The previous page's `nextCursor`.
      schema: {type: string, minLength: 1}
    IdempotencyKey:
      name: Idempotency-Key
      in: header
      description: 1–256 bytes; per account.
      schema: {type: string, minLength: 1, maxLength: 256}
    Range:
      name: Range
      in: header
      description: 'One range: `bytes=first-last`, `bytes=first-` or `bytes=-suffixLength`.'
      schema: {type: string, maxLength: 64, pattern: '^bytes=(?:[0-9]{1,18}-[0-9]{0,18}|-[0-9]{1,18})$'}
    IfMatch:
      name: If-Match
      in: header
      description: Read only if the object's ETag is one of these (`412` otherwise).
      schema: {type: string}
    IfNoneMatch:
      name: If-None-Match
      in: header
      description: '`304` when the object''s ETag is one of these (or `*`).'
      schema: {type: string}
    IfModifiedSince:
      name: If-Modified-Since
      in: header
      description: An HTTP date; `304` unless the object changed after it. Ignored with `If-None-Match` or when unparsable.
      schema: {type: string}
    Upsert:
      name: upsert
      in: query
      description: '`true` replaces an existing object.'
      schema: {type: boolean}
    PutCacheControl:
      name: Cache-Control
      in: header
      description: The `Cache-Control` the object is served with (default the bucket's; `private` in private buckets).
      schema: {$ref: '#/components/schemas/CacheControl'}
    PutIfMatch:
      name: If-Match
      in: header
      description: Write only if the current object's ETag matches (`412` otherwise); at most 1,024 bytes.
      schema: {type: string, maxLength: 1024}
    PutIfNoneMatch:
      name: If-None-Match
      in: header
      description: '`*`: write only if no object has the key (`412` otherwise).'
      schema: {type: string, enum: ['*']}
    SignedMethod:
      name: method
      in: query
      required: true
      description: The method the URL was signed for (a GET URL also allows HEAD).
      schema: {type: string, enum: [GET, PUT]}
    SignedExpires:
      name: expires
      in: query
      required: true
      description: Expiry, in Unix seconds.
      schema: {type: integer}
    SignedContentType:
      name: content-type
      in: query
      description: The content type a signed upload must declare, when the signer fixed one.
      schema: {type: string}
    Signature:
      name: signature
      in: query
      required: true
      description: Base64url HMAC-SHA256, unpadded.
      schema: {type: string}

  # ── Headers ─────────────────────────────────────────────────────────────────────────────────────────────────
  headers:
    X-Request-Id:
      description: The request's id, also in error bodies (`requestId`) and the server's logs.
      schema: {type: string}
    Pipe-Error-Code:
      description: The error's code, as in the body's `error.code`; there for responses without a body (HEAD).
      schema: {type: string}
    RateLimit-Policy:
      description: 'The policy the request was counted under, e.g. `"default";q=600;w=60` (limit per window in seconds).'
      schema: {type: string, pattern: '^"[a-z0-9_-]+";q=[0-9]+;w=[0-9]+$'}
    RateLimit:
      description: 'Where the caller stands, e.g. `"default";r=599;t=1` (remaining requests; seconds until the quota is whole).'
      schema: {type: string, pattern: '^"[a-z0-9_-]+";r=[0-9]+;t=[0-9]+$'}
    Retry-After:
      description: Seconds to wait before trying again.
      schema: {type: string, pattern: '^[0-9]+$'}
    WWW-Authenticate:
      description: '`Bearer`, on `unauthenticated`, `token_invalid` and `token_expired`.'
      schema: {type: string}
    ETag:
      description: The object's ETag (the SHA-256 of its bytes, lowercase hex), quoted.
      schema: {type: string, pattern: '^".*"$'}
    Last-Modified:
      description: When the object was last written (an HTTP date).
      schema: {type: string}
    Cache-Control:
      description: >-
        The object's own `Cache-Control`, made `private` when its bucket is not public; when it sets none,
        `private, no-cache`, or `public, max-age=60` in a public bucket.
      schema: {type: string}
    Accept-Ranges:
      description: '`bytes`'
      schema: {type: string, const: bytes}
    Content-Range:
      description: '`bytes first-last/size`'
      schema: {type: string, pattern: '^bytes [0-9]+-[0-9]+/[0-9]+$'}
    Content-Length:
      description: The number of bytes (of the range, for `206`).
      schema: {type: string, pattern: '^[0-9]+$'}

  # ── Responses ───────────────────────────────────────────────────────────────────────────────────────────────
  responses:
    NoContent:
      description: Done.
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
    TokenPair:
      description: Signed in.
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/TokenPair'}
    JWKS:
      description: The JSON Web Key Set of the keys that verify access tokens (symmetric keys are never published).
      headers:
        X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}
        RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}
        RateLimit: {$ref: '#/components/headers/RateLimit'}
        Cache-Control: {description: '`public, max-age=300`', schema: {type: string}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/JWKS'}
    Bucket:
      description: The bucket.
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Bucket'}
    ObjectCreated:
      description: The object was stored.
      headers:
        X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}
        RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}
        RateLimit: {$ref: '#/components/headers/RateLimit'}
        ETag: {$ref: '#/components/headers/ETag'}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/ObjectInfo'}
    ObjectBytes:
      description: The object's bytes, with its stored `Content-Type`.
      headers:
        X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}
        RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}
        RateLimit: {$ref: '#/components/headers/RateLimit'}
        ETag: {$ref: '#/components/headers/ETag'}
        Last-Modified: {$ref: '#/components/headers/Last-Modified'}
        Cache-Control: {$ref: '#/components/headers/Cache-Control'}
        Accept-Ranges: {$ref: '#/components/headers/Accept-Ranges'}
        Content-Length: {$ref: '#/components/headers/Content-Length'}
      content:
        '*/*':
          schema: {description: 'The bytes, of any media type (binary).'}
    ObjectRange:
      description: The requested byte range of the object.
      headers:
        X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}
        RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}
        RateLimit: {$ref: '#/components/headers/RateLimit'}
        ETag: {$ref: '#/components/headers/ETag'}
        Last-Modified: {$ref: '#/components/headers/Last-Modified'}
        Cache-Control: {$ref: '#/components/headers/Cache-Control'}
        Accept-Ranges: {$ref: '#/components/headers/Accept-Ranges'}
        Content-Length: {$ref: '#/components/headers/Content-Length'}
        Content-Range: {$ref: '#/components/headers/Content-Range'}
      content:
        '*/*':
          schema: {description: 'The bytes, of any media type (binary).'}
    ObjectHead:
      description: The object's headers (`Content-Type`, `Content-Length` of the whole object), without a body.
      headers:
        X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}
        RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}
        RateLimit: {$ref: '#/components/headers/RateLimit'}
        ETag: {$ref: '#/components/headers/ETag'}
        Last-Modified: {$ref: '#/components/headers/Last-Modified'}
        Cache-Control: {$ref: '#/components/headers/Cache-Control'}
        Accept-Ranges: {$ref: '#/components/headers/Accept-Ranges'}
        Content-Length: {$ref: '#/components/headers/Content-Length'}
    NotModified:
      description: The caller's copy is current (`If-None-Match`, `If-Modified-Since`); the validators and caching headers, no body.
      headers:
        X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}
        RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}
        RateLimit: {$ref: '#/components/headers/RateLimit'}
        ETag: {$ref: '#/components/headers/ETag'}
        Last-Modified: {$ref: '#/components/headers/Last-Modified'}
        Cache-Control: {$ref: '#/components/headers/Cache-Control'}
        Accept-Ranges: {$ref: '#/components/headers/Accept-Ranges'}
    UploadSession:
      description: The upload session.
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/UploadSession'}
    PipelineVersion:
      description: A version of the pipeline.
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/PipelineVersion'}
    Job:
      description: The job.
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Job'}
    JobAccepted:
      description: The job was queued (or, for a repeated idempotency key, the job queued the first time).
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Job'}

    BadRequest:
      description: >-
        The request is malformed: `invalid_argument` (a missing, mistyped or unknown field, `details.field`; a bad
        query parameter or header), `invalid_identifier` (a bucket name, object key or id breaks its rules,
        `details.rule`), `invalid_json`, `json_too_deep`, `oauth_failed`.
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, Pipe-Error-Code: {\$ref: '#/components/headers/Pipe-Error-Code'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Unauthorized:
      description: >-
        No valid credentials: `unauthenticated` (none where some are needed, or a malformed `Authorization`
        header or API key), `token_invalid`, `token_expired`, `session_invalid`, `invalid_credentials`.
      headers:
        X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}
        Pipe-Error-Code: {$ref: '#/components/headers/Pipe-Error-Code'}
        RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}
        RateLimit: {$ref: '#/components/headers/RateLimit'}
        WWW-Authenticate: {$ref: '#/components/headers/WWW-Authenticate'}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Forbidden:
      description: '`forbidden` (the caller is known but may not do this), `signature_invalid` (`details.reason`).'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, Pipe-Error-Code: {\$ref: '#/components/headers/Pipe-Error-Code'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    NotFound:
      description: >-
        `not_found`, `bucket_not_found`, `object_not_found`, `upload_not_found`, `job_not_found`,
        `pipeline_not_found`; also for things the caller may not see.
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, Pipe-Error-Code: {\$ref: '#/components/headers/Pipe-Error-Code'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Conflict:
      description: '`conflict`, `bucket_exists`, `object_exists`.'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, Pipe-Error-Code: {\$ref: '#/components/headers/Pipe-Error-Code'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    PreconditionFailed:
      description: '`precondition_failed`: an `If-Match` / `If-None-Match` condition did not hold.'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, Pipe-Error-Code: {\$ref: '#/components/headers/Pipe-Error-Code'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    ContentTooLarge:
      description: '`limit_exceeded`: the body (or object, part, metadata) is over its limit.'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, Pipe-Error-Code: {\$ref: '#/components/headers/Pipe-Error-Code'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    RangeNotSatisfiable:
      description: '`range_not_satisfiable`: the range lies outside the object (`details.size`).'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, Pipe-Error-Code: {\$ref: '#/components/headers/Pipe-Error-Code'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    UnprocessableContent:
      description: >-
        `invalid_pipeline` (the definition does not check out; `details.field` is the path of the field),
        `idempotency_key_reused` (the key was used with another body).
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, Pipe-Error-Code: {\$ref: '#/components/headers/Pipe-Error-Code'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    TooManyRequests:
      description: >-
        `rate_limited`: over the rate limit (`details.retryAfter`, `details.policy`), or an account locked by wrong
        passwords or codes.
      headers:
        X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}
        Pipe-Error-Code: {$ref: '#/components/headers/Pipe-Error-Code'}
        RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}
        RateLimit: {$ref: '#/components/headers/RateLimit'}
        Retry-After: {$ref: '#/components/headers/Retry-After'}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    InternalError:
      description: '`internal` (a bug; the message is generic), `data_corrupted` (stored bytes failed an integrity check).'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, Pipe-Error-Code: {\$ref: '#/components/headers/Pipe-Error-Code'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Unavailable:
      description: '`unavailable`: a store or provider is not reachable right now.'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, Pipe-Error-Code: {\$ref: '#/components/headers/Pipe-Error-Code'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    InsufficientStorage:
      description: '`quota_exceeded`: the bucket''s byte or object-count quota would be exceeded.'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, Pipe-Error-Code: {\$ref: '#/components/headers/Pipe-Error-Code'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}

  # ── Schemas ─────────────────────────────────────────────────────────────────────────────────────────────────
"""#
}
