"""Look-ups the other layers ask: services, update rules, defaults, server-managed keys."""

from __future__ import annotations

from collections.abc import Mapping

from .._version import Version
from ._model import SECRET_KEYS, UPDATE_API_SINCE, ServiceSpec
from ._services import SERVICES


def known_services() -> list[str]:
    """Every ``service`` value the catalogue knows, sorted."""
    return list(SERVICES)


def get_service(name: str) -> ServiceSpec | None:
    """The spec of ``name`` (``"elser"`` has its own, canonical name ``"elasticsearch"``)."""
    return SERVICES.get(name)


def canonical_service(name: str) -> str:
    """The ``service`` the cluster stores for ``name``: ``elser`` -> ``elasticsearch``."""
    spec = SERVICES.get(name)
    return spec.canonical_name if spec is not None else name


def deploys_model(service: str) -> bool:
    """Whether PUT starts a trained model deployment in the cluster (elasticsearch, elser)."""
    spec = SERVICES.get(service)
    return spec is not None and spec.deploys_model


def default_model_id(service: str, *, linux_x86: bool | None = None) -> str | None:
    """The ``model_id`` the cluster uses when ``service`` is declared without one, if any.

    ``linux_x86``: whether every ML node of the cluster is linux-x86_64, where ELSER has a
    platform-optimized build (``.elser_model_2_linux-x86_64``). ``None`` (not known) gives the
    portable id, which every cluster can run.
    """
    spec = SERVICES.get(service)
    if spec is None:
        return None
    if linux_x86 and spec.default_model_id_linux_x86:
        return spec.default_model_id_linux_x86
    return spec.default_model_id


def _at_least(version: Version | None, since: Version | None) -> bool:
    if since is None:
        return False
    return version is None or tuple(version) >= since


def updatable_service_settings(service: str, version: Version | None) -> frozenset[str]:
    """Keys of ``service_settings`` that ``_update`` changes in place on ``version``.

    ``None`` means the newest cluster. Only documented behaviour counts: secrets (key
    rotation) and, for the deployment services, ``num_allocations`` and
    ``adaptive_allocations``, all since 8.17. Keys the cluster silently ignores on
    ``_update`` (``num_threads``, ``model_id``, ``dimensions``, ``rate_limit``, ...) are not
    listed: changing them needs delete + create.
    """
    spec = SERVICES.get(service)
    if spec is None:
        return SECRET_KEYS if _at_least(version, UPDATE_API_SINCE) else frozenset()
    return frozenset(
        field.name for field in spec.service_settings if _at_least(version, field.updatable_since)
    )


def rate_limit_default(service: str, task_type: str) -> int | None:
    """``rate_limit.requests_per_minute`` the cluster adds when it is omitted, if known."""
    spec = SERVICES.get(service)
    return spec.rate_limit_default(task_type) if spec is not None else None


def secret_keys(service: str) -> frozenset[str]:
    """Secret ``service_settings`` keys of ``service`` (all ``SECRET_KEYS`` if unknown)."""
    spec = SERVICES.get(service)
    return spec.secret_fields() if spec is not None else SECRET_KEYS


def server_managed_service_keys(service: str, declared: Mapping[str, object]) -> frozenset[str]:
    """``service_settings`` keys whose live value is never drift for this declaration.

    - keys the cluster computes or adds (``rate_limit``, ``dimensions``, ``similarity``,
      ``embedding_type``, ELSER's ``model_id``, ...) when they are not declared;
    - deployment services: ``num_allocations`` when ``adaptive_allocations`` is declared
      (GET reports the live allocation count), and with ``deployment_id`` also
      ``num_threads`` and ``model_id`` (read from the existing deployment).
    """
    spec = SERVICES.get(service)
    if spec is None:
        return frozenset({"rate_limit"} - set(declared))
    keys = {
        field.name
        for field in spec.service_settings
        if field.server_computed and field.name not in declared
    }
    keys.discard("num_allocations")
    if spec.deploys_model:
        if declared.get("adaptive_allocations") is not None:
            keys.add("num_allocations")
        if declared.get("deployment_id") is not None:
            keys.update({"num_allocations", "num_threads", "model_id"})
    return frozenset(keys)
