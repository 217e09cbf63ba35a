"""The example programs (examples/*/__main__.py) under ``pulumi.runtime.set_mocks``.

They run unchanged, with their stack config set; the mocked engine records what every resource
registered. Checked: the endpoints each example declares, their readable settings, the
connection wired from where the example says, and every credential inside the secret
``secrets`` property only.
"""

from __future__ import annotations

import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from tests.unit.test_resource_mocks import RecordingMocks, readable, run_program, secret

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEPLOYMENT_TYPE = "ec:index/deployment:Deployment"


def example(name: str) -> Callable[[], None]:
    def program() -> None:
        runpy.run_path(str(EXAMPLES / name / "__main__.py"), run_name="__main__")

    return program


class ElasticCloudMocks(RecordingMocks):
    """An ec.Deployment answers with its endpoint and generated credentials.

    The password comes back *not* marked secret (the mock monitor ignores the deployment's
    additional_secret_outputs): the endpoints must keep it secret on their own.
    """

    URL = "https://0123abcd.europe-west1.gcp.cloud.es.io:443"
    USERNAME = "elastic"
    PASSWORD = "generated-deployment-password"

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        resource_id, state = super().new_resource(args)
        if args.typ == DEPLOYMENT_TYPE:
            elasticsearch = dict(state.get("elasticsearch") or {})
            elasticsearch["httpsEndpoint"] = self.URL
            state.update(
                elasticsearch=elasticsearch,
                elasticsearchUsername=self.USERNAME,
                elasticsearchPassword=self.PASSWORD,
            )
        return resource_id, state


def test_elastic_cloud_wires_the_connection_from_the_deployment_and_keeps_credentials_secret() -> (
    None
):
    run = run_program(
        example("elastic-cloud"),
        project="inference-elastic-cloud",
        mocks_=ElasticCloudMocks(),
        config={"region": "aws-us-east-1"},
        secret_config={"cohereApiKey": "cohere-key-from-config"},
    )

    assert run.types["search"] == DEPLOYMENT_TYPE
    assert run.inputs["search"]["region"] == "aws-us-east-1"
    for name in ("elser", "rerank"):
        props = run.props(name)
        assert readable(props["connection"]) == {
            "url": ElasticCloudMocks.URL,
            "username": ElasticCloudMocks.USERNAME,
        }, name
        assert secret(props["secrets"])["connection"] == {"password": ElasticCloudMocks.PASSWORD}
        # Wired from the deployment's outputs: the engine orders the endpoint after it.
        dependencies = run.requests[name].propertyDependencies
        for prop in ("connection", "secrets"):
            assert any(urn.endswith("::search") for urn in dependencies[prop].urns), (name, prop)
        assert any(urn.endswith("::search") for urn in run.requests[name].dependencies)
        assert ElasticCloudMocks.PASSWORD not in repr(
            {key: value for key, value in props.items() if key != "secrets"}
        )

    elser = run.props("elser")
    assert readable(elser["service_settings"]) == {
        "model_id": ".elser_model_2_linux-x86_64",
        "num_threads": 1,
        "adaptive_allocations": {
            "enabled": True,
            "min_number_of_allocations": 0,
            "max_number_of_allocations": 8,
        },
    }
    assert (elser["inference_id"], elser["task_type"], elser["service"]) == (
        "elser-v2",
        "sparse_embedding",
        "elasticsearch",
    )
    rerank = run.props("rerank")
    assert readable(rerank["service_settings"]) == {"model_id": "rerank-v3.5"}
    assert secret(rerank["secrets"])["service_settings"] == {"api_key": "cohere-key-from-config"}
    assert run.warnings == []


def test_elastic_cloud_needs_the_cohere_key_in_config() -> None:
    with pytest.raises(pulumi.ConfigMissingError, match="cohereApiKey"):
        run_program(
            example("elastic-cloud"), project="inference-elastic-cloud", mocks_=ElasticCloudMocks()
        )


def test_quickstart_declares_one_embedding_endpoint_with_its_key_secret() -> None:
    run = run_program(
        example("quickstart"),
        project="inference-quickstart",
        secret_config={"openaiApiKey": "sk-quickstart"},
    )
    props = run.props("embeddings")
    assert (props["inference_id"], props["task_type"], props["service"]) == (
        "openai-embeddings",
        "text_embedding",
        "openai",
    )
    assert readable(props["service_settings"]) == {"model_id": "text-embedding-3-small"}
    assert secret(props["secrets"]) == {"service_settings": {"api_key": "sk-quickstart"}}
    # The cluster comes from stack config elasticsearch:* at deploy time, not from props.
    assert props.get("connection") is None
    assert list(run.requests["embeddings"].additionalSecretOutputs) == ["secrets"]


@pytest.mark.parametrize(
    ("env", "allocations", "force_delete"),
    [("dev", "1", None), ("prod", "4", "true")],
)
def test_multi_env_stacks_differ_only_by_their_config(
    env: str, allocations: str, force_delete: str | None
) -> None:
    config = {
        "idPrefix": env,
        "esUrl": f"https://{env}.es.example.com:9200",
        "elserAllocations": allocations,
    }
    if force_delete is not None:
        config["forceDelete"] = force_delete
    run = run_program(
        example("multi-env"),
        project="inference-multi-env",
        stack=env,
        config=config,
        secret_config={"esApiKey": f"es-key-{env}", "openaiApiKey": f"sk-{env}"},
    )

    elser = run.props("elser")
    assert elser["inference_id"] == f"{env}-elser"
    assert readable(elser["service_settings"]) == {
        "model_id": ".elser_model_2",
        "num_threads": 1,
        "num_allocations": int(allocations),
    }
    assert elser["deployment_timeout"] == "30m"
    embeddings = run.props("embeddings")
    assert embeddings["inference_id"] == f"{env}-openai-embeddings"
    assert readable(embeddings["service_settings"]) == {"model_id": "text-embedding-3-small"}
    assert embeddings.get("force_delete") is (True if force_delete == "true" else None)
    assert secret(embeddings["secrets"]) == {
        "service_settings": {"api_key": f"sk-{env}"},
        "connection": {"api_key": f"es-key-{env}"},
    }
    for props in (elser, embeddings):
        assert readable(props["connection"]) == {"url": f"https://{env}.es.example.com:9200"}
        assert secret(props["secrets"])["connection"] == {"api_key": f"es-key-{env}"}
