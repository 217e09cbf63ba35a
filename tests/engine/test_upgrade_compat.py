"""Upgrades never break existing stacks (issue 12).

Each folder under tests/fixtures/upgrade/ is a stack a released version wrote (its README.md;
scripts/capture-upgrade-fixture). With the code in the tree, that state must still load: its
``__provider`` pickle refers to ``pulumi_inference.provider.InferenceEndpointProvider`` and its
properties (``inference_id`` ... ``secrets``, ``effective_*``, ``cluster_version``) are what
the provider gets back. The captured program must preview with no changes, a refresh must find
no drift, and destroy must delete every endpoint.

Each test takes the module's emulator (tests/conftest.py), configured with the captured version
and API key and reset, and recreates the captured endpoints on it over HTTP, as the release
left them.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import importlib.util
import json
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import dill
import httpx
import pytest
import yaml
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pulumi import automation as auto
from pulumi.dynamic import Config, ConfigureRequest

from devtools.engine import Engine
from pulumi_inference._nested import normalize_numbers
from pulumi_inference.emulator import ApiKey, Emulator, EmulatorConfig
from pulumi_inference.properties import holds_its_default
from pulumi_inference.provider import InferenceEndpointProvider

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "upgrade"
RELEASES = sorted(path.parent.name for path in FIXTURES.glob("*/capture.json"))
ENDPOINT_TYPE = "pulumi-python:dynamic/elasticsearch:InferenceEndpoint"
DEFAULT_PROVIDER_TYPE = "pulumi:providers:pulumi-python"
SECRET_SIG = "4dabf18193072939515e22adb298388d"
PROVIDER_KEY = "__provider"


# -- the captured release ----------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    folder: Path

    @cached_property
    def meta(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.folder / "capture.json").read_text())
        return loaded

    @cached_property
    def endpoints(self) -> dict[str, dict[str, Any]]:
        loaded: dict[str, dict[str, Any]] = json.loads((self.folder / "endpoints.json").read_text())
        return loaded

    @cached_property
    def export(self) -> dict[str, Any]:
        """``pulumi stack export`` as captured: ``{"version": 3, "deployment": {...}}``."""
        loaded: dict[str, Any] = json.loads((self.folder / "deployment.json").read_text())
        return loaded

    @property
    def config_file(self) -> Path:
        return self.folder / f"Pulumi.{self.meta['stack']}.yaml"

    @property
    def captured_url(self) -> str:
        url: str = self.meta["emulator"]["url"]
        return url

    @cached_property
    def _key(self) -> bytes:
        """The passphrase secrets manager's key (PBKDF2-SHA256 over the stack's salt)."""
        salt_state = self.export["deployment"]["secrets_providers"]["state"]["salt"]
        _, salt, _check = salt_state.split(":", 2)
        return hashlib.pbkdf2_hmac(
            "sha256", self.meta["passphrase"].encode(), base64.b64decode(salt), 1_000_000, 32
        )

    def decrypt(self, ciphertext: str) -> str:
        """A ``v1:<nonce>:<ciphertext>`` value of the state or the config, as plain text."""
        _, nonce, body = ciphertext.split(":")
        plain: bytes = AESGCM(self._key).decrypt(
            base64.b64decode(nonce), base64.b64decode(body), None
        )
        return plain.decode()

    def reveal(self, value: Any) -> Any:
        """A state value with every secret decrypted, as the provider receives it."""
        if isinstance(value, Mapping) and SECRET_SIG in value:
            return self.reveal(json.loads(self.decrypt(value["ciphertext"])))
        if isinstance(value, Mapping):
            return {key: self.reveal(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.reveal(item) for item in value]
        return value

    def resources(self, export: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        """The endpoints of an export (default: the captured one), by resource name."""
        deployment = (export or self.export)["deployment"]
        return {
            resource["urn"].rsplit("::", 1)[1]: resource
            for resource in deployment.get("resources") or []
            if resource["type"] == ENDPOINT_TYPE
        }

    def plain_resources(self, url: str) -> dict[str, dict[str, Any]]:
        """The captured endpoints, secrets decrypted, pointed at the emulator at ``url``."""
        moved = self.export_for(url)
        return {name: self.reveal(resource) for name, resource in self.resources(moved).items()}

    def stack_config(self, url: str) -> dict[str, str]:
        """The stack config as the engine hands it to the provider (secrets decrypted)."""
        config = yaml.safe_load(self.config_file.read_text())["config"]
        plain = {
            key: self.decrypt(value["secure"]) if isinstance(value, Mapping) else str(value)
            for key, value in config.items()
        }
        plain["elasticsearch:url"] = url
        return plain

    def export_for(self, url: str) -> dict[str, Any]:
        """The captured export with the emulator's URL replaced by ``url``, nothing else.

        The capture's emulator listened on a free port that is gone now. Its URL is in the
        stack config, and so in the default ``pulumi-python`` provider's state (which holds
        all stack config), and in the non-secret ``connection.url`` of the endpoint that
        declares its connection. Those are where the cluster is, not the library's contract:
        they are pointed at this test's emulator, and nothing else in the state is touched.
        """
        moved = copy.deepcopy(self.export)
        old = self.captured_url
        rewritten = 0
        for resource in moved["deployment"]["resources"]:
            for section in ("inputs", "outputs"):
                props = resource.get(section) or {}
                if resource["type"] == DEFAULT_PROVIDER_TYPE:
                    if props.get("elasticsearch:url") == old:
                        props["elasticsearch:url"] = url
                        rewritten += 1
                elif resource["type"] == ENDPOINT_TYPE:
                    connection = props.get("connection")
                    if isinstance(connection, dict) and connection.get("url") == old:
                        connection["url"] = url
                        rewritten += 1
        assert rewritten, f"the captured URL {old} is nowhere in the state"
        assert old not in json.dumps(moved), f"the captured URL {old} is left in the state"
        return moved

    def program(self) -> Callable[[], None]:
        spec = importlib.util.spec_from_file_location(
            f"upgrade_program_{self.folder.name.replace('.', '_')}", self.folder / "program.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        main: Callable[[], None] = module.main
        return main


@pytest.fixture(scope="module", params=RELEASES)
def release(request: pytest.FixtureRequest) -> Release:
    return Release(FIXTURES / request.param)


# -- the cluster, as the release left it ---------------------------------------------------


@dataclass
class ReleasedCluster:
    """The emulator with the released stack's API key."""

    emulator: Emulator
    api_key: str

    @property
    def url(self) -> str:
        return self.emulator.url

    def http(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"ApiKey {self.api_key}"}, timeout=10
        )

    def held(self, inference_id: str) -> dict[str, Any]:
        """The endpoint as the emulator holds it (control plane, needs no credentials)."""
        response = httpx.get(f"{self.url}/_emulator/endpoints/{inference_id}", timeout=10)
        response.raise_for_status()
        held: dict[str, Any] = response.json()
        return held

    def endpoint_ids(self) -> list[str]:
        """Every endpoint on the cluster but the preconfigured ones (``.elser-2-...``)."""
        with self.http() as client:
            response = client.get("/_inference/_all")
        response.raise_for_status()
        ids = (endpoint["inference_id"] for endpoint in response.json()["endpoints"])
        return sorted(inference_id for inference_id in ids if not inference_id.startswith("."))


