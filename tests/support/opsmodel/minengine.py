"""The engine's steps played over provider processes: the provider-level driver of the model.

What Pulumi's engine does per command, as far as a provider can tell (and no further):

- ``preview``: per declared resource, ``Check`` (the stored inputs as olds), then ``Diff``
  against the stored outputs; a replacement is checked again as a new resource (no olds),
  as the engine does; the native door's creates and updates are previewed (``preview``
  flag). A resource in state that the program no longer declares is deleted. A dynamic
  resource registers, while its program previews, that it does (``PREVIEWING``, as
  ``dynamic/_declare.py`` does): its check predicts an adoption then, and takes a check
  without it for an ``up``'s.
- ``up``: the same decisions, carried out in program order: ``Create``, ``Update``, a
  replacement as ``Delete`` then ``Create`` (delete first) or ``Create`` then, at the end,
  ``Delete``; deletes last. The first failure stops the command (nothing new is started),
  and what was done stays in state, as the engine checkpoints each step. The native
  provider's configuration is the explicit provider resource's inputs: it is stored when
  ``up`` starts.
- ``refresh``: ``Read`` of every resource in state with what state holds (the native door
  with the stored provider configuration), as a plain ``pulumi refresh`` does; an empty id
  removes the resource from state.

Each command is a new process (:class:`ProviderCommand`), as with the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime.proto import provider_pb2

from pulumi_inference.dynamic._layout import PREVIEWING
from pulumi_inference.review import Diagnostic, Preview, Step

from .provider import TYPES, FakeEngine, ProviderCommand, ProviderError, urn_of
from .wire import masked, plain

_KINDS = {
    "ADD": "add",
    "ADD_REPLACE": "add-replace",
    "DELETE": "delete",
    "DELETE_REPLACE": "delete-replace",
    "UPDATE": "update",
    "UPDATE_REPLACE": "update-replace",
}


@dataclass
class Resource:
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass
class Outcome:
    """What one command did, per resource name, and everything it said."""

    command: str
    ok: bool = True
    ops: dict[str, str] = field(default_factory=dict)
    """name -> same, create, update, replace, delete (refresh: same, update, delete)"""
    failed: dict[str, str] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    """Names whose step was carried out (``up``): a failure stops the rest."""
    warnings: dict[str, list[str]] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)
    """Every line a user would read: errors, warnings, the provider's stderr."""
    review: Preview | None = None

    def fail(self, name: str, message: str) -> None:
        self.ok = False
        self.failed[name] = message
        self.text.append(message)


@dataclass
class Planned:
    name: str
    op: str
    inputs: dict[str, Any]
    diff: Any = None


