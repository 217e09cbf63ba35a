"""The random sequences: a Hypothesis ``RuleBasedStateMachine`` over :class:`OperationsModel`.

Each rule draws its arguments from what the model holds now and calls the model's action of
the same name; the invariants are the model's. A level (and door) binds the machine with
:func:`machine_for`. Preconditions keep a rule out while it cannot apply, or while its
behaviour is an open defect (``OPEN_DEFECTS``), which the replayed sequences show instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from .drivers import Driver
from .model import NAMES, OPEN_DEFECTS, OperationsModel
from .world import KEYS, MODELS, VERSIONS, Clusters

_FAULTS = st.sampled_from(("503", "lost"))
_METHODS = st.sampled_from(("PUT", "DELETE"))


def _declared(machine: OperationsMachine) -> bool:
    return bool(machine.model.program.endpoints)


def _room(machine: OperationsMachine) -> bool:
    return len(machine.model.program.endpoints) < len(NAMES)


def _open(defect: str) -> Callable[[OperationsMachine], bool]:
    return lambda machine: defect not in machine.model.open_defects


class OperationsMachine(RuleBasedStateMachine):
    """Bound to a level by :func:`machine_for`."""

    make_model: Callable[[], OperationsModel]

    def __init__(self) -> None:
        super().__init__()
        self.model = type(self).make_model()

    def teardown(self) -> None:
        """Every sequence ends as a day's work does: its edits previewed and applied."""
        try:
            self.model.preview_then_up("finally: preview, then up")
            self.model.check_nothing_lost_orphaned_or_duplicated()
        finally:
            if os.environ.get("PULUMI_INFERENCE_MODEL_VERBOSE"):
                print(f"[{self.model.level}] {self.model.sequence}: {'; '.join(self.model.log)}")

    def _declared_name(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.model.program.endpoints)))

    def _free_name(self, data: st.DataObject) -> str:
        free = [n for n in NAMES if n not in self.model.program.endpoints]
        return data.draw(st.sampled_from(free))

    @invariant()
    def nothing_lost_orphaned_or_duplicated(self) -> None:
        self.model.check_nothing_lost_orphaned_or_duplicated()

    # -- the program --------------------------------------------------------------------

    @initialize()
    def declare_a_first_endpoint(self) -> None:
        """Every sequence starts from a program with one endpoint: a short sequence then
        already creates, changes and deletes something."""
        self.model.add(NAMES[0])

    @precondition(_room)
    @rule(data=st.data())
    def add(self, data: st.DataObject) -> None:
        self.model.add(self._free_name(data))

    @precondition(_declared)
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        self.model.remove(self._declared_name(data))

    @precondition(_declared)
    @rule(data=st.data())
    def change_an_updatable_setting(self, data: st.DataObject) -> None:
        self.model.change_an_updatable_setting(self._declared_name(data))

    @precondition(_declared)
    @rule(data=st.data())
    def change_a_replacing_setting(self, data: st.DataObject) -> None:
        self.model.change_a_replacing_setting(self._declared_name(data))

    @precondition(_declared)
    @rule(data=st.data())
    def rotate_a_service_secret(self, data: st.DataObject) -> None:
        self.model.rotate_a_service_secret(self._declared_name(data))

    @precondition(lambda m: m.model.program.key_index + 1 < KEYS)
    @precondition(_open("credentials-applied"))
    @rule()
    def rotate_the_cluster_key(self) -> None:
        self.model.rotate_the_cluster_key()

    @precondition(_open("cluster-identity"))
    @rule(where=st.sampled_from(("other", "not_es", "home")))
    def point_the_url(self, where: str) -> None:
        self.model.point_the_url(where)

    @precondition(lambda m: _room(m) and m.model.program.target == "home")
    @rule(data=st.data(), live=st.sampled_from(MODELS), declared=st.sampled_from(MODELS))
    def import_and_adopt(self, data: st.DataObject, live: str, declared: str) -> None:
        self.model.import_and_adopt(self._free_name(data), live, declared)

    # -- the cluster --------------------------------------------------------------------

    @precondition(lambda m: bool(m.model.in_state_at_home()))
    @rule(data=st.data())
    def hand_edit(self, data: st.DataObject) -> None:
        self.model.hand_edit(data.draw(st.sampled_from(sorted(self.model.in_state_at_home()))))

    @precondition(lambda m: bool(m.model.in_state_at_home(unused=True)))
    @rule(data=st.data())
    def hand_delete(self, data: st.DataObject) -> None:
        names = sorted(self.model.in_state_at_home(unused=True))
        self.model.hand_delete(data.draw(st.sampled_from(names)))

    @precondition(lambda m: bool(m.model.in_state_at_home()))
    @rule(data=st.data())
    def use_in_a_pipeline(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.model.in_state_at_home())))
        self.model.use_in_a_pipeline(name)

    @precondition(lambda m: bool(m.model.pipelines))
    @rule()
    def drop_the_pipelines(self) -> None:
        self.model.drop_the_pipelines()

    @precondition(lambda m: m.model.version + 1 < len(VERSIONS))
    @rule()
    def upgrade_the_cluster(self) -> None:
        self.model.upgrade_the_cluster()

    @rule(kind=_FAULTS, method=_METHODS)
    def inject_a_fault(self, kind: str, method: str) -> None:
        self.model.inject_a_fault(kind, method)

    # -- the commands -------------------------------------------------------------------

    @rule()
    def refresh(self) -> None:
        self.model.refresh()

    @rule()
    def preview(self) -> None:
        self.model.preview()

    @precondition(lambda m: m.model.driver.checks_drift)
    @rule()
    def drift_check(self) -> None:
        self.model.drift_check()

    @rule()
    def preview_then_up(self) -> None:
        self.model.preview_then_up()

    @rule()
    def merge_and_apply(self) -> None:
        """The same as :meth:`preview_then_up`: twice as likely as any one edit, since an
        `up` after edits is what most invariants are about."""
        self.model.preview_then_up("merged: preview, then up")


def machine_for(
    make_driver: Callable[[], Driver],
    clusters: Clusters,
    level: str,
    open_defects: Iterable[str] = OPEN_DEFECTS,
) -> type[OperationsMachine]:
    """The machine of one level: a new stack (``make_driver()``) on reset clusters per
    sequence."""
    defects = frozenset(open_defects)

    class Machine(OperationsMachine):
        make_model = staticmethod(lambda: OperationsModel(make_driver(), clusters, level, defects))

    return Machine
