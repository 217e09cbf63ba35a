"""The schema of ``elasticsearch-inference:index:InferenceRegionPolicy`` and its region type."""

from __future__ import annotations

from typing import Any

from ..properties import NATIVE_PACKAGE, NATIVE_REGION_POLICY_TYPE

REGION_TYPE = f"{NATIVE_PACKAGE}:index:CloudRegion"

_REGION_REF = {"$ref": f"#/types/{REGION_TYPE}"}

_INPUTS: dict[str, dict[str, Any]] = {
    "allowedGeos": {
        "type": "array",
        "items": {"type": "string"},
        "description": 'Geographic areas inference may run in, e.g. ["us", "eu"] (Elastic '
        "documents us, eu and apac). Exactly one of allowedGeos or allowedRegions.",
    },
    "allowedRegions": {
        "type": "array",
        "items": _REGION_REF,
        "description": "Cloud regions inference may run in, e.g. [{csp: aws, region: "
        "eu-west-1}]. Exactly one of allowedGeos or allowedRegions.",
    },
    "fallbackRegion": {
        **_REGION_REF,
        "description": "Optional: the region Elasticsearch falls back to, as it accepts it.",
    },
    "force": {
        "type": "boolean",
        "description": "Apply the policy even if it denies inference endpoints that ingest "
        "pipelines or semantic_text fields use (they stop working); without it the cluster "
        "refuses such a policy.",
    },
    "adoptExisting": {
        "type": "boolean",
        "description": "Take over a policy the cluster already has instead of failing; it "
        "is replaced by this declaration.",
    },
}

_OUTPUTS: dict[str, dict[str, Any]] = {
    "createdAt": {"type": "string", "description": "When the policy was first created."},
    "createdBy": {"type": "string", "description": "Who created it (when security knows)."},
    "updatedAt": {"type": "string", "description": "When it was last replaced."},
    "updatedBy": {"type": "string", "description": "Who last replaced it."},
    "clusterVersion": {
        "type": "string",
        "description": "The cluster's version at the last create, update or refresh.",
    },
    "clusterUuid": {
        "type": "string",
        "description": "The cluster_uuid of the cluster the policy is on (GET /); every later "
        "command first checks that the URL still answers as that cluster.",
    },
    "clusterName": {"type": "string", "description": "The name of that cluster."},
}


def region_policy_resources() -> dict[str, Any]:
    return {
        NATIVE_REGION_POLICY_TYPE: {
            "description": "The cluster's inference region policy (PUT /_inference/"
            "_region_policy, Elasticsearch 9.5+ and Serverless): where Elastic Inference "
            "Service may run. One per cluster.",
            "inputProperties": _INPUTS,
            "properties": {**_INPUTS, **_OUTPUTS},
            "required": ["createdAt", "clusterVersion"],
        }
    }


def region_policy_types() -> dict[str, Any]:
    return {
        REGION_TYPE: {
            "type": "object",
            "description": "A cloud service provider's region.",
            "properties": {
                "csp": {"type": "string", "description": "aws, gcp or azure."},
                "region": {"type": "string", "description": "e.g. us-east-1."},
            },
            "required": ["csp", "region"],
        }
    }
