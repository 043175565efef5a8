// Part of the OpenAPI document (see OpenAPIDocument.swift): sessions, API keys and service accounts.

extension OpenAPIDocument {
    static let accountPaths = #"""
  /v1/auth/sessions:
    get:
      tags: [accounts]
      operationId: listSessions
      summary: The sessions of the caller (or, for admins, of `account`)
      parameters:
        - {$ref: '#/components/parameters/Account'}
        - name: all
          in: query
          description: '`true` includes ended sessions.'
          schema: {type: boolean}
      responses:
        "200":
          description: The sessions, newest first (at most 1,000).
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [sessions]
                additionalProperties: false
                properties:
                  sessions:
                    type: array
                    items: {$ref: '#/components/schemas/Session'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    delete:
      tags: [accounts]
      operationId: revokeAllSessions
      summary: Sign out everywhere (revoke every session of the caller)
      responses:
        "200":
          description: How many sessions ended.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [revoked]
                additionalProperties: false
                properties:
                  revoked: {type: integer, minimum: 0}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/sessions/{session}:
    parameters:
      - {$ref: '#/components/parameters/SessionID'}
    delete:
      tags: [accounts]
      operationId: revokeSession
      summary: Revoke one session (its user or an admin)
      responses:
        "204": {$ref: '#/components/responses/NoContent'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/api-keys:
    get:
      tags: [accounts]
      operationId: listAPIKeys
      summary: The API keys of the caller (or, for admins, of `account`)
      parameters:
        - {$ref: '#/components/parameters/Account'}
      responses:
        "200":
          description: The keys, without their secrets.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [apiKeys]
                additionalProperties: false
                properties:
                  apiKeys:
                    type: array
                    items: {$ref: '#/components/schemas/APIKey'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    post:
      tags: [accounts]
      operationId: createAPIKey
      summary: Create an API key (for the caller, or an account it administers)
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              additionalProperties: false
              properties:
                name: {$ref: '#/components/schemas/DisplayName'}
                scopes:
                  oneOf:
                    - type: array
                      maxItems: 64
                      items: {type: string, pattern: '^[a-z0-9_:.*-]{1,64}$'}
                    - {type: 'null'}
                  description: Scopes to narrow the key to (`storage:read`, `pipelines:run`, …); none for the account's full rights.
                account:
                  oneOf:
                    - {$ref: '#/components/schemas/OpaqueID'}
                    - {type: 'null'}
                  description: The account the key authenticates as (default the caller).
                expiresAt:
                  type: [string, 'null']
                  format: date-time
                  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
                  description: When the key stops working, in UTC without fractional seconds (`2030-01-01T00:00:00Z`); never when absent or `null`.
      responses:
        "201":
          description: The new key; `key` holds its full text, shown this once.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/CreatedAPIKey'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/api-keys/{keyId}:
    parameters:
      - name: keyId
        in: path
        required: true
        description: The key's public id (the middle part of `pipe_<id>_<secret>`).
        schema: {type: string, pattern: '^[a-z2-7]{16}$'}
    delete:
      tags: [accounts]
      operationId: revokeAPIKey
      summary: Revoke an API key (its account or an admin)
      responses:
        "204": {$ref: '#/components/responses/NoContent'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/service-accounts:
    post:
      tags: [accounts]
      operationId: createServiceAccount
      summary: Create a service account (admins)
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              additionalProperties: false
              properties:
                name: {$ref: '#/components/schemas/DisplayName'}
                roles:
                  oneOf:
                    - {$ref: '#/components/schemas/Roles'}
                    - {type: 'null'}
      responses:
        "201":
          description: The new service account.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  # ── Buckets ─────────────────────────────────────────────────────────────────────────────────────────────────
"""#
}
