"""``GET|PUT|DELETE /_inference/_region_policy`` (9.5+ and Serverless): where EIS may run.

As Elasticsearch's ``TransportPutRegionPolicyAction`` and its REST tests
(``170_region_policy_crud.yml``) show it: one policy per cluster, ``allowed_geos`` or
``allowed_regions`` (never both, never empty) and an optional ``fallback_region``; the answer is
the stored document (``created_at``; ``updated_at`` once replaced; ``created_by`` /
``updated_by`` when security knows the caller). A PUT that would deny an endpoint in use
(referenced by an ingest pipeline or a ``semantic_text`` field) is refused with 409 unless
``?force=true``. Which endpoints a policy denies follows the regions each EIS model runs in
(``EIS_MODEL_REGIONS``), shown on each ``elastic``-service endpoint as ``metadata.regions``.
"""

from __future__ import annotations

import time
from typing import Any

from ._delete import mapping_references, pipeline_references
from ._errors import EsError, JsonDict, Response, unrecognized_parameters
from ._request import Request
from ._store import State, StoredEndpoint, deep_copy

REGION_POLICY_SINCE = (9, 5, 0)
EIS_SERVICE = "elastic"
NO_POLICY = "No region policy is configured for this deployment"

# Where Elastic Inference Service runs (Elastic's "Region and hosting" page): (csp, region, geo).
EIS_LOCATIONS: tuple[tuple[str, str, str], ...] = (
    ("aws", "us-east-1", "us"),
    ("aws", "eu-central-1", "eu"),
    ("aws", "eu-west-1", "eu"),
    ("azure", "eastus", "us"),
    ("gcp", "asia-southeast1", "apac"),
    ("gcp", "europe-west1", "eu"),
    ("gcp", "us-east4", "us"),
    ("gcp", "us-east5", "us"),
)
_US_ONLY = (("aws", "us-east-1", "us"), ("gcp", "us-east4", "us"))
# model id substring -> where it runs (first match wins); any other model: the US only.
# ELSER and Jina run on Elastic's own infrastructure everywhere EIS is; third-party LLMs are
# taken as US-hosted (an emulator choice: the real list comes from EIS authorization).
EIS_MODEL_REGIONS: tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...] = (
    ("elser", EIS_LOCATIONS),
    ("jina", EIS_LOCATIONS),
)


def serves_region_policy(state: State) -> bool:
    return state.settings.serverless or state.settings.version_tuple >= REGION_POLICY_SINCE


def model_regions(model_id: str) -> tuple[tuple[str, str, str], ...]:
    return next((where for part, where in EIS_MODEL_REGIONS if part in model_id), _US_ONLY)


def endpoint_regions(ep: StoredEndpoint) -> list[JsonDict]:
    model_id = str(ep.service_settings.get("model_id", ""))
    return [{"csp": c, "region": r, "geo": g} for c, r, g in model_regions(model_id)]


def allows(policy: JsonDict, regions: list[JsonDict]) -> bool:
    """Whether ``policy`` lets an endpoint that runs in ``regions`` be used."""
    geos = policy.get("allowed_geos")
    if geos is not None:
        return any(r["geo"] in geos for r in regions)
    pairs = {(r.get("csp"), r.get("region")) for r in policy.get("allowed_regions") or []}
    return any((r["csp"], r["region"]) in pairs for r in regions)


def eis_metadata(state: State, ep: StoredEndpoint) -> JsonDict | None:
    """``metadata`` of an EIS endpoint as GET shows it on 9.5+ (``None``: not shown)."""
    if ep.service != EIS_SERVICE or not serves_region_policy(state):
        return None
    regions = endpoint_regions(ep)
    meta: JsonDict = {"regions": regions}
    policy = state.region_policy
    if policy is not None and not allows(policy["region_policy"], regions):
        meta["denied_by_region_policy"] = True
    return meta


def _now() -> str:
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t * 1000) % 1000:03d}Z"


def _parse_error(reason: str, cause: str | None = None) -> EsError:
    if cause is None:
        return EsError(400, "x_content_parse_exception", reason)
    caused = {"type": "illegal_argument_exception", "reason": cause}
    return EsError(400, "x_content_parse_exception", reason, extra={"caused_by": caused})


def _csp_region(value: Any, where: str) -> JsonDict:
    if not isinstance(value, dict):
        raise _parse_error(f"[1:2] [region_policy] {where} doesn't support values of this type")
    for key in value:
        if key not in {"csp", "region"}:
            raise _parse_error(f"[1:2] [csp_region] unknown field [{key}]")
    for key in ("csp", "region"):
        if not isinstance(value.get(key), str):
            raise _parse_error(
                f"[1:2] [region_policy] failed to parse field [{where}]",
                f"Required [{key}]" if key not in value else f"[{key}] must be a string",
            )
    return {"csp": value["csp"], "region": value["region"]}


