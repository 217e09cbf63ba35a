"""examples/ci/inference-endpoints.yml reads its backend and every credential from the
repository's settings: nothing secret is written in the workflow."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "ci" / "inference-endpoints.yml"
SETTING = re.compile(r"\$\{\{\s*(vars|secrets)\.[A-Z_]+\s*\}\}")


def test_backend_and_credentials_come_from_settings() -> None:
    env = yaml.safe_load(WORKFLOW.read_text())["env"]
    for name in ("PULUMI_BACKEND_URL", "PULUMI_STACK", "ELASTICSEARCH_URL"):
        assert SETTING.fullmatch(env[name]), (name, env[name])
    for name in (
        "PULUMI_CONFIG_PASSPHRASE",
        "ELASTICSEARCH_API_KEY",
        "OPENAI_API_KEY",
        "AWS_SECRET_ACCESS_KEY",
    ):
        assert env[name].replace(" ", "") == f"${{{{secrets.{name}}}}}", (name, env[name])
