"""A minimal Python language host for the Pulumi CLI, for machines where the real one
(`pulumi-language-python`, an untagged Go module) cannot be built.

`scripts/install-pulumi-cli` puts a `pulumi-language-python` wrapper beside the CLI that runs
this file with `$PULUMI_PYTHON_CMD` (or `python3`), which must have `pulumi` installed. It lets
`pulumi up` / `preview` / `refresh` / `destroy` run a Python project directory, and
`--policy-pack DIR` run a Python policy pack (`RunPlugin`, in pulumi_language_python_policy.py
beside this file). It does not install dependencies (`pulumi install`) or report plugins;
programs run with the interpreter as it is, policy packs with the `virtualenv` their
PulumiPolicy.yaml names.

Two modes:
- plugin (what the CLI starts): serve the LanguageRuntime gRPC service, print the port;
- `--run ...`: run one program against the engine (started by the plugin's Run).

Both end once the engine is gone (a `pulumi` killed with SIGKILL stops no plugin): a daemon
thread connects to the engine's address every second, and two refused connections in a row
end the process (as `pulumi_inference/_engine_watch.py` does for the provider processes).
"""

from __future__ import annotations

import os
import signal
import sys

if sys.argv[1:2] != ["--run"]:
    # The CLI interrupts its plugins when it is done with them, sometimes while this one is
    # still importing gRPC: end at once, quietly, wherever the interruption lands.
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))

import argparse
import asyncio
import json
import logging
import runpy
import socket
import subprocess
import threading
import time
import traceback
from concurrent import futures
from typing import Any

# Exit code meaning "the error was already shown to the user" (as the real host uses it).
ERROR_SHOWN = 32
# What Pulumi's Python SDK raises for a call the engine no longer answers: it has stopped the
# deployment (a resource's check failed, say) and reported why.
MONITOR_GONE = "Resource monitor has terminated, shutting down"


def _refused(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=2):
            return False
    except ConnectionRefusedError:
        return True
    except (OSError, ValueError):
        return False  # a busy engine, an address we cannot read: not proof it is gone


def _end_without(address: str) -> None:
    def watch() -> None:
        misses = 0
        while misses < 2:
            time.sleep(1)
            misses = misses + 1 if _refused(address) else 0
        os._exit(1)

    if address:
        threading.Thread(target=watch, name="engine-watch", daemon=True).start()


