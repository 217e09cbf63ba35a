"""A Python project directory whose endpoints come from ``declarations.json`` beside it, run
by the CLI itself (as `pulumi preview --json` in CI does), through either front door.

Stack config: ``door`` (``dynamic`` or ``native``), ``esUrl`` and the secret ``esApiKey``; a
declaration's ``service_settings.api_key_config`` names the secret config key its API key
comes from (so a key rotation is a config change, as in real stacks). ``protect`` becomes the
resource option.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PROGRAM = """\
import json
from pathlib import Path

import pulumi
import pulumi_inference as inference
import pulumi_inference.native as native

cfg = pulumi.Config()
door = cfg.require("door")
connection = inference.Connection(url=cfg.require("esUrl"), api_key=cfg.require_secret("esApiKey"))
provider = native.Provider("cluster", connection) if door == "native" else None
declared = json.loads((Path(__file__).parent / "declarations.json").read_text())
for name, kwargs in declared.items():
    settings = kwargs["service_settings"]
    if "api_key_config" in settings:
        settings["api_key"] = cfg.require_secret(settings.pop("api_key_config"))
    opts = pulumi.ResourceOptions(protect=kwargs.pop("protect", False), provider=provider)
    if door == "native":
        native.InferenceEndpoint(name, **kwargs, opts=opts)
    else:
        inference.InferenceEndpoint(name, connection=connection, **kwargs, opts=opts)
"""


def write_project(directory: Path, declarations: dict[str, Any], name: str = "reviewed") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (directory / "__main__.py").write_text(PROGRAM)
    declare(directory, declarations)
    return directory


def declare(directory: Path, declarations: dict[str, Any]) -> None:
    (directory / "declarations.json").write_text(json.dumps(declarations, indent=2))
