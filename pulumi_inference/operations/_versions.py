"""Version gates: what a cluster of a given version can do, as the core decides with it.

``None`` (the version is unknown: no ``monitor`` privilege) is taken as a current cluster,
as everywhere else. Which settings of a service ``_update`` changes, and since when, is
service data and stays in the catalogue (``catalogue.updatable_service_settings``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .. import catalogue
from .._nested import normalize_numbers
from .._version import Version

DRY_RUN_SINCE: Version = (8, 15, 0)
"""``dry_run`` on delete (and pipeline references) exist since 8.15: an older cluster would
take ``DELETE ...?dry_run=true`` for a real delete, so it is never sent to one."""


def dry_run_available(version: Version | None) -> bool:
    """Whether a delete can be asked, read-only, who uses the endpoint (unknown: no)."""
    return version is not None and tuple(version) >= DRY_RUN_SINCE


def _at_least(version: Version | None, since: Version) -> bool:
    return version is None or tuple(version) >= since


def task_settings_updatable(version: Version | None) -> bool:
    """Whether ``_update`` exists (8.17+) to change ``task_settings`` in place.

    It merges: a key left out keeps its old value, so removing a key still needs a replace.
    """
    return _at_least(version, catalogue.UPDATE_API_SINCE)


def chunking_updatable(version: Version | None) -> bool:
    """Always False: no release documents chunking changes through ``_update``.

    Only the newest code accepts ``chunking_settings`` there, and older versions reset
    chunking to word/250/100 on update; a change is planned as a replace.
    """
    del version
    return False


CHUNKING_AFTER_UPDATE_RESET: Mapping[str, object] = MappingProxyType(
    {"strategy": "word", "max_chunk_size": 250, "overlap": 100}
)
"""What an ``_update`` before 9.4 leaves as an embedding endpoint's chunking."""

UPDATE_KEEPS_CHUNKING_SINCE: Version = (9, 4, 0)
"""Before 9.4 (elastic/elasticsearch#139574) ``_update`` rebuilt an embedding endpoint
without its chunking settings, which then behaved as the legacy word/250/100."""


def update_resets_chunking(task_type: str, version: Version | None) -> bool:
    """Whether an ``_update`` of this endpoint also resets its chunking (a cluster bug).

    ``None`` (version unknown) is taken as a current cluster, as everywhere else.
    """
    if task_type not in catalogue.EMBEDDING_TASK_TYPES or version is None:
        return False
    return (
        _at_least(version, catalogue.UPDATE_API_SINCE)
        and tuple(version) < UPDATE_KEEPS_CHUNKING_SINCE
    )


def put_timeout_accepted(version: Version | None) -> bool:
    """Whether a create may carry ``?timeout`` (8.19+ and 9.1+; unknown: yes)."""
    return catalogue.PUT_TIMEOUT_SINCE.accepts(version)


def update_timeout_accepted(version: Version | None) -> bool:
    """Whether ``_update`` may carry ``?timeout`` (9.5+; unknown: yes)."""
    return catalogue.UPDATE_TIMEOUT_SINCE.accepts(version)


def update_changes_chunking(
    task_type: str, version: Version | None, live_chunking: Mapping[str, object] | None
) -> bool:
    """Whether an ``_update`` of this endpoint changes how it chunks: the cluster resets
    chunking (``update_resets_chunking``) and the live chunking is not already what the
    reset leaves. ``live_chunking`` not known (``None``): taken as changing, to warn."""
    if not update_resets_chunking(task_type, version):
        return False
    if live_chunking is None:
        return True
    return bool(normalize_numbers(dict(live_chunking)) != dict(CHUNKING_AFTER_UPDATE_RESET))
