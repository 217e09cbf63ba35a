"""Delete: an endpoint already gone is success; one in use is refused unless forced."""

from __future__ import annotations

import logging

from ..client import InferenceClient
from ._desired import DesiredEndpoint

log = logging.getLogger("pulumi_inference")


def delete(client: InferenceClient, spec: DesiredEndpoint) -> None:
    if not client.delete_endpoint(spec.task_type, spec.inference_id, force=spec.force_delete):
        log.info(
            "inference endpoint '%s' was already gone from %s", spec.inference_id, client.cluster
        )
