"""The pytest plugin (entry point ``pytest11``): emulated clusters as fixtures.

``es_emulator``: a new emulator for each test, configured by the test's
``@pytest.mark.es_emulator(version=..., build_flavor=..., api_key=..., user=..., tls=...,
eis=..., faults=[...], deployment_seconds=...)`` or, parametrized indirectly, by a dict
(``@pytest.mark.parametrize("es_emulator", [{"version": "8.18.0"}], indirect=True)``).
``es_emulator_session``: one for the session, configured by overriding the session fixture
``es_emulator_session_options`` (a dict); it is not reset between tests
(``es_emulator_session.control.reset()`` does). ``es_url``, ``es_http``, ``es_client`` and
``es_control`` are the per-test cluster's URL, ``httpx.Client``, official ``elasticsearch``
client (the test is skipped, saying why, when that package is not installed) and control plane.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..emulator import Emulator
from ._cluster import OPTIONS, EmulatedCluster, start_cluster

MARKER = "es_emulator"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): how the test's emulated cluster is started "
        f"(pulumi_inference.testing; options: {', '.join(OPTIONS)})",
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options: dict[str, Any] = {}
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if marker.args:
            raise TypeError(f"@pytest.mark.{MARKER} takes keyword options only: {OPTIONS}")
        options.update(marker.kwargs)
    param = getattr(request, "param", None)
    if isinstance(param, dict):
        options.update(param)
    return options


@pytest.fixture
def es_emulator(request: pytest.FixtureRequest) -> Iterator[EmulatedCluster]:
    """A new emulated cluster for this test (its marker's or parameter's options)."""
    with start_cluster(**_options(request)) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def es_emulator_session_options() -> dict[str, Any]:
    """Override (session scope) to configure ``es_emulator_session``."""
    return {}


@pytest.fixture(scope="session")
def es_emulator_session(es_emulator_session_options: dict[str, Any]) -> Iterator[EmulatedCluster]:
    """One emulated cluster for the whole session."""
    with start_cluster(**es_emulator_session_options) as cluster:
        yield cluster


@pytest.fixture
def es_url(es_emulator: EmulatedCluster) -> str:
    return es_emulator.url


@pytest.fixture
def es_http(es_emulator: EmulatedCluster) -> Any:
    """An ``httpx.Client`` on the test's cluster (credentials and CA included)."""
    return es_emulator.http


@pytest.fixture
def es_client(es_emulator: EmulatedCluster) -> Any:
    """The official ``elasticsearch`` client on the test's cluster."""
    pytest.importorskip(
        "elasticsearch", reason="es_client needs the official client: pip install elasticsearch"
    )
    return es_emulator.elasticsearch()


@pytest.fixture
def es_control(es_emulator: EmulatedCluster) -> Emulator:
    """The test's emulator: faults, request log, versions, hand edits, deployments, API keys."""
    return es_emulator.control
