"""What recovery will do with each pending operation, decided by asking the cluster.

- adopt: the endpoint is on the cluster and is exactly the declared one; into the state.
- clear: the endpoint is not on the cluster; the pending create is dropped (the next
  ``pulumi up`` creates it).
- leave: anything else (an endpoint that differs from its declaration, a pending update or
  delete, a resource that is not an inference endpoint): left as it is, and the reason said.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .._secrets import redact
from ..client import client_for
from ..connection import resolve_connection
from ..errors import ConfigurationError, InferenceError
from ..operations import Comparison, compare_with_cluster
from ._pulumi import RecoveryError
from ._state import Pending, StackState, cluster_source

Action = Literal["adopt", "clear", "leave"]


@dataclass(frozen=True)
class Step:
    action: Action
    pending: Pending
    reason: str
    inference_id: str | None = None

    def line(self) -> str:
        subject = self.pending.name + (f" ({self.inference_id})" if self.inference_id else "")
        return f"  {self.action:<6} {subject}: {self.reason}"


def plan(
    state: StackState,
    stack_config: Mapping[str, object],
    environ: Mapping[str, str] | None = None,
) -> list[Step]:
    """One step per pending operation of ``state``, in the order the export lists them."""
    environ = os.environ if environ is None else environ
    live = state.live_urns()
    return [_step(pending, state, stack_config, environ, live) for pending in state.pending()]


def _step(
    pending: Pending,
    state: StackState,
    stack_config: Mapping[str, object],
    environ: Mapping[str, str],
    live: set[str],
) -> Step:
    if pending.door is None:
        return Step("leave", pending, f"a {pending.type}, not an inference endpoint")
    declared = pending.declaration()
    inference_id = str(declared.get("inference_id") or "") or None
    if pending.kind != "creating":
        reason = f"interrupted while {pending.kind}; the next `pulumi up` or refresh settles it"
        return Step("leave", pending, reason, inference_id)
    if pending.urn in live:
        reason = (
            "the state already holds a resource of this name (an interrupted replacement); "
            "run `pulumi refresh`, then `pulumi up`"
        )
        return Step("leave", pending, reason, inference_id)
    if inference_id is None:
        return Step("leave", pending, "its inputs have no inference_id (not known yet)")
    comparison = _compare(pending, state, stack_config, environ)
    if not comparison.exists:
        reason = (
            "not on the cluster; the pending create is dropped and the next `pulumi up` creates it"
        )
        return Step("clear", pending, reason, inference_id)
    if comparison.matches:
        reason = "on the cluster and matching the declaration; taken into the state"
        return Step("adopt", pending, reason, inference_id)
    reason = (
        f"on the cluster but differs from the declaration in {', '.join(comparison.differences)}; "
        "left alone: delete it on the cluster (or declare it as it is), then `pulumi up`"
    )
    return Step("leave", pending, reason, inference_id)


def _compare(
    pending: Pending,
    state: StackState,
    stack_config: Mapping[str, object],
    environ: Mapping[str, str],
) -> Comparison:
    """The cluster's answer; a failure is one line naming the resource and the cluster."""
    declared, config, namespace = cluster_source(pending, state, stack_config)
    try:
        connection = resolve_connection(declared, config, environ, namespace=namespace)
    except ConfigurationError as error:
        raise RecoveryError(f"resource {pending.name}: {error}; nothing was changed") from None
    try:
        return compare_with_cluster(client_for(connection), pending.declaration())
    except InferenceError as error:
        text = redact(" ".join(str(error).split()), connection.secret_values())
        raise RecoveryError(
            f"resource {pending.name}: cannot check its endpoint on {connection.display_url}: "
            f"{text}; nothing was changed"
        ) from None
