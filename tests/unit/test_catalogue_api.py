"""Catalogue look-ups: services, defaults, update rules, server-managed keys."""

from __future__ import annotations

import pytest

from pulumi_inference import catalogue

SERVICES = [
    "alibabacloud-ai-search", "amazonbedrock", "amazon_sagemaker", "anthropic", "azureaistudio",
    "azureopenai", "cohere", "elasticsearch", "elser", "googleaistudio", "googlevertexai",
    "hugging_face", "jinaai", "mistral", "openai", "voyageai", "watsonxai", "custom", "deepseek",
    "ai21", "llama", "contextualai", "groq", "nvidia", "openshift_ai", "fireworksai", "elastic",
]  # fmt: skip


def test_constants() -> None:
    """REQ-SECRET-1: the secret keys and the embedding task types."""
    assert catalogue.TASK_TYPES == (
        "text_embedding",
        "sparse_embedding",
        "rerank",
        "completion",
        "chat_completion",
        "embedding",
    )
    assert {"text_embedding", "sparse_embedding", "embedding"} == catalogue.EMBEDDING_TASK_TYPES
    assert {
        "api_key", "access_key", "secret_key", "service_account_json", "entra_id",
        "client_secret", "secret_parameters",
    } == catalogue.SECRET_KEYS  # fmt: skip
    assert {"elasticsearch", "elser"} == catalogue.DEPLOYMENT_SERVICES


def test_known_services_cover_the_digest_and_are_sorted() -> None:
    known = catalogue.known_services()
    assert sorted(SERVICES) == known
    for name in known:
        spec = catalogue.get_service(name)
        assert spec is not None
        assert spec.name == name
    assert catalogue.get_service("skynet") is None


def test_canonical_names() -> None:
    assert catalogue.canonical_service("elser") == "elasticsearch"
    assert catalogue.canonical_service("elasticsearch") == "elasticsearch"
    assert catalogue.canonical_service("openai") == "openai"
    assert catalogue.canonical_service("brand_new") == "brand_new"
    elser = catalogue.get_service("elser")
    assert elser is not None
    assert elser.canonical_name == "elasticsearch"
    assert elser.deprecated


def test_deploying_services() -> None:
    deploying = {name for name in SERVICES if catalogue.deploys_model(name)}
    assert deploying == catalogue.DEPLOYMENT_SERVICES == {"elasticsearch", "elser"}
    assert not catalogue.deploys_model("openai")
    assert not catalogue.deploys_model("brand_new")


def test_deployment_services_follow_the_services_table() -> None:
    derived = {name for name, spec in catalogue.SERVICES.items() if spec.deploys_model}
    assert derived == catalogue.DEPLOYMENT_SERVICES


@pytest.mark.parametrize(
    ("service", "linux_x86", "expected"),
    [
        ("elser", None, ".elser_model_2"),
        ("elser", False, ".elser_model_2"),
        ("elser", True, ".elser_model_2_linux-x86_64"),
        ("elasticsearch", True, None),  # model_id is required (or deployment_id)
        ("openai", None, None),
        ("brand_new", True, None),
    ],
)
def test_default_model_id(service: str, linux_x86: bool | None, expected: str | None) -> None:
    assert catalogue.default_model_id(service, linux_x86=linux_x86) == expected


def test_a_linux_default_model_needs_a_portable_one() -> None:
    with pytest.raises(ValueError, match="portable"):
        catalogue.ServiceSpec(
            name="x",
            title="X",
            description="",
            task_types=("sparse_embedding",),
            service_settings=(),
            default_model_id_linux_x86=".m_linux-x86_64",
        )


def test_secret_fields_are_secret_keys_and_every_secret_key_is_used() -> None:
    used: set[str] = set()
    for name in SERVICES:
        spec = catalogue.get_service(name)
        assert spec is not None
        for field in (*spec.service_settings, *spec.task_settings):
            assert field.secret == (field.name in catalogue.SECRET_KEYS), (name, field.name)
        assert all(not field.secret for field in spec.task_settings)
        used |= spec.secret_fields()
        assert catalogue.secret_keys(name) == spec.secret_fields()
    assert used == catalogue.SECRET_KEYS
    assert catalogue.secret_keys("brand_new") == catalogue.SECRET_KEYS


def test_field_specs_refuse_a_secret_outside_secret_keys() -> None:
    with pytest.raises(ValueError, match="SECRET_KEYS"):
        catalogue.FieldSpec("password", "string", secret=True)
    with pytest.raises(ValueError, match="kind"):
        catalogue.FieldSpec("x", "float")


# The digest's table of rate_limit defaults, plus the ones read from the spec's examples.
RATE_LIMITS = [
    ("alibabacloud-ai-search", "text_embedding", 1000),
    ("alibabacloud-ai-search", "completion", 1000),
    ("amazonbedrock", "completion", 240),
    ("amazonbedrock", "text_embedding", 240),
    ("azureaistudio", "completion", 240),
    ("mistral", "text_embedding", 240),
    ("anthropic", "completion", 50),
    ("anthropic", "chat_completion", 50),
    ("azureopenai", "text_embedding", 1440),
    ("azureopenai", "completion", 120),
    ("azureopenai", "chat_completion", 120),
    ("cohere", "rerank", 10000),
    ("googleaistudio", "completion", 360),
    ("googlevertexai", "text_embedding", 30000),
    ("hugging_face", "text_embedding", 3000),
    ("jinaai", "rerank", 2000),
    ("voyageai", "text_embedding", 2000),
    ("openai", "text_embedding", 3000),
    ("openai", "completion", 500),
    ("watsonxai", "text_embedding", 120),
    ("llama", "completion", 3000),
    ("fireworksai", "text_embedding", 6000),
    ("contextualai", "rerank", 1000),
    ("nvidia", "rerank", 3000),
    ("openshift_ai", "text_embedding", 3000),
    ("elasticsearch", "text_embedding", None),
    ("elser", "sparse_embedding", None),
    ("amazon_sagemaker", "text_embedding", None),
    ("openai", "rerank", None),
    ("brand_new", "completion", None),
]


