// Part of the OpenAPI document (see OpenAPIDocument.swift): the schemas of the bodies.

extension OpenAPIDocument {
    static let schemas = #"""
  schemas:
    Error:
      type: object
      required: [error]
      additionalProperties: false
      properties:
        error:
          type: object
          required: [code, message, requestId]
          additionalProperties: false
          properties:
            code:
              type: string
              pattern: '^[a-z][a-z0-9_]*$'
              description: A stable error code (`invalid_argument`, `bucket_not_found`, …); its HTTP status is fixed.
            message: {type: string, description: For people; not to be parsed.}
            requestId: {type: string}
            details:
              type: object
              description: Machine-readable particulars (`field`, `rule`, `reason`, `retryAfter`, …), all strings.
              additionalProperties: {type: string}

    # Identifiers
    OpaqueID:
      type: string
      description: 'An opaque id (job, user, session, upload): 1–64 of `[A-Za-z0-9_-]`.'
      pattern: '^[A-Za-z0-9_-]{1,64}$'
      minLength: 1
      maxLength: 64
    BucketName:
      type: string
      description: >-
        3–63 of lowercase letters, digits, `-` and `.`; starts and ends with a letter or digit; every dot-separated
        label starts and ends with a letter or digit (no `..`, `.-`, `-.`); not shaped like an IPv4 address.
      minLength: 3
      maxLength: 63
      pattern: '^(?![0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$'
    ObjectKey:
      type: string
      description: >-
        1–1,024 UTF-8 bytes; no control characters, no backslash; does not start or end with `/`, has no `//` and
        no `.` or `..` segment.
      minLength: 1
      maxLength: 1024
      pattern: '^(?:[^./\\\u0000-\u001F\u007F-\u009F][^/\\\u0000-\u001F\u007F-\u009F]*|\.[^./\\\u0000-\u001F\u007F-\u009F][^/\\\u0000-\u001F\u007F-\u009F]*|\.\.[^/\\\u0000-\u001F\u007F-\u009F]+)(?:/(?:[^./\\\u0000-\u001F\u007F-\u009F][^/\\\u0000-\u001F\u007F-\u009F]*|\.[^./\\\u0000-\u001F\u007F-\u009F][^/\\\u0000-\u001F\u007F-\u009F]*|\.\.[^/\\\u0000-\u001F\u007F-\u009F]+))*$'
    PipelineName:
      type: string
      description: 1–128 of `[A-Za-z0-9_.-]`, starting with a letter or digit.
      minLength: 1
      maxLength: 128
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$'
    MediaType:
      type: string
      description: '`type/subtype` with optional `;` parameters, printable ASCII, at most 255 bytes.'
      maxLength: 255
      pattern: '^[ -.0-:<-~]*[!-.0-:<-~][ -.0-:<-~]*/[ -.0-:<-~]*[!-.0-:<-~][ -.0-:<-~]*(?:;[ -~]*)?$'
    CacheControl:
      type: string
      description: Printable ASCII, at most 1,024 bytes.
      maxLength: 1024
      pattern: '^[ -~]*$'
    Email:
      type: string
      description: '`local@domain`, at most 254 bytes (case is ignored; the server also trims surrounding blanks).'
      maxLength: 254
      pattern: '^[^@\s\u0000-\u0020\u007F-\u00A0]+@[^@.\s\u0000-\u0020\u007F-\u00A0][^@\s\u0000-\u0020\u007F-\u00A0]*\.[^@\s\u0000-\u0020\u007F-\u00A0]*[^@.\s\u0000-\u0020\u007F-\u00A0]$'
    DisplayName:
      type: string
      description: 1–200 characters (surrounding blanks trimmed), without control characters.
      maxLength: 200
      pattern: '^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$'
    Roles:
      type: array
      description: Roles are 1–64 of `[a-z0-9_:.-]`; any but `member` needs an admin to give it.
      maxItems: 32
      items: {type: string, pattern: '^[a-z0-9_:.-]{1,64}$'}

    # Health
    Readiness:
      type: object
      required: [status, checks]
      additionalProperties: false
      properties:
        status: {type: string, enum: [ok, unavailable]}
        checks:
          type: object
          required: [auth, storage, jobs]
          additionalProperties: false
          properties:
            auth: {type: string, enum: [ok, unavailable]}
            storage: {type: string, enum: [ok, unavailable]}
            jobs: {type: string, enum: [ok, unavailable]}

