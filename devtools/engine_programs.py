"""Inline Pulumi programs and emulator helpers for the engine tests (tests/engine/test_engine*.py).

A program is built from *declarations*: a dict of resource name -> keyword arguments of
``InferenceEndpoint``. Tests mutate the declarations between two engine runs (the program
closure reads them when the engine runs it). A leaf value that is a callable is called inside
the running program, for what only exists there (``pulumi.Config().require_secret(...)``).
"""

from __future__ import annotations

import base64
import copy
import json
import runpy
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pulumi
from pulumi import automation as auto

import pulumi_inference as inference
import pulumi_inference.native as native_es
from pulumi_inference.connection import FIELDS_BY_NAME
from pulumi_inference.emulator import ApiKey, Emulator, EmulatorConfig
from pulumi_inference.properties import BY_NAME, NATIVE_PACKAGE, PROPERTIES

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PRECONFIGURED_IDS = frozenset(
    {".elser-2-elasticsearch", ".multilingual-e5-small-elasticsearch", ".rerank-v1-elasticsearch"}
)
# The cluster's API key: "id:key" as the emulator knows it, base64 as clients send it.
API_KEY_ID = "engine-tests"
API_KEY_RAW = f"{API_KEY_ID}:cluster-key-{uuid.uuid4().hex}"
API_KEY = base64.b64encode(API_KEY_RAW.encode()).decode()
CLUSTER_API_KEYS = (ApiKey(API_KEY_RAW, name=API_KEY_ID),)

Declarations = dict[str, dict[str, Any]]


def unique(prefix: str) -> str:
    """An inference id prefix no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def secret_value(label: str) -> str:
    """A credential that is easy to find in a state file if it ever leaks there."""
    return f"{label}-LEAKCHECK-{uuid.uuid4().hex}"


def _resolve(value: Any) -> Any:
    if callable(value) and not isinstance(value, type):
        return value()
    if isinstance(value, Mapping):
        return {key: _resolve(item) for key, item in value.items()}
    return value


def program_of(
    declarations: Declarations,
    connection: Callable[[], inference.Connection | None] | None = None,
) -> Callable[[], None]:
    """An inline program declaring one ``InferenceEndpoint`` per entry of ``declarations``."""
    return DYNAMIC.program(declarations, connection)


@dataclass(frozen=True)
class Door:
    """A front end: the dynamic ``InferenceEndpoint`` or the native plugin's resource.

    The same declarations (keyword arguments of ``InferenceEndpoint``) make the same
    endpoints through either; the cluster comes from a ``Connection`` on each resource
    (dynamic) or from one explicit ``Provider`` (native), else from config or environment.
    """

    name: str

    @property
    def native(self) -> bool:
        return self.name == "native"

    def config_key(self, field: str) -> str:
        """The stack config key of a connection field (``url`` -> ``elasticsearch:url``)."""
        namespace = NATIVE_PACKAGE if self.native else "elasticsearch"
        return f"{namespace}:{FIELDS_BY_NAME[field].config_key}"

    def program(
        self,
        declarations: Declarations,
        connection: Callable[[], inference.Connection | None] | None = None,
    ) -> Callable[[], None]:
        def program() -> None:
            provider = None
            if self.native and connection is not None:
                provider = native_es.Provider("cluster", connection())
            for name, declared in declarations.items():
                kwargs = _resolve(copy.deepcopy(declared))
                if not self.native:
                    if connection is not None and "connection" not in kwargs:
                        kwargs["connection"] = connection()
                    inference.InferenceEndpoint(name, **kwargs)
                    continue
                kwargs.pop("connection", None)
                opts = kwargs.pop("opts", None)  # a declaration's own options (protect, ...)
                if provider:
                    explicit = pulumi.ResourceOptions(provider=provider)
                    opts = pulumi.ResourceOptions.merge(opts, explicit)
                native_es.InferenceEndpoint(name, **kwargs, opts=opts)

        return program

    def word(self, name: str) -> str:
        """A property name as this front end's users write it (``forceDelete`` natively)."""
        return BY_NAME[name].native_name if self.native else name

    def said(self, name: str) -> str:
        """A property name as a message says it to these programs: Python ones (inline, or
        projects of runtime python), so Python's spelling through both doors; the native door
        spells names as the program's language does (``forceDelete`` to YAML)."""
        return name

    def around(self, endpoints: int, *, explicit_cluster: bool = True) -> int:
        """Resources of a stack with ``endpoints``: plus the stack, plus the native door's
        explicit provider when the program names the cluster."""
        return endpoints + 1 + (1 if self.native and explicit_cluster else 0)

    def state_props(self, resource: Mapping[str, Any], side: str) -> dict[str, Any]:
        """An exported resource's inputs or outputs with snake_case names."""
        return {_SNAKE.get(key, key): value for key, value in resource[side].items()}


