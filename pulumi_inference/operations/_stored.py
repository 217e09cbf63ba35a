"""What a command that does not run the program connects with, said where it fails.

A plain ``pulumi refresh``, ``pulumi preview --refresh`` or ``pulumi destroy`` hands the
provider what the last ``pulumi up`` stored: the connection an endpoint declared in the
program (the dynamic door), or the provider's configuration (the dynamic door's stack config,
stored by every ``up``, even one whose endpoints failed; the native provider's configuration).
So a setting fixed since is not what such a command uses, and its refusal (refused
credentials, a server that is not Elasticsearch, another cluster) says what to run instead.
Settings read from the environment are read anew by every command: nothing is added.
"""

from __future__ import annotations

from .._published import docs_url
from ..client import InferenceClient
from ..errors import AuthenticationError, AuthorizationError, ClusterError, WrongClusterError

ROTATING = f"{docs_url('docs/operations.md')}, 'Rotating the cluster key'"


def stored_hint(setting: str) -> str | None:
    """What to run when ``setting`` (where the connection in use came from) already says
    otherwise; ``None`` when the command reads it anew (the environment)."""
    if setting.startswith("connection."):
        return (
            "this is the connection stored in the endpoint's state: it is declared in the "
            "program, which a plain `pulumi refresh` or `pulumi destroy` does not run. If the "
            "program already says otherwise, run `pulumi up` first (its preview checks the "
            "new connection; it stores it and changes no endpoint), then this command again"
        )
    if setting.startswith("ELASTICSEARCH_"):
        return None
    return (
        "`pulumi refresh`, `pulumi preview --refresh` and `pulumi destroy` connect with the "
        "provider configuration the last `up` stored. If the setting already says otherwise, "
        "run `pulumi refresh --run-program` (or `pulumi destroy --run-program`), which "
        "configures the provider as the program and stack config say now, or `pulumi up` first"
    )


def refused_with_hint(
    client: InferenceClient, refused: AuthenticationError | AuthorizationError
) -> ClusterError:
    """Credentials refused (401) or short of a privilege (403), with what to run when they
    were rotated or replaced since."""
    hint = stored_hint(client.connection.credentials_setting)
    if hint is None:
        return refused
    return type(refused)(
        f"{refused} ({hint}; {ROTATING})",
        status=refused.status,
        error_type=refused.error_type,
        reason=refused.reason,
    )


def wrong_with_hint(client: InferenceClient, wrong: WrongClusterError) -> WrongClusterError:
    """A server that is not the recorded cluster, with what to run when the URL was fixed."""
    hint = stored_hint(client.connection.location_setting)
    if hint is None:
        return wrong
    return type(wrong)(f"{wrong} ({hint})")
