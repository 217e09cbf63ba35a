"""Which values a region policy can name: the geographic areas, cloud providers and regions
where the Elastic Inference Service (EIS) runs, as the cluster lists them.

Elasticsearch keeps no closed list of them. Its policy parser takes any string
(``x-pack/plugin/core/src/main/java/org/elasticsearch/xpack/core/inference/regionpolicy/``
``RegionPolicy.java`` and ``CspRegion.java``), and ``PutRegionPolicyAction.Request.validate``
refuses only an empty list. What exists is what EIS reports for each of its endpoints, which
the cluster shows as ``metadata.regions`` in ``GET /_inference/_all``: a list of
``{csp, region, geo}`` (``server/src/main/java/org/elasticsearch/inference/metadata/``
``EndpointMetadata.java``, ``EndpointRegion``: csp "e.g. aws, gcp, azure", geo "e.g. us,
eu"). Kibana's region editor offers exactly those. A value that no EIS endpoint lists
matches nothing: a policy of only such values denies every EIS endpoint, silently.

So a value is known when the cluster lists it, or when Elastic documents it (the geos
``us``, ``eu``, ``apac`` of the EIS "Region and hosting" page; the providers of
``EndpointRegion``'s own description), for a cluster that lists no EIS endpoint yet. A
region (``csp``/``region``) is checked only against what the cluster lists for its
provider: regions come and go with EIS, and a fixed list would refuse a new one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._pulumi_wire import is_unknown

DOCUMENTED_GEOS = frozenset({"us", "eu", "apac"})
"""https://www.elastic.co/docs/explore-analyze/elastic-inference/eis-region-and-hosting"""
DOCUMENTED_CSPS = frozenset({"aws", "gcp", "azure"})
"""``EndpointMetadata.EndpointRegion``'s description of ``csp`` (elastic/elasticsearch)."""


@dataclass(frozen=True)
class RegionVocabulary:
    """The geos, providers and regions (per provider) a policy can name on one cluster."""

    geos: frozenset[str] = DOCUMENTED_GEOS
    csps: frozenset[str] = DOCUMENTED_CSPS
    regions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    listed: bool = False
    """Whether the cluster listed any EIS region (else only the documented values are known)."""


def vocabulary_of(endpoints: Iterable[Mapping[str, Any]]) -> RegionVocabulary:
    """What the cluster's endpoints list in ``metadata.regions``, plus the documented values."""
    geos, csps, regions = set(DOCUMENTED_GEOS), set(DOCUMENTED_CSPS), dict[str, set[str]]()
    listed = False
    for endpoint in endpoints:
        metadata = endpoint.get("metadata")
        where = metadata.get("regions") if isinstance(metadata, Mapping) else None
        for region in where if isinstance(where, list) else ():
            if not isinstance(region, Mapping):
                continue
            listed = True
            geo, csp, name = region.get("geo"), region.get("csp"), region.get("region")
            if isinstance(geo, str):
                geos.add(geo)
            if isinstance(csp, str):
                csps.add(csp)
                if isinstance(name, str):
                    regions.setdefault(csp, set()).add(name)
    return RegionVocabulary(
        frozenset(geos),
        frozenset(csps),
        {csp: frozenset(names) for csp, names in regions.items()},
        listed,
    )


def _unknown(value: str, kind: str, known: Iterable[str], vocabulary: RegionVocabulary) -> str:
    choices = sorted(known)
    close = difflib.get_close_matches(value.lower(), choices, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    source = (
        "the cluster's EIS endpoints and Elastic's documentation name"
        if vocabulary.listed
        else "Elastic documents (this cluster lists no EIS endpoint yet)"
    )
    return (
        f"'{value}' is not a {kind} where the Elastic Inference Service runs: a policy that "
        f"names it matches no endpoint. Known {kind}s, as {source}: {', '.join(choices)}{hint}"
    )


def _region_issues(path: str, region: Any, vocabulary: RegionVocabulary) -> list[tuple[str, str]]:
    if not isinstance(region, Mapping) or is_unknown(region):
        return []
    csp, name = region.get("csp"), region.get("region")
    if not isinstance(csp, str):
        return []
    if csp not in vocabulary.csps:
        return [(f"{path}.csp", _unknown(csp, "cloud provider", vocabulary.csps, vocabulary))]
    known = vocabulary.regions.get(csp)
    if not known or not isinstance(name, str) or name in known:
        return []
    return [(f"{path}.region", _unknown(name, f"{csp} region", known, vocabulary))]


def value_issues(
    props: Mapping[str, Any],
    vocabulary: RegionVocabulary,
    old: Mapping[str, Any] | None = None,
) -> list[tuple[str, str]]:
    """Each geo, provider or region of ``props`` the cluster cannot match, as (path, why);
    values ``old`` (the policy in state) already has are the cluster's already, and pass."""
    before = old or {}
    issues = []
    geos, kept_geos = props.get("allowed_geos"), before.get("allowed_geos") or []
    for index, geo in enumerate(geos if isinstance(geos, list) else ()):
        if isinstance(geo, str) and geo not in vocabulary.geos and geo not in kept_geos:
            name = f"allowed_geos[{index}]"
            issues.append((name, _unknown(geo, "geographic area", vocabulary.geos, vocabulary)))
    regions, kept = props.get("allowed_regions"), before.get("allowed_regions") or []
    for index, region in enumerate(regions if isinstance(regions, list) else ()):
        if region not in kept:
            issues += _region_issues(f"allowed_regions[{index}]", region, vocabulary)
    fallback = props.get("fallback_region")
    if fallback is not None and fallback != before.get("fallback_region"):
        issues += _region_issues("fallback_region", fallback, vocabulary)
    return issues
