"""A preview's meaning for a reviewer: what each endpoint undergoes, what will fail or break,
which policies object, and whether the change may go ahead."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._naming import camel
from .._pulumi_wire import SIG_KEY
from .._secrets import REDACTED
from ..catalogue import SECRET_KEYS
from ..policy import RESOURCE_TYPES
from ..properties import sensitive_sections
from ._preview import Preview, Step
from ._region import RegionPolicyChange, is_region_policy, region_change

OPS = ("create", "adopt", "update", "replace", "delete")
ADOPTS = "ADOPTS the existing endpoint"
"""How the provider's preview warning of an adoption begins (``operations._adoption``)."""
REPLACING = frozenset(
    {"replace", "create-replacement", "delete-replaced", "discard-replaced", "import-replacement"}
)
QUIET = frozenset({"same", "read", "refresh", "read-discard"})
(DYNAMIC_SECRETS,) = sensitive_sections("whole")
SECRETS_PREFIX = f"{DYNAMIC_SECRETS}."
"""Where the dynamic resource keeps secret values: ``secrets.service_settings.api_key``."""


@dataclass(frozen=True)
class KeyChange:
    """One changed key; ``before``/``after`` as shown (``None``: absent on that side), never
    for a secret, whose key alone is named."""

    path: str
    replaces: bool
    secret: bool
    before: str | None = None
    after: str | None = None


@dataclass(frozen=True)
class EndpointChange:
    name: str
    inference_id: str
    op: str
    keys: tuple[KeyChange, ...]


@dataclass(frozen=True)
class Finding:
    """A warning or a policy violation about one resource (``name``) or the stack."""

    name: str
    kind: str
    message: str


@dataclass
class Review:
    project: str = ""
    stack: str = ""
    changes: list[EndpointChange] = field(default_factory=list)
    region_policies: list[RegionPolicyChange] = field(default_factory=list)
    """Changes of the cluster's inference region policy (where inference may run)."""
    failing: list[Finding] = field(default_factory=list)
    """Replacements the cluster will refuse: the apply fails."""
    unchecked: list[Finding] = field(default_factory=list)
    """Replacements whose users the preview could not ask about: safe or failing, unknown."""
    warnings: list[Finding] = field(default_factory=list)
    mandatory: list[Finding] = field(default_factory=list)
    advisory: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    other_changes: Counter[str] = field(default_factory=Counter)
    policies_known: bool = False
    preview_succeeded: bool = True

    @property
    def counts(self) -> Counter[str]:
        return Counter(change.op for change in self.changes)

    @property
    def blocked(self) -> bool:
        return bool(self.failing or self.unchecked or self.mandatory)


def _secret(path: str) -> bool:
    leaf = path.replace("[", ".").split(".")[-1].rstrip("]").strip('"')
    return path.split(".")[0] == DYNAMIC_SECRETS or leaf in SECRET_KEYS


def _is_secret_value(value: Any) -> bool:
    return isinstance(value, Mapping) and SIG_KEY in value


def _visible_changes(old: Any, new: Any, path: str = "") -> Iterator[str]:
    """Paths whose values differ, as far as the JSON shows them (secrets are blinded)."""
    if _is_secret_value(old) or _is_secret_value(new):
        if _is_secret_value(old) != _is_secret_value(new):
            yield path
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new)):
            yield from _visible_changes(old.get(key), new.get(key), f"{path}.{key}".lstrip("."))
    elif old != new:
        yield path


def _secret_paths(value: Any, path: str = "") -> Iterator[str]:
    if _is_secret_value(value):
        yield path
    elif isinstance(value, Mapping):
        for key in sorted(value):
            yield from _secret_paths(value[key], f"{path}.{key}".lstrip("."))