@pytest.fixture(scope="module")
def emulator_config(release: Release) -> EmulatorConfig:
    """The cluster the release was captured on: its version and API key."""
    captured = release.meta["emulator"]
    return EmulatorConfig(
        version=captured["version"],
        api_keys=(ApiKey(captured["api_key"], name=captured["api_key_id"]),),
        deployment_seconds=0,
    )


@pytest.fixture
def cluster(release: Release, emulator: Emulator) -> ReleasedCluster:
    """Not engine_programs' cluster: this one holds the release's own API key."""
    return ReleasedCluster(emulator, release.meta["emulator"]["api_key_encoded"])


def recreate_endpoints(release: Release, cluster: ReleasedCluster) -> None:
    """Each captured endpoint again, over HTTP: the release's PUT with the secrets put back
    (decrypted from the state), then the settings the cluster showed at capture if this
    emulator's defaults differ since. It must end up exactly as captured."""
    secrets_by_id = {
        resource["outputs"]["inference_id"]: resource["outputs"].get("secrets") or {}
        for resource in release.plain_resources(cluster.url).values()
    }
    assert sorted(secrets_by_id) == sorted(release.endpoints)
    for inference_id, captured in release.endpoints.items():
        body = copy.deepcopy(captured["put"]["body"])
        sent_secrets: set[str] = set()
        for section in ("service_settings", "task_settings"):
            hidden = secrets_by_id[inference_id].get(section) or {}
            if hidden:
                body.setdefault(section, {}).update(hidden)
                sent_secrets |= set(hidden)
        assert sent_secrets == set(captured["secret_keys"]), inference_id
        with cluster.http() as client:
            response = client.put(captured["put"]["path"], json=body)
        assert response.status_code == 200, response.text
        if cluster.held(inference_id)["endpoint"] != captured["endpoint"]:
            _hand_edit_to(cluster, inference_id, captured["endpoint"])
        held = cluster.held(inference_id)
        assert held["endpoint"] == captured["endpoint"], inference_id
        assert held["secret_keys"] == captured["secret_keys"], inference_id
        assert held["deployment_id"] == captured["deployment_id"], inference_id
    assert cluster.endpoint_ids() == sorted(release.endpoints)


