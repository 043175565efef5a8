// Part of the OpenAPI document (see OpenAPIDocument.swift): signing in, accounts and their credentials.

extension OpenAPIDocument {
    static let signInPaths = #"""
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
"""#
}
