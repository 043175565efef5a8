// Part of the OpenAPI document (see OpenAPIDocument.swift): the head: what the API is, how it authenticates, its errors and limits.

extension OpenAPIDocument {
    static let overview = #"""
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
"""#
}
