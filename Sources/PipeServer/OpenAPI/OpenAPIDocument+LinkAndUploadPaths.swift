// Part of the OpenAPI document (see OpenAPIDocument.swift): signed URLs, public objects and resumable uploads.

extension OpenAPIDocument {
    static let linkAndUploadPaths = #"""
  /v1/storage/signed/{bucket}/{key}:
    parameters:
      - {$ref: '#/components/parameters/Bucket'}
      - {$ref: '#/components/parameters/ObjectKey'}
      - {$ref: '#/components/parameters/SignedMethod'}
      - {$ref: '#/components/parameters/SignedExpires'}
      - {$ref: '#/components/parameters/SignedContentType'}
      - {$ref: '#/components/parameters/Signature'}
    get:
      tags: [objects]
      operationId: getSignedObject
      summary: Download an object through a signed URL (no credentials)
      description: >-
        `403 signature_invalid` (`details.reason`: `signature`, `expired`, `method` or `contentType`) for a URL
        that was altered, is for another method or object, has expired, or whose bucket was deleted.
      security: []
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
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "412": {$ref: '#/components/responses/PreconditionFailed'}
        "416": {$ref: '#/components/responses/RangeNotSatisfiable'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    head:
      tags: [objects]
      operationId: headSignedObject
      summary: An object's headers through a signed URL (signed for GET; no credentials)
      security: []
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
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "412": {$ref: '#/components/responses/PreconditionFailed'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    put:
      tags: [objects]
      operationId: putSignedObject
      summary: Upload an object through a signed URL (no credentials)
      description: >-
        When the URL was signed with a content type, the request must declare that `Content-Type` (or none).
        `403 signature_invalid` for a URL that does not check out.
      security: []
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

  /v1/storage/public/{bucket}/{key}:
    parameters:
      - {$ref: '#/components/parameters/Bucket'}
      - {$ref: '#/components/parameters/ObjectKey'}
    get:
      tags: [objects]
      operationId: getPublicObject
      summary: Download an object of a public bucket (no credentials)
      description: '`404 bucket_not_found` when the bucket does not exist or is not public.'
      security: []
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
      operationId: headPublicObject
      summary: An object's headers, from a public bucket (no credentials)
      security: []
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

  # ── Resumable uploads ───────────────────────────────────────────────────────────────────────────────────────
  /v1/storage/buckets/{bucket}/uploads:
    parameters:
      - {$ref: '#/components/parameters/Bucket'}
    post:
      tags: [uploads]
      operationId: startUpload
      summary: Start a resumable upload of one object
      description: >-
        The options are checked now and again on completion (`409 object_exists` when the key is taken and
        `upsert` is not `true`). Sessions expire after 24 hours.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [key]
              additionalProperties: false
              properties:
                key: {$ref: '#/components/schemas/ObjectKey'}
                contentType:
                  oneOf:
                    - {$ref: '#/components/schemas/MediaType'}
                    - {type: 'null'}
                cacheControl:
                  oneOf:
                    - {$ref: '#/components/schemas/CacheControl'}
                    - {type: 'null'}
                upsert: {type: [boolean, 'null']}
      responses:
        "201": {$ref: '#/components/responses/UploadSession'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "409": {$ref: '#/components/responses/Conflict'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/storage/uploads/{upload}:
    parameters:
      - {$ref: '#/components/parameters/UploadID'}
    get:
      tags: [uploads]
      operationId: getUpload
      summary: An upload session and the parts acknowledged so far (what a client resumes from)
      responses:
        "200": {$ref: '#/components/responses/UploadSession'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    delete:
      tags: [uploads]
      operationId: abortUpload
      summary: Discard an upload session and its parts
      responses:
        "204": {$ref: '#/components/responses/NoContent'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/storage/uploads/{upload}/parts/{part}:
    parameters:
      - {$ref: '#/components/parameters/UploadID'}
      - name: part
        in: path
        required: true
        description: The part's number; sending a number again replaces that part.
        schema: {type: integer, minimum: 1, maximum: 10000}
    put:
      tags: [uploads]
      operationId: uploadPart
      summary: Send one part (raw bytes)
      description: '`413` for a part over 5 GiB or over the bucket''s file size limit.'
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
      responses:
        "200":
          description: The part as acknowledged.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/UploadedPart'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/storage/uploads/{upload}/complete:
    parameters:
      - {$ref: '#/components/parameters/UploadID'}
    post:
      tags: [uploads]
      operationId: completeUpload
      summary: Join the parts (numbered 1…n without gaps) into the object
      description: >-
        `400` when there are no parts or one is missing (`details.missingPart`); `409` when the key was taken
        meanwhile; `413`/`507` for the bucket's limits; `500 data_corrupted` when a stored part fails its check.
      responses:
        "201": {$ref: '#/components/responses/ObjectCreated'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "409": {$ref: '#/components/responses/Conflict'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
        "507": {$ref: '#/components/responses/InsufficientStorage'}

  # ── Pipelines ───────────────────────────────────────────────────────────────────────────────────────────────
"""#
}
