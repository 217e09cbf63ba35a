"""The endpoints the CI workflow reviews, applies and checks for drift.

The cluster comes from the environment (ELASTICSEARCH_URL, ELASTICSEARCH_API_KEY: repository
variables and secrets in the workflow); the OpenAI key from the secret stack config
``openaiApiKey``, which the workflow sets from a repository secret on each run.
"""

import pulumi

import pulumi_inference as inference

cfg = pulumi.Config()
protected = pulumi.ResourceOptions(protect=True)  # the policy pack requires it in prod

inference.InferenceEndpoint(
    "embeddings",
    inference_id="ci-openai-embeddings",
    task_type="text_embedding",
    service="openai",
    service_settings={
        "model_id": cfg.get("embeddingModel") or "text-embedding-3-small",
        "api_key": cfg.require_secret("openaiApiKey"),
    },
    opts=protected,
)

inference.InferenceEndpoint(
    "e5",
    inference_id="ci-e5",
    task_type="text_embedding",
    service="elasticsearch",
    service_settings={
        "model_id": ".multilingual-e5-small",
        "num_allocations": 1,
        "num_threads": 1,
    },
    opts=protected,
)