def _own_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The resource's inputs without the engine's internal ones (the dynamic provider's
    pickled code, ``__provider``)."""
    return {key: value for key, value in inputs.items() if not key.startswith("__")}


def _parts(path: str) -> list[str]:
    """``serviceSettings.model_id`` or ``a["b.c"][0]`` as its keys."""
    return [part.strip('"') for part in re.findall(r'"(?:[^"\\]|\\.)*"|[^.\[\]]+', path)]


_ABSENT = object()


def _value_at(inputs: Mapping[str, Any], path: str) -> Any:
    value: Any = inputs
    for part in _parts(path):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _ABSENT
    return value


_LONGEST = 80


def _shown(value: Any) -> str | None:
    """A value as the review shows it: text bare, anything else as compact JSON, shortened;
    ``None`` when absent. Never called for a secret."""
    if value is _ABSENT or value is None:
        return None
    if _is_secret_value(value):
        return REDACTED
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= _LONGEST else text[: _LONGEST - 3] + "..."


def _key_change(step: Step, path: str, replaces: bool, secret: bool) -> KeyChange:
    if path.startswith(SECRETS_PREFIX):  # the dynamic door names the secret key it rotates
        return KeyChange(path.removeprefix(SECRETS_PREFIX), replaces, True)
    if secret or _secret(path):
        return KeyChange(path, replaces, True)
    old, new = _own_inputs(step.old_inputs), _own_inputs(step.new_inputs)
    return KeyChange(
        path, replaces, False, _shown(_value_at(old, path)), _shown(_value_at(new, path))
    )


def _keys(step: Step) -> tuple[KeyChange, ...]:
    """The changed keys: the provider's detailed diff, else what the inputs show; when they
    show nothing, the change is in a secret the JSON blinds (the dynamic resource's
    ``secrets``): each secret then counts as changed, its value never shown."""
    if step.detailed_diff:
        return tuple(
            _key_change(step, path, kind.endswith("-replace") or path in step.replace_keys, False)
            for path, kind in sorted(step.detailed_diff.items())
        )
    old, new = _own_inputs(step.old_inputs), _own_inputs(step.new_inputs)
    paths = list(_visible_changes(old, new))
    secret = False
    if not paths:
        paths, secret = list(_secret_paths(new)), True
    return tuple(_key_change(step, p, p.split(".")[0] in step.replace_keys, secret) for p in paths)


def _adoptions(review: Review) -> None:
    """An endpoint the engine creates that the provider said it adopts, or one the engine
    imports (``import_``), is adopted: never reported as created."""
    adopting = {f.name for f in review.warnings if f.kind.startswith("adopts")}
    review.changes = [
        EndpointChange(c.name, c.inference_id, "adopt", c.keys)
        if c.op == "import" or (c.op == "create" and c.name in adopting)
        else c
        for c in review.changes
    ]
    review.changes.sort(key=lambda c: (OPS.index(c.op) if c.op in OPS else len(OPS), c.name))


def _project_and_stack(preview: Preview, review: Review) -> None:
    """From the URNs: ``urn:pulumi:<stack>::<project>::<type>::<name>``."""
    for step in preview.steps:
        head = step.urn.split("::")
        if len(head) >= 2 and head[0].startswith("urn:pulumi:"):
            review.stack, review.project = head[0].removeprefix("urn:pulumi:"), head[1]
            return


_INFERENCE_ID = ("inference_id", camel("inference_id"))
"""The endpoint's id as each door's state spells it."""


def _inference_id(step: Step) -> str:
    for inputs in (step.new_inputs, step.old_inputs):
        for key in _INFERENCE_ID:
            if isinstance(inputs.get(key), str):
                return str(inputs[key])
    return ""


def _endpoint_changes(preview: Preview, review: Review) -> None:
    ops: dict[str, list[Step]] = {}
    for step in preview.steps:
        if step.op not in QUIET:
            ops.setdefault(step.urn, []).append(step)
    for steps in ops.values():
        names = {step.op for step in steps}
        op = "replace" if names & REPLACING else steps[0].op
        main = next((s for s in steps if s.op == op), steps[0])
        if is_region_policy(main):
            review.region_policies.append(region_change(main, op))
            continue
        if main.type not in RESOURCE_TYPES:
            if main.type != "pulumi:pulumi:Stack":
                review.other_changes[op] += 1
            continue
        keys = () if op in ("create", "delete") else _keys(main)
        review.changes.append(EndpointChange(main.name, _inference_id(main), op, keys))
    review.changes.sort(key=lambda c: (OPS.index(c.op) if c.op in OPS else len(OPS), c.name))


def _diagnostics(preview: Preview, review: Review) -> None:
    for said in preview.diagnostics:
        name = said.urn.rsplit("::", 1)[-1] if said.urn else "(stack)"
        message = " ".join(said.message.split())
        if said.severity == "error":
            review.errors.append(Finding(name, "error", message))
        elif said.severity != "warning":
            continue
        elif "NOT CHECKED" in message:
            review.unchecked.append(Finding(name, "not checked", message))
        elif "will FAIL" in message:
            review.failing.append(Finding(name, "fails", message))
        elif ADOPTS in message:
            kind = "adopts, chunking reset" if "resets chunking_settings" in message else "adopts"
            review.warnings.append(Finding(name, kind, message))
        elif "will BREAK SEARCH" in message:
            review.warnings.append(Finding(name, "breaks search", message))
        elif "chunking_settings" in message and "resets" in message:
            review.warnings.append(Finding(name, "chunking reset", message))
        else:
            review.warnings.append(Finding(name, "warning", message))


_SUMMARY_ERRORS = frozenset({"preview failed", "update failed"})
"""What the engine adds on the stack after a resource's own error: it repeats that error."""


def _once(findings: list[Finding]) -> list[Finding]:
    """Each finding once (the engine may report one message twice), in order."""
    seen: set[Finding] = set()
    kept = []
    for finding in findings:
        if finding not in seen:
            seen.add(finding)
            kept.append(finding)
    return kept


def _without_repeats(review: Review) -> None:
    review.errors = _once(review.errors)
    others = [e for e in review.errors if e.message.strip(". ").lower() not in _SUMMARY_ERRORS]
    if others or review.failing or review.unchecked or review.mandatory:
        review.errors = others


def review_of(preview: Preview) -> Review:
    review = Review(policies_known=preview.policies_known, preview_succeeded=preview.succeeded)
    _project_and_stack(preview, review)
    _endpoint_changes(preview, review)
    _diagnostics(preview, review)
    _adoptions(review)
    _without_repeats(review)
    for violation in preview.violations:
        name = violation.urn.rsplit("::", 1)[-1] if violation.urn else "(stack)"
        message = " — ".join(line.strip() for line in violation.message.splitlines() if line)
        finding = Finding(name, violation.policy, message)
        if violation.level == "mandatory":
            review.mandatory.append(finding)
        elif violation.level == "advisory":
            review.advisory.append(finding)
    # The engine reports in the order its parallel steps ran; a review reads the same each time.
    for findings in (
        review.failing,
        review.unchecked,
        review.warnings,
        review.mandatory,
        review.advisory,
    ):
        findings[:] = _once(sorted(findings, key=lambda f: (f.name, f.kind, f.message)))
    return review
