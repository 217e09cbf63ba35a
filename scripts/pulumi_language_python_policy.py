"""`RunPlugin` for Python policy packs, as the minimal language host serves it (installed beside
`pulumi_language_python_host.py` by `scripts/install-pulumi-cli`).

The engine starts a pack through the language host of its runtime and talks to it as an
Analyzer: a Handshake, then ConfigureStack (organization, project, stack, dry run, config),
then the analysis calls. `pulumi-policy` reads the stack's identity and config from environment
variables when the process starts, so, as Pulumi's own Python host does, the host answers the
first two calls itself on a proxy, starts the pack once it knows the stack
(`python -u -m pulumi.policy ENGINE PACK_DIR`, in the pack's directory, with
PULUMI_ORGANIZATION, PULUMI_PROJECT, PULUMI_STACK, PULUMI_DRY_RUN and PULUMI_CONFIG set), and
forwards every other call to it. The pack runs with the interpreter of the `virtualenv` its
PulumiPolicy.yaml names (relative to the pack), else with the host's own.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent import futures
from typing import Any

import grpc
from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, language_pb2

FORWARDED = (
    "Analyze",
    "AnalyzeStack",
    "Remediate",
    "GetAnalyzerInfo",
    "GetPluginInfo",
    "Configure",
    "Cancel",
)
"""Analyzer calls the pack answers; Handshake and ConfigureStack are the proxy's own."""

START_TIMEOUT = 120.0
"""Seconds to wait for the engine's first call, then for the pack to print its port."""


class PackProxy(analyzer_pb2_grpc.AnalyzerServicer):  # type: ignore[misc]
    """The Analyzer the engine sees until, and after, the real pack is up."""

    def __init__(self) -> None:
        self.stack_config: Any = None
        self.configured = threading.Event()
        self.attached = threading.Event()
        self.stub: Any = None
        self.failure = ""

    def Handshake(self, request: Any, context: Any) -> Any:
        return analyzer_pb2.AnalyzerHandshakeResponse()

    def ConfigureStack(self, request: Any, context: Any) -> Any:
        self.stack_config = request
        self.configured.set()
        return analyzer_pb2.AnalyzerStackConfigureResponse()

    def attach(self, port: int) -> None:
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = analyzer_pb2_grpc.AnalyzerStub(channel)
        if self.stack_config is not None:
            try:
                self.stub.ConfigureStack(self.stack_config)
            except grpc.RpcError as exc:
                if exc.code() != grpc.StatusCode.UNIMPLEMENTED:
                    raise
        self.attached.set()

    def forward(self, name: str, request: Any, context: Any) -> Any:
        # A call before ConfigureStack (`pulumi policy publish` makes one) starts the pack
        # without a stack.
        self.configured.set()
        if not self.attached.wait(START_TIMEOUT) or self.stub is None:
            context.abort(
                grpc.StatusCode.UNAVAILABLE, self.failure or "the policy pack did not start"
            )
        try:
            return getattr(self.stub, name)(request, timeout=None)
        except grpc.RpcError as exc:
            context.abort(exc.code(), exc.details())


def _forwarding(name: str) -> Any:
    def method(self: PackProxy, request: Any, context: Any) -> Any:
        return self.forward(name, request, context)

    method.__name__ = name
    return method


for _name in FORWARDED:
    setattr(PackProxy, _name, _forwarding(_name))


