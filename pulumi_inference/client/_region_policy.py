"""``GET|PUT|DELETE /_inference/_region_policy`` (Elasticsearch 9.5+): the cluster's one
inference region policy, with the same retries and typed errors as the endpoint calls.

A PUT replaces the whole policy, so one whose answer was lost is simply sent again. A PUT
refused because the policy would deny endpoints in use (409, ``denied_endpoint_ids`` in the
answer) raises :class:`RegionPolicyDeniesEndpointsError`, naming them and what uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._naming import spelled
from ..errors import RegionPolicyDeniesEndpointsError
from ._client import InferenceClient

PATH = "/_inference/_region_policy"
SUBJECT = "the inference region policy"


@dataclass(frozen=True)
class RegionPolicyDocument:
    """The stored policy: the ``region_policy`` object and the cluster's bookkeeping."""

    region_policy: dict[str, Any]
    created_at: str | None = None
    created_by: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None

    @classmethod
    def from_body(cls, body: Any) -> RegionPolicyDocument:
        body = body if isinstance(body, dict) else {}
        policy = body.get("region_policy")

        def text(key: str) -> str | None:
            value = body.get(key)
            return None if value is None else str(value)

        return cls(
            region_policy=dict(policy) if isinstance(policy, dict) else {},
            created_at=text("created_at"),
            created_by=text("created_by"),
            updated_at=text("updated_at"),
            updated_by=text("updated_by"),
        )


def get_region_policy(client: InferenceClient) -> RegionPolicyDocument | None:
    """The policy, or ``None`` when none is configured (404)."""
    exchange = client._session.send("GET", PATH, subject=SUBJECT)
    if exchange.response.status_code == 404:
        return None
    client._session.raise_for_status(exchange, subject=SUBJECT)
    return RegionPolicyDocument.from_body(client._session.json(exchange.response, subject=SUBJECT))


def put_region_policy(
    client: InferenceClient, region_policy: dict[str, Any], *, force: bool
) -> RegionPolicyDocument:
    """Create or replace the policy; ``force`` applies it even if it denies endpoints in use."""
    params = {"force": "true"} if force else None
    exchange = client._session.send(
        "PUT", PATH, subject=SUBJECT, json={"region_policy": region_policy}, params=params
    )
    if exchange.response.status_code == 409:
        _raise_denied(client, exchange.response.json() if _is_json(exchange) else {})
    client._session.raise_for_status(exchange, subject=SUBJECT)
    return RegionPolicyDocument.from_body(client._session.json(exchange.response, subject=SUBJECT))


def delete_region_policy(client: InferenceClient) -> bool:
    """Delete the policy; ``False`` when there was none (a lost answer's retry finds none: True)."""
    exchange = client._session.send("DELETE", PATH, subject=SUBJECT)
    if exchange.response.status_code == 404:
        return exchange.possibly_applied
    client._session.raise_for_status(exchange, subject=SUBJECT)
    return True


def _is_json(exchange: Any) -> bool:
    try:
        exchange.response.json()
    except ValueError:
        return False
    return True


def _strings(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


def _raise_denied(client: InferenceClient, body: Any) -> None:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or "denied_endpoint_ids" not in error:
        return  # another conflict (a concurrent update): the generic error below
    denied = _strings(error.get("denied_endpoint_ids"))
    pipelines = _strings(error.get("referencing_pipelines"))
    indexes = _strings(error.get("referencing_indexes"))
    uses = [*(f"pipeline {p}" for p in pipelines), *(f"index {i}" for i in indexes)]
    raise RegionPolicyDeniesEndpointsError(
        f"{SUBJECT} on {client.cluster}: the cluster refuses it because it would deny "
        f"inference endpoints in use: {', '.join(denied)} (used by {', '.join(uses) or '?'}). "
        f"Remove those uses first, or set {spelled('force', True)} on the region policy to "
        "apply it anyway (those endpoints will stop working).",
        denied=denied,
        pipelines=pipelines,
        indexes=indexes,
        status=409,
        error_type=str(error.get("type")),
        reason=str(error.get("reason", "")),
    )