def parse_policy(body: Any) -> JsonDict:
    """The ``region_policy`` of a PUT body, refused as Elasticsearch's strict parsers refuse."""
    if not isinstance(body, dict):
        raise EsError(400, "parse_exception", "request body is required")
    for key in body:
        if key != "region_policy":
            raise _parse_error(f"[1:2] [put_region_policy_request] unknown field [{key}]")
    policy = body.get("region_policy")
    if not isinstance(policy, dict):
        raise _parse_error("Required [region_policy]")
    for key in policy:
        if key not in {"allowed_geos", "allowed_regions", "fallback_region"}:
            raise _parse_error(
                "[1:19] [put_region_policy_request] failed to parse field [region_policy]",
                f"[1:20] [region_policy] unknown field [{key}]",
            )
    if "allowed_geos" in policy and "allowed_regions" in policy:
        raise _parse_error(
            "[1:19] [put_region_policy_request] failed to parse field [region_policy]",
            "The following fields are not allowed together: [allowed_geos, allowed_regions]",
        )
    return _policy_fields(policy)


def _policy_fields(policy: JsonDict) -> JsonDict:
    out: JsonDict = {}
    if "allowed_geos" in policy:
        geos = policy["allowed_geos"]
        if not isinstance(geos, list) or not all(isinstance(g, str) for g in geos):
            raise _parse_error("[1:35] [region_policy] allowed_geos must be an array of strings")
        out["allowed_geos"] = list(geos)
    if "allowed_regions" in policy:
        regions = policy["allowed_regions"]
        if not isinstance(regions, list):
            raise _parse_error("[1:35] [region_policy] allowed_regions must be an array")
        out["allowed_regions"] = [_csp_region(r, "allowed_regions") for r in regions]
    if "fallback_region" in policy:
        out["fallback_region"] = _csp_region(policy["fallback_region"], "fallback_region")
    empty = [k for k in ("allowed_geos", "allowed_regions") if out.get(k) == []]
    if empty:
        raise _invalid(f"[region_policy.{empty[0]}] must not be empty")
    if not ({"allowed_geos", "allowed_regions"} & set(out)):
        raise _invalid(
            "one of [region_policy.allowed_geos] or [region_policy.allowed_regions] must be set"
        )
    return out


def _invalid(message: str) -> EsError:
    return EsError(400, "action_request_validation_exception", f"Validation Failed: 1: {message};")


class RegionPolicies:
    """The cluster's one region policy document, kept in :attr:`State.region_policy`."""

    def __init__(self, state: State) -> None:
        self.state = state

    def get(self) -> Response:
        with self.state.lock:
            doc = self.state.region_policy
            if doc is None:
                raise EsError(404, "resource_not_found_exception", NO_POLICY)
            return Response(200, deep_copy(doc))

    def put(self, req: Request) -> Response:
        unknown = sorted(set(req.query) - {"force", "pretty", "human", "error_trace"})
        if unknown:
            raise unrecognized_parameters(req.path, unknown)
        force = req.flag("force")
        policy = parse_policy(req.body)
        user = req.principal.name if req.principal is not None else None
        with self.state.lock:
            if not force:
                self._refuse_denied_in_use(policy)
            old = self.state.region_policy
            doc: JsonDict = {"region_policy": policy}
            if old is None:
                doc["created_at"] = _now()
                if user is not None:
                    doc["created_by"] = user
            else:
                doc.update({k: old[k] for k in ("created_at", "created_by") if k in old})
                doc["updated_at"] = _now()
                if user is not None:
                    doc["updated_by"] = user
            self.state.region_policy = doc
            return Response(200, deep_copy(doc))

    def delete(self) -> Response:
        with self.state.lock:
            if self.state.region_policy is None:
                raise EsError(404, "resource_not_found_exception", NO_POLICY)
            self.state.region_policy = None
        return Response(200, {"acknowledged": True})

    def _refuse_denied_in_use(self, policy: JsonDict) -> None:
        used: dict[str, tuple[list[str], list[str]]] = {}
        for ep in sorted(self.state.endpoints.values(), key=lambda e: e.inference_id):
            if ep.service != EIS_SERVICE or allows(policy, endpoint_regions(ep)):
                continue
            pipes = [
                pid
                for pid, body in self.state.pipelines.items()
                if ep.inference_id in pipeline_references(body)
            ]
            idx = [
                name
                for name, index in self.state.indices.items()
                if ep.inference_id in mapping_references(index.get("mappings"))
            ]
            if pipes or idx:
                used[ep.inference_id] = (pipes, idx)
        if not used:
            return
        raise EsError(
            409,
            "status_exception",
            "Cannot put the region policy because it would deny access to the following in-use "
            f"inference endpoints: [{', '.join(used)}]. Ensure that these inference endpoints are "
            "not in use, or use force to ignore this warning and proceed anyway.",
            extra={
                "denied_endpoint_ids": list(used),
                "referencing_pipelines": _flat(used, 0),
                "referencing_indexes": _flat(used, 1),
            },
        )


def _flat(used: dict[str, tuple[list[str], list[str]]], which: int) -> list[str]:
    """``endpoint:reference`` pairs, sorted, as the 409's metadata lists them."""
    return sorted(f"{ep}:{ref}" for ep, refs in used.items() for ref in refs[which])