@pytest.mark.parametrize(("service", "task_type", "expected"), RATE_LIMITS)
def test_rate_limit_defaults(service: str, task_type: str, expected: int | None) -> None:
    assert catalogue.rate_limit_default(service, task_type) == expected


def test_services_with_a_default_rate_limit_accept_rate_limit() -> None:
    for name in SERVICES:
        spec = catalogue.get_service(name)
        assert spec is not None
        if spec.rate_limits:
            field = spec.field("service_settings", "rate_limit")
            assert field is not None, name
            assert field.server_computed, name


def test_default_chunking() -> None:
    default = {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}
    for task_type in catalogue.EMBEDDING_TASK_TYPES:
        assert catalogue.default_chunking_settings(task_type) == default
    for task_type in ("rerank", "completion", "chat_completion"):
        assert catalogue.default_chunking_settings(task_type) is None
    mine = catalogue.default_chunking_settings("text_embedding")
    assert mine is not None
    mine["max_chunk_size"] = 1
    assert catalogue.default_chunking_settings("text_embedding") == default


@pytest.mark.parametrize(
    ("service", "version", "expected"),
    [
        ("openai", (8, 17, 0), {"api_key", "client_secret"}),
        ("openai", (9, 1, 0), {"api_key", "client_secret"}),
        ("openai", None, {"api_key", "client_secret"}),
        ("openai", (8, 16, 6), set()),
        ("cohere", (8, 18, 0), {"api_key"}),
        ("azureopenai", (8, 17, 0), {"api_key", "entra_id", "client_secret"}),
        ("amazonbedrock", (8, 17, 0), {"access_key", "secret_key"}),
        ("googlevertexai", None, {"service_account_json"}),
        ("custom", None, {"secret_parameters"}),
        ("elasticsearch", (8, 17, 0), {"num_allocations", "adaptive_allocations"}),
        ("elser", None, {"num_allocations", "adaptive_allocations"}),
        ("elasticsearch", (8, 15, 0), set()),
        ("elastic", None, set()),
        ("brand_new", None, set(catalogue.SECRET_KEYS)),
        ("brand_new", (8, 16, 0), set()),
    ],
)
def test_updatable_service_settings(
    service: str, version: tuple[int, int, int] | None, expected: set[str]
) -> None:
    """REQ-PLAN-2, REQ-PLAN-3: secrets and allocations change in place from 8.17; nothing before."""
    assert catalogue.updatable_service_settings(service, version) == expected


def test_keys_ignored_by_update_are_not_updatable() -> None:
    """REQ-PLAN-3: keys the cluster ignores on _update are replaced, never updated."""
    for name in SERVICES:
        keys = catalogue.updatable_service_settings(name, None)
        assert not keys & {
            "num_threads",
            "model_id",
            "model",
            "dimensions",
            "rate_limit",
            "similarity",
            "url",
        }, name


def test_server_managed_keys_of_deployments() -> None:
    """REQ-READ-1: a live num_allocations under adaptive allocations and the default ELSER model are
    the cluster's."""
    adaptive = {
        "model_id": ".elser_model_2",
        "num_threads": 1,
        "adaptive_allocations": {"enabled": True, "max_number_of_allocations": 4},
    }
    assert "num_allocations" in catalogue.server_managed_service_keys("elasticsearch", adaptive)
    assert "num_allocations" in catalogue.server_managed_service_keys("elser", adaptive)
    fixed = {"model_id": ".elser_model_2", "num_threads": 1, "num_allocations": 2}
    managed = catalogue.server_managed_service_keys("elasticsearch", fixed)
    assert "num_allocations" not in managed
    assert "num_threads" not in managed
    attached = catalogue.server_managed_service_keys("elasticsearch", {"deployment_id": "d"})
    assert {"num_allocations", "num_threads", "model_id"} <= attached
    assert "model_id" in catalogue.server_managed_service_keys("elser", {"num_threads": 1})


def test_server_managed_keys_of_third_party_services() -> None:
    """REQ-READ-1: rate_limit, dimensions and similarity the cluster adds are not drift."""
    declared = {"model_id": "text-embedding-3-small", "api_key": "k"}
    managed = catalogue.server_managed_service_keys("openai", declared)
    assert {"rate_limit", "dimensions", "similarity"} <= managed
    assert not managed & set(declared)
    with_dims = catalogue.server_managed_service_keys("openai", {**declared, "dimensions": 128})
    assert "dimensions" not in with_dims  # a declared dimension is compared, never ignored
    assert catalogue.server_managed_service_keys("brand_new", {}) == {"rate_limit"}


def test_every_spec_is_internally_consistent() -> None:
    for name in SERVICES:
        spec = catalogue.get_service(name)
        assert spec is not None
        assert spec.task_types
        assert len(set(spec.task_types)) == len(spec.task_types)
        for section in ("service_settings", "task_settings"):
            names = [field.name for field in spec.section(section)]
            assert len(names) == len(set(names)), (name, section)
            for field in spec.section(section):
                if field.task_types is not None:
                    assert field.task_types & set(spec.task_types), (name, field.name)
        for wrong, right in spec.renamed.items():
            assert spec.field("service_settings", wrong) is None
            assert spec.field("service_settings", right) is not None
