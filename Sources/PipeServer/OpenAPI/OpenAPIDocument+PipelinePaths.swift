// Part of the OpenAPI document (see OpenAPIDocument.swift): registered pipelines and jobs.

extension OpenAPIDocument {
    static let pipelinePaths = #"""
  /v1/pipelines:
    get:
      tags: [pipelines]
      operationId: listPipelines
      summary: The caller's stored pipelines
      parameters:
        - {$ref: '#/components/parameters/Limit'}
        - {$ref: '#/components/parameters/Cursor'}
      responses:
        "200":
          description: One page of pipelines.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [pipelines]
                additionalProperties: false
                properties:
                  pipelines:
                    type: array
                    items: {$ref: '#/components/schemas/PipelineSummary'}
                  nextCursor: {type: string}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/pipelines/{name}:
    parameters:
      - {$ref: '#/components/parameters/PipelineName'}
    put:
      tags: [pipelines]
      operationId: putPipeline
      summary: Store a new version of a pipeline
      description: >-
        The definition's `name` must equal `{name}` (`400`, `details.field: definition.name`). `201` when a new
        version was stored; `200` when the definition is identical to the latest version (no new version). `422
        invalid_pipeline` for a definition that does not check out or cannot run as a job; `413` past the
        account's limits on pipelines and versions.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [definition]
              additionalProperties: false
              properties:
                definition: {$ref: '#/components/schemas/PipelineDefinition'}
      responses:
        "200": {$ref: '#/components/responses/PipelineVersion'}
        "201": {$ref: '#/components/responses/PipelineVersion'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "422": {$ref: '#/components/responses/UnprocessableContent'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    get:
      tags: [pipelines]
      operationId: getPipeline
      summary: The latest version of a pipeline
      responses:
        "200": {$ref: '#/components/responses/PipelineVersion'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    delete:
      tags: [pipelines]
      operationId: deletePipeline
      summary: Delete a pipeline and all its versions
      responses:
        "204": {$ref: '#/components/responses/NoContent'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/pipelines/{name}/versions:
    parameters:
      - {$ref: '#/components/parameters/PipelineName'}
    get:
      tags: [pipelines]
      operationId: listPipelineVersions
      summary: The versions of a pipeline, newest first
      parameters:
        - {$ref: '#/components/parameters/Limit'}
        - {$ref: '#/components/parameters/Cursor'}
      responses:
        "200":
          description: The versions.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [versions]
                additionalProperties: false
                properties:
                  versions:
                    type: array
                    items:
                      type: object
                      required: [version, createdAt]
                      additionalProperties: false
                      properties:
                        version: {type: integer, minimum: 1}
                        createdAt: {type: string, format: date-time}
                  nextCursor: {type: string}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/pipelines/{name}/versions/{version}:
    parameters:
      - {$ref: '#/components/parameters/PipelineName'}
      - name: version
        in: path
        required: true
        schema: {type: integer, minimum: 1}
    get:
      tags: [pipelines]
      operationId: getPipelineVersion
      summary: One version of a pipeline
      responses:
        "200": {$ref: '#/components/responses/PipelineVersion'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/pipelines/{name}/runs:
    parameters:
      - {$ref: '#/components/parameters/PipelineName'}
    post:
      tags: [pipelines]
      operationId: runPipeline
      summary: Run a stored pipeline (its latest version, or `version`) as a job
      description: >-
        The same `Idempotency-Key` with the same body returns the same job; with a different body, `422
        idempotency_key_reused`. `404 pipeline_not_found` for an unknown pipeline or version.
      parameters:
        - {$ref: '#/components/parameters/IdempotencyKey'}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                input:
                  type: [array, 'null']
                  description: Records for a `caller` source.
                  items: {}
                version:
                  type: [integer, 'null']
                  minimum: 1
                  maximum: 2147483647
                  description: The version to run (default the latest).
      responses:
        "202": {$ref: '#/components/responses/JobAccepted'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "422": {$ref: '#/components/responses/UnprocessableContent'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  # ── Jobs ────────────────────────────────────────────────────────────────────────────────────────────────────
  /v1/jobs:
    post:
      tags: [jobs]
      operationId: submitJob
      summary: Run a pipeline definition as a job
      description: >-
        `422 invalid_pipeline` for a definition that does not check out, has a `caller` sink, or has a `caller`
        source without `input`. The same `Idempotency-Key` (per account) with the same body returns the first job;
        with a different body, `422 idempotency_key_reused`.
      parameters:
        - {$ref: '#/components/parameters/IdempotencyKey'}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [definition]
              additionalProperties: false
              properties:
                definition: {$ref: '#/components/schemas/PipelineDefinition'}
                input:
                  type: [array, 'null']
                  description: Records for a `caller` source.
                  items: {}
      responses:
        "202": {$ref: '#/components/responses/JobAccepted'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "422": {$ref: '#/components/responses/UnprocessableContent'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    get:
      tags: [jobs]
      operationId: listJobs
      summary: The caller's jobs, newest first
      parameters:
        - name: state
          in: query
          description: Only jobs in this state.
          schema: {$ref: '#/components/schemas/JobState'}
        - name: pipeline
          in: query
          description: Only jobs of this pipeline (its name, as in `Job.pipeline`).
          schema: {$ref: '#/components/schemas/OpaqueID'}
        - {$ref: '#/components/parameters/Limit'}
        - {$ref: '#/components/parameters/Cursor'}
      responses:
        "200":
          description: One page of jobs.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [jobs]
                additionalProperties: false
                properties:
                  jobs:
                    type: array
                    items: {$ref: '#/components/schemas/Job'}
                  nextCursor: {type: string}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/jobs/{job}:
    parameters:
      - {$ref: '#/components/parameters/JobID'}
    get:
      tags: [jobs]
      operationId: getJob
      summary: A job (its owner or an admin)
      responses:
        "200": {$ref: '#/components/responses/Job'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/jobs/{job}/result:
    parameters:
      - {$ref: '#/components/parameters/JobID'}
    get:
      tags: [jobs]
      operationId: getJobResult
      summary: A finished job's result
      description: '`409 conflict` (`details.state`) while the job is still queued, running or retrying.'
      responses:
        "200":
          description: The result.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/JobResult'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "409": {$ref: '#/components/responses/Conflict'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/jobs/{job}/events:
    parameters:
      - {$ref: '#/components/parameters/JobID'}
    get:
      tags: [jobs]
      operationId: jobEvents
      summary: The job's state changes and progress, as Server-Sent Events, until it ends
      description: >-
        The current state first, then each change and progress report: `event: state` with `data:
        {"state": "<JobState>"}`, and `event: progress` with `data: {"read": <int>, "written": <int>}`.
      responses:
        "200":
          description: The event stream.
          headers:
            X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}
            RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}
            RateLimit: {$ref: '#/components/headers/RateLimit'}
            Cache-Control: {description: '`no-cache`', schema: {type: string}}
          content:
            text/event-stream:
              # One event of the stream (Server-Sent Events fields).
              schema:
                type: object
                required: [event, data]
                properties:
                  event: {type: string, enum: [state, progress]}
                  data: {type: string, contentMediaType: application/json}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/jobs/{job}/cancel:
    parameters:
      - {$ref: '#/components/parameters/JobID'}
    post:
      tags: [jobs]
      operationId: cancelJob
      summary: Cancel a queued, running or retrying job
      description: '`409 conflict` when the job has already finished; `403` when the credential may see but not change jobs.'
      responses:
        "200": {$ref: '#/components/responses/Job'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "409": {$ref: '#/components/responses/Conflict'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  # ── Operations ──────────────────────────────────────────────────────────────────────────────────────────────
"""#
}