_SNAKE = {prop.native_name: prop.name for prop in PROPERTIES}
DYNAMIC, NATIVE = Door("dynamic"), Door("native")
DOORS = (DYNAMIC, NATIVE)


def example_program(name: str) -> Callable[[], None]:
    """An example project's ``__main__.py`` as an inline program."""
    path = EXAMPLES / name / "__main__.py"

    def program() -> None:
        runpy.run_path(str(path), run_name="__main__")

    return program


def several_services(prefix: str, keys: Mapping[str, str]) -> Declarations:
    """openai embeddings, cohere rerank, an E5 deployment, custom and azureopenai endpoints.

    ``keys`` holds the plain api keys of openai, azureopenai and custom; cohere's comes from
    the secret stack config ``cohereApiKey``.
    """
    return {
        "openai": {
            "inference_id": f"{prefix}-openai",
            "task_type": "text_embedding",
            "service": "openai",
            "service_settings": {"model_id": "text-embedding-3-small", "api_key": keys["openai"]},
            "task_settings": {"user": "engine-tests"},
        },
        "rerank": {
            "inference_id": f"{prefix}-rerank",
            "task_type": "rerank",
            "service": "cohere",
            "service_settings": {
                "model_id": "rerank-v3.5",
                "api_key": lambda: pulumi.Config().require_secret("cohereApiKey"),
            },
            "task_settings": {"top_n": 3, "return_documents": True},
        },
        "e5": {
            "inference_id": f"{prefix}-e5",
            "task_type": "text_embedding",
            "service": "elasticsearch",
            "service_settings": {
                "model_id": ".multilingual-e5-small",
                "num_allocations": 1,
                "num_threads": 1,
            },
        },
        "custom": _custom_rerank(f"{prefix}-custom", keys["custom"]),
        "azure": {
            "inference_id": f"{prefix}-azure",
            "task_type": "text_embedding",
            "service": "azureopenai",
            "service_settings": {
                "resource_name": "engine-tests",
                "deployment_id": "embeddings",
                "api_version": "2024-02-01",
                "api_key": keys["azure"],
            },
        },
    }


def _custom_rerank(inference_id: str, api_key: str) -> dict[str, Any]:
    """A ``custom`` rerank endpoint whose request sends ``api_key`` as a secret parameter."""
    return {
        "inference_id": inference_id,
        "task_type": "rerank",
        "service": "custom",
        "service_settings": {
            "url": "https://rerank.example.com/v1/rerank",
            "headers": {"Authorization": "Bearer ${api_key}"},
            "request": '{"query": ${query}, "documents": ${input}}',
            "response": {
                "json_parser": {
                    "reranked_index": "$.results[*].index",
                    "relevance_score": "$.results[*].relevance_score",
                }
            },
            "secret_parameters": {"api_key": api_key},
        },
    }


def e5_deployment(inference_id: str, **overrides: Any) -> dict[str, Any]:
    """An ``elasticsearch`` endpoint deploying E5 with one allocation and one thread."""
    declared: dict[str, Any] = {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_threads": 1,
            "num_allocations": 1,
        },
    }
    declared.update(overrides)
    return declared


def openai_embeddings(inference_id: str, api_key: str, **overrides: Any) -> dict[str, Any]:
    declared: dict[str, Any] = {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": api_key},
        "task_settings": {"user": "engine-tests"},
    }
    declared.update(overrides)
    return declared


# -- the engine's answers ---------------------------------------------------------------