def serve() -> None:
    import grpc
    from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2

    class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):  # type: ignore[misc]
        """The LanguageRuntime service; method names are the gRPC ones."""

        def __init__(self, engine_address: str) -> None:
            self.engine_address = engine_address

        def GetPluginInfo(self, request: Any, context: Any) -> Any:
            return plugin_pb2.PluginInfo(version="3.0.0")

        def GetRequiredPlugins(self, request: Any, context: Any) -> Any:
            return language_pb2.GetRequiredPluginsResponse(plugins=[])

        def GetRequiredPackages(self, request: Any, context: Any) -> Any:
            return language_pb2.GetRequiredPackagesResponse(packages=[])

        def GetProgramDependencies(self, request: Any, context: Any) -> Any:
            return language_pb2.GetProgramDependenciesResponse(dependencies=[])

        def InstallDependencies(self, request: Any, context: Any) -> Any:
            return iter(())

        def About(self, request: Any, context: Any) -> Any:
            return language_pb2.AboutResponse(
                executable=sys.executable, version=sys.version.split()[0]
            )

        def Run(self, request: Any, context: Any) -> Any:
            info = request.info
            directory = info.program_directory or request.pwd or os.getcwd()
            entry = info.entry_point or request.program or "."
            program = os.path.normpath(os.path.join(directory, entry))
            command = [
                sys.executable,
                "-u",
                os.path.abspath(__file__),
                "--run",
                "--monitor",
                request.monitor_address,
                "--engine",
                self.engine_address,
                "--project",
                request.project,
                "--stack",
                request.stack,
                "--organization",
                request.organization,
                "--root",
                info.root_directory or directory,
                "--pwd",
                request.pwd or directory,
                "--parallel",
                str(request.parallel),
                *(["--dry-run"] if request.dryRun else []),
                program,
            ]
            env = {
                **os.environ,
                "PULUMI_CONFIG": json.dumps(dict(request.config)),
                "PULUMI_CONFIG_SECRET_KEYS": json.dumps(list(request.configSecretKeys)),
            }
            code = subprocess.call(command, env=env)
            if code == 0:
                return language_pb2.RunResponse()
            if code == ERROR_SHOWN:
                return language_pb2.RunResponse(bail=True)
            return language_pb2.RunResponse(error=f"Program exited with non-zero exit code: {code}")

        def RunPlugin(self, request: Any, context: Any) -> Any:
            if request.kind != "analyzer":
                context.abort(
                    grpc.StatusCode.UNIMPLEMENTED,
                    f"this minimal Python language host runs policy packs only, not {request.kind} "
                    "plugins",
                )
            from pulumi_language_python_policy import run_policy_pack

            yield from run_policy_pack(request, context)

        def Handshake(self, request: Any, context: Any) -> Any:
            if request.engine_address:
                self.engine_address = request.engine_address
            return language_pb2.LanguageHandshakeResponse()

    engine_address = sys.argv[-1] if len(sys.argv) > 1 else ""
    # A policy pack's RunPlugin holds a worker for as long as the pack runs.
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(LanguageHost(engine_address), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    _end_without(engine_address)
    threading.Event().wait()  # until the CLI interrupts it (the SIGINT handler above)


def _cancelled_by_engine(exc: BaseException) -> bool:
    """A call to the engine that the engine cancelled (``context canceled``): it stopped the
    deployment for a reason it reports itself (a provider it could not load, say). Pulumi's SDK
    raises the details as an exception's text for a registration, but lets the gRPC error
    itself through for its last call (``SignalAndWaitForShutdown``), which a cancellation that
    comes later, as on a loaded machine, hits instead."""
    seen: BaseException | None = exc
    while seen is not None:
        if str(seen).strip() == "context canceled" or _cancelled_call(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _cancelled_call(exc: BaseException) -> bool:
    """A gRPC call's error whose status says the engine cancelled it or is gone (CANCELLED,
    UNAVAILABLE), or whose details say the context was cancelled."""
    code, details = getattr(exc, "code", None), getattr(exc, "details", None)
    if not (callable(code) and callable(details)):
        return False
    status = getattr(code(), "name", "")
    return (
        status in ("CANCELLED", "UNAVAILABLE") or str(details() or "").strip() == "context canceled"
    )


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    for name in ("monitor", "engine", "project", "stack", "organization", "root", "pwd"):
        parser.add_argument(f"--{name}", default="")
    parser.add_argument("--parallel", type=int, default=0)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("program")
    args = parser.parse_args(argv)
    _end_without(args.engine or args.monitor)

    import pulumi
    import pulumi.runtime

    pulumi.runtime.set_all_config(
        json.loads(os.environ.get("PULUMI_CONFIG") or "{}"),
        json.loads(os.environ.get("PULUMI_CONFIG_SECRET_KEYS") or "[]"),
    )
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            monitor=args.monitor,
            engine=args.engine,
            project=args.project,
            stack=args.stack,
            parallel=args.parallel,
            dry_run=args.dry_run,
            organization=args.organization or None,
            root_directory=args.root or None,
        )
    )
    if args.pwd:
        os.chdir(args.pwd)
    program = os.path.abspath(args.program)
    sys.argv = [program]
    sys.path.insert(0, program if os.path.isdir(program) else os.path.dirname(program))
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # unobserved futures on failure
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(
            pulumi.runtime.run_in_stack(lambda: runpy.run_path(program, run_name="__main__"))
        )
    except pulumi.RunError as exc:  # a message for the user, shown as it is
        if str(exc) != MONITOR_GONE:  # the engine stopped the deployment and says why itself
            pulumi.log.error(str(exc))
        return ERROR_SHOWN
    except KeyboardInterrupt:  # the CLI interrupts its plugins once it has failed or been
        return ERROR_SHOWN  # interrupted, and says why itself
    except Exception as exc:
        if _cancelled_by_engine(exc):
            return ERROR_SHOWN
        pulumi.log.error("Program failed with an unhandled exception:\n" + traceback.format_exc())
        return ERROR_SHOWN
    finally:
        loop.close()
    return 0


def _leave(code: int) -> None:
    """End a run that did not finish without running the finalizers of what it left pending:
    Pulumi's run coroutine, interrupted while it awaited the engine, has a ``finally`` that needs
    the event loop, and the interpreter would run it at exit and print a traceback the engine
    shows beside its own account of the cancellation."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--run":
        code = run(sys.argv[2:])
        if code:
            _leave(code)
        sys.exit(code)
    serve()
