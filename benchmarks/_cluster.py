"""What every layer sends and the cluster that counts what it receives: the declarations of the
benchmark's endpoints, and the emulator in its own process with its request log."""

from __future__ import annotations

import select
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from pulumi_inference.operations import DesiredEndpoint

ROOT = Path(__file__).resolve().parent.parent


API_KEY = "sk-benchmark-not-a-real-key"
MODEL = "text-embedding-3-small"
DEPLOY_MODEL = ".multilingual-e5-small"


def endpoint_ids(n: int, prefix: str = "bench") -> list[str]:
    return [f"{prefix}-{i:04d}" for i in range(n)]


def api_props(inference_id: str, user: str = "a") -> dict[str, Any]:
    """Props as ``InferenceEndpoint`` builds them for an OpenAI endpoint (secret moved out)."""
    return {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": MODEL},
        "task_settings": {"user": user},
        "chunking_settings": None,
        "connection": None,
        "force_delete": False,
        "wait_for_deployment": True,
        "deployment_timeout": None,
        "allow_unknown_service": False,
        "secrets": {"service_settings": {"api_key": API_KEY}},
    }


def deploy_props(inference_id: str) -> dict[str, Any]:
    """An elasticsearch-service endpoint: a model deployment the provider waits for."""
    return {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {"model_id": DEPLOY_MODEL, "num_allocations": 1, "num_threads": 1},
        "task_settings": None,
        "chunking_settings": None,
        "connection": None,
        "force_delete": False,
        "wait_for_deployment": True,
        "deployment_timeout": "2m",
        "allow_unknown_service": False,
        "secrets": None,
    }


def request_body(props: Mapping[str, Any]) -> dict[str, Any]:
    """The create body the provider sends (secrets merged back), for the floor."""
    merged = {key: value for key, value in props.items() if key != "secrets"}
    for section, values in (props.get("secrets") or {}).items():
        merged[section] = {**(merged.get(section) or {}), **values}
    return DesiredEndpoint.from_props(merged).request_body()


UPDATE_BODY = {"task_settings": {"user": "b"}}


def endpoint_path(inference_id: str, task_type: str = "text_embedding") -> str:
    return f"/_inference/{task_type}/{inference_id}"


class EmulatorProcess:
    """The emulator in a child process (benchmarks/_emulator_server.py), read over its
    ``/_emulator`` control plane, so that the cluster never shares a GIL with the driver."""

    def __init__(
        self,
        latency: float,
        deployment_seconds: float = 0.05,
        *,
        log_size: int | None = None,
        control_timeout: float = 30.0,
    ) -> None:
        self.latency = latency
        self.deployment_seconds = deployment_seconds
        self.log_size = log_size
        self.control_timeout = control_timeout
        self.url = ""

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> EmulatorProcess:
        log_size = [] if self.log_size is None else ["--log-size", str(self.log_size)]
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("_emulator_server.py")),
                "--latency",
                str(self.latency),
                "--deployment-seconds",
                str(self.deployment_seconds),
                *log_size,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 30.0)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError(f"the emulator did not start (said {line!r})")
        self.url = line.removeprefix("listening on ").strip()
        self.control = httpx.Client(base_url=self.url, timeout=self.control_timeout)
        return self

    def close(self) -> None:
        self.control.close()
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def requests(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.control.get("/_emulator/requests").json()["requests"]
        return entries

    def clear_requests(self) -> None:
        self.control.delete("/_emulator/requests").raise_for_status()

    def reset(self) -> None:
        """Forget everything (latency back to the configured value)."""
        self.control.post("/_emulator/reset").raise_for_status()

    def endpoint_ids(self) -> set[str]:
        return set(self.control.get("/_emulator").json()["endpoints"])

    def task_settings(self, inference_id: str) -> dict[str, Any]:
        answer = self.control.get(f"/_emulator/endpoints/{inference_id}").json()
        settings: dict[str, Any] = answer["endpoint"].get("task_settings") or {}
        return settings
