"""One table per resource, end to end: a property added to ``pulumi_inference/properties.py``
in a copy of the tree, and the copy regenerated with the scripts a maintainer runs
(``scripts/generate-resources``, ``scripts/gen-sdk``), passes the unit suite, and the new
property reaches the core's record, the policy pack's, both doors' classes, the native
schema and the SDKs (of each resource: the endpoint and the region policy), with no other
line of code written.

Slow for a unit test (about a minute and a half: the unit suite runs once more, on the copy),
so it lives here; the set-up scripts' progress tests are left out of that run (they time
``scripts/setup-dev``'s output, which no property touches).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support import sdk_builds

pytestmark = pytest.mark.timeout(600)

ROOT = Path(__file__).resolve().parents[2]
ENDPOINT_FLAG = "zz_probe_flag"
"""A provider-only boolean the probe adds to the endpoint's table."""
REGION_FLAG = "zz_region_flag"
"""And one it adds to the region policy's."""

_ENDPOINT_ENTRY = f'''    ResourceProperty(
        "{ENDPOINT_FLAG}",
        "boolean",
        "provider",
        "A probe: a provider-only flag added to the table by a test.",
        value_type="bool",
        default=False,
    ),
'''
_REGION_ENTRY = _ENDPOINT_ENTRY.replace(ENDPOINT_FLAG, REGION_FLAG)
_LEFT_OUT_OF_THE_COPYS_RUN = ("test_progress_lines.py", "test_quiet_builds.py")

_PROBE = """
import dataclasses, inspect, json, sys
import pulumi_inference as inference
from pulumi_inference import native, operations, policy
from pulumi_inference.native._schema import schema

flag, region_flag = sys.argv[1:]
base = {"inference_id": "e", "task_type": "rerank", "service": "cohere",
        "service_settings": {"model_id": "rerank-v3.5", "api_key": "k"}}
old = operations.DesiredEndpoint.from_props(base)
new = operations.DesiredEndpoint.from_props({**base, flag: True})
plan = operations.plan_change(old, new)
resources = schema()["resources"]
endpoint_schema = resources["elasticsearch-inference:index:InferenceEndpoint"]
camel = "".join(p if i == 0 else p.title() for i, p in enumerate(flag.split("_")))
region_camel = "".join(p if i == 0 else p.title() for i, p in enumerate(region_flag.split("_")))
geos = {"allowed_geos": ["eu"]}
region_plan = operations.plan_region_policy(
    operations.DesiredRegionPolicy.from_props(geos),
    operations.DesiredRegionPolicy.from_props({**geos, region_flag: True}),
)
region_schema = resources["elasticsearch-inference:index:InferenceRegionPolicy"]
print(json.dumps({
    "package": inference.__file__,
    "record": [f.name for f in dataclasses.fields(operations.DesiredEndpoint)],
    "absent": getattr(old, flag),
    "declared": getattr(new, flag),
    "plan": [(list(c.path), c.replaces) for c in plan.changes],
    "provider_only": plan.provider_only_changes,
    "policy": getattr(policy.endpoint_of("r", "u", {camel: True}, protect=False), flag),
    "dynamic": list(inspect.signature(inference.InferenceEndpoint.__init__).parameters),
    "native": list(inspect.signature(native.InferenceEndpoint.__init__).parameters),
    "schema_inputs": list(endpoint_schema["inputProperties"]),
    "camel": camel,
    "region_inputs": list(operations.REGION_POLICY_INPUT_KEYS),
    "region_plan": [list(region_plan.changed), region_plan.sends],
    "region_check": operations.check_region_policy({**geos, region_flag: "yes"}),
    "region_dynamic": list(inspect.signature(inference.InferenceRegionPolicy.__init__).parameters),
    "region_native": list(inspect.signature(native.InferenceRegionPolicy.__init__).parameters),
    "region_schema_inputs": list(region_schema["inputProperties"]),
    "region_camel": region_camel,
    "region_policy": getattr(policy.region_policy_of("r", "u", {region_camel: True}), region_flag),
}))
"""


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout[-6000:]}{done.stderr}"
    return done.stdout


