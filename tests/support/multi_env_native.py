"""examples/multi-env/__main__.py through the native plugin: the same config keys, stacks and
endpoints, one explicit provider for the stack's cluster (tests/engine/test_teams.py)."""

import pulumi

import pulumi_inference as inference
import pulumi_inference.native as es

cfg = pulumi.Config()
prefix = cfg.require("idPrefix")
cluster = es.Provider(
    "cluster",
    inference.Connection(url=cfg.require("esUrl"), api_key=cfg.require_secret("esApiKey")),
)
on_cluster = pulumi.ResourceOptions(provider=cluster)

elser = es.InferenceEndpoint(
    "elser",
    inference_id=f"{prefix}-elser",
    task_type="sparse_embedding",
    service="elasticsearch",
    service_settings={
        "model_id": ".elser_model_2",
        "num_threads": 1,
        "num_allocations": cfg.require_int("elserAllocations"),
    },
    deployment_timeout=cfg.get("deploymentTimeout") or "30m",
    opts=on_cluster,
)
embeddings = es.InferenceEndpoint(
    "embeddings",
    inference_id=f"{prefix}-openai-embeddings",
    task_type="text_embedding",
    service="openai",
    service_settings={
        "model_id": cfg.get("embeddingModel") or "text-embedding-3-small",
        "api_key": cfg.require_secret("openaiApiKey"),
    },
    force_delete=cfg.get_bool("forceDelete") or False,
    opts=on_cluster,
)
pulumi.export("elser_endpoint", elser.inference_id)
pulumi.export("embedding_endpoint", embeddings.inference_id)
pulumi.export("embedding_dimensions", embeddings.effective_service_settings["dimensions"])
