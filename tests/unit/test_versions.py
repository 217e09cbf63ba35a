"""The version gates the core decides with (operations/_versions.py)."""

from __future__ import annotations

from pulumi_inference.operations import _versions as versions


def test_task_settings_and_chunking_updates() -> None:
    """REQ-PLAN-2, REQ-PLAN-3: task settings in place from 8.17; chunking always replaces."""
    assert not versions.task_settings_updatable((8, 16, 9))
    assert versions.task_settings_updatable((8, 17, 0))
    assert versions.task_settings_updatable((9, 2, 1))
    assert versions.task_settings_updatable(None)
    for version in ((8, 16, 0), (8, 19, 0), (9, 3, 0), None):
        assert versions.chunking_updatable(version) is False


def test_update_resets_chunking_of_embedding_endpoints_from_8_17_until_9_4() -> None:
    """REQ-PLAN-7: elastic/elasticsearch#139574, fixed in 9.4; unknown is a current cluster."""
    assert versions.update_resets_chunking("text_embedding", (9, 1, 0))
    assert versions.update_resets_chunking("sparse_embedding", (8, 17, 0))
    assert not versions.update_resets_chunking("text_embedding", (9, 4, 0))
    assert not versions.update_resets_chunking("text_embedding", (8, 16, 0))  # no _update yet
    assert not versions.update_resets_chunking("completion", (9, 1, 0))
    assert not versions.update_resets_chunking("text_embedding", None)


def test_a_dry_run_look_up_only_on_clusters_known_to_have_it() -> None:
    """REQ-REVIEW-1: an older or unknown cluster would take the dry run for a real delete."""
    assert versions.dry_run_available((8, 15, 0))
    assert not versions.dry_run_available((8, 14, 3))
    assert not versions.dry_run_available(None)
