"""Authentication (API keys, basic users, bearer tokens) and cluster privileges.

With no credential configured the emulator is open. Otherwise every Elasticsearch route
needs a credential (the ``/_emulator`` control plane never does).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ._errors import EsError

WWW_AUTHENTICATE = (
    'Basic realm="security", charset="UTF-8"',
    'Bearer realm="security"',
    "ApiKey",
)

_INFERENCE_WRITE = ("manage_inference", "manage", "all")
_INFERENCE_READ = ("monitor_inference", "manage_inference", "monitor", "manage", "all")

# action key -> (action name, cluster privileges granting it)
ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "cluster_info": ("cluster:monitor/main", ("monitor", "manage", "all")),
    "inference_put": ("cluster:admin/xpack/inference/put", _INFERENCE_WRITE),
    "inference_update": ("cluster:admin/xpack/inference/update", _INFERENCE_WRITE),
    "inference_delete": ("cluster:admin/xpack/inference/delete", _INFERENCE_WRITE),
    "inference_get": ("cluster:monitor/xpack/inference/get", _INFERENCE_READ),
    "inference_post": ("cluster:monitor/xpack/inference/post", _INFERENCE_READ),
    "region_policy_get": ("cluster:monitor/xpack/inference/region_policy/get", _INFERENCE_READ),
    "region_policy_put": ("cluster:admin/xpack/inference/region_policy/put", _INFERENCE_WRITE),
    "region_policy_delete": (
        "cluster:admin/xpack/inference/region_policy/delete",
        _INFERENCE_WRITE,
    ),
    "ml_stats": (
        "cluster:monitor/xpack/ml/trained_models/stats/get",
        ("monitor_ml", "manage_ml", "monitor", "manage", "all"),
    ),
    "ml_manage": (
        "cluster:admin/xpack/ml/trained_models/deployment/start",
        ("manage_ml", "manage", "all"),
    ),
    "pipeline_write": (
        "cluster:admin/ingest/pipeline/put",
        ("manage_ingest_pipelines", "manage_pipeline", "manage", "all"),
    ),
    "pipeline_read": (
        "cluster:admin/ingest/pipeline/get",
        ("read_pipeline", "manage_ingest_pipelines", "manage_pipeline", "monitor", "manage", "all"),
    ),
}


def _privileges(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip()) or ("all",)


@dataclass(frozen=True)
class ApiKey:
    """An accepted API key: the encoded value clients send (base64 of ``id:key``) or ``id:key``."""

    key: str
    name: str | None = None
    privileges: tuple[str, ...] = ("all",)
    roles: tuple[str, ...] | None = None


@dataclass(frozen=True)
class User:
    """A basic-auth user; ``User.parse("name:password[:priv1,priv2]")``."""

    name: str
    password: str
    privileges: tuple[str, ...] = ("all",)
    roles: tuple[str, ...] | None = None

    @classmethod
    def parse(cls, text: str) -> User:
        parts = text.split(":", 2)
        if len(parts) < 2 or not parts[0]:
            raise ValueError(f"user must be name:password[:privileges], got [{text}]")
        privileges = _privileges(parts[2]) if len(parts) == 3 else ("all",)
        return cls(parts[0], parts[1], privileges)


@dataclass(frozen=True)
class BearerToken:
    token: str
    name: str = "token-user"
    privileges: tuple[str, ...] = ("all",)
    roles: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Principal:
    name: str
    kind: str
    privileges: tuple[str, ...]
    roles: tuple[str, ...]


def _roles(privileges: tuple[str, ...], roles: tuple[str, ...] | None) -> tuple[str, ...]:
    if roles is not None:
        return roles
    return ("superuser",) if "all" in privileges else privileges


def _normalise_key(value: str) -> str:
    """``id:key`` for both the base64 form and the raw form of an API key."""
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return value
    return decoded if ":" in decoded else value


def key_id(key: ApiKey) -> str:
    """An API key's id: what comes before ``:`` in ``id:key`` (not secret)."""
    return _normalise_key(key.key).split(":", 1)[0]


