"""What `pulumi preview --json` says, in either of its two forms.

The default form is one JSON document (a digest: steps, diagnostics, change summary) and has
no policy events; with ``PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true`` the CLI prints one engine
event per line instead, policy violations included. Both parse into a :class:`Preview`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Step:
    op: str
    urn: str
    type: str
    detailed_diff: dict[str, str]
    """property path -> kind (``update``, ``update-replace``, ``add``, ``delete``, ...)"""
    diffs: tuple[str, ...]
    replace_keys: tuple[str, ...]
    old_inputs: Mapping[str, Any]
    new_inputs: Mapping[str, Any]

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass(frozen=True)
class Diagnostic:
    urn: str
    severity: str
    message: str


@dataclass(frozen=True)
class PolicyViolation:
    urn: str
    policy: str
    pack: str
    level: str
    message: str


@dataclass
class Preview:
    steps: list[Step] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    violations: list[PolicyViolation] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)
    policies_known: bool = False
    """False for a digest: it leaves policy events out."""
    succeeded: bool = True


def _inputs(state: Any) -> Mapping[str, Any]:
    inputs = state.get("inputs") if isinstance(state, Mapping) else None
    return inputs if isinstance(inputs, Mapping) else {}


def _step(metadata: Mapping[str, Any], kind_key: str) -> Step:
    """A step from an event's metadata (``old``/``new``, ``diffKind``) or a digest's step
    (``oldState``/``newState``, ``kind``)."""
    detailed = metadata.get("detailedDiff") or {}
    old = metadata.get("old") or metadata.get("oldState")
    new = metadata.get("new") or metadata.get("newState")
    type_ = metadata.get("type") or (new or old or {}).get("type")
    return Step(
        op=str(metadata.get("op", "")),
        urn=str(metadata.get("urn", "")),
        type=str(type_ or ""),
        detailed_diff={path: str(diff.get(kind_key, "")) for path, diff in detailed.items()},
        diffs=tuple(metadata.get("diffs") or metadata.get("diffReasons") or ()),
        replace_keys=tuple(metadata.get("keys") or metadata.get("replaceReasons") or ()),
        old_inputs=_inputs(old),
        new_inputs=_inputs(new),
    )


def _digest(document: Mapping[str, Any]) -> Preview:
    preview = Preview(summary=dict(document.get("changeSummary") or {}))
    for step in document.get("steps") or []:
        preview.steps.append(_step(step, "kind"))
    for said in document.get("diagnostics") or []:
        message = str(said.get("message", ""))
        severity = str(said.get("severity", ""))
        prefix = f"{severity}: "
        preview.diagnostics.append(
            Diagnostic(
                str(said.get("urn", "")),
                severity,
                message[len(prefix) :] if message.startswith(prefix) else message,
            )
        )
    return preview


def _event(preview: Preview, event: Mapping[str, Any]) -> None:
    if "resourcePreEvent" in event:
        preview.steps.append(_step(event["resourcePreEvent"].get("metadata") or {}, "diffKind"))
    elif "diagnosticEvent" in event:
        said = event["diagnosticEvent"]
        if said.get("severity") != "debug" and not said.get("ephemeral"):
            preview.diagnostics.append(
                Diagnostic(str(said.get("urn", "")), str(said["severity"]), str(said["message"]))
            )
    elif "policyEvent" in event:
        said = event["policyEvent"]
        preview.violations.append(
            PolicyViolation(
                urn=str(said.get("resourceUrn", "")),
                policy=str(said.get("policyName", "")),
                pack=str(said.get("policyPackName", "")),
                level=str(said.get("enforcementLevel", "")),
                message=str(said.get("message", "")),
            )
        )
    elif "summaryEvent" in event:
        said = event["summaryEvent"]
        preview.summary = dict(said.get("resourceChanges") or {})
        preview.succeeded = said.get("result", "succeeded") == "succeeded"


def _stream(lines: Iterable[str]) -> Preview:
    preview = Preview(policies_known=True)
    for line in lines:
        if line.strip():
            _event(preview, json.loads(line))
    return preview


def parse_preview(text: str) -> Preview:
    """A preview from `pulumi preview --json` output (a digest, or streamed events)."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("the preview JSON is empty: did `pulumi preview --json` fail?")
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError:
        return _stream(stripped.splitlines())
    if isinstance(document, Mapping) and "sequence" not in document:
        return _digest(document)
    return _stream([stripped])