def _hand_edit_to(cluster: ReleasedCluster, inference_id: str, wanted: Mapping[str, Any]) -> None:
    current = cluster.held(inference_id)["endpoint"]
    edit: dict[str, Any] = {}
    for section in ("service_settings", "task_settings"):
        keys = set(current.get(section) or {}) | set(wanted.get(section) or {})
        edit[section] = {key: (wanted.get(section) or {}).get(key) for key in keys}
    edit["chunking_settings"] = wanted.get("chunking_settings")
    response = httpx.post(f"{cluster.url}/_emulator/endpoints/{inference_id}/edit", json=edit)
    response.raise_for_status()


# -- the engine ----------------------------------------------------------------------------


def step_ops(events: list[auto.EngineEvent]) -> dict[str, str]:
    """Per endpoint resource name, the engine's step for it."""
    ops = {}
    for event in events:
        pre = event.resource_pre_event
        if pre is not None and pre.metadata.type == ENDPOINT_TYPE:
            ops[pre.metadata.urn.rsplit("::", 1)[1]] = pre.metadata.op.value
    return ops


def changed(summary: Mapping[Any, int] | None) -> dict[str, int]:
    plain = {getattr(op, "value", op): count for op, count in (summary or {}).items()}
    return {op: count for op, count in plain.items() if op != "same" and count}


def assert_clean_preview(stack: auto.Stack, when: str) -> None:
    events: list[auto.EngineEvent] = []
    try:
        result = stack.preview(
            color="never", diff=True, expect_no_changes=True, on_event=events.append
        )
    except auto.CommandError as exc:
        pytest.fail(f"{when}, the preview shows changes: {step_ops(events)}\n{exc}")
    assert changed(result.change_summary) == {}, when
    assert set(step_ops(events).values()) == {"same"}, when


def export_with_secrets(stack: auto.Stack) -> dict[str, Any]:
    result = stack.workspace.pulumi_command.run(
        ["stack", "export", "--show-secrets", "--stack", stack.name],
        stack.workspace.work_dir,
        {**stack.workspace.env_vars},
    )
    exported: dict[str, Any] = json.loads(result.stdout)
    return exported


