"""One embedding endpoint. Point it at a cluster with

pulumi config set elasticsearch:url https://my-cluster:9200
pulumi config set --secret elasticsearch:apiKey <key with manage_inference>
pulumi config set --secret openaiApiKey sk-...
"""

import pulumi

import pulumi_inference as inference

cfg = pulumi.Config()
embeddings = inference.InferenceEndpoint(
    "embeddings",
    inference_id="openai-embeddings",
    task_type="text_embedding",
    service="openai",
    service_settings={
        "model_id": "text-embedding-3-small",
        "api_key": cfg.require_secret("openaiApiKey"),
    },
)
pulumi.export("inference_id", embeddings.inference_id)
pulumi.export("dimensions", embeddings.effective_service_settings["dimensions"])
