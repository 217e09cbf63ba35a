"""How the model runs a command: what both levels (provider processes, the real engine) give
the machine. The machine knows nothing else of how a command is run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from .minengine import MiniEngine, Outcome
from .provider import FakeEngine
from .wire import stored_text
from .world import Clusters, Program


class Driver(Protocol):
    door: str
    checks_drift: bool
    """Whether :meth:`drift_check` runs (`pulumi preview --refresh`, the real engine only:
    how the engine refreshes inside a preview is not the provider level's to model)."""

    def preview(self, program: Program) -> Outcome: ...

    def up(self, program: Program) -> Outcome: ...

    def refresh(self) -> Outcome: ...

    def drift_check(self, program: Program) -> Outcome: ...

    def state_ids(self) -> dict[str, str]:
        """Resource name -> inference id, for each endpoint state holds."""
        ...

    def state_text(self) -> str:
        """Everything state holds, as stored (secrets encrypted)."""
        ...


class ProviderLevel:
    """The engine's steps over each door's provider processes (``minengine``)."""

    checks_drift = False

    def __init__(
        self, door: str, clusters: Clusters, engine: FakeEngine, env: Mapping[str, str]
    ) -> None:
        self.door = door
        self.clusters = clusters
        self.engine = MiniEngine(door, engine, env)

    def preview(self, program: Program) -> Outcome:
        return self.engine.preview(
            program.registered(self.door, self.clusters), program.provider_config(self.clusters)
        )

    def up(self, program: Program) -> Outcome:
        return self.engine.up(
            program.registered(self.door, self.clusters), program.provider_config(self.clusters)
        )

    def refresh(self) -> Outcome:
        return self.engine.refresh()

    def drift_check(self, program: Program) -> Outcome:
        raise NotImplementedError("the provider level does not model `preview --refresh`")

    def state_ids(self) -> dict[str, str]:
        ids = {}
        for name, resource in self.engine.state.items():
            outputs: Any = resource.outputs
            ids[name] = str(outputs.get("inference_id") or outputs.get("inferenceId") or "")
        return ids

    def state_text(self) -> str:
        parts = [stored_text(self.engine.provider_config)]
        for resource in self.engine.state.values():
            parts += [stored_text(resource.inputs), stored_text(resource.outputs)]
        return "\n".join(parts)
