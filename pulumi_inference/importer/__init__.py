"""``pulumi-inference import``: write a Pulumi program that adopts a cluster's endpoints.

    _cluster   read every endpoint as a person would have declared it (and its deployment)
    _secrets   which secrets each endpoint holds, which the cluster never returns
    _names     resource, variable and stack config names from inference ids
    _plan      per endpoint: names, secrets from config, comments, what to check
    _render    ``__main__.py``, ``Pulumi.yaml``, ``requirements.txt``
    _pyformat  Python source laid out as ``ruff format`` does
    _summary   the ``pulumi config set`` lines and what the command prints
    _command   the arguments, connection resolution, exit codes, writing the files

See docs/import.md.
"""

from .._face import present
from .._published import docs_url
from .._subcommand import Subcommand
from ._command import EXIT_FAILED, EXIT_OK, EXIT_USAGE, add_arguments, run

COMMAND = Subcommand(
    "import",
    "write a Pulumi program that adopts every inference endpoint of a cluster",
    "Read every inference endpoint of a cluster and write a Pulumi Python project (Pulumi.yaml, "
    "requirements.txt, __main__.py) that adopts them as they are, with their secrets read from "
    "stack config. See " + docs_url("docs/import.md") + ".",
    add_arguments,
    run,
)

__all__ = ["COMMAND", "EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "add_arguments", "run"]

present(__name__, globals())
