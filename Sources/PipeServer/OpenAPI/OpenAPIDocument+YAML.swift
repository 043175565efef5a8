// The OpenAPI 3.1 description of the HTTP API, served as JSON at /v1/openapi.json. It is kept here, as YAML in a raw
// string, so the binary carries it without a resource bundle. Tests check that it lists every route the router has
// (OpenAPIDocumentTests) and schemathesis checks the server against it (scripts/schemathesis.sh, in `make test`).

extension OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: Pipe API
  version: "1"
  description: |
    The HTTP API of a Pipe deployment: accounts and sessions, storage (buckets, objects, signed URLs, resumable
    uploads), stored pipelines and jobs.

    **Authentication.** Send `Authorization: Bearer <access token or API key>` (API keys start with `pipe_`).
    Requests without the header are anonymous; a header that is present but not valid fails the request with
    `401`, on every route, including those that need no authentication.

    **Errors.** Every error has one shape, `{"error": {"code", "message", "requestId", "details"?}}`, whose `code`
    is a stable snake_case string (see the `Error` schema). Things the caller may not see answer `404` exactly as
    missing things do.

    **JSON bodies** are objects of at most 64 KiB (4 MiB for `POST /v1/jobs` and pipeline runs); larger bodies get
    `413`. Optional fields may also be `null`, which means absent. Fields not listed in a request schema are refused with `400` (`invalid_argument`,
    `details.field` names the field).

    **Headers on every response.** `X-Request-Id`; `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`,
    `Referrer-Policy: no-referrer`, and `Cache-Control: no-store` unless the route sets its own. Responses that
    passed the rate limiter carry `RateLimit-Policy` and `RateLimit`; a refused request gets `429` with
    `Retry-After`.

    **Limits on every route.** A request target over 16 KiB gets `414` (`uri_too_long`); a header field over 32 KiB,
    headers over 64 KiB or more than 100 fields are refused before any route runs. A method a path does not serve
    gets `405` (`method_not_allowed`) with `Allow`.

    **Object keys** may contain `/`. They are given as the rest of the path after `/objects/` (or after the bucket
    in `/storage/signed/…` and `/storage/public/…`), percent-decoded once; a `/` in a key may be sent as is or
    percent-encoded as `%2F`.
servers:
  - url: /
security:
  - bearerAuth: []
tags:
  - name: health
  - name: auth
  - name: accounts
  - name: buckets
  - name: objects
  - name: uploads
  - name: pipelines
  - name: jobs
  - name: operations

