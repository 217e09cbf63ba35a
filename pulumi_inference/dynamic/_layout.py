"""The dynamic resource's property layout, a public contract of every stack's state.

The dynamic ``InferenceEndpoint`` moves every secret value into one always-secret ``secrets``
property (``{"service_settings": {"api_key": ...}, "connection": {"password": ...}}``), so
that the rest of ``service_settings`` stays readable in previews, since Pulumi's Python SDK
would otherwise hide the whole dict. The core works on canonical props, with each secret back
in its place; :func:`canonical` turns the first into the second.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .. import catalogue
from .._nested import deep_merge
from .._pulumi_wire import UNKNOWN
from .._secrets import split_secrets
from ..connection import SECRET_CONNECTION_FIELDS
from ..operations import Change, DesiredEndpoint
from ..properties import sensitive_sections

(SECRETS,) = sensitive_sections("whole")
SECRET_SECTIONS: dict[str, frozenset[str]] = {
    **dict.fromkeys(sensitive_sections("keys"), catalogue.SECRET_KEYS),
    **dict.fromkeys(sensitive_sections("connection"), SECRET_CONNECTION_FIELDS),
}
"""Which properties carry secret keys, and which keys are secret in each."""

PREVIEWING = "__previewing"
"""Not a property: registered (``True``) by every endpoint while its program runs a preview
(``pulumi.runtime.is_dry_run()``), since the engine gives the provider's check no such flag.
Present, the check may say what an adoption will do; absent, the program applies an ``up``,
so what the check and the diff accept is stored, and the preview's
``PULUMI_INFERENCE_PREVIEW_CHECK=warn``/``off`` no longer softens them (``operations.applying``).
Only previews register it, and they write no state; the check also takes it out of the inputs
it returns. (A marker registered while applying would be kept: the engine records every
registered property's dependencies in state.)"""

MARKERS = (PREVIEWING,)


def canonical(props: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """Props with the ``secrets`` property merged back; and whether its values (some, or
    which keys even) are not known yet, as in a preview where a secret is an Output."""
    merged = {key: value for key, value in props.items() if key != SECRETS}
    hidden = props.get(SECRETS)
    if hidden is UNKNOWN:
        return merged, True
    if not isinstance(hidden, Mapping):
        return merged, False
    unknown = False
    for section in SECRET_SECTIONS:
        extra = hidden.get(section)
        if extra is UNKNOWN:
            unknown = True
        elif isinstance(extra, Mapping):
            base = merged.get(section)
            if base is None or isinstance(base, Mapping):  # else: reported as the wrong shape
                merged[section] = deep_merge(base, extra)
    return merged, unknown


def laid_out(props: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical props in this layout: every secret value moved into ``secrets`` (the
    reverse of :func:`canonical`, for plain values)."""
    laid = dict(props)
    hidden: dict[str, Any] = {}
    for section, secret_keys in SECRET_SECTIONS.items():
        value = laid.get(section)
        if isinstance(value, Mapping):
            laid[section], secret = split_secrets(value, secret_keys)
            if secret:
                hidden[section] = secret
    if hidden:
        laid[SECRETS] = hidden
    return laid


def carried_by(path: tuple[str, ...], props: Mapping[str, Any]) -> str:
    """The top-level property that holds the value at ``path``: ``secrets`` for the secret
    values the resource moved there, else the path's own first key."""
    hidden = props.get(SECRETS)
    section = hidden.get(path[0]) if isinstance(hidden, Mapping) else None
    if len(path) > 1 and isinstance(section, Mapping) and path[1] in section:
        return SECRETS
    return path[0]


def endpoint_spec(props: Mapping[str, Any]) -> DesiredEndpoint:
    """The endpoint declared by props in this layout."""
    merged, secrets_unknown = canonical(props)
    return DesiredEndpoint.from_props(merged, secrets_unknown=secrets_unknown)


def detailed_diff(
    changes: Iterable[Change], old: Mapping[str, Any], new: Mapping[str, Any]
) -> dict[str, str]:
    """Each change as a property path of this layout with its kind as the protocol names it:
    ``task_settings.user``; a value the resource keeps in ``secrets`` by its path there,
    ``secrets.service_settings.api_key`` (a reviewer sees which key rotated, never a value:
    the whole of ``secrets`` is one secret); a secret whose key is not known yet, ``secrets``."""
    detailed: dict[str, str] = {}
    for change in changes:
        props = old if change.kind == "delete" else new
        if change.key_not_known:  # which key, only the engine will know: the whole property
            detailed[SECRETS] = change.diff_kind
        elif len(change.path) > 1 and carried_by(change.path, props) == SECRETS:
            detailed[property_path((SECRETS, *change.path))] = change.diff_kind
        else:
            detailed[property_path(change.path)] = change.diff_kind
    return detailed


_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def property_path(path: Sequence[str | int]) -> str:
    """``("task_settings", "user")`` -> ``task_settings.user``; other names in brackets."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_NAME.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text
