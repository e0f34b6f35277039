"""The signature every delivery carries (docs/webhooks.md shows the receiver's side).

``Throughline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>``: the
timestamp is inside what is signed, so a receiver that refuses old timestamps refuses a replayed
request even though its signature is genuine.
"""

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Throughline-Signature"
SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix that tells a reader what the string is, not a secret)
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"