paths:
  # ── Health ──────────────────────────────────────────────────────────────────────────────────────────────────
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
  /v1/auth/login:
    post:
      tags: [auth]
      operationId: login
      summary: Sign in with email and password
      description: >-
        Rate-limited under the `auth` policy, per client IP. When the account has a second factor, the answer is a
        challenge to complete with `POST /v1/auth/second-factor`.
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [email, password]
              additionalProperties: false
              properties:
                email: {type: string}
                password: {type: string}
      responses:
        "200":
          description: Signed in (a token pair), or a second factor is required (a challenge).
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                oneOf:
                  - {$ref: '#/components/schemas/TokenPair'}
                  - {$ref: '#/components/schemas/SecondFactorRequired'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/second-factor:
    post:
      tags: [auth]
      operationId: completeSecondFactor
      summary: Complete a sign-in with a TOTP or recovery code
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [challenge, code]
              additionalProperties: false
              properties:
                challenge: {type: string, description: The challenge from the login response.}
                code: {type: string, description: A current TOTP code or an unused recovery code.}
      responses:
        "200": {$ref: '#/components/responses/TokenPair'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/refresh:
    post:
      tags: [auth]
      operationId: refresh
      summary: Exchange a refresh token for a new token pair
      description: Each refresh token works once; reusing one revokes its whole session (`401 session_invalid`).
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [refreshToken]
              additionalProperties: false
              properties:
                refreshToken: {type: string}
      responses:
        "200": {$ref: '#/components/responses/TokenPair'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/logout:
    post:
      tags: [auth]
      operationId: logout
      summary: End the session of a refresh token
      description: Needs no access token. An unknown or malformed refresh token is ignored (still `204`).
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [refreshToken]
              additionalProperties: false
              properties:
                refreshToken: {type: string}
      responses:
        "204": {$ref: '#/components/responses/NoContent'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/jwks:
    get:
      tags: [auth]
      operationId: jwks
      summary: The public keys that verify access tokens
      security: []
      responses:
        "200": {$ref: '#/components/responses/JWKS'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /.well-known/jwks.json:
    get:
      tags: [auth]
      operationId: wellKnownJWKS
      summary: The public keys that verify access tokens (well-known location)
      security: []
      responses:
        "200": {$ref: '#/components/responses/JWKS'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/me:
    get:
      tags: [accounts]
      operationId: me
      summary: The caller's account
      responses:
        "200":
          description: The account; `scopes` is present when the credential is narrowed to scopes.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/users:
    post:
      tags: [accounts]
      operationId: createUser
      summary: Create an account
      description: >-
        Admins may always create accounts; anyone may when the deployment allows sign-up (otherwise anonymous
        callers get `401`). Only admins may give roles other than `member` (`403`). Rate-limited under the `auth`
        policy, per client IP.
      security:
        - {}
        - bearerAuth: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [email, password]
              additionalProperties: false
              properties:
                email: {$ref: '#/components/schemas/Email'}
                password: {type: string, minLength: 8, maxLength: 1024, description: 'At least 8 characters, at most 1,024 UTF-8 bytes.'}
                displayName:
                  oneOf:
                    - {$ref: '#/components/schemas/DisplayName'}
                    - {type: 'null'}
                  description: The name to show (default the email).
                roles:
                  oneOf:
                    - {$ref: '#/components/schemas/Roles'}
                    - {type: 'null'}
                  description: Default `["member"]`.
      responses:
        "201":
          description: The new account.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "409": {$ref: '#/components/responses/Conflict'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/users/{user}:
    parameters:
      - {$ref: '#/components/parameters/UserID'}
    patch:
      tags: [accounts]
      operationId: updateUser
      summary: Change an account's roles or disable it (admins)
      description: Disabling an account revokes its sessions.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                roles:
                  oneOf:
                    - {$ref: '#/components/schemas/Roles'}
                    - {type: 'null'}
                  description: The new roles (replaces them all).
                disabled: {type: [boolean, 'null']}
      responses:
        "200":
          description: The account after the change.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/password:
    post:
      tags: [accounts]
      operationId: changePassword
      summary: Change the caller's password
      description: >-
        Wrong current passwords count towards a lockout (`429` with `Retry-After`). Every session of the account is
        revoked.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [currentPassword, newPassword]
              additionalProperties: false
              properties:
                currentPassword: {type: string}
                newPassword: {type: string, minLength: 8, maxLength: 1024, description: 'At least 8 characters, at most 1,024 UTF-8 bytes.'}
      responses:
        "204": {$ref: '#/components/responses/NoContent'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "409": {$ref: '#/components/responses/Conflict'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/totp:
    post:
      tags: [accounts]
      operationId: beginTOTPEnrolment
      summary: Start enrolling a TOTP authenticator
      description: The secret stays pending until confirmed with a code. `409` when a second factor is already enabled.
      responses:
        "200":
          description: The new secret, for the authenticator app.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [secret, uri]
                additionalProperties: false
                properties:
                  secret: {type: string, pattern: '^[A-Z2-7]+$', description: 'The secret in base32 (unpadded), for manual entry.'}
                  uri: {type: string, pattern: '^otpauth://', description: 'The `otpauth://totp/…` URI authenticator apps scan.'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "409": {$ref: '#/components/responses/Conflict'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}
    delete:
      tags: [accounts]
      operationId: disableSecondFactor
      summary: Turn the second factor off
      description: >-
        The account itself proves it holds the factor with a current TOTP code or a recovery code (`401
        invalid_credentials` otherwise; repeated wrong codes answer `429`). An admin names another account with
        `account` and needs no code. The body may be omitted (no code).
      parameters:
        - {$ref: '#/components/parameters/Account'}
      requestBody:
        required: false
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                code:
                  type: [string, 'null']
                  maxLength: 64
      responses:
        "204": {$ref: '#/components/responses/NoContent'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/totp/confirm:
    post:
      tags: [accounts]
      operationId: confirmTOTPEnrolment
      summary: Confirm a TOTP enrolment with a current code
      description: >-
        From now on password sign-ins need a second factor. `401 invalid_credentials` for a wrong code; `409` when
        no enrolment is pending.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [code]
              additionalProperties: false
              properties:
                code: {type: string}
      responses:
        "200":
          description: Ten recovery codes, shown this once.
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [recoveryCodes]
                additionalProperties: false
                properties:
                  recoveryCodes:
                    type: array
                    minItems: 10
                    maxItems: 10
                    items: {type: string, pattern: '^[a-z2-7]{5}-[a-z2-7]{5}$'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "409": {$ref: '#/components/responses/Conflict'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/oauth/{provider}/start:
    parameters:
      - {$ref: '#/components/parameters/Provider'}
    get:
      tags: [auth]
      operationId: startOAuth
      summary: Start an OAuth / OpenID Connect login
      description: >-
        Returns the provider's authorization URL (with PKCE, `state` and, for OpenID Connect, `nonce`). `400
        oauth_failed` (`details.reason: redirect_uri`) for a redirect URI that is not configured; `404` for an
        unknown provider; `503` when the provider's discovery document cannot be fetched.
      security: []
      parameters:
        - name: redirect_uri
          in: query
          required: true
          description: Where the provider sends the user back; must be one of the configured redirect URIs exactly.
          schema: {type: string}
      responses:
        "200":
          description: Where to send the user, and the one-time `state` the callback must bring back (valid 10 minutes).
          headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
          content:
            application/json:
              schema:
                type: object
                required: [url, state, expiresAt]
                additionalProperties: false
                properties:
                  url: {type: string, format: uri}
                  state: {type: string}
                  expiresAt: {type: string, format: date-time}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "404": {$ref: '#/components/responses/NotFound'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  /v1/auth/oauth/{provider}/callback:
    parameters:
      - {$ref: '#/components/parameters/Provider'}
    post:
      tags: [auth]
      operationId: completeOAuth
      summary: Complete an OAuth / OpenID Connect login
      description: >-
        Checks the `state` (once), exchanges the code and starts a session. `400 oauth_failed` with
        `details.reason` (`state`, `code`, `provider`, `redirect_uri`, `provider_status`, `provider_error`,
        `provider_response`, `id_token`, `email_in_use`, `identity_in_use`); `503` when the provider cannot be
        reached.
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [state, code, redirectUri]
              additionalProperties: false
              properties:
                state: {type: string}
                code: {type: string}
                redirectUri: {type: string}
      responses:
        "200": {$ref: '#/components/responses/TokenPair'}
        "400": {$ref: '#/components/responses/BadRequest'}
        "401": {$ref: '#/components/responses/Unauthorized'}
        "403": {$ref: '#/components/responses/Forbidden'}
        "404": {$ref: '#/components/responses/NotFound'}
        "413": {$ref: '#/components/responses/ContentTooLarge'}
        "429": {$ref: '#/components/responses/TooManyRequests'}
        "500": {$ref: '#/components/responses/InternalError'}
        "503": {$ref: '#/components/responses/Unavailable'}

  # ── Account management ──────────────────────────────────────────────────────────────────────────────────────
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
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Unauthorized:
      description: >-
        No valid credentials: `unauthenticated` (none where some are needed, or a malformed `Authorization`
        header or API key), `token_invalid`, `token_expired`, `session_invalid`, `invalid_credentials`.
      headers:
        X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}
        RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}
        RateLimit: {$ref: '#/components/headers/RateLimit'}
        WWW-Authenticate: {$ref: '#/components/headers/WWW-Authenticate'}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Forbidden:
      description: '`forbidden` (the caller is known but may not do this), `signature_invalid` (`details.reason`).'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    NotFound:
      description: >-
        `not_found`, `bucket_not_found`, `object_not_found`, `upload_not_found`, `job_not_found`,
        `pipeline_not_found`; also for things the caller may not see.
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Conflict:
      description: '`conflict`, `bucket_exists`, `object_exists`.'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    PreconditionFailed:
      description: '`precondition_failed`: an `If-Match` / `If-None-Match` condition did not hold.'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    ContentTooLarge:
      description: '`limit_exceeded`: the body (or object, part, metadata) is over its limit.'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    RangeNotSatisfiable:
      description: '`range_not_satisfiable`: the range lies outside the object (`details.size`).'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    UnprocessableContent:
      description: >-
        `invalid_pipeline` (the definition does not check out; `details.field` is the path of the field),
        `idempotency_key_reused` (the key was used with another body).
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    TooManyRequests:
      description: >-
        `rate_limited`: over the rate limit (`details.retryAfter`, `details.policy`), or an account locked by wrong
        passwords or codes.
      headers:
        X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}
        RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}
        RateLimit: {$ref: '#/components/headers/RateLimit'}
        Retry-After: {$ref: '#/components/headers/Retry-After'}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    InternalError:
      description: '`internal` (a bug; the message is generic), `data_corrupted` (stored bytes failed an integrity check).'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    Unavailable:
      description: '`unavailable`: a store or provider is not reachable right now.'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}
    InsufficientStorage:
      description: '`quota_exceeded`: the bucket''s byte or object-count quota would be exceeded.'
      headers: {X-Request-Id: {$ref: '#/components/headers/X-Request-Id'}, RateLimit-Policy: {$ref: '#/components/headers/RateLimit-Policy'}, RateLimit: {$ref: '#/components/headers/RateLimit'}}
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Error'}

  # ── Schemas ─────────────────────────────────────────────────────────────────────────────────────────────────
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
      required: [name, version, createdAt, definition]
      additionalProperties: false
      properties:
        name: {$ref: '#/components/schemas/PipelineName'}
        version: {type: integer, minimum: 1}
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
