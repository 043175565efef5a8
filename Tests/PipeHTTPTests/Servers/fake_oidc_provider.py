#!/usr/bin/env python3
"""A fake OAuth 2.0 / OpenID Connect provider plus a fake GitHub, for PipeAuth's end-to-end tests.

Needs Python 3.11+ with PyJWT 2.x and ``cryptography``. Started as ``python3 fake_oidc_provider.py``
it listens on 127.0.0.1 on an ephemeral port, prints exactly one line ``PORT <n>`` on stdout once it
accepts connections, and serves until stdin reaches end-of-file or it receives SIGTERM/SIGINT.
Nothing else is written to stdout; problems go to stderr. Responses are HTTP/1.1 with Content-Length.

ISS is ``http://127.0.0.1:<port>``. Keys are generated at startup: P-256 "es-1" and RSA-2048 "rs-1"
(both in the JWKS) and an unpublished P-256 key "evil". The one registered client is
``pipe-client`` / ``pipe-secret``; token endpoints take the secret as form field ``client_secret``
(with ``client_id``) or HTTP Basic, and answer a wrong or missing one with 401 {"error":"invalid_client"}.

Routes (any other method/path: 404 {"error":"not_found"}):
  GET  /.well-known/openid-configuration[?issuer=X]  discovery document; ``issuer=X`` makes it claim X.
  GET  /jwks                      {"keys":[es-1 (EC, ES256), rs-1 (RSA, RS256)]}; counted.
  GET  /authorize                 the user approves at once. Needs client_id=pipe-client,
       response_type=code, redirect_uri, code_challenge, code_challenge_method=S256 (else 400 JSON
       {"error":"invalid_request"|"unauthorized_client"|"unsupported_response_type"}). Takes state,
       nonce (optional: no nonce means no nonce claim), scope, and test knobs login_hint (sub,
       default "user-1"), email ("ada@example.com"), email_verified ("true"/"false", default true),
       name ("Ada Lovelace"), mode (default "normal"). 302 to redirect_uri + ?|& code=C&state=S.
  POST /token                     form: grant_type=authorization_code, code, redirect_uri,
       code_verifier, client auth. 400 {"error":"unsupported_grant_type"}; 401 invalid_client; 400
       {"error":"invalid_grant"} when the code is unknown, used, older than 60 s, the redirect_uri
       differs, or BASE64URL(SHA256(code_verifier)) != code_challenge. A code is consumed by its first
       use even when that fails (client auth is checked before the code is touched). 200 JSON
       {access_token, token_type "Bearer", expires_in 3600, scope "openid email profile", id_token}.
       The id_token is ES256 / kid es-1 / typ JWT with iss, sub, aud=client_id, exp=now+300, iat,
       nonce, email, email_verified (bool), name, azp=client_id; ``mode`` changes it:
         normal | rs256 (RS256, kid rs-1) | bad_iss (iss "https://evil.example") | bad_aud (aud
         "someone-else") | aud_array (aud [client_id, "other-client"]) | bad_nonce (nonce "wrong") |
         missing_nonce | expired (exp now-600, iat now-1200) | future_iat (iat now+3600) |
         bad_signature (signed by "evil", kid es-1) | unknown_kid (signed by "evil", kid "evil") |
         alg_none (header alg none, kid es-1, empty signature) | hs256_public_key (HS256, kid es-1,
         HMAC keyed with the es-1 public key PEM) | garbage (id_token "not-a-jwt") | oversized (valid,
         plus claim "pad" of 20000 "a") | missing_id_token (field absent) | html (200 text/html
         "<html>oops</html>" instead of JSON).
  GET  /userinfo                  Authorization: Bearer <access_token from /token> -> {sub, email,
       email_verified, name}; otherwise 401 {"error":"invalid_token"}.
  GET  /login/oauth/authorize     fake GitHub: as /authorize without response_type/nonce; knobs login
       ("ada"), github_id (4242), email, email_verified, name, mode (normal | string_id).
  POST /login/oauth/access_token  fake GitHub: checks as /token (client auth failures are still 401
       invalid_client) but code/verifier/redirect errors are HTTP 200 {"error":"bad_verification_code",
       "error_description":...}. Success {access_token, token_type "bearer", scope
       "read:user,user:email"}; JSON when Accept contains application/json, else form-encoded.
  GET  /user                      Authorization "Bearer <t>" or "token <t>" -> {id (int; a string
       "4242" in mode string_id), login, name, email: null}; else 401 {"message":"Bad credentials"}.
  GET  /user/emails               [{secondary@example.com, primary false, verified true, visibility
       null}, {email, primary true, verified email_verified, visibility "private"}].
  GET  /stats                     {"jwks_requests", "token_requests", "authorize_requests"} (GitHub
       endpoints count as token/authorize requests too).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import signal
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

CLIENT_ID, CLIENT_SECRET = "pipe-client", "pipe-secret"
CODE_LIFETIME = 60.0
OIDC_MODES = {"normal", "rs256", "bad_iss", "bad_aud", "aud_array", "bad_nonce", "missing_nonce", "expired",
              "future_iat", "bad_signature", "unknown_kid", "alg_none", "hs256_public_key", "garbage",
              "oversized", "missing_id_token", "html"}
GITHUB_MODES = {"normal", "string_id"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_int(value: int, length: int | None = None) -> str:
    return b64url(value.to_bytes(length or max(1, (value.bit_length() + 7) // 8), "big"))


def compact_json(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


ES_KEY = ec.generate_private_key(ec.SECP256R1())
RS_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EVIL_KEY = ec.generate_private_key(ec.SECP256R1())
ES_PUBLIC_PEM = ES_KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
_es, _rs = ES_KEY.public_key().public_numbers(), RS_KEY.public_key().public_numbers()
JWKS = {"keys": [
    {"kty": "EC", "crv": "P-256", "x": b64url_int(_es.x, 32), "y": b64url_int(_es.y, 32),
     "kid": "es-1", "alg": "ES256", "use": "sig"},
    {"kty": "RSA", "n": b64url_int(_rs.n), "e": b64url_int(_rs.e), "kid": "rs-1", "alg": "RS256", "use": "sig"},
]}


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}  # OIDC access_token -> grant
        self.github_tokens: dict[str, dict] = {}
        self.stats = {"jwks_requests": 0, "token_requests": 0, "authorize_requests": 0}

    def count(self, name: str) -> None:
        with self.lock:
            self.stats[name] += 1


STATE = State()


def sign_id_token(issuer: str, grant: dict) -> str | None:
    """The id_token for ``grant`` as its ``mode`` asks (None for missing_id_token)."""
    mode, now = grant["mode"], int(time.time())
    claims = {"iss": issuer, "sub": grant["subject"], "aud": grant["client_id"], "exp": now + 300, "iat": now,
              "email": grant["email"], "email_verified": grant["email_verified"], "name": grant["name"],
              "azp": grant["client_id"]}
    if grant.get("nonce") is not None:
        claims["nonce"] = grant["nonce"]
    key, alg, kid = ES_KEY, "ES256", "es-1"
    if mode == "rs256":
        key, alg, kid = RS_KEY, "RS256", "rs-1"
    elif mode == "bad_iss":
        claims["iss"] = "https://evil.example"
    elif mode == "bad_aud":
        claims["aud"] = "someone-else"
    elif mode == "aud_array":
        claims["aud"] = [grant["client_id"], "other-client"]
    elif mode == "bad_nonce":
        claims["nonce"] = "wrong"
    elif mode == "missing_nonce":
        claims.pop("nonce", None)
    elif mode == "expired":
        claims["exp"], claims["iat"] = now - 600, now - 1200
    elif mode == "future_iat":
        claims["iat"] = now + 3600
    elif mode == "bad_signature":
        key = EVIL_KEY
    elif mode == "unknown_kid":
        key, kid = EVIL_KEY, "evil"
    elif mode == "oversized":
        claims["pad"] = "a" * 20000
    elif mode == "garbage":
        return "not-a-jwt"
    elif mode == "missing_id_token":
        return None
    elif mode == "alg_none":
        return f"{b64url(compact_json({'alg': 'none', 'kid': 'es-1'}))}.{b64url(compact_json(claims))}."
    elif mode == "hs256_public_key":
        signing_input = f"{b64url(compact_json({'alg': 'HS256', 'typ': 'JWT', 'kid': 'es-1'}))}." \
                        f"{b64url(compact_json(claims))}"
        mac = hmac.new(ES_PUBLIC_PEM, signing_input.encode("ascii"), hashlib.sha256).digest()
        return f"{signing_input}.{b64url(mac)}"
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid, "typ": "JWT"})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeOIDC/1.0"

    def log_message(self, format, *args) -> None:  # keep quiet; stdout is reserved for PORT
        pass

    # ---- plumbing -------------------------------------------------------------------------------

    def send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status: int, value, headers: dict | None = None) -> None:
        self.send(status, compact_json(value), "application/json", headers)

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while (size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)) > 0:
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(parts)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def dispatch(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        self.query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        body = self.read_body()
        self.form = {}
        if self.command == "POST":
            self.form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace"),
                                                                  keep_blank_values=True).items()}
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        route = ROUTES.get((self.command, url.path))
        try:
            if route is None:
                self.send_json(404, {"error": "not_found"})
            else:
                route(self)
        except Exception as error:  # answer 500 rather than dropping the connection
            traceback.print_exc(file=sys.stderr)
            self.send_json(500, {"error": "server_error", "error_description": str(error)})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = dispatch

    # ---- helpers ---------------------------------------------------------------------------------

    def client_authenticated(self) -> bool:
        client_id, secret = self.form.get("client_id"), self.form.get("client_secret")
        auth = self.headers.get("Authorization", "")
        if auth[:6].lower() == "basic ":
            try:
                user, _, password = base64.b64decode(auth[6:].strip(), validate=True).decode().partition(":")
            except ValueError:
                return False
            user, password = urllib.parse.unquote_plus(user), urllib.parse.unquote_plus(password)
            if client_id is not None and client_id != user:
                return False
            client_id, secret = user, password
        return client_id == CLIENT_ID and secret is not None and hmac.compare_digest(secret, CLIENT_SECRET)

    def bearer(self, allow_token_scheme: bool = False) -> str | None:
        scheme, _, value = self.headers.get("Authorization", "").partition(" ")
        ok = scheme.lower() == "bearer" or (allow_token_scheme and scheme.lower() == "token")
        return value.strip() if ok and value.strip() else None

    def issue_code(self, modes: set, extra: dict) -> None:
        q = self.query
        if q.get("client_id") != CLIENT_ID:
            return self.send_json(400, {"error": "unauthorized_client", "error_description": "unknown client_id"})
        problem = None
        if not q.get("redirect_uri"):
            problem = "redirect_uri missing"
        elif not q.get("code_challenge"):
            problem = "code_challenge missing"
        elif q.get("code_challenge_method") != "S256":
            problem = "code_challenge_method must be S256"
        elif q.get("mode", "normal") not in modes:
            problem = f"unknown mode {q.get('mode')!r}"
        elif q.get("email_verified", "true") not in ("true", "false"):
            problem = "email_verified must be true or false"
        if problem:
            return self.send_json(400, {"error": "invalid_request", "error_description": problem})
        code = secrets.token_urlsafe(24)
        grant = {"client_id": CLIENT_ID, "redirect_uri": q["redirect_uri"], "code_challenge": q["code_challenge"],
                 "email": q.get("email", "ada@example.com"), "email_verified": q.get("email_verified", "true") == "true",
                 "name": q.get("name", "Ada Lovelace"), "mode": q.get("mode", "normal"), "created": time.monotonic(),
                 **extra}
        with STATE.lock:
            STATE.codes[code] = grant
        location = q["redirect_uri"] + ("&" if "?" in q["redirect_uri"] else "?") + "code=" + code
        if "state" in q:
            location += "&state=" + urllib.parse.quote(q["state"], safe="")
        self.send(302, b"", "text/plain", {"Location": location})

    def redeem_code(self) -> tuple[dict | None, str]:
        """(grant, "") for a valid code exchange, else (None, reason). Consumes the code."""
        with STATE.lock:
            grant = STATE.codes.pop(self.form.get("code", ""), None)
        if grant is None:
            return None, "code unknown or already used"
        if time.monotonic() - grant["created"] > CODE_LIFETIME:
            return None, "code expired"
        if self.form.get("redirect_uri") != grant["redirect_uri"]:
            return None, "redirect_uri does not match the authorization request"
        verifier = self.form.get("code_verifier")
        if not verifier or b64url(hashlib.sha256(verifier.encode()).digest()) != grant["code_challenge"]:
            return None, "code_verifier missing or does not match code_challenge"
        return grant, ""

    # ---- OIDC routes -----------------------------------------------------------------------------

    def discovery(self) -> None:
        iss = self.issuer
        self.send_json(200, {
            "issuer": self.query.get("issuer", iss), "authorization_endpoint": iss + "/authorize",
            "token_endpoint": iss + "/token", "jwks_uri": iss + "/jwks", "userinfo_endpoint": iss + "/userinfo",
            "response_types_supported": ["code"], "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"], "subject_types_supported": ["public"],
            "scopes_supported": ["openid", "email", "profile"],
        })

    def jwks(self) -> None:
        STATE.count("jwks_requests")
        self.send_json(200, JWKS)

    def authorize(self) -> None:
        STATE.count("authorize_requests")
        if self.query.get("response_type") != "code":
            return self.send_json(400, {"error": "unsupported_response_type"})
        self.issue_code(OIDC_MODES, {"subject": self.query.get("login_hint", "user-1"), "nonce": self.query.get("nonce")})

    def token(self) -> None:
        STATE.count("token_requests")
        if self.form.get("grant_type") != "authorization_code":
            return self.send_json(400, {"error": "unsupported_grant_type"})
        if not self.client_authenticated():
            return self.send_json(401, {"error": "invalid_client"}, {"WWW-Authenticate": 'Basic realm="fake-oidc"'})
        grant, reason = self.redeem_code()
        if grant is None:
            return self.send_json(400, {"error": "invalid_grant", "error_description": reason})
        if grant["mode"] == "html":
            return self.send(200, b"<html>oops</html>", "text/html")
        access_token = secrets.token_urlsafe(32)
        with STATE.lock:
            STATE.tokens[access_token] = grant
        response = {"access_token": access_token, "token_type": "Bearer", "expires_in": 3600,
                    "scope": "openid email profile"}
        id_token = sign_id_token(self.issuer, grant)
        if id_token is not None:
            response["id_token"] = id_token
        self.send_json(200, response)

    def userinfo(self) -> None:
        with STATE.lock:
            grant = STATE.tokens.get(self.bearer() or "")
        if grant is None:
            return self.send_json(401, {"error": "invalid_token"}, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
        self.send_json(200, {"sub": grant["subject"], "email": grant["email"],
                             "email_verified": grant["email_verified"], "name": grant["name"]})

    # ---- fake GitHub -----------------------------------------------------------------------------

    def github_authorize(self) -> None:
        STATE.count("authorize_requests")
        try:
            github_id = int(self.query.get("github_id", "4242"))
        except ValueError:
            return self.send_json(400, {"error": "invalid_request", "error_description": "github_id must be an int"})
        self.issue_code(GITHUB_MODES, {"login": self.query.get("login", "ada"), "github_id": github_id})

    def github_access_token(self) -> None:
        STATE.count("token_requests")
        wants_json = "application/json" in self.headers.get("Accept", "")

        def reply(status: int, value: dict, headers: dict | None = None) -> None:
            if wants_json:
                self.send_json(status, value, headers)
            else:
                self.send(status, urllib.parse.urlencode(value).encode(), "application/x-www-form-urlencoded", headers)

        if not self.client_authenticated():
            return reply(401, {"error": "invalid_client"}, {"WWW-Authenticate": 'Basic realm="fake-github"'})
        grant, reason = self.redeem_code()
        if grant is None:
            return reply(200, {"error": "bad_verification_code", "error_description": reason})
        access_token = "gho_" + secrets.token_urlsafe(24)
        with STATE.lock:
            STATE.github_tokens[access_token] = grant
        reply(200, {"access_token": access_token, "token_type": "bearer", "scope": "read:user,user:email"})

    def github_grant(self) -> dict | None:
        with STATE.lock:
            grant = STATE.github_tokens.get(self.bearer(allow_token_scheme=True) or "")
        if grant is None:
            self.send_json(401, {"message": "Bad credentials"})
        return grant

    def github_user(self) -> None:
        if (grant := self.github_grant()) is not None:
            github_id = str(grant["github_id"]) if grant["mode"] == "string_id" else grant["github_id"]
            self.send_json(200, {"id": github_id, "login": grant["login"], "name": grant["name"], "email": None})

    def github_emails(self) -> None:
        if (grant := self.github_grant()) is not None:
            self.send_json(200, [
                {"email": "secondary@example.com", "primary": False, "verified": True, "visibility": None},
                {"email": grant["email"], "primary": True, "verified": grant["email_verified"], "visibility": "private"},
            ])

    def stats(self) -> None:
        with STATE.lock:
            self.send_json(200, dict(STATE.stats))


ROUTES = {
    ("GET", "/.well-known/openid-configuration"): Handler.discovery,
    ("GET", "/jwks"): Handler.jwks,
    ("GET", "/authorize"): Handler.authorize,
    ("POST", "/token"): Handler.token,
    ("GET", "/userinfo"): Handler.userinfo,
    ("GET", "/login/oauth/authorize"): Handler.github_authorize,
    ("POST", "/login/oauth/access_token"): Handler.github_access_token,
    ("GET", "/user"): Handler.github_user,
    ("GET", "/user/emails"): Handler.github_emails,
    ("GET", "/stats"): Handler.stats,
}


class Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


def main() -> None:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, name="serve", daemon=True).start()
    sys.stdout.write(f"PORT {server.server_address[1]}\n")
    sys.stdout.flush()

    def watch_stdin() -> None:
        try:
            while os.read(0, 65536):
                pass
        except OSError:
            pass
        stop.set()

    if "--ignore-stdin" not in sys.argv[1:]:
        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()


if __name__ == "__main__":
    main()
