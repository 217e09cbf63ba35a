"""The demo program: one embedding, one rerank, one model deployment, one completion endpoint.

The cluster comes from stack config (`elasticsearch:url`, `elasticsearch:apiKey`) or the
ELASTICSEARCH_* environment variables; `scripts/demo` points it at the emulator.
"""

import pulumi

import pulumi_inference as inference
from pulumi_inference.services import ElasticsearchServiceSettings, OpenAIServiceSettings


def main() -> None:
    cfg = pulumi.Config()
    # The emulator accepts any key; on a real cluster: pulumi config set --secret openaiApiKey
    openai_key = cfg.get_secret("openaiApiKey") or pulumi.Output.secret("sk-demo-not-a-real-key")
    cohere_key = cfg.get_secret("cohereApiKey") or pulumi.Output.secret(
        "cohere-demo-not-a-real-key"
    )

    embeddings = inference.InferenceEndpoint(
        "openai-embeddings",
        inference_id="demo-openai-embeddings",
        task_type="text_embedding",
        service="openai",
        service_settings=OpenAIServiceSettings(
            model_id="text-embedding-3-small", api_key=openai_key
        ),
    )
    rerank = inference.InferenceEndpoint(
        "cohere-rerank",
        inference_id="demo-cohere-rerank",
        task_type="rerank",
        service="cohere",
        service_settings={"model_id": "rerank-english-v3.0", "api_key": cohere_key},
        task_settings={"top_n": 10, "return_documents": True},
    )
    e5 = inference.InferenceEndpoint(
        "e5-embeddings",
        inference_id="demo-e5-small",
        task_type="text_embedding",
        service="elasticsearch",
        service_settings=ElasticsearchServiceSettings(
            model_id=".multilingual-e5-small",
            num_threads=1,
            adaptive_allocations={
                "enabled": True,
                "min_number_of_allocations": 1,
                "max_number_of_allocations": 4,
            },
        ),
        deployment_timeout="20m",
    )
    completion = inference.InferenceEndpoint(
        "openai-chat",
        inference_id="demo-openai-completion",
        task_type="completion",
        service="openai",
        service_settings={"model_id": "gpt-4o-mini", "api_key": openai_key},
        task_settings={"user": "search-team"},
    )

    pulumi.export("embedding_endpoint", embeddings.inference_id)
    pulumi.export("embedding_dimensions", embeddings.effective_service_settings["dimensions"])
    pulumi.export("embedding_similarity", embeddings.effective_service_settings["similarity"])
    pulumi.export("rerank_endpoint", rerank.inference_id)
    pulumi.export("e5_endpoint", e5.inference_id)
    pulumi.export("completion_endpoint", completion.inference_id)
    pulumi.export("cluster_version", embeddings.cluster_version)


if __name__ == "__main__":
    main()
