"""What teams do to a stack (the actions) and what they rely on (the invariants), for either
level; the random sequences (``machine``) and the replayed ones call the same actions.

A sequence starts from an empty stack on a fresh home cluster (8.18). After each action the
model checks what the action could break:

- **predictions hold**: what the preview said per resource (same, create, update, replace,
  delete, and every "will FAIL" of its review) is what the `up` right after it did; a
  failed preview predicts a failed `up`; an `up` fails only where the review said it would
  (or on an endpoint deleted by hand, asking for a refresh, as Pulumi learns of a deletion
  only by reading);
- **a program that can be applied previews and applies** (its own cluster, a valid key, no
  adoption the review says is refused);
- **after a successful `up`**, a preview shows no change, a refresh finds drift only where
  someone changed the cluster behind the stack's back, and (once the previews are quiet)
  each endpoint is what the program declares, the server's defaults for what it leaves out;
- **nothing is lost, orphaned or duplicated**: an endpoint the stack made or adopted that
  still exists on its cluster is in state; every endpoint on either cluster is one the stack
  manages or one made by hand; state holds each id once;
- **nothing changes unseen**: an endpoint an `up` changed is one its preview named;
- **no secret in plain text** in state, in what the providers logged, or in any output.

Actions whose behaviour is an open defect of issue 30 (another engineer's, in the core) are
named in :data:`OPEN_DEFECTS`: while a name is there, the random sequences leave its action
out (or its invariant unchecked), and its replayed sequence is an expected failure
(``xfail(strict=True)``), which fails, naming the defect, the day the defect is fixed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pulumi_inference.review import review_of

from .drivers import Driver
from .minengine import Outcome
from .world import (
    DEFAULT_CHUNKING,
    KEYS,
    MODELS,
    VERSIONS,
    Clusters,
    Declared,
    Program,
    http_to,
)

NAMES = ("alpha", "beta", "gamma")
OPEN_DEFECTS: dict[str, str] = {}
"""Defects still open in the core: name -> what breaks. Empty: issue 30's (cluster-identity,
credentials-applied, hidden-chunking-reset) are fixed, and the random sequences play them."""
SPARED: dict[str, frozenset[str]] = {}
"""The doors an open defect does not touch: their random sequences play its action."""


def open_in(door: str) -> frozenset[str]:
    """The open defects of ``door``."""
    return frozenset(d for d in OPEN_DEFECTS if door not in SPARED.get(d, frozenset()))


@dataclass
class Stats:
    """How many sequences and steps ran, per level (the terminal summary prints them)."""

    by_level: dict[str, list[int]] = field(default_factory=dict)

    def count(self, level: str, sequences: int = 0, steps: int = 0) -> None:
        seen = self.by_level.setdefault(level, [0, 0])
        seen[0] += sequences
        seen[1] += steps


STATS = Stats()


class Violation(AssertionError):
    """An invariant a user relies on does not hold."""


class OperationsModel:
    """One sequence: a new stack (``driver``) on reset clusters, and what the model knows."""

    _counter = itertools.count()

    def __init__(
        self,
        driver: Driver,
        clusters: Clusters,
        level: str,
        open_defects: Iterable[str] = OPEN_DEFECTS,
    ) -> None:
        clusters.reset()
        self.driver = driver
        self.clusters = clusters
        self.level = level
        self.open_defects = frozenset(open_defects)
        self.program = Program()
        self.version = 0
        self.managed: dict[str, str] = {}
        """inference id -> the cluster it lives on ("home", "other"), once made or adopted."""
        self.hand_made: set[str] = set()
        self.dirty: set[str] = set()
        """Resource names changed on the cluster behind the stack's back since last read."""
        self.gone_by_hand: set[str] = set()
        """Of those, the ones deleted: an `up` that changes one fails, asking for a refresh
        (Pulumi learns of a deletion only by reading; the preview plans from state)."""
        self.secrets = {clusters.key(i) for i in range(KEYS)} | {
            clusters.raw_key(i) for i in range(KEYS)
        }
        self.revoked: set[int] = set()
        self.pipelines: dict[str, str] = {}
        """Ingest pipelines made by hand: pipeline id -> the inference id it uses."""
        self.sequence = next(self._counter)
        self.log: list[str] = []
        STATS.count(level, sequences=1)

    # -- helpers ------------------------------------------------------------------------

    def step(self, what: str) -> None:
        STATS.count(self.level, steps=1)
        self.log.append(what)

    def _fresh_id(self, name: str) -> str:
        return f"ops{self.sequence}-{name}-{len(self.log)}"

    def _secret(self, label: str) -> str:
        value = f"sk-{label}-{len(self.log)}-{self.clusters.run}-LEAKCHECK"
        self.secrets.add(value)
        return value

    def _cluster_of(self, target: str) -> Any:
        return self.clusters.home if target == "home" else self.clusters.other

    def _live(self, target: str, inference_id: str) -> dict[str, Any] | None:
        return self._cluster_of(target).endpoint(inference_id)

    def _snapshot(self) -> dict[tuple[str, str], Any]:
        seen = {}
        for target in ("home", "other"):
            emulator = self._cluster_of(target)
            for inference_id in list(self.managed) + sorted(self.hand_made):
                live = emulator.endpoint(inference_id)
                if live is not None:
                    seen[(target, inference_id)] = (live, emulator.stored_secrets(inference_id))
        return seen

    def in_state_at_home(self, *, unused: bool = False) -> dict[str, str]:
        """name -> inference id of the endpoints state holds that live on the home cluster
        (``unused``: and that no pipeline uses, which the cluster refuses to delete)."""
        ids = self.driver.state_ids()
        used = set(self.pipelines.values()) if unused else set()
        return {
            n: i
            for n, i in sorted(ids.items())
            if self.managed.get(i) == "home" and self._live("home", i) is not None and i not in used
        }

    # -- invariants ---------------------------------------------------------------------

    def _no_secret(self, *texts: str) -> None:
        said = "\n".join([*texts, self.driver.state_text()])
        leaked = sorted(s for s in self.secrets if s in said)
        if leaked:
            raise Violation(f"secret in plain text ({len(leaked)}): {said[:2000]}")

    def check_nothing_lost_orphaned_or_duplicated(self) -> None:
        ids = self.driver.state_ids()
        if len(set(ids.values())) != len(ids):
            raise Violation(f"state holds an id twice: {ids}")
        held = set(ids.values())
        for inference_id, target in self.managed.items():
            if inference_id not in held and self._live(target, inference_id) is not None:
                raise Violation(
                    f"endpoint {inference_id} left the state while it exists on its cluster "
                    f"({target}); steps: {self.log}"
                )
        known = set(self.managed) | self.hand_made
        for target in ("home", "other"):
            for inference_id in self._cluster_of(target).state.endpoints:
                if inference_id not in known:
                    raise Violation(f"orphan {inference_id} on {target}; steps: {self.log}")

    def _applicable(self) -> bool:
        """Whether the model knows of nothing that should stop this program's `up`."""
        if self.program.target != "home" or self.program.key_index in self.revoked:
            return False
        if self.gone_by_hand:
            return False  # its change fails until a refresh records the deletion
        if self.pipelines:
            return False  # a replacement or delete of an endpoint in use fails, as said
        ids = self.driver.state_ids()
        for name, declared in self.program.endpoints.items():
            if declared.adopt and name not in ids:
                live = self._live("home", declared.inference_id)
                if live is not None and live["service_settings"]["model_id"] != declared.model:
                    return False  # an adoption the review says will fail
        return True

    def _check_prediction(self, preview: Outcome, up: Outcome) -> None:
        where = f"preview {preview.ops} {preview.failed}; up {up.ops} {up.failed}; {self.log}"
        if not preview.ok:
            if up.ok:
                raise Violation(f"a failed preview, then a successful up: {where}")
            return
        for name, op in preview.ops.items():
            if name in up.ops and up.ops[name] != op:
                raise Violation(f"preview said {op} for {name}, up did {up.ops[name]}: {where}")
        assert preview.review is not None
        review = review_of(preview.review)
        failing = {finding.name for finding in review.failing}
        if failing and up.ok:
            raise Violation(f"the review said {sorted(failing)} will FAIL, up succeeded: {where}")
        unpredicted = set(up.failed) - failing - self._unpredictable(up)
        if unpredicted and not review.unchecked:
            raise Violation(f"up failed on {sorted(unpredicted)}, not predicted: {where}")

    def _unpredictable(self, up: Outcome) -> set[str]:
        """Failures no preview can foresee, each with a message that says what to do: a
        change of an endpoint deleted by hand (Pulumi plans from state: a refresh records
        the deletion), and the delete of an endpoint a pipeline uses (Pulumi asks the
        provider nothing about a delete at preview)."""
        names = set()
        for name, message in up.failed.items():
            if name in self.gone_by_hand and "`pulumi refresh`" in message:
                names.add(name)
            if up.ops.get(name) == "delete" and any(p in message for p in self.pipelines):
                names.add(name)
        return names

    def _names(self) -> dict[str, str]:
        """inference id -> resource name, of what the program declares or state holds."""
        names = {d.inference_id: n for n, d in self.program.endpoints.items()}
        return names | {i: n for n, i in self.driver.state_ids().items()}

    def _check_changes_seen(
        self, before: dict[Any, Any], names: dict[str, str], preview: Outcome
    ) -> None:
        after = self._snapshot()
        for key in set(before) | set(after):
            if before.get(key) == after.get(key):
                continue
            name = names.get(key[1])
            if name is None or preview.ops.get(name, "same") == "same":
                raise Violation(
                    f"endpoint {key[1]} on {key[0]} changed by an up whose preview did not "
                    f"name it ({preview.ops}); steps: {self.log}"
                )

    def _record(self, up: Outcome) -> None:
        """What the up made or adopted, and where."""
        for name in up.done:
            declared = self.program.endpoints.get(name)
            if declared is None or up.ops.get(name) not in ("create", "replace"):
                continue
            if self.program.target in ("home", "other"):
                self.managed[declared.inference_id] = self.program.target
                self.hand_made.discard(declared.inference_id)
        for name in up.done:
            if up.ops.get(name) in ("create", "replace"):  # an update sends only what it
                self.dirty.discard(name)  # changes: a hand edit of another key stays
                self.gone_by_hand.discard(name)

    def _after_a_successful_up(self) -> None:
        again = self.driver.preview(self.program)
        self._no_secret(*again.text)
        changed = {n: op for n, op in again.ops.items() if op != "same"}
        if not again.ok or changed:
            raise Violation(
                f"right after a successful up, the preview shows {changed} {again.failed}; "
                f"steps: {self.log}"
            )
        refreshed = self.driver.refresh()
        self._no_secret(*refreshed.text)
        drift = {n for n, op in refreshed.ops.items() if op != "same"}
        if drift - self.dirty:
            raise Violation(
                f"refresh after a successful up found drift on {sorted(drift - self.dirty)} "
                f"that nobody made ({refreshed.ops}); steps: {self.log}"
            )
        self._read(refreshed)
        if "hidden-chunking-reset" not in self.open_defects:
            self._program_and_cluster_agree()

    def _program_and_cluster_agree(self) -> None:
        """Once previews say nothing, each endpoint is as the program declares it, with the
        server's defaults for what it leaves out (its chunking)."""
        quiet = self.driver.preview(self.program)
        ids = self.driver.state_ids()
        for name, declared in self.program.endpoints.items():
            target = self.managed.get(declared.inference_id)
            if name not in ids or target is None or quiet.ops.get(name) != "same":
                continue
            live = self._live(target, declared.inference_id)
            if live is None or quiet.warnings.get(name):
                continue
            chunking = live.get("chunking_settings")
            if chunking is not None and chunking != DEFAULT_CHUNKING:
                raise Violation(
                    f"{declared.inference_id} chunks {chunking} while the program leaves the "
                    f"default and no preview says so; steps: {self.log}"
                )

    def _read(self, refreshed: Outcome) -> None:
        """What a refresh learnt: the resources it read are as the cluster has them."""
        read = {n for n in refreshed.ops if n not in refreshed.failed}
        self.dirty -= read
        self.gone_by_hand -= read

    # -- actions: the program -----------------------------------------------------------

    def add(self, name: str) -> None:
        self.step(f"add {name}")
        self.program.endpoints[name] = Declared(
            self._fresh_id(name), api_key=self._secret(f"{name}-openai")
        )

    def remove(self, name: str) -> None:
        self.step(f"remove {name}")
        del self.program.endpoints[name]

    def change_an_updatable_setting(self, name: str) -> None:
        self.step(f"change {name}'s task_settings.user")
        self.program.endpoints[name].user = f"team-{len(self.log)}"

    def change_a_replacing_setting(self, name: str) -> None:
        self.step(f"change {name}'s model_id")
        declared = self.program.endpoints[name]
        declared.model = MODELS[1 - MODELS.index(declared.model)]

    def rotate_a_service_secret(self, name: str) -> None:
        self.step(f"rotate {name}'s api_key")
        self.program.endpoints[name].api_key = self._secret(f"{name}-rotated")

    def rotate_the_cluster_key(self) -> None:
        """A new key in the program's configuration, the old one revoked on the clusters."""
        old = self.program.key_index
        self.step(f"rotate the cluster key {old} -> {old + 1}")
        self.program.key_index = old + 1
        for emulator in (self.clusters.home, self.clusters.other):
            emulator.revoke_api_key(self.clusters.key(old))
        self.revoked.add(old)

    def point_the_url(self, where: str) -> None:
        self.step(f"point the url at {where}")
        self.program.target = where

    def import_and_adopt(self, name: str, live_model: str, declared_model: str) -> None:
        """An endpoint made by hand, then declared with adopt_existing (as the importer
        writes it), with the model it has or another."""
        inference_id = self._fresh_id(name)
        self.step(f"make {inference_id} by hand ({live_model}), adopt it as {name}")
        body = {
            "task_type": "text_embedding",
            "service": "openai",
            "service_settings": {"model_id": live_model, "api_key": "hand"},
        }
        key = self.clusters.key(self.program.key_index)
        with http_to(self.clusters.home, key) as http:  # the one-segment path: no fault
            http.put(f"/_inference/{inference_id}", json=body).raise_for_status()
        self.hand_made.add(inference_id)
        secret = self._secret(f"{name}-adopted")
        self.program.endpoints[name] = Declared(
            inference_id, model=declared_model, adopt=True, api_key=secret
        )

    # -- actions: the cluster -----------------------------------------------------------

    def hand_edit(self, name: str) -> None:
        inference_id = self.driver.state_ids()[name]
        self.step(f"hand edit {inference_id}")
        self.clusters.home.edit_endpoint(inference_id, task_settings={"user": "by-hand"})
        self.dirty.add(name)

    def hand_delete(self, name: str) -> None:
        inference_id = self.driver.state_ids()[name]
        self.step(f"hand delete {inference_id}")
        key = self.clusters.key(self.program.key_index)
        with http_to(self.clusters.home, key) as http:
            http.delete(f"/_inference/{inference_id}").raise_for_status()  # no fault
        self.dirty.add(name)
        self.gone_by_hand.add(name)

    def use_in_a_pipeline(self, name: str) -> None:
        """An ingest pipeline starts using the endpoint: replacing or deleting it now fails
        (the review says so for a replacement), until the pipeline goes."""
        inference_id = self.driver.state_ids()[name]
        pipeline = f"uses-{inference_id}"
        self.step(f"pipeline {pipeline} uses {inference_id}")
        processor = {"inference": {"model_id": inference_id, "input_output": {"input_field": "t"}}}
        key = self.clusters.key(self.program.key_index)
        with http_to(self.clusters.home, key) as http:
            http.put(f"/_ingest/pipeline/{pipeline}", json={"processors": [processor]})
        self.pipelines[pipeline] = inference_id

    def drop_the_pipelines(self) -> None:
        self.step(f"drop the pipelines {sorted(self.pipelines)}")
        key = self.clusters.key(self.program.key_index)
        with http_to(self.clusters.home, key) as http:
            for pipeline in self.pipelines:
                http.delete(f"/_ingest/pipeline/{pipeline}")
        self.pipelines.clear()

    def upgrade_the_cluster(self) -> None:
        self.version += 1
        self.step(f"upgrade the home cluster to {VERSIONS[self.version]}")
        self.clusters.home.set_version(VERSIONS[self.version])
        ids = self.driver.state_ids()
        self.dirty |= {n for n, i in ids.items() if self.managed.get(i) == "home"}

    def inject_a_fault(self, kind: str, method: str) -> None:
        """The next such request to the home cluster answers 503, or is applied and its
        answer lost: the provider retries, or looks before sending it again."""
        self.step(f"fault: next {method} {kind}")
        faults, path = self.clusters.home.faults, r"^/_inference/text_embedding/"
        if kind == "503":  # the provider's paths; a hand-made change uses the one-segment one
            faults.status(503, method=method, path=path, count=1)
        else:
            faults.drop_response(method=method, path=path, count=1)

    # -- actions: the commands ----------------------------------------------------------

    def refresh(self) -> None:
        self.step("refresh")
        refreshed = self.driver.refresh()
        self._no_secret(*refreshed.text)
        self._read(refreshed)

    def preview(self) -> None:
        self.step("preview")
        previewed = self.driver.preview(self.program)
        self._no_secret(*previewed.text)
        if self._applicable() and not previewed.ok:
            raise Violation(
                f"the preview of a program that can be applied failed: {previewed.failed}; "
                f"steps: {self.log}"
            )

    def drift_check(self) -> None:
        """`pulumi preview --refresh` (the nightly check of the CI workflow): it works with
        the connection the program names, whatever state stored."""
        self.step("preview --refresh")
        checked = self.driver.drift_check(self.program)
        self._no_secret(*checked.text)
        if self._applicable() and not checked.ok:
            raise Violation(
                f"the drift check of a program that can be applied failed: {checked.failed} "
                f"{checked.text[:1]}; steps: {self.log}"
            )

    def preview_then_up(self, what: str = "preview, then up") -> None:
        self.step(what)
        applicable = self._applicable()
        previewed = self.driver.preview(self.program)
        self._no_secret(*previewed.text)
        before, names = self._snapshot(), self._names()
        applied = self.driver.up(self.program)
        self._no_secret(*applied.text)
        self._record(applied)
        self._check_prediction(previewed, applied)
        self._check_changes_seen(before, names, previewed)
        if applicable and not (previewed.ok and applied.ok):
            raise Violation(
                f"a program that can be applied did not apply: preview {previewed.failed}, "
                f"up {applied.failed}; steps: {self.log}"
            )
        if applied.ok:
            self._after_a_successful_up()


def replay(model: OperationsModel, *actions: tuple[str, ...]) -> None:
    """Play ``actions`` (an action's name, then its arguments) with the invariant after
    each, as the random sequences do: a sequence the machine found, kept as a test."""
    for name, *args in actions:
        getattr(model, name)(*args)
        model.check_nothing_lost_orphaned_or_duplicated()
