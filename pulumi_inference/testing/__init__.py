"""Test your infrastructure against an emulated cluster (docs/testing-your-infrastructure.md).

``start_cluster(...)`` starts an emulator (``pulumi_inference.emulator``) with the clients a test
needs; ``pulumi_stack(...)`` runs a Pulumi program against it through the Automation API. The
pytest plugin (``_plugin``, registered through the ``pytest11`` entry point, so installing the
package is enough) gives them as fixtures: ``es_emulator``, ``es_emulator_session``, ``es_url``,
``es_http``, ``es_client``, ``es_control``. Nothing here imports pytest or Pulumi until used.
"""

from .._face import present
from ._cluster import EmulatedCluster, start_cluster
from ._stack import pulumi_stack

__all__ = ["EmulatedCluster", "pulumi_stack", "start_cluster"]

present(__name__, globals())
