"""The native Python SDK says, in one line, to run `pulumi-inference install-plugin` when the
engine running the program would not find the plugin (pulumi_inference/native/_registration.py),
and says nothing wherever the engine would find it or the SDK cannot tell. The same program run
by the real engine: tests/engine/test_engine_projects.py."""

from __future__ import annotations

import os
from pathlib import Path

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor

from pulumi_inference.native import PLUGIN_EXECUTABLE, _registration
from pulumi_inference.native._plugin import write_launcher


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A new PULUMI_HOME with no plugin, a PATH without the plugin, nothing checked yet."""
    monkeypatch.setattr(_registration, "_found", False)
    monkeypatch.setenv("PULUMI_HOME", str(tmp_path / "pulumi-home"))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.delenv("PULUMI_IGNORE_AMBIENT_PLUGINS", raising=False)
    monkeypatch.setattr(pulumi, "get_root_directory", lambda: str(tmp_path))
    monkeypatch.setattr(pulumi.runtime.settings, "get_monitor", lambda: None)  # a real engine's


def test_no_plugin_is_one_error_saying_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(pulumi.RunError) as raised:
        _registration.require_plugin()

    message = str(raised.value)
    assert "\n" not in message
    assert "run `pulumi-inference install-plugin`" in message
    assert str(tmp_path / "pulumi-home" / "plugins") in message  # where Pulumi looked


def test_an_installed_plugin_is_found(tmp_path: Path) -> None:
    plugins = tmp_path / "pulumi-home" / "plugins" / "resource-elasticsearch-inference-v0.1.0"
    write_launcher(plugins)  # any version: the engine takes the newest installed

    _registration.require_plugin()


def test_without_pulumi_home_it_is_the_accounts_home_not_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PULUMI_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    import pwd

    account = Path(pwd.getpwuid(os.getuid()).pw_dir)
    assert _registration.plugins_dir() == account / ".pulumi" / "plugins"


def test_a_plugin_on_path_is_found_unless_pulumi_is_told_to_ignore_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ambient = tmp_path / "bin"
    ambient.mkdir()
    (ambient / PLUGIN_EXECUTABLE).write_text("#!/bin/sh\n")
    (ambient / PLUGIN_EXECUTABLE).chmod(0o755)
    monkeypatch.setenv("PATH", f"{ambient}:/usr/bin:/bin")
    _registration.require_plugin()

    monkeypatch.setattr(_registration, "_found", False)
    monkeypatch.setenv("PULUMI_IGNORE_AMBIENT_PLUGINS", "true")
    with pytest.raises(pulumi.RunError, match="install-plugin"):
        _registration.require_plugin()


def test_a_project_naming_plugins_of_its_own_is_left_to_the_engine(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: p\nruntime: python\nplugins:\n  providers:\n"
        "    - name: elasticsearch-inference\n      path: ./bin\n"
    )

    _registration.require_plugin()


def test_under_mocks_there_is_no_engine_to_find_it(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoCalls(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:  # type: ignore[type-arg]
            return "id", {}

        def call(self, args: pulumi.runtime.MockCallArgs) -> dict:  # type: ignore[type-arg]
            return {}

    monitor = MockMonitor(NoCalls())
    monkeypatch.setattr(pulumi.runtime.settings, "get_monitor", lambda: monitor)

    _registration.require_plugin()