class MiniEngine:
    """One stack of one door, driven by the model; state kept as the engine would."""

    def __init__(self, door: str, engine: FakeEngine, env: Mapping[str, str]) -> None:
        self.door = door
        self.engine = engine
        self.env = dict(env)
        self.state: dict[str, Resource] = {}
        self.provider_config: dict[str, Any] = {}
        """The native provider's configuration as state holds it (the last `up`'s)."""

    # -- commands -----------------------------------------------------------------------

    def preview(self, program: Mapping[str, dict[str, Any]], config: Mapping[str, Any]) -> Outcome:
        outcome = Outcome("preview")
        mark = len(self.engine.said)
        with self._process(config, outcome) as provider:
            plans = self._plan(provider, program, outcome, previewing=True)
            if self.door == "native":
                self._preview_outputs(provider, plans, outcome)
        self._collect(outcome, mark)
        outcome.review = self._review(plans, outcome)
        return outcome

    def up(self, program: Mapping[str, dict[str, Any]], config: Mapping[str, Any]) -> Outcome:
        outcome = Outcome("up")
        mark = len(self.engine.said)
        if self.door == "native":
            self.provider_config = dict(config)
        with self._process(config, outcome) as provider:
            plans = self._plan(provider, program, outcome)
            if outcome.ok:
                self._apply(provider, plans, outcome)
        self._collect(outcome, mark)
        return outcome

    def refresh(self) -> Outcome:
        outcome = Outcome("refresh")
        mark = len(self.engine.said)
        with self._process(self.provider_config, outcome) as provider:
            for name, resource in list(self.state.items()):
                self._read(provider, name, resource, outcome)
        self._collect(outcome, mark)
        return outcome

    # -- the steps ----------------------------------------------------------------------

    def _process(self, config: Mapping[str, Any], outcome: Outcome) -> ProviderCommand:
        command = ProviderCommand(self.door, self.engine, config if self.door == "native" else {})
        command.env = self.env
        command.stderr = outcome.text
        return command

    def _plan(
        self,
        provider: ProviderCommand,
        program: Mapping[str, dict[str, Any]],
        outcome: Outcome,
        previewing: bool = False,
    ) -> list[Planned]:
        plans = []
        for name, news in program.items():
            try:
                plan = self._decide(provider, name, self._registered(news, previewing))
            except ProviderError as failed:
                outcome.fail(name, str(failed))
                continue
            if isinstance(plan, str):
                outcome.fail(name, plan)
                continue
            outcome.ops[name] = plan.op
            plans.append(plan)
        for name in self.state:
            if name not in program:
                outcome.ops[name] = "delete"
                plans.append(Planned(name, "delete", {}))
        return plans

    def _registered(self, news: dict[str, Any], previewing: bool) -> dict[str, Any]:
        """The inputs as the program registers them (see the top of this module)."""
        if previewing and self.door == "dynamic":
            return {**news, PREVIEWING: True}
        return news

    def _decide(self, provider: ProviderCommand, name: str, news: dict[str, Any]) -> Planned | str:
        urn = urn_of(self.door, name)
        old = self.state.get(name)
        checked, failures = provider.check(urn, old.inputs if old else None, news)
        if failures:
            return "; ".join(f"{path}: {reason}" for path, reason in failures)
        if old is None:
            return Planned(name, "create", checked)
        diff = provider.diff(urn, old.id, old.outputs, checked, old.inputs)
        if diff.changes != provider_pb2.DiffResponse.DIFF_SOME:
            return Planned(name, "same", checked, diff)
        if not diff.replaces:
            return Planned(name, "update", checked, diff)
        checked, failures = provider.check(urn, None, news)  # the engine's own re-check
        if failures:
            return "; ".join(f"{path}: {reason}" for path, reason in failures)
        return Planned(name, "replace", checked, diff)

    def _preview_outputs(
        self, provider: ProviderCommand, plans: list[Planned], outcome: Outcome
    ) -> None:
        for plan in plans:
            urn = urn_of(self.door, plan.name)
            try:
                if plan.op in ("create", "replace"):
                    provider.create(urn, plan.inputs, preview=True)
                elif plan.op == "update":
                    old = self.state[plan.name]
                    provider.update(urn, old.id, old.outputs, plan.inputs, old.inputs, preview=True)
            except ProviderError as failed:
                outcome.fail(plan.name, str(failed))

    def _apply(self, provider: ProviderCommand, plans: list[Planned], outcome: Outcome) -> None:
        replaced_later: list[tuple[str, Resource]] = []
        for plan in [p for p in plans if p.op != "delete"] + [p for p in plans if p.op == "delete"]:
            try:
                self._carry_out(provider, plan, replaced_later)
            except ProviderError as failed:
                outcome.fail(plan.name, str(failed))
                return
            outcome.done.add(plan.name)
        for name, old in replaced_later:
            try:
                provider.delete(urn_of(self.door, name), old.id, old.outputs, old.inputs)
            except ProviderError as failed:
                outcome.fail(name, str(failed))
                return

    def _carry_out(
        self,
        provider: ProviderCommand,
        plan: Planned,
        replaced_later: list[tuple[str, Resource]],
    ) -> None:
        urn = urn_of(self.door, plan.name)
        old = self.state.get(plan.name)
        if plan.op == "delete" and old is not None:
            provider.delete(urn, old.id, old.outputs, old.inputs)
            del self.state[plan.name]
        elif plan.op == "update" and old is not None:
            outputs = provider.update(urn, old.id, old.outputs, plan.inputs, old.inputs)
            self.state[plan.name] = Resource(old.id, plan.inputs, outputs)
        elif plan.op in ("create", "replace"):
            if old is not None and plan.diff is not None and plan.diff.deleteBeforeReplace:
                provider.delete(urn, old.id, old.outputs, old.inputs)
                del self.state[plan.name]
            elif old is not None:
                replaced_later.append((plan.name, old))
            id_, outputs = provider.create(urn, plan.inputs)
            self.state[plan.name] = Resource(id_, plan.inputs, outputs)

    def _read(
        self, provider: ProviderCommand, name: str, resource: Resource, outcome: Outcome
    ) -> None:
        urn = urn_of(self.door, name)
        try:
            id_, outputs, inputs = provider.read(
                urn, resource.id, resource.outputs, resource.inputs
            )
        except ProviderError as failed:
            outcome.fail(name, str(failed))
            return
        if not id_:
            del self.state[name]
            outcome.ops[name] = "delete"
            return
        same = plain(outputs) == plain(resource.outputs) and plain(inputs) == plain(resource.inputs)
        outcome.ops[name] = "same" if same else "update"
        self.state[name] = Resource(id_, inputs or resource.inputs, outputs)

    # -- what was said ------------------------------------------------------------------

    def _collect(self, outcome: Outcome, mark: int) -> None:
        for said in self.engine.said[mark:]:
            outcome.text.append(said.message)
            if said.severity == "warning":
                name = said.urn.rsplit("::", 1)[-1] if said.urn else "(stack)"
                outcome.warnings.setdefault(name, []).append(said.message)

    def _review(self, plans: list[Planned], outcome: Outcome) -> Preview:
        """The preview as `pulumi preview --json` would give it to `pulumi-inference review`."""
        preview = Preview(policies_known=True, succeeded=outcome.ok)
        for plan in plans:
            old = self.state.get(plan.name)
            detailed = {}
            if plan.diff is not None:
                detailed = {
                    key: _KINDS[provider_pb2.PropertyDiff.Kind.Name(value.kind)]
                    for key, value in plan.diff.detailedDiff.items()
                }
            preview.steps.append(
                Step(
                    op=plan.op,
                    urn=urn_of(self.door, plan.name),
                    type=TYPES[self.door],
                    detailed_diff=detailed,
                    diffs=tuple(plan.diff.diffs) if plan.diff is not None else (),
                    replace_keys=tuple(plan.diff.replaces) if plan.diff is not None else (),
                    old_inputs=masked(old.inputs) if old else {},
                    new_inputs=masked(plan.inputs),
                )
            )
        for name, messages in outcome.warnings.items():
            urn = urn_of(self.door, name) if name != "(stack)" else ""
            preview.diagnostics += [Diagnostic(urn, "warning", m) for m in messages]
        for name, message in outcome.failed.items():
            preview.diagnostics.append(Diagnostic(urn_of(self.door, name), "error", message))
        return preview
