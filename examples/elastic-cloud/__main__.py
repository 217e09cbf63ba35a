"""An Elastic Cloud deployment (pulumi_ec) and inference endpoints on it.

The connection is wired from the deployment's Outputs: the endpoints wait for the cluster,
and its password stays a secret all the way into the provider.
"""

import pulumi
import pulumi_ec as ec

import pulumi_inference as inference

cfg = pulumi.Config()
deployment = ec.Deployment(
    "search",
    region=cfg.get("region") or "gcp-europe-west1",
    version=cfg.get("stackVersion") or "9.1.0",
    deployment_template_id=cfg.get("template") or "gcp-general-purpose",
    elasticsearch=ec.DeploymentElasticsearchArgs(
        hot=ec.DeploymentElasticsearchHotArgs(
            autoscaling=ec.DeploymentElasticsearchHotAutoscalingArgs()
        ),
        ml=ec.DeploymentElasticsearchMlArgs(
            autoscaling=ec.DeploymentElasticsearchMlAutoscalingArgs()
        ),
    ),
    kibana=ec.DeploymentKibanaArgs(),
)

cluster = inference.Connection(
    url=deployment.elasticsearch.https_endpoint,
    username=deployment.elasticsearch_username,
    password=deployment.elasticsearch_password,
)

elser = inference.InferenceEndpoint(
    "elser",
    inference_id="elser-v2",
    task_type="sparse_embedding",
    service="elasticsearch",
    service_settings={
        "model_id": ".elser_model_2_linux-x86_64",
        "num_threads": 1,
        "adaptive_allocations": {
            "enabled": True,
            "min_number_of_allocations": 0,
            "max_number_of_allocations": 8,
        },
    },
    connection=cluster,
)
rerank = inference.InferenceEndpoint(
    "rerank",
    inference_id="cohere-rerank",
    task_type="rerank",
    service="cohere",
    service_settings={"model_id": "rerank-v3.5", "api_key": cfg.require_secret("cohereApiKey")},
    connection=cluster,
)
pulumi.export("elasticsearch_url", deployment.elasticsearch.https_endpoint)
pulumi.export("elser_endpoint", elser.inference_id)
pulumi.export("rerank_endpoint", rerank.inference_id)
