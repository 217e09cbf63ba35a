"""``import --from-terraform DIR`` where DIR holds ``.tf`` files: the program from the
configuration (the intent), the state beside it (``terraform.tfstate``, when there) giving
the secrets, what the cluster holds and the digests (docs/migrating-from-terraform.md)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from ..connection import ClusterConnection
from ._cluster import Found
from ._command import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Refused, project_name
from ._render import Door, render_project_file, render_requirements
from ._tf_command import ensure_pulumi, write_project
from ._tf_compare import read_cluster_view
from ._tf_config import TerraformConfig, read_config
from ._tf_entries import config_entries
from ._tf_plan import Conversion, convert_state
from ._tf_program import ProgramFacts, convert_config
from ._tf_state import (
    TerraformEndpoint,
    TerraformInputError,
    TerraformState,
    read_state,
    state_file_in,
)
from ._tf_summary import FromConfig, Written, config_summary


def run_config(
    args: argparse.Namespace,
    out: Path,
    door: Door,
    default: ClusterConnection | None,
    directory: Path,
) -> int:
    if args.match:
        raise Refused(
            "--match filters the endpoints of a state file; with .tf files, leave the blocks "
            "out of the files, or pass the state file itself",
            EXIT_USAGE,
        )
    try:
        config = read_config(directory)
        state = _state_beside(directory)
    except TerraformInputError as error:
        raise Refused(str(error), EXIT_FAILED) from None
    if not config.endpoints:
        raise Refused(
            f"{directory}: its .tf files declare no elasticstack_elasticsearch_inference_"
            f"endpoint ({', '.join(config.others[:5]) or 'no resources at all'}). Nothing "
            "was written.",
            EXIT_FAILED,
        )
    conversion = convert_state(state, default, door, os.environ) if state else None
    recorded = _by_block(state)
    program, converted = convert_config(config, recorded, door, _facts(conversion, default))
    if not any(converted.instances.values()):
        raise Refused(
            f"{directory}: no resource block could be converted ("
            + "; ".join(converted.not_converted)
            + "). Nothing was written.",
            EXIT_FAILED,
        )
    entries = config_entries(config, converted, converted.env, default, door)
    todo = [entry.line() for entry in entries if entry.value is None]
    files = {
        "Pulumi.yaml": render_project_file(
            project_name(out), "Terraform's configuration", door, todo
        ),
        "requirements.txt": render_requirements(),
        "__main__.py": program,
    }
    ensure_pulumi()
    write_project(out, files, args, entries)
    done = FromConfig(
        source=_source(directory, state),
        blocks=converted.instances,
        others=config.others,
        not_converted=[*converted.not_converted, *_state_lines(conversion)],
        checks=_checks(conversion),
        config=entries,
        addresses=_addresses(config, state),
    )
    print(config_summary(Written(out, list(files), args.stack, door), done), end="")
    return EXIT_OK


def _state_beside(directory: Path) -> TerraformState | None:
    path = state_file_in(directory)
    return read_state(path) if path is not None else None


def _by_block(state: TerraformState | None) -> dict[str, list[TerraformEndpoint]]:
    recorded: dict[str, list[TerraformEndpoint]] = {}
    for endpoint in state.endpoints if state else []:
        base = endpoint.address.split("[", 1)[0]
        recorded.setdefault(base, []).append(endpoint)
    return recorded


def _facts(conversion: Conversion | None, default: ClusterConnection | None) -> ProgramFacts:
    """Digests and which endpoints the cluster holds: from the state's comparison, else
    from one read of the cluster (no digest without a state: its secrets are unknown)."""
    url = default.url if default is not None else None
    if conversion is not None:
        found = [planned.found for planned in conversion.planned]
        return ProgramFacts(
            digests={
                f.inference_id: f.adopt_secrets_digest for f in found if f.adopt_secrets_digest
            },
            on_cluster={f.inference_id for f in found if f.exists},
            cluster_url=url,
            read_back={f.inference_id: _filled_in(f, conversion) for f in found},
        )
    if default is None:
        return ProgramFacts(cluster_url=url)
    view = read_cluster_view(default)
    return ProgramFacts(on_cluster=set(view.live) if view.read else None, cluster_url=url)


def _filled_in(found: Found, conversion: Conversion) -> dict[str, Any]:
    """The service settings the program from the state declares and Terraform's state does
    not hold (what ``pulumi import`` reads back: ``_tf_plan``)."""
    recorded = conversion.recorded.get(found.inference_id)
    if recorded is None:
        return {}
    settings = found.declaration.get("service_settings") or {}
    return {k: v for k, v in settings.items() if k not in recorded.service_settings}


def _checks(conversion: Conversion | None) -> list[str]:
    if conversion is None:
        return [
            "no terraform.tfstate beside the .tf files: nothing was compared with the cluster, "
            "and adopting sends each endpoint's secrets (one _update each)"
        ]
    return [f"{p.inference_id}: {check}" for p in conversion.planned for check in p.checks]


def _state_lines(conversion: Conversion | None) -> list[str]:
    if conversion is None:
        return []
    return [
        f"{item.inference_id}: {item.reason}"
        for item in conversion.skipped
        if "resource type" not in item.reason and "data source" not in item.reason
    ]


def _addresses(config: TerraformConfig, state: TerraformState | None) -> list[str]:
    if state is not None and state.endpoints:
        return [endpoint.address for endpoint in state.endpoints]
    return [block.address for block in config.endpoints]


def _source(directory: Path, state: TerraformState | None) -> str:
    beside = f", with {state.described}" if state is not None else ""
    return f"the .tf files of {directory}{beside}"
