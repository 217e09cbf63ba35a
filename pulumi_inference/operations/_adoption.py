"""What adopting an existing endpoint will do, said at preview, before anything is sent.

``adopt_existing`` (and an imported program) takes over an endpoint made elsewhere with one
``_update``: the declared secrets (the cluster never shows the ones it holds, so adoption
cannot tell whether they differ: it sends them, unless ``adopt_secrets_digest`` vouches for
them) plus every declared setting that
differs and can change in place. The preview looks the endpoint up, read-only, and says per
endpoint exactly that, including the chunking reset that ``_update`` causes before 9.4;
an endpoint that differs in a setting that cannot change in place is said to be refused
(the adoption fails and leaves it untouched), and one that is not there to be created.

Each "will FAIL" is a prediction of what the apply does (tested against the `up` that
follows it). It is said once, by the preview: a door calls :func:`preview_adoption` where the
engine previews the create (the native provider's create with ``preview``; the dynamic
provider's check, which its program tells that a preview runs), never in the update that
follows, whose create says what it did (``ADOPTED, not created``). ``adopt_existing``
matters only when an endpoint is created: an endpoint the stack already holds and replaces
with the same id is deleted first, so the endpoint the look-up finds is the stack's own,
about to go, and there is nothing to adopt (:func:`note_replaced_in_place`, told by
``diff`` of the resource the engine names).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from .. import catalogue
from .._naming import spelled
from .._version import parse_version
from ..client import InferenceClient
from ..errors import InferenceError
from ._desired import DesiredEndpoint
from ._match import adoption_plan
from ._observed import cluster_version_of
from ._plan import Change, Plan, has_unknown, update_body
from ._versions import (
    CHUNKING_AFTER_UPDATE_RESET,
    task_settings_updatable,
    update_changes_chunking,
)

log = logging.getLogger("pulumi_inference")

_REPLACED_IN_PLACE: set[tuple[str, str]] = set()
"""(resource, cluster) of the endpoints this process's diffs replace, the old one deleted
first; ``resource`` is the engine's name of it (its URN). The engine checks a replacement's
inputs again as a new resource's (no olds) right after its diff, then previews its create,
and an adoption look-up would find the very endpoint being replaced. A replacement that also
moves the endpoint to another cluster is a create there, where an adoption may well find
one."""


def note_replaced_in_place(resource: str, cluster: str) -> None:
    """``diff`` planned to delete this resource's endpoint and create it again with its id."""
    _REPLACED_IN_PLACE.add((resource, cluster))


ADOPTS = "ADOPTS the existing endpoint"
"""The words a review looks for (``review._summary``) to show the endpoint as adopted."""


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


_SECTIONS = ("service_settings", "task_settings", "chunking_settings")


def _changes(plan: Plan, live: Mapping[str, Any]) -> list[str]:
    """Each setting the _update changes on the cluster, ``path old -> new``."""
    return [
        f"{'.'.join(change.path)} {_before(change, live)} -> {_after(change, plan)}"
        for change in plan.changes
        if not change.replaces and not change.secret and change.path[0] in _SECTIONS
    ]


def _before(change: Change, live: Mapping[str, Any]) -> str:
    value: Any = live
    for part in change.path:
        value = value.get(part) if isinstance(value, Mapping) else None
    return "(none)" if value is None else _shown(value)


def _after(change: Change, plan: Plan) -> str:
    value: Any = plan.update_body
    for part in change.path:
        value = value.get(part) if isinstance(value, Mapping) else None
    return "(none)" if value is None else _shown(value)


def _chunking(chunking: Mapping[str, Any] | None) -> str:
    return "/".join(str(v) for v in chunking.values()) if chunking else "its chunking"


def adoption_notice(
    client: InferenceClient, spec: DesiredEndpoint, props: Mapping[str, Any]
) -> str | None:
    """What ``adopt_existing`` will do to the endpoint on the cluster, or ``None`` when there
    is none to adopt (it will be created). Read-only."""
    existing = client.find_endpoint(spec.inference_id)
    if existing is None:
        return None
    where = f"inference endpoint '{spec.inference_id}' on {client.cluster}"
    plan = adoption_plan(client, spec, props, existing)
    if plan.replaces:
        return (
            f"{where}: {spelled('adopt_existing')} will FAIL and leave it untouched: it differs "
            f"from the declaration in {', '.join(plan.replacing_keys)}, which cannot change in "
            "place. Declare it as it is, or delete it yourself."
        )
    vouched = spec.secrets_vouched_for()
    body = update_body(plan, spec, send_secrets=not vouched)
    if not body:
        said = f"{where}: {ADOPTS}; it matches the declaration: nothing is sent"
        if vouched:
            said += (
                f" (its secrets are the ones {spelled('adopt_secrets_digest')} vouches for, "
                "so they are not sent again)"
            )
        return said + "."
    version = parse_version(cluster_version_of(client, spec.inference_id))
    if not task_settings_updatable(version):
        return (
            f"{where}: {spelled('adopt_existing')} will FAIL and leave it untouched: adopting "
            "it needs an _update (its secrets, or settings that differ), which this cluster "
            f"(Elasticsearch {'.'.join(map(str, version or ()))}) does not have (8.17+). "
            "Delete it and let `pulumi up` create it, or adopt it on a newer cluster."
        )
    secrets = sorted(k for k in body.get("service_settings", {}) if k in catalogue.SECRET_KEYS)
    sent = [f"service_settings.{key} (secret, value not shown)" for key in secrets]
    changed = _changes(plan, existing)
    said = f"{where}: {ADOPTS} with one _update, which sends {', '.join(sent + changed)}"
    said += "; it changes " + (", ".join(changed) if changed else "no setting")
    live_chunking = existing.get("chunking_settings")
    if update_changes_chunking(spec.task_type, version, live_chunking):
        said += (
            f", and on this cluster (Elasticsearch {'.'.join(map(str, version or ()))}, before "
            f"9.4) that _update also resets chunking_settings from {_chunking(live_chunking)} to "
            f"{_chunking(CHUNKING_AFTER_UPDATE_RESET)} (elastic/elasticsearch#139574; no _update "
            "of this version takes chunking_settings to keep them)"
        )
        if spec.chunking_settings == dict(CHUNKING_AFTER_UPDATE_RESET):
            said += ", as the program declares"
    return said + "."


def preview_adoption(
    props: Mapping[str, Any],
    connect: Callable[[DesiredEndpoint], InferenceClient],
    resource: str | None = None,
) -> None:
    """For an endpoint the engine previews the create of, with ``adopt_existing``: say, as
    a warning on it, what the adoption will do. Never fails: a look-up that cannot be made
    says so.
    ``resource``: the engine's name of the resource, whose replacement a diff may have
    planned (then the endpoint found is the stack's own, deleted first: nothing to say)."""
    if props.get("adopt_existing") is not True or has_unknown(props.get("connection")):
        return
    try:
        spec = DesiredEndpoint.from_props(props)
        client = connect(spec)
        if resource is not None and (resource, client.cluster) in _REPLACED_IN_PLACE:
            return
        notice = adoption_notice(client, spec, props)
    except InferenceError as exc:
        log.warning(
            "inference endpoint '%s': whether %s finds an endpoint to take over could not be "
            "checked (%s)",
            props.get("inference_id"),
            spelled("adopt_existing"),
            exc,
        )
        return
    if notice is not None:
        log.warning("%s", notice)
