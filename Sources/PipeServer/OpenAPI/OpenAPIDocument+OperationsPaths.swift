// Part of the OpenAPI document (see OpenAPIDocument.swift): health, metrics and this document.

extension OpenAPIDocument {
    static let operationsPaths = #"""
  /health/live:
    get:
      tags: [health]
      operationId: live
      summary: The process answers
      security: []
      responses:
        "200":
          description: The process is up.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [status]
                additionalProperties: false
                properties:
                  status: {type: string, const: ok}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /health/ready:
    get:
      tags: [health]
      operationId: ready
      summary: Each backend answers
      security: []
      responses:
        "200":
          description: Every backend answered.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Readiness'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503":
          description: >-
            A backend did not answer: the readiness report with `status: unavailable`. (An `Error` when the
            credentials in `Authorization` could not be checked.)
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                oneOf:
                  - {$ref: '#/components/schemas/Readiness'}
                  - {$ref: '#/components/schemas/Error'}

  # ── Sign-in and sessions ────────────────────────────────────────────────────────────────────────────────────
  /metrics:
    get:
      tags: [operations]
      operationId: metrics
      summary: Metrics in the Prometheus text exposition format (admins)
      responses:
        "200":
          description: '`text/plain; version=0.0.4`'
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            text/plain:
              schema: {type: string}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/openapi.json:
    get:
      tags: [operations]
      operationId: openAPI
      summary: This document, as JSON
      security: []
      responses:
        "200":
          description: The OpenAPI document.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [openapi, info, paths]
        "401": {$ref: '#/components/responses/Unauthorized'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
"""#
}