    # Auth
    TokenPair:
      type: object
      required: [accessToken, tokenType, expiresAt, refreshToken, sessionId, userId, methods]
      additionalProperties: false
      properties:
        accessToken: {type: string, description: A JWT (`typ` `at+jwt`).}
        tokenType: {type: string, const: Bearer}
        expiresAt: {type: string, format: date-time, description: When the access token expires.}
        refreshToken: {type: string, description: Works once; refreshing returns a new one.}
        sessionId: {$ref: '#/components/schemas/OpaqueID'}
        userId: {$ref: '#/components/schemas/OpaqueID'}
        methods:
          type: array
          description: How the session was authenticated (`pwd`, `otp`, `rec`, `mfa`, `fed`).
          items: {type: string}
    SecondFactorRequired:
      type: object
      required: [secondFactor]
      additionalProperties: false
      properties:
        secondFactor:
          type: object
          required: [challenge, expiresAt]
          additionalProperties: false
          properties:
            challenge: {type: string, description: 'Send it with a code to `POST /v1/auth/second-factor`.'}
            expiresAt: {type: string, format: date-time}
    JWKS:
      type: object
      required: [keys]
      additionalProperties: false
      properties:
        keys:
          type: array
          description: Newest first.
          items:
            type: object
            required: [kid, alg, use, kty]
            properties:
              kid: {type: string}
              alg: {type: string, enum: [ES256, RS256]}
              use: {type: string, const: sig}
              kty: {type: string, enum: [EC, RSA]}
              crv: {type: string, const: P-256}
              x: {type: string}
              y: {type: string}
              n: {type: string}
              e: {type: string}
    User:
      type: object
      required: [id, kind, displayName, roles, emailVerified, secondFactor, createdAt]
      additionalProperties: false
      properties:
        id: {$ref: '#/components/schemas/OpaqueID'}
        kind: {type: string, enum: [user, serviceAccount]}
        displayName: {type: string}
        roles:
          type: array
          items: {type: string}
        emailVerified: {type: boolean}
        secondFactor: {type: boolean, description: Whether a second factor is enabled.}
        createdAt: {type: string, format: date-time}
        email: {type: string, description: Absent for service accounts.}
        scopes:
          type: array
          description: '`GET /v1/auth/me` only, when the credential is narrowed to scopes.'
          items: {type: string}
    Session:
      type: object
      required: [id, methods, createdAt, lastUsedAt, expiresAt]
      additionalProperties: false
      properties:
        id: {$ref: '#/components/schemas/OpaqueID'}
        methods:
          type: array
          items: {type: string}
        createdAt: {type: string, format: date-time}
        lastUsedAt: {type: string, format: date-time}
        expiresAt: {type: string, format: date-time}
        client: {type: string, description: The user agent that started it.}
        revokedAt: {type: string, format: date-time}
        revokedReason: {type: string}
    APIKey:
      type: object
      required: [id, account, name, scopes, createdAt]
      additionalProperties: false
      properties:
        id: {type: string, description: 'The public id (the middle part of `pipe_<id>_<secret>`).'}
        account: {$ref: '#/components/schemas/OpaqueID'}
        name: {type: string}
        scopes:
          type: array
          items: {type: string}
        createdAt: {type: string, format: date-time}
        expiresAt: {type: string, format: date-time}
        lastUsedAt: {type: string, format: date-time}
        revokedAt: {type: string, format: date-time}
    CreatedAPIKey:
      type: object
      required: [id, account, name, scopes, createdAt, key]
      additionalProperties: false
      properties:
        id: {type: string}
        account: {$ref: '#/components/schemas/OpaqueID'}
        name: {type: string}
        scopes:
          type: array
          items: {type: string}
        createdAt: {type: string, format: date-time}
        expiresAt: {type: string, format: date-time}
        lastUsedAt: {type: string, format: date-time}
        revokedAt: {type: string, format: date-time}
        key: {type: string, pattern: '^pipe_[a-z2-7]{16}_[a-z2-7]{52}$', description: 'The full key, shown this once.'}

