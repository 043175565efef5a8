#!/usr/bin/env python3
"""Independent JWT check with PyJWT 2.x (+ ``cryptography``), run as a subprocess by PipeAuth's tests.

Subcommands (token or claims JSON on stdin; result on stdout; on failure the error goes to stderr and
the exit status is 1; bad arguments exit 2):

  verify --jwks FILE --issuer ISS --audience AUD --typ TYP [--leeway S]
      Picks the JWKS key whose kid equals the token header's kid, verifies with only that key's alg,
      requires exp/iat/iss/aud/sub, checks iss, aud, exp, iat (not in the future) and header typ == TYP.
      Prints the verified claims as compact JSON (sorted keys).
  sign --key PEMFILE --kid KID --alg ES256|RS256 --typ TYP
      Signs the claims with the PEM private key; header {alg, kid, typ}. Prints the JWT.
  verify-hs256 --secret-hex HEX --issuer ISS --audience AUD [--typ TYP] [--leeway S]
      As verify, with HMAC-SHA256 and the hex-encoded secret (typ checked only when given).
  sign-hs256 --secret-hex HEX --kid KID --typ TYP
      As sign, with HMAC-SHA256.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings

import jwt
from cryptography.hazmat.primitives import serialization

try:  # short HMAC secrets are deliberate in some tests; PyJWT would warn on stderr
    from jwt.warnings import InsecureKeyLengthWarning
    warnings.simplefilter("ignore", InsecureKeyLengthWarning)
except ImportError:
    pass

REQUIRED = ["exp", "iat", "iss", "aud", "sub"]


def read_stdin() -> str:
    return sys.stdin.read().strip()


def check_typ(token: str, typ: str | None) -> None:
    actual = jwt.get_unverified_header(token).get("typ")
    if typ is not None and actual != typ:
        raise jwt.InvalidTokenError(f"header typ is {actual!r}, expected {typ!r}")


def decode(token: str, key, algorithm: str, args) -> dict:
    header = jwt.get_unverified_header(token)
    if header.get("alg") != algorithm:
        raise jwt.InvalidAlgorithmError(f"header alg is {header.get('alg')!r}, expected {algorithm!r}")
    claims = jwt.decode(token, key, algorithms=[algorithm], audience=args.audience, issuer=args.issuer,
                        leeway=args.leeway, options={"require": REQUIRED, "verify_signature": True})
    check_typ(token, args.typ)
    return claims


def verify(args) -> str:
    token = read_stdin()
    with open(args.jwks, encoding="utf-8") as file:
        jwks = json.load(file)
    kid = jwt.get_unverified_header(token).get("kid")
    if kid is None:
        raise jwt.InvalidTokenError("token header has no kid")
    matches = [k for k in jwks.get("keys", []) if isinstance(k, dict) and k.get("kid") == kid]
    if len(matches) != 1:
        raise jwt.InvalidTokenError(f"{len(matches)} JWKS keys have kid {kid!r}")
    jwk = jwt.PyJWK(matches[0])
    return compact(decode(token, jwk.key, jwk.algorithm_name, args))


def sign(args) -> str:
    claims = json.loads(read_stdin())
    with open(args.key, "rb") as file:
        key = serialization.load_pem_private_key(file.read(), password=None)
    return jwt.encode(claims, key, algorithm=args.alg, headers={"kid": args.kid, "typ": args.typ})


def verify_hs256(args) -> str:
    return compact(decode(read_stdin(), bytes.fromhex(args.secret_hex), "HS256", args))


def sign_hs256(args) -> str:
    claims = json.loads(read_stdin())
    return jwt.encode(claims, bytes.fromhex(args.secret_hex), algorithm="HS256",
                      headers={"kid": args.kid, "typ": args.typ})


def compact(claims: dict) -> str:
    return json.dumps(claims, separators=(",", ":"), sort_keys=True)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("verify")
    p.add_argument("--jwks", required=True)
    p.add_argument("--issuer", required=True)
    p.add_argument("--audience", required=True)
    p.add_argument("--typ", required=True)
    p.add_argument("--leeway", type=float, default=0)
    p.set_defaults(run=verify)

    p = commands.add_parser("sign")
    p.add_argument("--key", required=True)
    p.add_argument("--kid", required=True)
    p.add_argument("--alg", required=True, choices=["ES256", "RS256"])
    p.add_argument("--typ", required=True)
    p.set_defaults(run=sign)

    p = commands.add_parser("verify-hs256")
    p.add_argument("--secret-hex", required=True)
    p.add_argument("--issuer", required=True)
    p.add_argument("--audience", required=True)
    p.add_argument("--typ", default=None)
    p.add_argument("--leeway", type=float, default=0)
    p.set_defaults(run=verify_hs256)

    p = commands.add_parser("sign-hs256")
    p.add_argument("--secret-hex", required=True)
    p.add_argument("--kid", required=True)
    p.add_argument("--typ", required=True)
    p.set_defaults(run=sign_hs256)
    return parser.parse_args()


def main() -> int:
    args = parse_arguments()
    try:
        output = args.run(args)
    except Exception as error:  # any failure: message on stderr, exit 1
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(output + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