class Authenticator:
    def __init__(
        self,
        api_keys: Iterable[str | ApiKey] = (),
        users: Iterable[str | User] = (),
        bearer_tokens: Iterable[str | BearerToken] = (),
    ) -> None:
        self.api_keys = [k if isinstance(k, ApiKey) else ApiKey(k) for k in api_keys]
        self.users = [u if isinstance(u, User) else User.parse(u) for u in users]
        self.tokens = [t if isinstance(t, BearerToken) else BearerToken(t) for t in bearer_tokens]
        self._secured = bool(self.api_keys or self.users or self.tokens)

    @property
    def enabled(self) -> bool:
        """Security is on when any credential was configured (revoking them all keeps it on)."""
        return self._secured

    def add_api_key(self, key: ApiKey) -> None:
        """Accept one more API key (one already accepted takes ``key``'s name and
        privileges). An emulator started open accepts any credentials: adding a key there
        would lock every other caller out, so it is refused."""
        if not self.enabled:
            raise ValueError(
                "the emulator is open (started without --api-key, --user or --bearer-token): "
                "it accepts any credentials; start it with --api-key to rotate keys"
            )
        wanted = _normalise_key(key.key)
        kept = [k for k in self.api_keys if _normalise_key(k.key) != wanted]
        self.api_keys[:] = [*kept, key]

    def revoke_api_key(self, key: str) -> None:
        """Forget an API key, named as clients send it, as ``id:key`` or by its id alone;
        an unknown one is an error (a test revoking nothing)."""
        wanted = _normalise_key(key)
        kept = [k for k in self.api_keys if wanted not in (_normalise_key(k.key), key_id(k))]
        if len(kept) == len(self.api_keys):
            raise KeyError("no such API key")
        self.api_keys[:] = kept

    @staticmethod
    def _unauthorized(reason: str) -> EsError:
        header = {"WWW-Authenticate": list(WWW_AUTHENTICATE)}
        return EsError(
            401,
            "security_exception",
            reason,
            headers=[("WWW-Authenticate", v) for v in WWW_AUTHENTICATE],
            extra={"header": header},
        )

    def authenticate(self, authorization: str | None, uri: str) -> Principal | None:
        """The caller, ``None`` when auth is off; raises the 401 error otherwise."""
        if not self.enabled:
            return None
        if not authorization or " " not in authorization.strip():
            raise self._unauthorized(f"missing authentication credentials for REST request [{uri}]")
        scheme, _, value = authorization.strip().partition(" ")
        scheme, value = scheme.lower(), value.strip()
        if scheme == "basic":
            try:
                name, _, password = base64.b64decode(value).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                name, password = "", ""
            for user in self.users:
                if user.name == name and hmac.compare_digest(user.password, password):
                    return Principal(
                        user.name, "basic", user.privileges, _roles(user.privileges, user.roles)
                    )
            raise self._unauthorized(
                f"unable to authenticate user [{name}] for REST request [{uri}]"
            )
        if scheme == "apikey":
            wanted = _normalise_key(value)
            for key in self.api_keys:
                if hmac.compare_digest(_normalise_key(key.key), wanted):
                    name = key.name or key_id(key)
                    return Principal(
                        name, "api_key", key.privileges, _roles(key.privileges, key.roles)
                    )
        elif scheme == "bearer":
            for token in self.tokens:
                if hmac.compare_digest(token.token, value):
                    return Principal(
                        token.name,
                        "bearer",
                        token.privileges,
                        _roles(token.privileges, token.roles),
                    )
        elif scheme not in {"apikey", "bearer"}:
            raise self._unauthorized(f"missing authentication credentials for REST request [{uri}]")
        raise self._unauthorized(
            "unable to authenticate with provided credentials and anonymous access is not "
            "allowed for this request"
        )

    @staticmethod
    def authorize(principal: Principal | None, action_key: str) -> None:
        if principal is None:
            return
        action, granting = ACTIONS[action_key]
        if any(p in granting for p in principal.privileges):
            return
        raise EsError(
            403,
            "security_exception",
            f"action [{action}] is unauthorized for user [{principal.name}] with effective "
            f"roles [{','.join(principal.roles)}], this action is granted by the cluster "
            f"privileges [{','.join(granting)}]",
        )


def as_tuple(values: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(values or ())
