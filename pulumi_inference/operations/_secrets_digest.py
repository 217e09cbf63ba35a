"""``adopt_secrets_digest``: adopting an endpoint without sending the secrets it already holds.

The cluster never returns an endpoint's secrets, so an adoption cannot see whether the
declared ones are the ones it holds, and sends them (an ``_update``, which before 9.4 also
resets the endpoint's chunking). A tool that knows what was last sent (Terraform's state
records it) can say so: ``pulumi-inference import --from-terraform`` writes a salted scrypt
digest of those secrets into the program. The secrets of a declaration are vouched for when

- the declaration carries a digest, its secrets are known (not a preview's unknowns), and
  the digest is theirs (with this endpoint's id: a digest cannot be moved to another one);
- the stack holds no value for any of them: it is adopting (an imported or adopted endpoint
  whose secrets state has never recorded).

Vouched-for secrets are not a change and are not sent. A declared secret that differs from
what was digested (a key rotated before or after the adoption) is never vouched for and is
sent; once state records the secrets, the digest no longer speaks. The digest is the PHC
string format (``$scrypt$ln=14,r=8,p=1$salt$hash``): it proves a value without revealing
it, as a password hash does, and its cost makes guessing a weak secret from it slow.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import re
from collections.abc import Mapping
from typing import Any

from .. import catalogue
from .._pulumi_wire import UNKNOWN

_LOG_N, _R, _P = 14, 8, 1
_MAX_LOG_N, _MAX_R, _MAX_P = 20, 16, 4  # a digest from the program never costs more than this
_FORMAT = re.compile(r"^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$")
FORMAT_HINT = (
    "expected the $scrypt$ln=..,r=..,p=..$salt$hash string that `pulumi-inference import "
    "--from-terraform` writes; remove it to send the secrets at adoption"
)


def endpoint_secrets(service_settings: Mapping[str, Any]) -> dict[str, Any]:
    """The secrets of ``service_settings`` an ``_update`` sends (its secret keys)."""
    return {k: v for k, v in service_settings.items() if k in catalogue.SECRET_KEYS}


def _message(inference_id: str, secrets: Mapping[str, Any]) -> bytes:
    text = json.dumps({"inference_id": inference_id, "secrets": secrets}, sort_keys=True)
    return text.encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _scrypt(message: bytes, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        message, salt=salt, n=2**log_n, r=r, p=p, maxmem=256 * 2**log_n * r + 2**20, dklen=32
    )


def secrets_digest(inference_id: str, secrets: Mapping[str, Any]) -> str:
    """The digest of an endpoint's ``secrets`` (``{"api_key": ...}``), with a new salt."""
    salt = os.urandom(16)
    hashed = _scrypt(_message(inference_id, secrets), salt, _LOG_N, _R, _P)
    return f"$scrypt$ln={_LOG_N},r={_R},p={_P}${_b64(salt)}${_b64(hashed)}"


def digest_problem(value: Any) -> str | None:
    """Why ``value`` is not a digest this library can check, or None."""
    if value is None or value is UNKNOWN:
        return None
    match = _FORMAT.match(value) if isinstance(value, str) else None
    if match is None:
        return FORMAT_HINT
    log_n, r, p = (int(group) for group in match.groups()[:3])
    if not (1 <= log_n <= _MAX_LOG_N and 1 <= r <= _MAX_R and 1 <= p <= _MAX_P):
        return f"its cost (ln={log_n}, r={r}, p={p}) is out of range; {FORMAT_HINT}"
    return None


@functools.lru_cache(maxsize=256)
def _matches(digest: str, message: bytes) -> bool:
    match = _FORMAT.match(digest)
    if match is None or digest_problem(digest) is not None:
        return False
    log_n, r, p = (int(group) for group in match.groups()[:3])
    salt, expected = _unb64(match.group(4)), _unb64(match.group(5))
    return hmac.compare_digest(_scrypt(message, salt, log_n, r, p), expected)


def digest_matches(digest: Any, inference_id: str, secrets: Mapping[str, Any]) -> bool:
    """Whether ``digest`` is the digest of these ``secrets`` of ``inference_id``."""
    if not isinstance(digest, str) or not secrets or _has_unknown(secrets):
        return False
    return _matches(digest, _message(inference_id, secrets))


def vouched_for(
    digest: Any,
    inference_id: str,
    declared: Mapping[str, Any],
    recorded: Mapping[str, Any],
) -> bool:
    """Whether the declared secrets (``declared`` service settings) need not be sent: the
    stack records none of them (``recorded`` service settings) and ``digest`` is theirs."""
    secrets = endpoint_secrets(declared)
    if not secrets or any(recorded.get(key) is not None for key in secrets):
        return False
    return digest_matches(digest, inference_id, secrets)


def _has_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(_has_unknown(item) for item in value.values())
    return False