    # Storage
    BucketOptions:
      type: object
      description: A bucket's settings; every field is optional (only the fields given change).
      additionalProperties: false
      properties:
        public: {type: boolean, description: Whether anyone may read objects without credentials.}
        fileSizeLimit:
          type: [integer, 'null']
          minimum: 0
          maximum: 9223372036854775807
          description: The largest object accepted, in bytes; `null` for none.
        allowedContentTypes:
          type: [array, 'null']
          maxItems: 100
          description: Media types accepted on upload (`image/png`, `image/*`, `*`); empty accepts all.
          items:
            type: string
            maxLength: 255
            pattern: '^(?:\*|[ -.0-:<-~]*[!-.0-:<-~][ -.0-:<-~]*/[ -.0-:<-~]*[!-.0-:<-~][ -.0-:<-~]*(?:;[ -~]*)?)$'
        defaultCacheControl:
          oneOf:
            - {$ref: '#/components/schemas/CacheControl'}
            - {type: 'null'}
          description: The `Cache-Control` of objects uploaded without one.
        encryptedAtRest: {type: boolean}
        maxBytes:
          type: [integer, 'null']
          minimum: 0
          maximum: 9223372036854775807
          description: Quota on the bytes of all objects; `null` for none.
        maxObjects:
          type: [integer, 'null']
          minimum: 0
          maximum: 9223372036854775807
          description: Quota on the number of objects; `null` for none.
    NewBucket:
      type: object
      description: A new bucket's name and settings.
      required: [name]
      additionalProperties: false
      properties:
        name: {$ref: '#/components/schemas/BucketName'}
        public: {type: boolean, description: Whether anyone may read objects without credentials.}
        fileSizeLimit:
          type: [integer, 'null']
          minimum: 0
          maximum: 9223372036854775807
          description: The largest object accepted, in bytes; `null` for none.
        allowedContentTypes:
          type: [array, 'null']
          maxItems: 100
          description: Media types accepted on upload (`image/png`, `image/*`, `*`); empty accepts all.
          items:
            type: string
            maxLength: 255
            pattern: '^(?:\*|[ -.0-:<-~]*[!-.0-:<-~][ -.0-:<-~]*/[ -.0-:<-~]*[!-.0-:<-~][ -.0-:<-~]*(?:;[ -~]*)?)$'
        defaultCacheControl:
          oneOf:
            - {$ref: '#/components/schemas/CacheControl'}
            - {type: 'null'}
          description: The `Cache-Control` of objects uploaded without one.
        encryptedAtRest: {type: boolean}
        maxBytes:
          type: [integer, 'null']
          minimum: 0
          maximum: 9223372036854775807
          description: Quota on the bytes of all objects; `null` for none.
        maxObjects:
          type: [integer, 'null']
          minimum: 0
          maximum: 9223372036854775807
          description: Quota on the number of objects; `null` for none.
    Bucket:
      type: object
      required: [name, public, allowedContentTypes, encryptedAtRest, createdAt, updatedAt]
      additionalProperties: false
      properties:
        name: {$ref: '#/components/schemas/BucketName'}
        public: {type: boolean}
        allowedContentTypes:
          type: array
          items: {type: string}
        encryptedAtRest: {type: boolean}
        createdAt: {type: string, format: date-time}
        updatedAt: {type: string, format: date-time}
        fileSizeLimit: {type: integer, minimum: 0}
        defaultCacheControl: {type: string}
        maxBytes: {type: integer, minimum: 0}
        maxObjects: {type: integer, minimum: 0}
    ObjectInfo:
      type: object
      required: [bucket, key, size, contentType, etag, createdAt, updatedAt]
      additionalProperties: false
      properties:
        bucket: {$ref: '#/components/schemas/BucketName'}
        key: {type: string}
        size: {type: integer, minimum: 0}
        contentType: {type: string}
        etag: {type: string, description: 'The SHA-256 of the bytes, lowercase hex (unquoted).'}
        createdAt: {type: string, format: date-time}
        updatedAt: {type: string, format: date-time}
        cacheControl: {type: string}
        metadata:
          type: object
          additionalProperties: {type: string}
    ObjectListing:
      type: object
      required: [objects, commonPrefixes]
      additionalProperties: false
      properties:
        objects:
          type: array
          items: {$ref: '#/components/schemas/ObjectInfo'}
        commonPrefixes:
          type: array
          items: {type: string}
        nextCursor: {type: string, description: Present when there are more; pass it as `cursor`.}
    UploadedPart:
      type: object
      required: [number, size, sha256]
      additionalProperties: false
      properties:
        number: {type: integer, minimum: 1, maximum: 10000}
        size: {type: integer, minimum: 0}
        sha256: {type: string, pattern: '^[0-9a-f]{64}$'}
    UploadSession:
      type: object
      required: [id, bucket, key, createdAt, expiresAt, parts]
      additionalProperties: false
      properties:
        id: {$ref: '#/components/schemas/OpaqueID'}
        bucket: {$ref: '#/components/schemas/BucketName'}
        key: {type: string}
        createdAt: {type: string, format: date-time}
        expiresAt: {type: string, format: date-time}
        parts:
          type: array
          description: The parts acknowledged so far, by number.
          items: {$ref: '#/components/schemas/UploadedPart'}

