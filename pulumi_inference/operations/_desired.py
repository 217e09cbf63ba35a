"""The desired endpoint (``DesiredEndpoint``), built from canonical props: integers as
integers, canonical names.

Canonical props are what both front ends hand the core: snake_case keys (``INPUT_KEYS``
without ``secrets``), secret values inline where they belong (``service_settings.api_key``,
``connection.password``), values not known yet as ``UNKNOWN``. Pulumi sends every
number as a float; ``DesiredEndpoint`` turns integral ones back into integers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import catalogue
from .._nested import normalize_numbers
from .._pulumi_wire import UNKNOWN
from .._secrets import secret_leaves
from .._version import parse_version
from ..errors import ValidationError
from ..properties import DEFAULT_DEPLOYMENT_TIMEOUT, defaults, of_kind, sensitive_sections
from ._secrets import secrets_in
from ._secrets_digest import vouched_for

_DEFAULTS = defaults()
_FLAGS = of_kind("boolean")
_ENDPOINT_SECRETS = sensitive_sections("keys")
_ALL_SECRETS = (*_ENDPOINT_SECRETS, *sensitive_sections("connection"))
_DURATION = re.compile(
    r"^\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m)?\s*(?:(\d+(?:\.\d+)?)s)?\s*$"
)


DURATION_HINT = "give seconds (1800) or a duration such as '20m' or '1h30m'"


def _duration_of(timeout: Any) -> float:
    try:
        return parse_duration(timeout)
    except ValueError as exc:
        raise ValidationError([("deployment_timeout", f"{exc}; {DURATION_HINT}")]) from None


def parse_duration(value: Any) -> float:
    """Seconds from a number or a duration such as ``"20m"``, ``"1h30m"``, ``"90s"``."""
    if isinstance(value, bool):
        raise ValueError("expected seconds or a duration")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            seconds = float(text)
        except ValueError:
            match = _DURATION.match(text)
            if not match or not any(match.groups()):
                raise ValueError(f"'{value}' is not a duration") from None
            hours, minutes, secs = (float(group or 0) for group in match.groups())
            seconds = hours * 3600 + minutes * 60 + secs
    else:
        raise ValueError("expected seconds or a duration")
    if seconds <= 0:
        raise ValueError("must be positive")
    return seconds


def deployment_id_of(inference_id: str, service_settings: Mapping[str, Any] | None) -> str:
    """The model deployment serving an endpoint: the one its ``deployment_id`` attaches it
    to, else its own, which the cluster names after the inference id."""
    return str((service_settings or {}).get("deployment_id") or inference_id)


def _default_flag(name: str) -> bool:
    return bool(_DEFAULTS[name])


def _flags(props: Mapping[str, Any]) -> dict[str, Any]:
    """Each boolean property: its value when it is one, else its default (``UNKNOWN``
    included: a flag not known yet in a preview plans as its default)."""
    return {
        name: value if isinstance(value := props.get(name), bool) else _default_flag(name)
        for name in _FLAGS
    }


@dataclass(frozen=True)
class DesiredEndpoint:
    """One endpoint as declared, ready for comparisons and request bodies."""

    inference_id: str
    task_type: str
    service: str
    service_settings: dict[str, Any]
    task_settings: dict[str, Any]
    chunking_settings: dict[str, Any] | None
    connection: dict[str, Any] = field(default_factory=dict)
    force_delete: bool = _default_flag("force_delete")
    wait_for_deployment: bool = _default_flag("wait_for_deployment")
    deployment_timeout: float = DEFAULT_DEPLOYMENT_TIMEOUT
    cluster_version: tuple[int, int, int] | None = None

    allow_unknown_service: bool = _default_flag("allow_unknown_service")
    adopt_existing: bool = _default_flag("adopt_existing")
    adopt_secrets_digest: str | None = None
    secrets_unknown: bool = False

    @classmethod
    def from_props(
        cls, props: Mapping[str, Any], *, secrets_unknown: bool = False
    ) -> DesiredEndpoint:
        """Build from canonical props; in a preview, values not known yet stay ``UNKNOWN``.

        ``secrets_unknown``: some secret values (which keys, even) are not known yet.
        """
        timeout = props.get("deployment_timeout")
        if timeout is None:
            deployment_timeout: Any = DEFAULT_DEPLOYMENT_TIMEOUT
        elif timeout is UNKNOWN:
            deployment_timeout = timeout
        else:
            deployment_timeout = _duration_of(timeout)
        return cls(
            inference_id=_text(props["inference_id"]),
            task_type=_task_type(props["task_type"]),
            service=_text(props["service"]),
            service_settings=normalize_numbers(_mapping(props.get("service_settings"))),
            task_settings=normalize_numbers(_mapping(props.get("task_settings"))),
            chunking_settings=_chunking(props.get("chunking_settings")),
            connection=_mapping(props.get("connection")),
            deployment_timeout=deployment_timeout,
            cluster_version=parse_version(props.get("cluster_version")),
            adopt_secrets_digest=_optional_text(props.get("adopt_secrets_digest")),
            secrets_unknown=secrets_unknown,
            **_flags(props),
        )

    @property
    def canonical_service(self) -> str:
        return catalogue.canonical_service(self.service)

    @property
    def deploys_model(self) -> bool:
        return catalogue.deploys_model(self.service)

    @property
    def deployment_id(self) -> str:
        """The deployment serving this endpoint: its own, or the one it attaches to."""
        return deployment_id_of(self.inference_id, self.service_settings)

    def declared_props(self) -> dict[str, Any]:
        """The canonical props of what the cluster is sent (no connection, no provider
        settings), as a create or an adoption compares them with a live endpoint."""
        props: dict[str, Any] = {
            "inference_id": self.inference_id,
            "task_type": self.task_type,
            "service": self.service,
            "service_settings": self.service_settings,
        }
        if self.task_settings:
            props["task_settings"] = self.task_settings
        if self.chunking_settings:
            props["chunking_settings"] = self.chunking_settings
        return props

    def request_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"service": self.service, "service_settings": self.service_settings}
        if self.task_settings:
            body["task_settings"] = self.task_settings
        if self.chunking_settings:
            body["chunking_settings"] = self.chunking_settings
        return body

    def secrets_vouched_for(self, recorded: Mapping[str, Any] | None = None) -> bool:
        """Whether this declaration's secrets need not be sent: ``recorded`` (the service
        settings state holds; none at an adoption) has none of them, and
        ``adopt_secrets_digest`` is theirs (``_secrets_digest``)."""
        return vouched_for(
            self.adopt_secrets_digest, self.inference_id, self.service_settings, recorded or {}
        )

    def endpoint_secrets(self) -> list[str]:
        """The secrets the endpoint itself carries (API keys of its service, ...).

        Never the connection's credentials: those belong to the cluster, not the endpoint.
        """
        values: list[str] = []
        for name in _ENDPOINT_SECRETS:
            values += secret_leaves(getattr(self, name), catalogue.SECRET_KEYS)
        return values

    def secret_values(self) -> list[str]:
        """Every secret of this declaration (endpoint and connection), for redaction."""
        return secrets_in({name: getattr(self, name) for name in _ALL_SECRETS})


def _task_type(value: Any) -> str:
    text = _text(value)
    if text is UNKNOWN:
        return text  # type: ignore[no-any-return]  # UNKNOWN passes through in previews
    return catalogue.canonical_task_type(text) or text


def _text(value: Any) -> str:
    """A text property; ``UNKNOWN`` (typed ``Any``) passes through during previews."""
    return value if value is UNKNOWN else str(value)


def _optional_text(value: Any) -> str | None:
    """A text input that may be absent; one not known yet in a preview counts as absent."""
    return value if isinstance(value, str) else None


def _mapping(value: Any) -> dict[str, Any]:
    """A settings section; one not known yet in a preview becomes ``{"*": UNKNOWN}``."""
    if value is UNKNOWN:
        return {"*": UNKNOWN}
    return dict(value) if isinstance(value, Mapping) else {}


def _chunking(value: Any) -> dict[str, Any] | None:
    if value is UNKNOWN:
        return {"*": UNKNOWN}
    return normalize_numbers(value) if isinstance(value, Mapping) and value else None
