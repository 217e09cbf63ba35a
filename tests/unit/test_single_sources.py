"""Each fact has one source, named where it is used: the secret marker, the native package's
name, the dynamic door's layout (which the core does not know), the secret keys (whose one
deliberate copy, the emulator's, is held to the catalogue's)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_inference import catalogue, properties
from pulumi_inference._pulumi_wire import UNKNOWN
from pulumi_inference._secrets import REDACTED
from pulumi_inference.dynamic import _layout
from pulumi_inference.emulator import _services as emulator_services
from pulumi_inference.native._provider import _diff_key
from pulumi_inference.operations import Change, DesiredEndpoint, plan_change

PACKAGE = Path(__file__).resolve().parents[2] / "pulumi_inference"

NAMED = {
    REDACTED: ("_secrets.py", "_secrets.REDACTED"),
    properties.NATIVE_PACKAGE: ("properties.py", "properties.NATIVE_PACKAGE"),
}
"""Each literal, the one module that defines it, and the name the others use."""


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(id(value))
    return found


def literals_spelled_out(package: Path = PACKAGE) -> Iterator[str]:
    """Code strings (not docstrings) of the library that spell out a named literal."""
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text())
        docstrings = _docstrings(tree)
        where = path.relative_to(package).as_posix()
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            for literal, (home, name) in NAMED.items():
                if literal in node.value and id(node) not in docstrings and where != home:
                    yield f"pulumi_inference/{where}:{node.lineno} spells {literal!r}: use {name}"


def test_the_library_names_the_secret_marker_and_the_native_package() -> None:
    assert list(literals_spelled_out()) == []


def test_a_spelled_out_literal_is_found(tmp_path: Path) -> None:
    probe = tmp_path / "review" / "_zz_probe.py"
    probe.parent.mkdir()
    probe.write_text(
        '"""Docstrings may say [secret] and elasticsearch-inference."""\n'
        'MASK = "[secret]"\n'
        'HELP = f"the elasticsearch-inference plugin of {MASK}"\n'
    )
    assert list(literals_spelled_out(tmp_path)) == [
        "pulumi_inference/review/_zz_probe.py:2 spells '[secret]': use _secrets.REDACTED",
        "pulumi_inference/review/_zz_probe.py:3 spells 'elasticsearch-inference': "
        "use properties.NATIVE_PACKAGE",
    ]


def test_the_emulators_secret_keys_are_the_catalogues() -> None:
    """The emulator keeps its own table (a stand-in that asked the library would share its
    mistakes: docs/architecture.md), so this test is what keeps the two copies one."""
    assert emulator_services.SECRET_KEYS == catalogue.SECRET_KEYS


# -- the core speaks canonical paths; each door says them in its own layout ----------------

CANONICAL = set(properties.names("identity", "settings", "provider")) | set(
    properties.of_kind("connection")
)
(DYNAMIC_SECRETS,) = properties.sensitive_sections("whole")


def _declared(**overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "inference_id": "emb",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": "sk-1"},
        "task_settings": {"user": "a"},
        "connection": {"url": "http://127.0.0.1:9200", "password": "pw-1"},
        "cluster_version": "9.1.0",
    }
    props.update(overrides)
    return props


def _plan(new: dict[str, Any], *, secrets_unknown: bool = False) -> list[Change]:
    old = DesiredEndpoint.from_props(_declared())
    return plan_change(
        old, DesiredEndpoint.from_props(new, secrets_unknown=secrets_unknown)
    ).changes


UNKNOWN_SECRETS = _declared(service_settings={"model_id": "text-embedding-3-small"})

DECLARATIONS = {
    "a rotated key": _declared(service_settings={"model_id": "m", "api_key": "sk-2"}),
    "a secret not known yet": UNKNOWN_SECRETS,
    "a rotated connection password": _declared(
        connection={"url": "http://127.0.0.1:9200", "password": "pw-2"}
    ),
    "a provider flag": _declared(force_delete=True, deployment_timeout="20m"),
    "a value not known yet": _declared(task_settings={"user": UNKNOWN}),
}


@pytest.mark.parametrize("new", DECLARATIONS.values(), ids=DECLARATIONS.keys())
def test_the_core_names_changes_by_canonical_paths(new: dict[str, Any]) -> None:
    changes = _plan(new, secrets_unknown=new is UNKNOWN_SECRETS)
    assert changes
    assert {change.path[0] for change in changes} <= CANONICAL
    assert DYNAMIC_SECRETS not in CANONICAL


def test_a_secret_not_known_yet_is_a_possible_rotation_inside_service_settings() -> None:
    changes = _plan(UNKNOWN_SECRETS, secrets_unknown=True)
    assert Change(("service_settings",), "update", replaces=False, key_not_known=True) in changes
    assert all(change.secret for change in changes if change.key_not_known)


def test_each_door_says_a_secret_change_in_its_own_layout() -> None:
    rotated = Change(("service_settings", "api_key"), "update", replaces=False)
    not_known = Change(("service_settings",), "update", replaces=False, key_not_known=True)
    dynamic_new = {
        "service_settings": {"model_id": "m"},
        DYNAMIC_SECRETS: {"service_settings": {"api_key": "sk-2"}},
    }
    assert _layout.detailed_diff([rotated], {}, dynamic_new) == {
        f"{DYNAMIC_SECRETS}.service_settings.api_key": "UPDATE"
    }
    assert _layout.detailed_diff([not_known], {}, {DYNAMIC_SECRETS: UNKNOWN}) == {
        DYNAMIC_SECRETS: "UPDATE"
    }
    assert _diff_key(rotated) == "serviceSettings.api_key"


def test_a_connection_change_only_steers_the_provider() -> None:
    """The connection is a property of the table's ``connection`` kind, not a name the core
    lists; its change calls nothing on the cluster."""
    assert properties.of_kind("connection") == ("connection",)
    assert set(properties.of_kind("connection")) <= set(properties.PROVIDER_ONLY_KEYS)
    changes = _plan(_declared(connection={"url": "http://localhost:9200", "password": "pw-1"}))
    assert [(c.path, c.replaces) for c in changes] == [(("connection",), False)]
