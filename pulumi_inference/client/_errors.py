"""Turning the cluster's error answers into typed errors that say what to do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from .._naming import spelled
from ..errors import (
    AuthenticationError,
    AuthorizationError,
    ClusterError,
    ClusterRejectedError,
    ClusterUnavailableError,
    EndpointAlreadyExistsError,
    EndpointInUseError,
    EndpointNotFoundError,
)
from ._retry import RETRYABLE_STATUSES, RetryPolicy

_PIPELINES = re.compile(r"referenced by pipelines: \[([^\]]*)\]")
_INDEXES = re.compile(r"mapping for indexes: \[([^\]]*)\]")
_THIRD_PARTY_AUTH = "Received an authentication error status code"


def error_details(response: httpx.Response) -> tuple[str | None, str]:
    """The cluster's (type, reason) from an error body, whatever its shape."""
    try:
        body: Any = response.json()
    except ValueError:
        return None, response.text.strip()[:500] or response.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        reason = str(error.get("reason") or "")
        caused = error.get("caused_by")
        if isinstance(caused, dict) and caused.get("reason"):
            reason = f"{reason} (caused by: {caused['reason']})"
        return error.get("type"), reason
    if isinstance(error, str):
        return None, error
    return None, response.text.strip()[:500]


def _split(names: str) -> list[str]:
    return [name.strip() for name in names.split(",") if name.strip()]


@dataclass(frozen=True)
class _Refusal:
    """An error answer, read: what it was about and what the cluster said."""

    where: str  # "inference endpoint 'x' on http://..."
    said: str  # "404 resource_not_found_exception: ..."
    status: int
    error_type: str | None
    reason: str

    @property
    def fields(self) -> dict[str, Any]:
        return {"status": self.status, "error_type": self.error_type, "reason": self.reason}


def to_cluster_error(
    response: httpx.Response,
    *,
    subject: str,
    cluster: str,
    attempts: int = 1,
    elapsed: float | None = None,
    credentials: str | None = None,
    policy: RetryPolicy | None = None,
) -> ClusterError:
    """``subject`` names what was acted on, e.g. "inference endpoint 'my-e5'"; ``attempts``
    and ``elapsed`` say how long a retryable status was retried before giving up, under
    ``policy`` (whose deadline the message quotes: the one in force for the call);
    ``credentials`` is the setting the credentials came from, as the user wrote it."""
    status = response.status_code
    error_type, reason = error_details(response)
    said = f"{status} {error_type}: {reason}" if error_type else f"{status}: {reason}"
    answer = _Refusal(f"{subject} on {cluster}", said, status, error_type, reason)
    if status == 401:
        return _credentials_refused(answer, credentials)
    if status == 403:
        return _permission_denied(answer)
    if status == 404:
        return EndpointNotFoundError(
            f"{answer.where}: not found ({said}). If it was deleted outside Pulumi, run "
            "`pulumi refresh` to record that; the next `pulumi up` creates it again.",
            **answer.fields,
        )
    if status == 400 and error_type == "resource_already_exists_exception":
        return EndpointAlreadyExistsError(
            f"{answer.where}: an endpoint with this id already exists and is not managed by "
            "this stack. Pick another inference_id, or delete the existing endpoint "
            "(DELETE /_inference/<task_type>/<inference_id>) if it is not used.",
            **answer.fields,
        )
    if status == 409:
        return _conflict(answer)
    if status in RETRYABLE_STATUSES:
        return _retries_exhausted(answer, attempts, elapsed, policy)
    if status >= 500:
        return ClusterUnavailableError(
            f"{answer.where}: the cluster failed to handle the request ({said}). Check the "
            "cluster's logs and health.",
            **answer.fields,
        )
    return ClusterRejectedError(
        f"{answer.where}: the cluster rejected the request ({said}).", **answer.fields
    )


def _credentials_refused(answer: _Refusal, credentials: str | None) -> ClusterError:
    if _THIRD_PARTY_AUTH in answer.reason:
        return ClusterRejectedError(
            f"{answer.where}: the inference service rejected the credentials in "
            "service_settings (for example service_settings.api_key) while the cluster tested "
            f"them ({answer.said}). Check the service's API key; it is not an Elasticsearch "
            "credential problem.",
            **answer.fields,
        )
    where = (
        f"the credentials in {credentials}"
        if credentials
        else "the connection's api_key, username/password or bearer_token (or "
        "elasticsearch:apiKey in stack config, ELASTICSEARCH_API_KEY in the environment)"
    )
    return AuthenticationError(
        f"{answer.where}: the cluster refused the credentials ({answer.said}). Check {where}.",
        **answer.fields,
    )


def _permission_denied(answer: _Refusal) -> ClusterError:
    if "license" in answer.reason.lower():
        hint = "The cluster's license does not include this feature; check its license level."
    else:
        hint = (
            "Grant the `manage_inference` cluster privilege to the user or API key "
            "(`monitor_inference` is enough for reads such as refresh)."
        )
    return AuthorizationError(
        f"{answer.where}: permission denied ({answer.said}). {hint}", **answer.fields
    )


def _conflict(answer: _Refusal) -> ClusterError:
    """409: a delete refused because pipelines or indexes use the endpoint, or another clash."""
    pipelines = _split(m.group(1)) if (m := _PIPELINES.search(answer.reason)) else []
    indexes = _split(m.group(1)) if (m := _INDEXES.search(answer.reason)) else []
    used_by = []
    if pipelines:
        used_by.append(f"ingest pipelines {pipelines}")
    if indexes:
        used_by.append(f"semantic_text fields of indexes {indexes}")
    if not used_by:
        return ClusterRejectedError(f"{answer.where}: conflict ({answer.said}).", **answer.fields)
    return EndpointInUseError(
        f"{answer.where}: the cluster refuses to delete it because it is used by "
        f"{' and '.join(used_by)}. Remove those uses first, or set "
        f"{spelled('force_delete', True)} on the resource to delete it anyway (they will stop "
        "working).",
        pipelines=pipelines,
        indexes=indexes,
        **answer.fields,
    )


_RAN_OUT = (
    "the retry deadline ran out. Check the cluster's health and retry later, or raise "
    "PULUMI_INFERENCE_RETRY_DEADLINE (seconds)."
)


def _retries_exhausted(
    answer: _Refusal, attempts: int, elapsed: float | None, policy: RetryPolicy | None
) -> ClusterError:
    over = f" over {elapsed:.1f}s" if elapsed is not None else ""
    busy = "is overloaded (429)" if answer.status == 429 else "is unavailable"
    return ClusterUnavailableError(
        f"{answer.where}: the cluster {busy}; it answered {answer.status} to {attempts} "
        f"attempt(s){over} (last answer: {answer.said}); "
        f"{policy.ran_out() if policy is not None else _RAN_OUT}",
        **answer.fields,
    )
