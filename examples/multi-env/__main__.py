"""One program, several stacks: Pulumi.dev.yaml and Pulumi.prod.yaml differ in cluster,
endpoint ids and allocations. Secrets are set per stack with `pulumi config set --secret`."""

import pulumi

import pulumi_inference as inference

cfg = pulumi.Config()
prefix = cfg.require("idPrefix")  # dev / prod: keeps two stacks apart on one shared cluster
cluster = inference.Connection(
    url=cfg.require("esUrl"),
    api_key=cfg.require_secret("esApiKey"),
)

elser = inference.InferenceEndpoint(
    "elser",
    inference_id=f"{prefix}-elser",
    task_type="sparse_embedding",
    service="elasticsearch",
    service_settings={
        "model_id": ".elser_model_2",
        "num_threads": 1,
        "num_allocations": cfg.require_int("elserAllocations"),
    },
    connection=cluster,
    deployment_timeout=cfg.get("deploymentTimeout") or "30m",
)
embeddings = inference.InferenceEndpoint(
    "embeddings",
    inference_id=f"{prefix}-openai-embeddings",
    task_type="text_embedding",
    service="openai",
    service_settings={
        "model_id": cfg.get("embeddingModel") or "text-embedding-3-small",
        "api_key": cfg.require_secret("openaiApiKey"),
    },
    connection=cluster,
    force_delete=cfg.get_bool("forceDelete") or False,
)
pulumi.export("elser_endpoint", elser.inference_id)
pulumi.export("embedding_endpoint", embeddings.inference_id)
pulumi.export("embedding_dimensions", embeddings.effective_service_settings["dimensions"])
