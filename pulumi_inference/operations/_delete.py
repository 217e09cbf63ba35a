"""Delete: an endpoint already gone is success; one in use is refused unless forced.

Nothing is deleted on a server that is not the cluster state recorded (``_identity``); the
refusal says what a plain ``pulumi destroy`` connects with (``_stored``).
"""

from __future__ import annotations

import logging

from ..client import InferenceClient
from ..errors import AuthenticationError, AuthorizationError, WrongClusterError
from ._desired import DesiredEndpoint
from ._identity import ClusterIdentity, confirm_cluster
from ._stored import refused_with_hint, wrong_with_hint

log = logging.getLogger("pulumi_inference")


def delete(
    client: InferenceClient, spec: DesiredEndpoint, recorded: ClusterIdentity | None = None
) -> None:
    """``recorded``: the cluster state says the endpoint lives on (nothing, for an older
    state: the server is still confirmed to be Elasticsearch)."""
    subject = f"inference endpoint '{spec.inference_id}'"
    try:
        confirm_cluster(client, recorded or ClusterIdentity(), subject)
        deleted = client.delete_endpoint(spec.task_type, spec.inference_id, force=spec.force_delete)
    except (AuthenticationError, AuthorizationError) as refused:
        raise refused_with_hint(client, refused) from None
    except WrongClusterError as wrong:
        raise wrong_with_hint(client, wrong) from None
    if not deleted:
        log.info(
            "inference endpoint '%s' was already gone from %s", spec.inference_id, client.cluster
        )