def changes(summary: Mapping[Any, int] | None) -> dict[str, int]:
    """A preview's change summary or an update's resource changes, without "same"."""
    plain = {getattr(op, "value", op): count for op, count in (summary or {}).items()}
    return {op: count for op, count in plain.items() if op != "same" and count}


def preview_changes(stack: auto.Stack, **kwargs: Any) -> dict[str, int]:
    return changes(stack.preview(color="never", **kwargs).change_summary)


def up_changes(stack: auto.Stack, **kwargs: Any) -> dict[str, int]:
    result = stack.up(color="never", **kwargs)
    return changes(result.summary.resource_changes)


def exported_endpoints(export_text: str) -> dict[str, dict[str, Any]]:
    """The endpoints in a `pulumi stack export`, by resource name."""
    deployment = json.loads(export_text)["deployment"]
    found = {}
    for resource in deployment.get("resources") or []:
        if resource["type"].endswith(":InferenceEndpoint"):
            found[resource["urn"].rsplit("::", 1)[1]] = resource
    return found


SIG_KEY = "4dabf18193072939515e22adb298388d"
"""Pulumi's special-signature key: an exported mapping holding it is a secret."""


def is_secret(value: Any) -> bool:
    """Whether an exported value is an (encrypted) Pulumi secret."""
    return isinstance(value, Mapping) and SIG_KEY in value


# -- the cluster ------------------------------------------------------------------------


def keyed_config(**settings: Any) -> EmulatorConfig:
    """The engine tests' ``emulator_config``: a cluster that requires ``API_KEY``."""
    return EmulatorConfig(api_keys=CLUSTER_API_KEYS, **settings)


@dataclass
class Cluster:
    """The emulator with an API key required, plus a recording of the request bodies."""

    emulator: Emulator
    api_key: str = API_KEY
    bodies: list[tuple[str, str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.emulator.url

    def connection(self) -> inference.Connection:
        return inference.Connection(url=self.url, api_key=self.api_key)

    def http(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"ApiKey {self.api_key}"}, timeout=10
        )

    def get(self, path: str) -> httpx.Response:
        with self.http() as client:
            return client.get(path)

    def put(self, path: str, body: Any) -> httpx.Response:
        with self.http() as client:
            return client.put(path, json=body)

    def endpoint(self, inference_id: str) -> dict[str, Any] | None:
        """GET /_inference/{id} over HTTP, as a user would check; ``None`` when absent."""
        response = self.get(f"/_inference/{inference_id}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        endpoints: list[dict[str, Any]] = response.json()["endpoints"]
        return endpoints[0]

    def all_ids(self) -> list[str]:
        response = self.get("/_inference/_all")
        response.raise_for_status()
        return sorted(e["inference_id"] for e in response.json()["endpoints"])

    def hand_edit(self, inference_id: str, edit: Mapping[str, Any]) -> dict[str, Any]:
        """A change made by hand on the cluster (the control plane needs no credentials)."""
        response = httpx.post(f"{self.url}/_emulator/endpoints/{inference_id}/edit", json=edit)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def requests(self) -> list[dict[str, Any]]:
        return self.emulator.requests()

    def inference_requests(self) -> list[tuple[str, str]]:
        """(method, path) of the inference API calls that can change something: the
        read-only look-ups of a preview (``DELETE ...?dry_run=true``) are left out."""
        return [
            (entry["method"], entry["path"])
            for entry in self.requests()
            if entry["path"].startswith("/_inference") and "dry_run=true" not in entry["query"]
        ]

    def dry_runs(self) -> list[str]:
        """Paths of the read-only ``DELETE ...?dry_run=true`` look-ups since the last clear."""
        return [
            entry["path"]
            for entry in self.requests()
            if entry["method"] == "DELETE" and "dry_run=true" in entry["query"]
        ]

    def clear(self) -> None:
        self.emulator.clear_requests()
        self.bodies.clear()

    def record_bodies(self) -> None:
        """Keep (method, path, body) of every Elasticsearch request (the log has no bodies)."""
        api = self.emulator.api
        original = api.handle

        def recording(req: Any) -> Any:
            self.bodies.append((req.method, req.path, req.body))
            return original(req)

        api.handle = recording  # type: ignore[method-assign]
