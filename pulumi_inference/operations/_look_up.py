"""A read by id: a program's ``InferenceEndpoint.get(name, id, ...)`` and ``pulumi import``.

The endpoint is found by its id whatever its task type, as a program would declare it. The
state the program gave with the id qualifies the look-up: an identity it names (the
``inference_id``, ``task_type`` or ``service``) must be the endpoint's, else the read fails
naming it; what the cluster cannot know (the connection, provider-only flags, secret values,
which it never returns) is kept as given; the rest is the cluster's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .. import catalogue
from .._nested import deep_merge
from .._pulumi_wire import UNKNOWN
from .._secrets import split_secrets
from ..client import InferenceClient
from ..errors import ValidationError
from ..properties import sensitive_sections
from ._declaration import import_endpoint
from ._read import ReadOutcome

IDENTITY = ("inference_id", "task_type", "service")
_CANONICAL: dict[str, Callable[[str], str | None]] = {
    "inference_id": lambda value: value,
    "task_type": catalogue.canonical_task_type,
    "service": catalogue.canonical_service,
}


def is_look_up(props: Mapping[str, Any]) -> bool:
    """Whether a read was given less than the endpoint's identity: a read by id (a ``get``,
    an import) rather than the refresh of an endpoint the stack manages."""
    return any(not isinstance(props.get(key), str) or not props[key] for key in IDENTITY)


def look_up(client: InferenceClient, inference_id: str, given: Mapping[str, Any]) -> ReadOutcome:
    """The endpoint ``inference_id`` (refused when absent), qualified by ``given``, the state
    the program gave (canonical props, any of them absent)."""
    found = import_endpoint(client, inference_id)
    stated = {key: value for key, value in given.items() if value is not None and value != UNKNOWN}
    contradictions = [
        (key, _contradiction(key, stated[key], found.declaration[key], inference_id, client))
        for key in IDENTITY
        if key in stated and not _same(key, stated[key], found.declaration[key])
    ]
    if contradictions:
        raise ValidationError(contradictions)
    inputs = {**stated, **found.declaration}
    for section in sensitive_sections("keys"):
        kept = stated.get(section)
        if isinstance(kept, Mapping):  # the cluster never returns secrets: those given stay
            hidden = split_secrets(kept, catalogue.SECRET_KEYS)[1]
            inputs[section] = deep_merge(inputs.get(section) or {}, hidden)
    return ReadOutcome(inputs, found.observed)


def _same(key: str, stated: Any, found: str) -> bool:
    canonical = _CANONICAL[key]
    return isinstance(stated, str) and canonical(stated.strip()) == canonical(found)


def _contradiction(
    key: str, stated: Any, found: str, inference_id: str, client: InferenceClient
) -> str:
    return (
        f"the endpoint '{inference_id}' on {client.cluster} has {key} {found!r}, not "
        f"{stated!r}: give the {key} it has, or leave it out"
    )