    # Pipelines and jobs
    PipelineDefinition:
      type: object
      description: >-
        A pipeline as data: a source, steps (JMESPath Community expressions and built-in operations), a sink, an
        error policy and limits. Checked by the server: problems answer `422 invalid_pipeline` with the path of
        the offending field in `details.field`.
      required: [name, steps]
      properties:
        name: {$ref: '#/components/schemas/PipelineName'}
        version: {type: integer, minimum: 1, description: For the caller's bookkeeping (default 1).}
        source:
          type: object
          description: Where records come from (default `caller`).
          required: [type]
          properties:
            type: {type: string, enum: [inline, caller, file, storage]}
            records: {type: array, items: {}}
            path: {type: string}
            bucket: {type: string}
            key: {type: string}
            format: {type: string, enum: [jsonl, json, csv]}
            csv: {type: object}
        steps:
          type: array
          maxItems: 1000
          items:
            type: object
            required: [type]
            properties:
              type:
                type: string
                enum: [filter, map, flatMap, split, dedupe, validate, batch, aggregate, sort, parse, format, custom]
              onError: {$ref: '#/components/schemas/StepFailureAction'}
              retry: {type: object}
              timeout: {type: string}
        sink: {$ref: '#/components/schemas/PipelineSink'}
        onError: {$ref: '#/components/schemas/StepFailureAction'}
        deadLetter: {$ref: '#/components/schemas/PipelineSink'}
        limits:
          type: object
          properties:
            maxRecords: {type: integer, minimum: 1}
            maxDistinctKeys: {type: integer, minimum: 1}
            maxRecordBytes: {type: integer, minimum: 1}
            maxSortRecords: {type: integer, minimum: 1}
            maxDeadLetters: {type: integer, minimum: 1}
            maxCollectedRecords: {type: integer, minimum: 1}
    PipelineSink:
      type: object
      description: Where records go (default `collect`).
      required: [type]
      properties:
        type: {type: string, enum: [collect, caller, file, storage]}
        path: {type: string}
        bucket: {type: string}
        key: {type: string}
        format: {type: string, enum: [jsonl, json, csv]}
        csv: {type: object}
    StepFailureAction:
      type: string
      enum: [fail, skip, deadLetter]
    PipelineVersion:
      type: object
      required: [name, version, owner, createdAt, definition]
      additionalProperties: false
      properties:
        name: {$ref: '#/components/schemas/PipelineName'}
        version: {type: integer, minimum: 1}
        owner: {$ref: '#/components/schemas/OpaqueID'}
        createdAt: {type: string, format: date-time}
        definition: {$ref: '#/components/schemas/PipelineDefinition'}
    PipelineSummary:
      type: object
      required: [name, latestVersion, updatedAt]
      additionalProperties: false
      properties:
        name: {$ref: '#/components/schemas/PipelineName'}
        latestVersion: {type: integer, minimum: 1}
        updatedAt: {type: string, format: date-time}
    JobState:
      type: string
      enum: [queued, running, retrying, succeeded, failed, cancelled, deadLettered]
    Job:
      type: object
      required: [id, pipeline, state, attempts, createdAt, updatedAt]
      additionalProperties: false
      properties:
        id: {$ref: '#/components/schemas/OpaqueID'}
        pipeline: {type: string, description: The pipeline's name.}
        state: {$ref: '#/components/schemas/JobState'}
        attempts: {type: integer, minimum: 0, description: How many times the job was claimed to run.}
        createdAt: {type: string, format: date-time}
        updatedAt: {type: string, format: date-time}
        error: {type: string, description: 'Why the last run failed, if it did.'}
        owner: {$ref: '#/components/schemas/OpaqueID'}
    JobResult:
      type: object
      required: [job, records]
      additionalProperties: false
      properties:
        job: {$ref: '#/components/schemas/Job'}
        records:
          type: array
          description: The records a `collect` sink gathered (empty for older jobs, or jobs another process ran).
          items: {}
        error:
          type: object
          required: [code, message]
          additionalProperties: false
          properties:
            code: {type: string}
            message: {type: string}
"""#
}
