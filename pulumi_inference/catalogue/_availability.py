"""Since which Elasticsearch version each service, task type and setting is accepted.

The data comes from the official specification (``tests/fixtures/es_spec_types/availability.json``,
written by ``scripts/extract-es-spec-types --availability``); where Elasticsearch's own source
says otherwise it decides, and docs/catalogue-vs-spec.md lists each such departure.
``tests/unit/test_availability_vs_es_spec.py`` holds this table to the extract.

A first version is a tuple of floors, one per release line: ``8.19.0 9.1.0`` is accepted by
8.19 and later 8.x releases and by 9.1 and later (9.0 lacks it). A version of a line that has
no floor is accepted when an earlier line has one. ``None`` (the version is not known) and
Serverless are the newest cluster.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from .._version import Version, format_version, parse_version
from ._model import Issue


@dataclass(frozen=True)
class Since:
    """The first versions that accept something, one per release line, ascending."""

    floors: tuple[Version, ...]

    @classmethod
    def parse(cls, text: str) -> Since:
        floors = tuple(parse_version(part) for part in text.split())
        if not floors or any(floor is None for floor in floors):
            raise ValueError(f"not a list of versions: {text!r}")
        return cls(tuple(sorted(floor for floor in floors if floor is not None)))

    def accepts(self, version: Version | None) -> bool:
        if version is None:
            return True
        same_line = [floor for floor in self.floors if floor[0] == version[0]]
        if same_line:
            return tuple(version) >= same_line[0]
        return any(floor[0] < version[0] for floor in self.floors)

    def needed_by(self, version: Version) -> Version:
        """The floor to name to a cluster of ``version``: its own line's, else the first."""
        same_line = [floor for floor in self.floors if floor[0] == version[0]]
        later = [floor for floor in self.floors if floor[0] > version[0]]
        return (same_line or later or list(self.floors))[0]

    def __str__(self) -> str:
        return " / ".join(format_version(floor) for floor in self.floors)


_TABLE: Final[Mapping[str, Mapping[str, str]]] = {
    # service: {"": the service, "task_types.<t>" / "service_settings.<k>" /
    #           "task_settings.<k>": only where later than the service}
    "ai21": {"": "9.2.0"},
    "alibabacloud-ai-search": {"": "8.16.0"},
    "amazon_sagemaker": {"": "8.19.0 9.1.0"},
    "amazonbedrock": {"": "8.15.0", "task_types.chat_completion": "9.4.0"},
    "anthropic": {"": "8.15.0", "task_types.chat_completion": "9.5.0"},
    "azureaistudio": {
        "": "8.15.0",
        "task_types.rerank": "9.2.0",
        "task_settings.return_documents": "9.2.0",
        "task_settings.top_n": "9.2.0",
    },
    "azureopenai": {
        "": "8.14.0",
        "task_types.chat_completion": "9.3.0",
        "service_settings.client_id": "9.4.0",
        "service_settings.client_secret": "9.4.0",
        "service_settings.scopes": "9.4.0",
        "service_settings.tenant_id": "9.4.0",
        "task_settings.headers": "9.4.0",
        "task_types.completion": "8.15.0",
    },
    "cohere": {"": "8.13.0", "task_types.completion": "8.15.0"},
    "contextualai": {"": "9.2.0"},
    "custom": {"": "8.19.0 9.1.0"},
    "deepseek": {"": "8.19.0 9.1.0"},
    "elastic": {
        "": "8.18.0",
        "task_types.sparse_embedding": "9.1.0",
        "task_types.text_embedding": "9.3.0",
        "task_types.rerank": "9.3.0",
        "task_types.embedding": "9.4.0",
    },
    "elasticsearch": {
        "": "8.13.0",
        "service_settings.long_document_strategy": "9.2.0",
        "service_settings.max_chunks_per_doc": "9.2.0",
    },
    "elser": {"": "8.11.0"},
    "fireworksai": {"": "9.4.0"},
    "googleaistudio": {"": "8.15.0"},
    "googlevertexai": {
        "": "8.15.0",
        "task_types.chat_completion": "8.19.0 9.1.0",
        "task_types.completion": "8.19.0 9.1.0",
        "service_settings.dimensions": "9.2.0",
        "service_settings.max_batch_size": "9.4.0",
        "service_settings.provider": "9.2.0",
        "service_settings.streaming_url": "9.2.0",
        "service_settings.url": "9.2.0",
        "task_settings.max_tokens": "9.2.0",
        "task_settings.thinking_config": "9.2.0",
    },
    "groq": {"": "9.3.0"},
    "hugging_face": {
        "": "8.12.0",
        "task_types.chat_completion": "8.19.0 9.1.0",
        "task_types.completion": "8.19.0 9.1.0",
        "task_types.rerank": "8.19.0 9.1.0",
        "service_settings.model_id": "8.19.0 9.1.0",
        "task_settings.return_documents": "8.19.0 9.1.0",
        "task_settings.top_n": "8.19.0 9.1.0",
    },
    "jinaai": {
        "": "8.18.0",
        "task_types.embedding": "9.4.0",
        "service_settings.dimensions": "8.19.0 9.1.0",
        "service_settings.embedding_type": "8.19.0 9.1.0",
        "service_settings.multimodal_model": "9.4.0",
        "task_settings.input_type": "9.4.0",
        "task_settings.late_chunking": "9.4.0",
    },
    "llama": {"": "9.2.0"},
    "mistral": {
        "": "8.15.0",
        "task_types.chat_completion": "8.19.0 9.1.0",
        "task_types.completion": "8.19.0 9.1.0",
    },
    "nvidia": {"": "9.3.0"},
    "openai": {
        "": "8.12.0",
        "task_types.chat_completion": "8.18.0",
        "task_types.embedding": "9.5.0",
        "service_settings.client_id": "9.5.0",
        "service_settings.client_secret": "9.5.0",
        "service_settings.scopes": "9.5.0",
        "service_settings.token_url": "9.5.0",
        "task_settings.headers": "9.2.0",
    },
    "openshift_ai": {"": "9.3.0"},
    "voyageai": {"": "8.19.0"},
    "watsonxai": {
        "": "8.16.0",
        "task_types.chat_completion": "9.1.0",
        "task_types.completion": "9.1.0",
        "task_types.rerank": "8.19.0 9.1.0",
    },
}