def pack_python(pack_dir: str, options: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The interpreter for the pack, and the environment its virtualenv needs."""
    virtualenv = options.get("virtualenv")
    if not virtualenv:
        return sys.executable, {}
    venv = os.path.normpath(os.path.join(pack_dir, str(virtualenv)))
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        raise FileNotFoundError(
            f"the policy pack's virtualenv '{virtualenv}' (runtime.options.virtualenv in "
            f"{pack_dir}/PulumiPolicy.yaml) does not exist at {venv}: create it with "
            f"`python3 -m venv {venv} && {venv}/bin/pip install -r {pack_dir}/requirements.txt`"
        )
    path = os.path.join(venv, "bin") + os.pathsep + os.environ.get("PATH", "")
    return python, {"VIRTUAL_ENV": venv, "PATH": path}


def stack_environment(config: Any) -> dict[str, str]:
    """What pulumi-policy reads at start-up: the stack's identity, dry run and config."""
    if config is None:
        return {}
    env = {
        "PULUMI_ORGANIZATION": config.organization,
        "PULUMI_PROJECT": config.project,
        "PULUMI_STACK": config.stack,
        "PULUMI_DRY_RUN": "true" if config.dry_run else "false",
        "PULUMI_CONFIG": json.dumps(dict(config.config)) if config.config else "",
    }
    return {key: value for key, value in env.items() if value}


def _pump(stream: Any, kind: str, out: queue.Queue[tuple[str, bytes]]) -> None:
    for chunk in iter(lambda: stream.read1(65536), b""):
        out.put((kind, chunk))
    out.put((kind, b""))


def _start_pack(request: Any, proxy: PackProxy) -> subprocess.Popen[bytes]:
    info = request.info
    pack_dir = info.program_directory or info.root_directory
    options = json_format.MessageToDict(info.options) if info.HasField("options") else {}
    python, venv_env = pack_python(pack_dir, options)
    engine_env = dict(item.split("=", 1) for item in request.env if "=" in item)
    env = {**os.environ, **venv_env, **stack_environment(proxy.stack_config), **engine_env}
    command = [python, "-u", "-m", "pulumi.policy", *request.args, pack_dir]
    return subprocess.Popen(
        command, cwd=pack_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _pack_port(process: subprocess.Popen[bytes]) -> int:
    assert process.stdout is not None
    line = process.stdout.readline().decode(errors="replace").strip()
    if not line.isdigit():
        process.wait(timeout=START_TIMEOUT)
        raise RuntimeError(f"the policy pack exited before serving (printed {line!r})")
    return int(line)


def run_policy_pack(request: Any, context: Any) -> Iterator[Any]:
    """Serve the proxy, start the pack when the stack is known, stream its output."""
    proxy = PackProxy()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    analyzer_pb2_grpc.add_AnalyzerServicer_to_server(proxy, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    process: subprocess.Popen[bytes] | None = None

    def stop() -> None:  # the engine is done with the pack (or gone)
        proxy.configured.set()
        if process is not None and process.poll() is None:
            process.terminate()
        server.stop(0)

    context.add_callback(stop)
    yield language_pb2.RunPluginResponse(stdout=f"{port}\n".encode())
    proxy.configured.wait(START_TIMEOUT)
    if not context.is_active():
        return
    try:
        process = _start_pack(request, proxy)
        proxy.attach(_pack_port(process))
    except (OSError, RuntimeError, grpc.RpcError, subprocess.TimeoutExpired) as exc:
        proxy.failure = f"policy pack {request.info.program_directory}: {exc}"
        proxy.attached.set()
        if process is not None and process.stderr is not None:
            yield language_pb2.RunPluginResponse(stderr=process.stderr.read())
        yield language_pb2.RunPluginResponse(stderr=f"{proxy.failure}\n".encode())
        yield language_pb2.RunPluginResponse(exitcode=1)
        return
    yield from _stream_until_exit(process)
    server.stop(0)


def _stream_until_exit(process: subprocess.Popen[bytes]) -> Iterator[Any]:
    output: queue.Queue[tuple[str, bytes]] = queue.Queue()
    for kind, stream in (("stdout", process.stdout), ("stderr", process.stderr)):
        threading.Thread(target=_pump, args=(stream, kind, output), daemon=True).start()
    open_streams = 2
    while open_streams:
        kind, chunk = output.get()
        if not chunk:
            open_streams -= 1
            continue
        yield language_pb2.RunPluginResponse(**{kind: chunk})
    yield language_pb2.RunPluginResponse(exitcode=process.wait())
