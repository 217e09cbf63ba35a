"""Serving the native provider over gRPC, with errors as one clear message.

Pulumi's experimental server appends a formatted Python stack to every error it reports.
This servicer reports the error's own message instead, redacted of every secret in the
request (``PULUMI_INFERENCE_DEBUG=1`` keeps the stack, for bug reports, redacted too).

It also answers ``DiffConfig`` itself: the experimental server's own answer reads
``inputDiff`` from each ``PropertyDiff`` (whose attribute is ``input_diff``) and passes the
``changes`` boolean where the protocol wants ``DIFF_SOME``/``DIFF_NONE``, so any change of
the provider's configuration (a rotated key, a new URL) failed every preview and ``up``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import grpc
import grpc.aio
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import DiffRequest, DiffResponse
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from .. import _engine_log, _naming, operations
from .._engine_watch import watch_engine
from .._environment import debugging
from .._secrets import redact
from .._subcommand import use_formatter
from ..client import share_reads
from ._program_naming import program_naming
from ._provider import InferenceEndpointPlugin
from ._schema import PLUGIN_EXECUTABLE
from ._values import to_plain

_CALLS = (
    "GetSchema",
    "CheckConfig",
    "DiffConfig",
    "Configure",
    "Check",
    "Diff",
    "Create",
    "Read",
    "Update",
    "Delete",
)
_REQUEST_FIELDS = ("properties", "olds", "news", "inputs", "args")
_CHANNEL_OPTIONS = [
    # The engine sends a whole stack's worth of state in some calls: gRPC's 4 MB default is
    # too little, so allow what Pulumi's own servers allow (400 MB).
    ("grpc.max_receive_message_length", 400 * 1024 * 1024),
    # A call may wait in the queue while others run (model deployments take minutes): don't
    # let gRPC cancel it after its default 30 s.
    ("grpc.server_max_unrequested_time_in_server", 30 * 60),
]


def _request_secrets(request: Any) -> list[str]:
    """Every secret value a request carries: marked secret, or under a secret key."""
    found: list[str] = []
    for name in _REQUEST_FIELDS:
        struct = getattr(request, name, None)
        if struct is None or not hasattr(struct, "fields"):
            continue
        plain, secret_paths = to_plain(PropertyValue.unmarshal_map(struct))
        found += operations.secrets_in(plain, secret_paths)
    return found


def _original(exc: BaseException) -> BaseException:
    """The provider's own exception, under the server's re-raise that adds a stack."""
    return exc.__context__ if exc.__context__ is not None else exc


def _clean(
    call: Callable[[Any, Any, Any], Awaitable[Any]],
    hidden: Callable[[], Iterable[str]],
) -> Callable[[Any, Any, Any], Awaitable[Any]]:
    async def wrapper(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            with _naming.naming(program_naming()):
                return await call(self, request, context)
        except NotImplementedError:
            raise
        except Exception as exc:
            # The server's own re-raise carries the stack: kept only when debugging.
            error = exc if debugging() else _original(exc)
            message = redact(str(error), [*_request_secrets(request), *hidden()])
            await context.abort(grpc.StatusCode.UNKNOWN, message)
            raise  # abort raises; this line is for type checkers

    return wrapper


def diff_response(answer: DiffResponse) -> provider_pb2.DiffResponse:
    """The protocol's ``DiffResponse`` of a provider's answer, as the server's ``Diff`` builds
    it (its ``DiffConfig`` gets the kinds, ``inputDiff`` and ``changes`` wrong)."""
    if answer.changes is None:
        changes = provider_pb2.DiffResponse.DIFF_UNKNOWN
    else:
        changes = (
            provider_pb2.DiffResponse.DIFF_SOME
            if answer.changes
            else (provider_pb2.DiffResponse.DIFF_NONE)
        )
    return provider_pb2.DiffResponse(
        replaces=answer.replaces,
        stables=answer.stables,
        deleteBeforeReplace=answer.delete_before_replace,
        changes=changes,
        diffs=answer.diffs,
        detailedDiff={
            key: provider_pb2.PropertyDiff(
                kind=provider_pb2.PropertyDiff.Kind.Value(diff.kind.name),
                inputDiff=diff.input_diff,
            )
            for key, diff in answer.detailed_diff.items()
        },
        hasDetailedDiff=True,
    )


def _diff_config(provider: InferenceEndpointPlugin) -> Callable[[Any, Any, Any], Awaitable[Any]]:
    async def diff_config(self: Any, request: Any, context: grpc.aio.ServicerContext) -> Any:
        answer = await provider.diff_config(
            DiffRequest(
                request.urn,
                request.id,
                PropertyValue.unmarshal_map(request.olds),
                PropertyValue.unmarshal_map(request.news),
                list(request.ignoreChanges),
            )
        )
        return diff_response(answer)

    return diff_config


def servicer_class(provider: InferenceEndpointPlugin) -> type[ProviderServicer]:
    calls = {name: getattr(ProviderServicer, name) for name in _CALLS}
    calls["DiffConfig"] = _diff_config(provider)
    methods = {name: _clean(call, provider.config_secrets) for name, call in calls.items()}
    return type("InferenceProviderServicer", (ProviderServicer,), methods)


async def serve(engine_address: str, version: str) -> None:
    provider = InferenceEndpointPlugin()
    server = grpc.aio.server(options=_CHANNEL_OPTIONS)
    servicer = servicer_class(provider)([], version, provider, engine_address=engine_address)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port(address="127.0.0.1:0")
    await server.start()
    sys.stdout.buffer.write(f"{port}\n".encode())
    sys.stdout.buffer.flush()
    watch_engine(engine_address)  # the process ends once the engine is gone
    share_reads()  # and serves one engine command: reads of a cluster share one listing
    await server.wait_for_termination()


def plugin_parser() -> argparse.ArgumentParser:
    """The plugin's arguments: the engine's address, and ``--version`` for people."""
    from .._release import __version__

    parser = argparse.ArgumentParser(
        prog=PLUGIN_EXECUTABLE,
        description="The Pulumi resource provider plugin for Elasticsearch inference "
        "endpoints. The Pulumi engine starts it; see `pulumi-inference install-plugin`.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__} (pulumi-inference)"
    )
    parser.add_argument("engine", help="the Pulumi engine's address")
    return use_formatter(parser)


def main(argv: list[str] | None = None) -> None:
    """``pulumi-resource-elasticsearch-inference <engine address>``: run the plugin."""
    from .._release import __version__

    args, _ = plugin_parser().parse_known_args(sys.argv[1:] if argv is None else argv)
    _engine_log.route_to_engine([sys.argv[0], args.engine])
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.engine, __version__))
