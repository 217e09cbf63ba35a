"""``pulumi-inference import``: write a Pulumi program that adopts a cluster's endpoints.

    _cluster   read every endpoint as a person would have declared it (and its deployment)
    _secrets   which secrets each endpoint holds, which the cluster never returns
    _names     resource, variable and stack config names from inference ids
    _plan      per endpoint: names, secrets from config, comments, what to check
    _render    ``__main__.py``, ``Pulumi.yaml``, ``requirements.txt``
    _pyformat  Python source laid out as ``ruff format`` does
    _summary   the ``pulumi config set`` lines and what the command prints
    _command   the arguments, connection resolution, exit codes, writing the files

From Terraform (``--from-terraform``, docs/migrating-from-terraform.md):

    _tf_state       a state file (format 4) or ``terraform show -json``: the endpoints
    _tf_connection  an ``elasticsearch_connection`` block as connection settings
    _tf_compare     each cluster read once: gone, stale, another uuid, the reading back
    _tf_plan        the state's endpoints as the program's plan, secrets, digests, config
    _tf_config      the ``.tf`` files (python-hcl2, the ``terraform`` extra)
    _tf_expr        Terraform expressions, in the shapes that convert
    _tf_program     the program from the ``.tf`` files: variables, loops, typed settings
    _tf_entries     the stack config of that program
    _stack          the stack made, its config set with the CLI (secrets on stdin)
    _tf_command, _tf_config_command   the two runs; _tf_summary what they print

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
    "stack config. See " + docs_url("docs/import.md") + ". With --from-terraform PATH --stack "
    "NAME, read Terraform's state and .tf files instead (the secrets go into the new stack's "
    "config, encrypted): " + docs_url("docs/migrating-from-terraform.md") + ".",
    add_arguments,
    run,
)

__all__ = ["COMMAND", "EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "add_arguments", "run"]

present(__name__, globals())
