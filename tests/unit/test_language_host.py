"""The minimal Python language host (scripts/pulumi_language_python_host.py) says nothing of
its own when the CLI interrupts it, at whatever moment: the CLI interrupts its plugins when
it is done with them, sometimes before one is serving (a KeyboardInterrupt traceback landed in
the output of `pulumi-inference review`)."""

from __future__ import annotations

import importlib.util
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HOST = Path(__file__).resolve().parents[2] / "scripts" / "pulumi_language_python_host.py"


@pytest.mark.parametrize("moment", [0.1, 0.3, 0.6, "serving"])
def test_an_interrupted_host_ends_without_a_traceback(moment: float | str) -> None:
    host = subprocess.Popen(
        [sys.executable, str(HOST), "127.0.0.1:1"],  # an engine address nothing answers on
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert host.stdout is not None
    if moment == "serving":
        assert host.stdout.readline().strip().isdigit()  # its port: it serves
    else:
        time.sleep(float(moment))  # starting: importing grpc, opening its port
    host.send_signal(signal.SIGINT)
    _, err = host.communicate(timeout=30)

    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err


def _host_module() -> object:
    spec = importlib.util.spec_from_file_location("pulumi_language_python_host", HOST)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _CallError(Exception):
    """Stands for grpc.RpcError as Pulumi's SDK lets it through: a status and details."""

    def __init__(self, status: str, details: str) -> None:
        super().__init__(f"<_InactiveRpcError of RPC that terminated with: status = {status}>")
        self._status, self._details = status, details

    def code(self) -> object:
        return type("Status", (), {"name": self._status})()

    def details(self) -> str:
        return self._details


@pytest.mark.parametrize(
    ("error", "cancelled"),
    [
        (Exception("context canceled"), True),  # a registration the engine cancelled
        (_CallError("CANCELLED", "context canceled"), True),  # SignalAndWaitForShutdown's
        (_CallError("UNKNOWN", "context canceled"), True),
        (_CallError("UNAVAILABLE", "Socket closed"), True),  # the engine is gone
        (_CallError("INVALID_ARGUMENT", "bad request"), False),
        (RuntimeError("the program is broken"), False),
    ],
)
def test_a_call_the_engine_cancelled_is_told_from_a_program_s_own_failure(
    error: BaseException, cancelled: bool
) -> None:
    """The engine reports why it cancelled the deployment; the host adds no traceback then
    (seen on a loaded machine: the cancellation hit Pulumi's last call, whose gRPC error the
    SDK lets through as it is), and only then."""
    host = _host_module()
    assert host._cancelled_by_engine(error) is cancelled  # type: ignore[attr-defined]
    wrapped = RuntimeError("wrapped")
    wrapped.__cause__ = error
    assert host._cancelled_by_engine(wrapped) is cancelled  # type: ignore[attr-defined]


_INTERRUPTED_RUN = """
import asyncio, runpy, sys, types

import pulumi.runtime

async def run_in_stack(func):  # as Pulumi's: its finally needs the running loop
    try:
        print("awaiting the engine", flush=True)
        await asyncio.sleep(30)
    finally:
        asyncio.get_running_loop()

pulumi.runtime.configure = lambda settings: None
pulumi.runtime.run_in_stack = run_in_stack
sys.argv = [sys.argv[0], "--run", "program.py"]
runpy.run_path(HOST, run_name="__main__")
"""


def test_a_run_interrupted_while_it_awaits_the_engine_ends_without_a_traceback(
    tmp_path: Path,
) -> None:
    """The engine interrupts a program it cancels; Pulumi's run coroutine is then left pending,
    and its cleanup, run by the interpreter at exit outside any loop, printed 'Exception ignored
    in: <coroutine object run_in_stack>' and a RuntimeError traceback into the engine's output
    (test_engine_projects' cancel test failed so in full CI runs)."""
    driver = tmp_path / "driver.py"
    driver.write_text(f"HOST = {str(HOST)!r}\n" + _INTERRUPTED_RUN)
    (tmp_path / "program.py").write_text("")
    run = subprocess.Popen(
        [sys.executable, str(driver)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert run.stdout is not None
    assert run.stdout.readline().strip() == "awaiting the engine"
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=30)

    assert run.returncode == 32  # the error is the engine's to show
    assert "Traceback" not in err and "Exception ignored" not in err, err
