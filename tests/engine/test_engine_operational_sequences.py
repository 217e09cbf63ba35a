"""Model-based tests of operational sequences through the real engine (issue 30): the
provider level's machine (tests/provider/test_operational_sequences.py) with each command a
real `pulumi preview`, `up` or `refresh` of an inline program, through both doors, on a
smaller budget. What the provider level models of the engine (its steps, what state keeps,
which connection a refresh uses) is checked here against the engine itself.

`PULUMI_INFERENCE_MODEL_ENGINE_EXAMPLES` sets how many sequences per door (default 5),
`PULUMI_INFERENCE_MODEL_ENGINE_STEPS` their length (default 8); the seed and the open
defects are set as for the provider level.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from devtools.engine import Engine
from devtools.engine_programs import Door
from tests.provider.test_operational_sequences import open_defects, seeded
from tests.support.opsmodel.automation import EngineLevel
from tests.support.opsmodel.machine import machine_for
from tests.support.opsmodel.world import Clusters, clusters

pytestmark = [pytest.mark.engine, pytest.mark.timeout(1200)]
_STACKS = itertools.count()


@pytest.fixture(scope="module")
def world() -> Iterator[Clusters]:
    with clusters() as made:
        yield made


@pytest.fixture
def fast_engine(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """Quick retries in the provider processes the engine starts (the faults are one-off)."""
    engine.env.update(
        {
            "PULUMI_INFERENCE_RETRY_DEADLINE": "5",
            "PULUMI_INFERENCE_RETRY_BASE_DELAY": "0.01",
            "PULUMI_INFERENCE_RETRY_MAX_DELAY": "0.05",
        }
    )
    return engine


def test_operational_sequences_hold_through_the_engine(
    fast_engine: Engine, world: Clusters, door: Door
) -> None:
    machine = machine_for(
        lambda: EngineLevel(door, fast_engine, world, f"ops-{door.name}-{next(_STACKS)}"),
        world,
        f"engine/{door.name}",
        open_defects(door.name),
    )
    budget = settings(
        max_examples=int(os.environ.get("PULUMI_INFERENCE_MODEL_ENGINE_EXAMPLES", "5")),
        stateful_step_count=int(os.environ.get("PULUMI_INFERENCE_MODEL_ENGINE_STEPS", "8")),
        deadline=None,
        derandomize="PULUMI_INFERENCE_MODEL_SEED" not in os.environ,
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
        # No shrinking here: a failing sequence is reported as found (each step a real
        # engine command; shrinking would take many minutes), and shrunk at the provider
        # level, where the replays are kept.
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
    )
    run_state_machine_as_test(seeded(machine), settings=budget)
