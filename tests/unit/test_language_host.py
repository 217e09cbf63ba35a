"""The minimal Python language host (scripts/pulumi_language_python_host.py) says nothing of
its own when the CLI interrupts it, at whatever moment: the CLI interrupts its plugins when
it is done with them, sometimes before one is serving (a KeyboardInterrupt traceback landed in
the output of `pulumi-inference review`)."""

from __future__ import annotations

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