AVAILABILITY: Final[Mapping[str, Mapping[str, Since]]] = MappingProxyType(
    {
        service: MappingProxyType({path: Since.parse(text) for path, text in entries.items()})
        for service, entries in _TABLE.items()
    }
)
"""Per service, the first versions of the service ("") and of what came later than it."""

PUT_TIMEOUT_SINCE: Final[Since] = Since.parse("8.19.0 9.1.0")
"""``PUT /_inference/...?timeout``: Elasticsearch reads it since 8.19 and 9.1
(``INFERENCE_ADD_TIMEOUT_PUT_ENDPOINT``); the specification shows it from its 8.18 branch."""

UPDATE_TIMEOUT_SINCE: Final[Since] = Since.parse("9.5.0")
"""``PUT /_inference/.../_update?timeout``: the specification's ``@availability since=9.5.0``."""


def since(service: str, path: str = "") -> Since | None:
    """The first versions of ``service`` (``path`` ""), or of one of its task types
    (``task_types.<t>``) or settings (``service_settings.<k>``, ``task_settings.<k>``);
    ``None`` for a service the catalogue does not know."""
    entries = AVAILABILITY.get(service)
    if entries is None:
        return None
    return entries.get(path, entries[""])


def _needs(what: tuple[str, str], required: Since, version: Version, cluster: str) -> Issue:
    return Issue(
        what[0],
        f"{what[1]} needs Elasticsearch {format_version(required.needed_by(version))} or "
        f"later; {cluster} runs {format_version(version)}",
    )


def unavailable(
    service: str,
    task_type: str,
    settings: Mapping[str, Iterable[str]],
    version: Version | None,
    *,
    cluster: str = "the cluster",
) -> list[Issue]:
    """What a cluster of ``version`` would refuse in this declaration, most basic first.

    ``settings``: the declared keys per section (``service_settings``, ``task_settings``).
    One issue at most, the most basic: a service it lacks (nothing else can be judged then),
    else a task type it lacks, else every setting it lacks, named together on one line.
    An unknown service or version: nothing.
    """
    service_since = since(service)
    if service_since is None or version is None:
        return []
    if not service_since.accepts(version):
        return [_needs(("service", f"service '{service}'"), service_since, version, cluster)]
    task_since = since(service, f"task_types.{task_type}")
    if task_since is not None and not task_since.accepts(version):
        what = ("task_type", f"task type '{task_type}' of service '{service}'")
        return [_needs(what, task_since, version, cluster)]
    lacking = sorted(
        (f"{section}.{key}", key_since)
        for section, keys in settings.items()
        for key in keys
        if (key_since := since(service, f"{section}.{key}")) is not None
        and not key_since.accepts(version)
    )
    if not lacking:
        return []
    needed = max(key_since.needed_by(version) for _, key_since in lacking)
    paths = ", ".join(path for path, _ in lacking)
    verb = "needs" if len(lacking) == 1 else "need"
    return [
        Issue(
            lacking[0][0],
            f"{paths} of service '{service}' {verb} Elasticsearch {format_version(needed)} or "
            f"later; {cluster} runs {format_version(version)}",
        )
    ]
