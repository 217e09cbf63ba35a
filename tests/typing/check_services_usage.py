"""How a program uses the typed settings classes, checked by ``mypy --strict``.

tests/unit/test_services.py runs mypy on this file. Each ``# type: ignore[...]`` marks a mistake
mypy must flag: under ``--strict`` an ignore that silences nothing is itself an error, so a
type that stopped being checked fails the test as surely as a correct call that is refused.
"""

from __future__ import annotations

import pulumi

from pulumi_inference import services


def correct(cfg: pulumi.Config, dims: pulumi.Output[int]) -> list[services.SettingsModel]:
    """Plain values, secrets and other Outputs, nested classes and dicts."""
    return [
        services.OpenAIServiceSettings(
            model_id="text-embedding-3-small",
            api_key=cfg.require_secret("openaiKey"),
            dimensions=dims,
            rate_limit={"requests_per_minute": 100},
        ),
        services.ElasticsearchServiceSettings(
            model_id=".elser_model_2",
            num_threads=1,
            adaptive_allocations=services.AdaptiveAllocations(
                enabled=True, min_number_of_allocations=0, max_number_of_allocations=4
            ),
        ),
        services.AzureOpenAIServiceSettings(
            resource_name="r",
            deployment_id="d",
            api_version="2024-02-01",
            client_id="c",
            client_secret=cfg.require_secret("azureSecret"),
            tenant_id="t",
            scopes=["https://cognitiveservices.azure.com/.default"],
        ),
        services.CustomServiceSettings(
            secret_parameters={"api_key": cfg.require_secret("key")},
            url="https://example.com/embed",
            request='{"input": ${input}}',
            response={"json_parser": {"text_embeddings": "$.data[*].embedding[*]"}},
        ),
        services.CohereTaskSettings(top_n=3, return_documents=True),
        services.AnthropicTaskSettings(max_tokens=1024, temperature=0.2),
        services.WordChunking(max_chunk_size=100, overlap=10),
    ]


def mistakes(cfg: pulumi.Config) -> None:
    """Each call is a mistake an editor shows before the program runs."""
    services.ElasticsearchServiceSettings(model_id="m", num_threads="x")  # type: ignore[arg-type]
    services.OpenAIServiceSettings(model_id=5)  # type: ignore[arg-type]
    services.OpenAIServiceSettings(model_id="m", dimensions=cfg.require("dims"))  # type: ignore[arg-type]
    services.OpenAIServiceSettings(model_id="m", rate_limit={"rpm": 1})  # type: ignore[arg-type]
    services.OpenAIServiceSettings(modelid="m")  # type: ignore[call-arg]
    services.AnthropicTaskSettings(temperature=0.2)  # type: ignore[call-arg]
    services.CohereTaskSettings(return_documents="yes")  # type: ignore[arg-type]