def shown(value: Any) -> Any:
    """A value of ``stack export --show-secrets``: secrets hold their JSON as plaintext."""
    if isinstance(value, Mapping) and SECRET_SIG in value:
        return shown(json.loads(value["plaintext"]))
    if isinstance(value, Mapping):
        return {key: shown(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shown(item) for item in value]
    return value


def imported_stack(
    release: Release, cluster: ReleasedCluster, workdir: Path, cli_dir: Path
) -> auto.Stack:
    """A new stack in a new file backend with the captured config and state."""
    meta = release.meta
    engine = Engine(workdir, cli_dir, env={"PULUMI_CONFIG_PASSPHRASE": meta["passphrase"]})
    workspace = workdir / f"ws-{meta['project']}"
    workspace.mkdir(parents=True)
    config_file = workspace / release.config_file.name
    shutil.copyfile(release.config_file, config_file)
    stack = engine.stack(
        meta["stack"],
        release.program(),
        project=meta["project"],
        config={"elasticsearch:url": cluster.url},
    )
    salt = yaml.safe_load(release.config_file.read_text())["encryptionsalt"]
    assert yaml.safe_load(config_file.read_text())["encryptionsalt"] == salt
    moved = release.export_for(cluster.url)
    stack.import_stack(auto.Deployment(version=moved["version"], deployment=moved["deployment"]))
    return stack


def assert_same_outputs(got: Mapping[str, Any], captured: Mapping[str, Any], name: str) -> None:
    """Every output the release stored reads back the same. What the cluster computed
    (``effective_*``) may gain keys: the live view can show more than the create's answer did
    (the release itself reads ``num_allocations`` of an adaptive deployment this way). One
    it stored at its default may be absent now: absent means that default (REQ-STATE-1)."""
    for key, value in captured.items():
        if key not in got and holds_its_default(key, value):
            continue
        if key.startswith("effective_") and isinstance(value, Mapping):
            seen = got.get(key)
            assert isinstance(seen, Mapping), (name, key)
            value, seen = normalize_numbers(value), normalize_numbers(seen)
            assert {item: seen.get(item) for item in value} == value, (name, key)
        else:
            assert normalize_numbers(got.get(key)) == normalize_numbers(value), (name, key)


def assert_provider_blob(release: Release, resource: Mapping[str, Any], name: str) -> None:
    """The state still holds the release's pickle, and it loads into today's class."""
    captured = release.resources()[name]
    blob = release.reveal(captured["outputs"][PROVIDER_KEY])
    for section in ("inputs", "outputs"):
        assert resource[section][PROVIDER_KEY] == blob, f"{name}: {section}.__provider changed"
    provider = dill.loads(base64.b64decode(blob))  # noqa: S301 (the release's own pickle)
    assert type(provider) is InferenceEndpointProvider


@pytest.mark.engine
@pytest.mark.timeout(300)
def test_released_stack_previews_refreshes_and_destroys_cleanly(
    release: Release, cluster: ReleasedCluster, tmp_path: Path, pulumi_cli_dir: Path
) -> None:
    """REQ-UPGRADE-1: a released stack previews clean, refreshes without drift, destroys."""
    recreate_endpoints(release, cluster)
    stack = imported_stack(release, cluster, tmp_path / "engine", pulumi_cli_dir)
    captured = release.plain_resources(cluster.url)

    assert_clean_preview(stack, "right after the import")

    refresh_events: list[auto.EngineEvent] = []
    refreshed = stack.refresh(color="never", expect_no_changes=True, on_event=refresh_events.append)
    assert changed(refreshed.summary.resource_changes) == {}
    assert set(step_ops(refresh_events).values()) == {"refresh"}
    after = release.resources(export_with_secrets(stack))
    assert sorted(after) == sorted(captured)
    for name, resource in after.items():
        inputs, outputs = shown(resource["inputs"]), shown(resource["outputs"])
        assert_same_outputs(inputs, captured[name]["inputs"], name)
        assert_same_outputs(outputs, captured[name]["outputs"], name)
        assert_provider_blob(release, {"inputs": inputs, "outputs": outputs}, name)
        # The release recorded no cluster; its first refresh records it (issue 30), and
        # that changes no endpoint (the refresh and the previews around it are clean).
        assert "cluster_uuid" not in captured[name]["outputs"], name
        assert outputs["cluster_uuid"] == cluster.emulator.cluster_uuid, name
        assert outputs["cluster_name"] == cluster.emulator.settings.cluster_name, name
    assert_clean_preview(stack, "after a refresh")

    destroy_events: list[auto.EngineEvent] = []
    destroyed = stack.destroy(color="never", on_event=destroy_events.append)
    assert destroyed.summary.result == "succeeded"
    assert step_ops(destroy_events) == dict.fromkeys(captured, "delete")
    assert cluster.endpoint_ids() == []
    assert release.resources(export_with_secrets(stack)) == {}


@pytest.mark.engine
@pytest.mark.timeout(300)
def test_released_stack_takes_the_smaller_state_on_the_next_up(
    release: Release, cluster: ReleasedCluster, tmp_path: Path, pulumi_cli_dir: Path
) -> None:
    """REQ-STATE-1, REQ-UPGRADE-1: the next ``up`` changes no endpoint and writes the inputs
    in today's shape (no input stored at its default, the pickle plain); refresh then
    rewrites the outputs the same way, every value the release stored reading back the same;
    and that state previews clean and destroys."""
    recreate_endpoints(release, cluster)
    stack = imported_stack(release, cluster, tmp_path / "engine", pulumi_cli_dir)
    captured = release.plain_resources(cluster.url)
    before = release.resources(export_with_secrets(stack))

    up_events: list[auto.EngineEvent] = []
    result = stack.up(color="never", on_event=up_events.append)
    assert changed(result.summary.resource_changes) == {}
    assert set(step_ops(up_events).values()) == {"same"}
    stack.refresh(color="never", expect_no_changes=True)

    after = release.resources(export_with_secrets(stack))
    assert sorted(after) == sorted(captured)
    for name, resource in after.items():
        inputs, outputs = shown(resource["inputs"]), shown(resource["outputs"])
        for section, props in (("inputs", inputs), ("outputs", outputs)):
            at_default = {key for key, value in props.items() if holds_its_default(key, value)}
            assert not at_default, f"{name}: {section} still store {sorted(at_default)}"
        assert isinstance(resource["inputs"][PROVIDER_KEY], str), f"{name}: pickle still secret"
        assert_same_outputs(inputs, captured[name]["inputs"], name)
        assert_same_outputs(outputs, captured[name]["outputs"], name)
        assert len(json.dumps(resource)) < len(json.dumps(before[name])), f"{name}: not smaller"
    assert_clean_preview(stack, "after the up that rewrote the state")

    destroyed = stack.destroy(color="never")
    assert destroyed.summary.result == "succeeded"
    assert cluster.endpoint_ids() == []


# -- the provider alone --------------------------------------------------------------------


def test_released_provider_pickle_serves_captured_state(
    release: Release, cluster: ReleasedCluster
) -> None:
    """REQ-UPGRADE-1: Without the engine: the captured ``__provider`` unpickles into today's
    provider, which checks, diffs, reads and deletes the captured properties as the release
    would have."""
    recreate_endpoints(release, cluster)
    resources = release.plain_resources(cluster.url)
    blobs = {resource["outputs"][PROVIDER_KEY] for resource in resources.values()}
    assert len(blobs) == 1  # one pickle of a stateless provider, shared by every endpoint
    provider = dill.loads(base64.b64decode(blobs.pop()))  # noqa: S301 (the release's own pickle)
    assert type(provider) is InferenceEndpointProvider
    raw_config = release.stack_config(cluster.url)
    provider.configure(ConfigureRequest(Config(raw_config, release.meta["project"])))

    for name, resource in resources.items():
        id_, inputs, outputs = resource["id"], resource["inputs"], resource["outputs"]
        checked = provider.check(inputs, inputs)
        assert checked.failures == [], name
        assert provider.diff(id_, outputs, outputs).changes is False, name
        assert provider.diff(id_, outputs, checked.inputs).changes is False, name
        read = provider.read(id_, outputs)
        assert read.id == id_, name
        assert read.outs is not None
        assert_same_outputs({**read.outs, PROVIDER_KEY: outputs[PROVIDER_KEY]}, outputs, name)
        assert read.inputs is not None
        declared = {key: value for key, value in inputs.items() if key != PROVIDER_KEY}
        assert_same_outputs(read.inputs, declared, name)

    for name, resource in resources.items():
        provider.delete(resource["id"], resource["outputs"])
        assert resource["id"] not in cluster.endpoint_ids(), name
    assert cluster.endpoint_ids() == []
