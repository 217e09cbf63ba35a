"""What `pulumi-inference import` (and adoption) keeps of a live endpoint: a value someone
set is declared, the server's own default is left out, and a value the catalogue cannot
judge is kept with a note (issue 22). Each setting is tried both ways."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_inference.operations import declared_with_notes

SMALL = "text-embedding-3-small"


def openai(**settings: Any) -> dict[str, Any]:
    return {
        "inference_id": "openai-embeddings",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": SMALL, **settings},
    }


def settings_of(live: dict[str, Any]) -> dict[str, Any]:
    declared, notes = declared_with_notes(live, None)
    assert notes == ()
    return dict(declared["service_settings"])


@pytest.mark.parametrize(
    ("live", "declared"),
    [
        ({"dimensions": 1536}, {}),  # the model's own size: the cluster found it
        ({"dimensions": 512}, {"dimensions": 512}),  # issue 22: someone chose 512
        ({"similarity": "dot_product"}, {}),
        ({"similarity": "l2_norm"}, {"similarity": "l2_norm"}),
        ({"rate_limit": {"requests_per_minute": 3000}}, {}),
        ({"rate_limit": {"requests_per_minute": 60}}, {"rate_limit": {"requests_per_minute": 60}}),
    ],
)
def test_service_settings_the_cluster_filled_in_are_dropped_and_chosen_ones_kept(
    live: dict[str, Any], declared: dict[str, Any]
) -> None:
    assert settings_of(openai(**live)) == {"model_id": SMALL, **declared}


def test_the_clusters_own_flag_decides_dimensions_where_it_shows_one() -> None:
    assert settings_of(openai(dimensions=1536, dimensions_set_by_user=True)) == {
        "model_id": SMALL,
        "dimensions": 1536,
    }
    assert settings_of(openai(dimensions=512, dimensions_set_by_user=False)) == {"model_id": SMALL}


def test_a_value_the_catalogue_cannot_judge_is_kept_with_the_reason() -> None:
    live = {
        "inference_id": "hf",
        "task_type": "text_embedding",
        "service": "hugging_face",
        "service_settings": {"url": "https://hf.example.com", "dimensions": 768},
    }
    declared, notes = declared_with_notes(live, None)
    assert declared["service_settings"] == {"url": "https://hf.example.com", "dimensions": 768}
    assert len(notes) == 1
    assert notes[0].startswith("service_settings.dimensions is kept as the cluster shows it (768)")
    assert "is the default of hugging_face is not known" in notes[0]


def test_a_model_the_catalogue_does_not_know_keeps_its_dimensions_with_a_note() -> None:
    declared, notes = declared_with_notes(
        openai(model_id="text-embedding-9", dimensions=1536), None
    )
    assert declared["service_settings"]["dimensions"] == 1536
    assert [note.split(" is kept")[0] for note in notes] == ["service_settings.dimensions"]


@pytest.mark.parametrize(
    ("live", "declared"),
    [
        ({"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}, None),
        (
            {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 0},
            {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 0},
        ),
        (
            {"strategy": "word", "max_chunk_size": 250, "overlap": 100},
            {"strategy": "word", "max_chunk_size": 250, "overlap": 100},
        ),
    ],
)
def test_chunking_is_declared_unless_it_is_the_default(
    live: dict[str, Any], declared: dict[str, Any] | None
) -> None:
    found, _ = declared_with_notes({**openai(), "chunking_settings": live}, None)
    assert found.get("chunking_settings") == declared


@pytest.mark.parametrize(
    ("live", "declared"),
    [
        ({"return_documents": True}, None),  # what the cluster shows when it was not set
        ({"return_documents": False}, {"return_documents": False}),
        ({"return_documents": True, "top_n": 5}, {"top_n": 5}),
    ],
)
def test_task_settings_the_cluster_shows_by_default_are_dropped_and_chosen_ones_kept(
    live: dict[str, Any], declared: dict[str, Any] | None
) -> None:
    endpoint = {
        "inference_id": "rerank",
        "task_type": "rerank",
        "service": "elasticsearch",
        "service_settings": {"model_id": ".rerank-v1", "num_threads": 1, "num_allocations": 1},
        "task_settings": live,
    }
    found, notes = declared_with_notes(endpoint, None)
    assert found.get("task_settings") == declared
    assert notes == ()


def test_an_elasticsearch_embedding_keeps_nothing_its_model_decided() -> None:
    endpoint = {
        "inference_id": "e5",
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_threads": 1,
            "num_allocations": 1,
            "dimensions": 384,
            "similarity": "cosine",
            "element_type": "float",
        },
    }
    found, notes = declared_with_notes(endpoint, None)
    assert found["service_settings"] == {
        "model_id": ".multilingual-e5-small",
        "num_threads": 1,
        "num_allocations": 1,
    }
    assert notes == ()