def _copy_tree(target: Path) -> None:
    """The checkout's files as they are now (tracked and new, not ignored), and its .venv."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(ROOT / ".venv")


def _add_entry(table: Path, before: str, entry: str) -> None:
    text = table.read_text()
    assert text.count(before) == 1, f"{before!r} is not once in {table}"
    table.write_text(text.replace(before, entry + before))


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = sdk_builds.missing_tools("go")
    if missing:
        pytest.skip(f"scripts/gen-sdk needs {', '.join(missing)} on PATH, and it is not")
    tree = tmp_path_factory.mktemp("tree")
    _copy_tree(tree)
    table = tree / "pulumi_inference" / "properties.py"
    _add_entry(table, '    ResourceProperty(\n        "adopt_secrets_digest",', _ENDPOINT_ENTRY)
    _add_entry(table, '    ResourceProperty(\n        "force",', _REGION_ENTRY)
    return tree


@pytest.fixture(scope="module")
def env(copy: Path) -> dict[str, str]:
    """The copy's package ahead of the editable install (its finder comes after sys.path)."""
    return {**os.environ, "PYTHONPATH": str(copy)}


@pytest.fixture(scope="module")
def regenerated(copy: Path, env: dict[str, str]) -> Path:
    _run([sys.executable, "scripts/generate-resources"], copy, env)
    _run(["scripts/gen-sdk"], copy, env)
    return copy


@pytest.fixture(scope="module")
def facts(regenerated: Path, env: dict[str, str]) -> dict[str, Any]:
    """What the copy's package makes of the new properties."""
    probe = [sys.executable, "-c", _PROBE, ENDPOINT_FLAG, REGION_FLAG]
    found: dict[str, Any] = json.loads(_run(probe, regenerated, env))
    return found


def test_the_new_property_reaches_every_model_of_the_endpoint(
    regenerated: Path, facts: dict[str, Any]
) -> None:
    assert Path(facts["package"]).is_relative_to(regenerated)
    assert ENDPOINT_FLAG in facts["record"]
    assert (facts["absent"], facts["declared"]) == (False, True)
    assert facts["plan"] == [[[ENDPOINT_FLAG], False]]
    assert facts["provider_only"] == [ENDPOINT_FLAG]
    assert facts["policy"] is True
    assert ENDPOINT_FLAG in facts["dynamic"]
    assert ENDPOINT_FLAG in facts["native"]
    assert facts["camel"] in facts["schema_inputs"]
    typescript = (regenerated / "sdk" / "nodejs" / "inferenceEndpoint.ts").read_text()
    assert f"{facts['camel']}?: pulumi.Input<boolean | undefined>" in typescript
    go = regenerated / "sdk" / "go" / "elasticsearchinference" / "inferenceEndpoint.go"
    assert facts["camel"][0].upper() + facts["camel"][1:] in go.read_text()


def test_the_new_property_reaches_every_model_of_the_region_policy(
    regenerated: Path, facts: dict[str, Any]
) -> None:
    assert REGION_FLAG in facts["region_inputs"]
    assert facts["region_plan"] == [[REGION_FLAG], False]  # a change, nothing sent
    assert facts["region_check"] == [[REGION_FLAG, "expected true or false, got str"]]
    assert facts["region_policy"] is True
    assert REGION_FLAG in facts["region_dynamic"]
    assert REGION_FLAG in facts["region_native"]
    assert facts["region_camel"] in facts["region_schema_inputs"]
    typescript = (regenerated / "sdk" / "nodejs" / "inferenceRegionPolicy.ts").read_text()
    assert f"{facts['region_camel']}?: pulumi.Input<boolean | undefined>" in typescript


def test_the_unit_suite_passes_on_the_copy(regenerated: Path, env: dict[str, str]) -> None:
    left_out = [f"--ignore=tests/unit/{name}" for name in _LEFT_OUT_OF_THE_COPYS_RUN]
    pytest_args = ["-m", "pytest", "tests/unit", "-q", "-x", "-p", "no:cacheprovider"]
    _run([sys.executable, *pytest_args, *left_out], regenerated, env)
