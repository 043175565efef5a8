// Part of the OpenAPI document (see OpenAPIDocument.swift): buckets and their objects.

extension OpenAPIDocument {
    static let bucketAndObjectPaths = #"""
  /v1/storage/buckets:
    get:
      tags: [buckets]
      operationId: listBuckets
      summary: The buckets the caller may see
      responses:
        "200":
          description: The buckets, by name.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [buckets]
                additionalProperties: false
                properties:
                  buckets:
                    type: array
                    items: {$ref: '#/components/schemas/Bucket'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    post:
      tags: [buckets]
      operationId: createBucket
      summary: Create a bucket owned by the caller
      description: A scoped credential needs the `storage:admin` scope (`403`). `409 bucket_exists` for a taken name.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewBucket'}
      responses:
        "201":
          description: The new bucket.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Bucket'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "409": {$ref: '#/components/responses/Conflict'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/storage/buckets/{bucket}:
    parameters:
      - {$ref: '#/components/parameters/Bucket'}
    get:
      tags: [buckets]
      operationId: getBucket
      summary: A bucket's settings
      description: Anonymous callers see public buckets only.
      security:
        - {}
        - bearerAuth: []
      responses:
        "200": {$ref: '#/components/responses/Bucket'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    patch:
      tags: [buckets]
      operationId: updateBucket
      summary: Change a bucket's settings (needs admin on the bucket)
      description: Only the fields given change; `null` clears a limit. Tightened limits apply to later writes only.
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/BucketOptions'}
      responses:
        "200": {$ref: '#/components/responses/Bucket'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    delete:
      tags: [buckets]
      operationId: deleteBucket
      summary: Delete a bucket (needs admin on the bucket)
      description: A bucket that holds objects is refused with `409` unless `force=true`.
      parameters:
        - name: force
          in: query
          description: '`true` also deletes the objects and upload sessions the bucket holds.'
          schema: {type: boolean}
      responses:
        "204": {$ref: '#/components/responses/NoContent'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "409": {$ref: '#/components/responses/Conflict'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/storage/buckets/{bucket}/signed-urls:
    parameters:
      - {$ref: '#/components/parameters/Bucket'}
    post:
      tags: [objects]
      operationId: signURL
      summary: Sign a URL that reads (GET, HEAD) or writes (PUT) one object without credentials
      description: >-
        The signer needs the right the URL grants now (`read` for GET, `write` for PUT); the URL carries it to
        whoever holds it until it expires.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [key, method, expiresIn]
              additionalProperties: false
              properties:
                key: {$ref: '#/components/schemas/ObjectKey'}
                method: {type: string, enum: [GET, PUT]}
                expiresIn: {type: integer, minimum: 1, maximum: 604800, description: Lifetime in seconds (at most 7 days).}
                contentType:
                  oneOf:
                    - {$ref: '#/components/schemas/MediaType'}
                    - {type: 'null'}
                  description: For PUT, the `Content-Type` the upload must declare.
      responses:
        "201":
          description: The signed URL.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [url, path, method, expiresAt]
                additionalProperties: false
                properties:
                  url: {type: string, format: uri, description: '`<base>/v1/storage/signed/<bucket>/<key>?method=…&expires=…[&content-type=…]&signature=…`'}
                  path: {type: string, pattern: '^/v1/storage/signed/', description: The same URL without the deployment's base (path and query).}
                  method: {type: string, enum: [GET, PUT]}
                  expiresAt: {type: string, format: date-time}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  # ── Objects ─────────────────────────────────────────────────────────────────────────────────────────────────
  /v1/storage/buckets/{bucket}/objects:
    parameters:
      - {$ref: '#/components/parameters/Bucket'}
    get:
      tags: [objects]
      operationId: listObjects
      summary: List objects by key prefix, in ascending byte order
      description: >-
        With a `delimiter` (usually `/`), keys that hold it after the prefix are rolled up into `commonPrefixes`.
        Objects and common prefixes together count against `limit`. Anonymous callers may list public buckets.
      security:
        - {}
        - bearerAuth: []
      parameters:
        - name: prefix
          in: query
          description: Only keys that start with it (byte-wise); at most 1,024 bytes, no NUL.
          schema: {type: string, maxLength: 1024, pattern: '^[^\u0000]*$'}
        - name: delimiter
          in: query
          description: At most 16 bytes, no NUL.
          schema: {type: string, maxLength: 16, pattern: '^[^\u0000]*$'}
        - name: limit
          in: query
          schema: {type: integer, minimum: 1, maximum: 1000, default: 1000}
        - {$ref: '#/components/parameters/Cursor'}
      responses:
        "200":
          description: One page of the listing.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ObjectListing'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/storage/buckets/{bucket}/objects/{key}:
    parameters:
      - {$ref: '#/components/parameters/Bucket'}
      - {$ref: '#/components/parameters/ObjectKey'}
    put:
      tags: [objects]
      operationId: putObject
      summary: Upload an object (the body streams; any media type)
      description: >-
        The request's `Content-Type` becomes the object's (guessed from the key's extension when absent; refused
        with `400` when the bucket does not accept it). `409 object_exists` when the key is taken and `upsert` is not
        `true`; `413` over the bucket's file size limit; `507` over its quota.
      parameters:
        - {$ref: '#/components/parameters/Upsert'}
        - {$ref: '#/components/parameters/PutCacheControl'}
        - {$ref: '#/components/parameters/PutIfMatch'}
        - {$ref: '#/components/parameters/PutIfNoneMatch'}
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
      responses:
        "201": {$ref: '#/components/responses/ObjectCreated'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "409": {$ref: '#/components/responses/Conflict'}
        "412": {$ref: '#/components/responses/PreconditionFailed'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
        "507": {$ref: '#/components/responses/InsufficientStorage'}
    get:
      tags: [objects]
      operationId: getObject
      summary: Download an object (or one byte range of it)
      description: Anonymous callers may read objects of public buckets.
      security:
        - {}
        - bearerAuth: []
      parameters:
        - {$ref: '#/components/parameters/Range'}
        - {$ref: '#/components/parameters/IfMatch'}
        - {$ref: '#/components/parameters/IfNoneMatch'}
        - {$ref: '#/components/parameters/IfModifiedSince'}
      responses:
        "200": {$ref: '#/components/responses/ObjectBytes'}
        "206": {$ref: '#/components/responses/ObjectRange'}
        "304": {$ref: '#/components/responses/NotModified'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "412": {$ref: '#/components/responses/PreconditionFailed'}
        "416": {$ref: '#/components/responses/RangeNotSatisfiable'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    head:
      tags: [objects]
      operationId: headObject
      summary: An object's headers, without its bytes
      description: '`Range` is ignored. Anonymous callers may read objects of public buckets.'
      security:
        - {}
        - bearerAuth: []
      parameters:
        - {$ref: '#/components/parameters/Range'}
        - {$ref: '#/components/parameters/IfMatch'}
        - {$ref: '#/components/parameters/IfNoneMatch'}
        - {$ref: '#/components/parameters/IfModifiedSince'}
      responses:
        "200": {$ref: '#/components/responses/ObjectHead'}
        "304": {$ref: '#/components/responses/NotModified'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "412": {$ref: '#/components/responses/PreconditionFailed'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    delete:
      tags: [objects]
      operationId: deleteObject
      summary: Delete an object
      responses:
        "204": {$ref: '#/components/responses/NoContent'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
"""#
}
