"""The same commands through the real engine (the Automation API, devtools/engine.py): the
engine-level driver of the model. A sequence is a new stack of an inline program that
declares the model's program through either door, its cluster named in the program
(``Connection``: on each resource, or as the native door's explicit provider)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi import automation as auto

import pulumi_inference as inference
from devtools.engine import Engine, stored_state_text
from devtools.engine_programs import Door
from pulumi_inference.review import Diagnostic, Preview, Step

from .minengine import Outcome
from .world import Clusters, Program

REPLACING = frozenset(
    {"replace", "create-replacement", "delete-replaced", "discard-replaced", "import-replacement"}
)


def _name(urn: str | None) -> str:
    return (urn or "").rsplit("::", 1)[-1] or "(stack)"


def _is_endpoint(type_: str) -> bool:
    return type_.endswith(":InferenceEndpoint")


def _step(metadata: Any) -> Step:
    detailed = metadata.detailed_diff or {}
    return Step(
        op=metadata.op.value,
        urn=metadata.urn,
        type=metadata.type,
        detailed_diff={key: diff.diff_kind.value for key, diff in detailed.items()},
        diffs=tuple(metadata.diffs or ()),
        replace_keys=tuple(metadata.keys or ()),
        old_inputs=dict(metadata.old.inputs or {}) if metadata.old else {},
        new_inputs=dict(metadata.new.inputs or {}) if metadata.new else {},
    )


def outcome_of(command: str, events: list[auto.EngineEvent], ok: bool, said: str) -> Outcome:
    """Per endpoint: the engine's step, its failure, its warnings; what the command printed."""
    outcome = Outcome(command, ok=ok, text=[said])
    ops: dict[str, list[str]] = {}
    preview = Preview(policies_known=True, succeeded=ok)
    for event in events:
        pre, done, diag = event.resource_pre_event, event.res_outputs_event, event.diagnostic_event
        if pre is not None and _is_endpoint(pre.metadata.type):
            ops.setdefault(_name(pre.metadata.urn), []).append(pre.metadata.op.value)
            preview.steps.append(_step(pre.metadata))
        if done is not None and _is_endpoint(done.metadata.type):
            outcome.done.add(_name(done.metadata.urn))
            if command == "refresh" and (done.metadata.diffs or done.metadata.new is None):
                ops[_name(done.metadata.urn)] = ["update" if done.metadata.new else "delete"]
        if diag is not None and diag.severity in ("warning", "error"):
            outcome.text.append(diag.message)
            preview.diagnostics.append(Diagnostic(diag.urn or "", diag.severity, diag.message))
            name = _name(diag.urn)
            if diag.severity == "warning":
                outcome.warnings.setdefault(name, []).append(diag.message)
            elif diag.urn:
                outcome.failed[name] = diag.message
    for name, seen in ops.items():
        replaced = bool(set(seen) & REPLACING)
        outcome.ops[name] = "replace" if replaced else seen[-1 if command == "refresh" else 0]
        if command == "refresh" and outcome.ops[name] == "refresh":
            outcome.ops[name] = "same"
    outcome.review = preview
    return outcome


class EngineLevel:
    """One stack of one door, through the real engine."""

    checks_drift = True

    def __init__(self, door: Door, engine: Engine, clusters: Clusters, stack: str) -> None:
        self.door = door
        self.engine = engine
        self.clusters = clusters
        self.current = Program()
        self.stack = engine.stack(stack, self._program(), project="operations")

    def _program(self) -> Callable[[], None]:
        def program() -> None:
            current = self.current
            declarations = {
                name: {
                    "inference_id": d.inference_id,
                    "task_type": "text_embedding",
                    "service": "openai",
                    "service_settings": {"model_id": d.model, "api_key": d.api_key},
                    "task_settings": {"user": d.user},
                    **({"adopt_existing": True} if d.adopt else {}),
                }
                for name, d in current.endpoints.items()
            }
            url = self.clusters.url(current.target)
            key = self.clusters.key(current.key_index)
            self.door.program(declarations, lambda: inference.Connection(url=url, api_key=key))()

        return program

    def _run(self, command: str, call: Callable[..., Any]) -> Outcome:
        events: list[auto.EngineEvent] = []
        try:
            result = call(color="never", on_event=events.append)
        except auto.errors.CommandError as failed:
            return outcome_of(command, events, False, str(failed))
        said = f"{getattr(result, 'stdout', '')}\n{getattr(result, 'stderr', '')}"
        return outcome_of(command, events, True, said)

    def preview(self, program: Program) -> Outcome:
        self.current = program
        return self._run("preview", self.stack.preview)

    def up(self, program: Program) -> Outcome:
        self.current = program
        return self._run("up", self.stack.up)

    def refresh(self) -> Outcome:
        """A plain `pulumi refresh` (the program does not run: state's connection is used)."""
        return self._run("refresh", self.stack.refresh)

    def drift_check(self, program: Program) -> Outcome:
        """`pulumi preview --refresh`, as the nightly drift check runs it."""
        self.current = program
        return self._run("preview", lambda **kw: self.stack.preview(refresh=True, **kw))

    def state_ids(self) -> dict[str, str]:
        deployment = self.stack.export_stack().deployment or {}
        ids = {}
        for resource in deployment.get("resources") or []:
            if _is_endpoint(resource.get("type", "")):
                outputs = resource.get("outputs") or {}
                inference_id = outputs.get("inference_id") or outputs.get("inferenceId")
                ids[_name(resource["urn"])] = str(inference_id or "")
        return ids

    def state_text(self) -> str:
        return stored_state_text(self.engine)
