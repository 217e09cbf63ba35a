"""``chunking_settings``: strategies, their limits, the default, and validation.

Limits as the x-pack inference plugin enforces them: ``sentence`` needs max_chunk_size >= 20
(clusters from 8.16 to mid-2025 also capped it at 300; newer ones do not, so no cap here)
and sentence_overlap 0 or 1; ``word`` needs max_chunk_size 10..300 and overlap
1..max_chunk_size/2; ``recursive`` needs max_chunk_size 10..300 and takes separators or a
separator_group (plaintext, markdown), not both; ``none`` takes nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final

from .._naming import closest, unknown_setting
from .._pulumi_wire import is_unknown
from ._fields import integer
from ._model import EMBEDDING_TASK_TYPES, FieldSpec, Issue, known_int

PATH = "chunking_settings"

DEFAULT_CHUNKING: Final[Mapping[str, Any]] = MappingProxyType(
    {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}
)
"""What the cluster stores for an embedding endpoint created without chunking settings.

(Endpoints created before 8.16 store none and behave as word/250/overlap 100.)
"""

SEPARATOR_GROUPS: Final[tuple[str, ...]] = ("plaintext", "markdown")

CHUNKING_STRATEGIES: Final[Mapping[str, tuple[FieldSpec, ...]]] = MappingProxyType(
    {
        "sentence": (
            integer(
                "max_chunk_size",
                "Maximum words per chunk (at least 20).",
                minimum=20,
                required=True,
                default=250,
            ),
            integer(
                "sentence_overlap",
                "Sentences shared by consecutive chunks: 0 or 1.",
                minimum=0,
                maximum=1,
                default=1,
            ),
        ),
        "word": (
            integer(
                "max_chunk_size",
                "Maximum words per chunk (10 to 300).",
                minimum=10,
                maximum=300,
                required=True,
            ),
            integer(
                "overlap",
                "Words shared by consecutive chunks (1 to half of max_chunk_size).",
                minimum=1,
                required=True,
            ),
        ),
        "recursive": (
            integer(
                "max_chunk_size",
                "Maximum words per chunk (10 to 300).",
                minimum=10,
                maximum=300,
                required=True,
            ),
            FieldSpec(
                "separators",
                "list",
                "Split points tried in order (strings or regular expressions).",
                items="string",
            ),
            FieldSpec(
                "separator_group",
                "string",
                "Predefined separators: plaintext or markdown (instead of separators).",
                choices=SEPARATOR_GROUPS,
            ),
        ),
        "none": (),
    }
)
"""Keys each strategy accepts besides ``strategy``."""


def default_chunking_settings(task_type: str) -> dict[str, Any] | None:
    """The chunking settings the cluster adds for ``task_type`` (a fresh dict), else None."""
    if task_type in EMBEDDING_TASK_TYPES:
        return dict(DEFAULT_CHUNKING)
    return None


def validate_chunking(chunking: object, task_type: str | None, check_field: Any) -> Iterator[Issue]:
    """Issues of a ``chunking_settings`` value; ``check_field`` checks one key's value."""
    if chunking is None or is_unknown(chunking):
        return
    if not isinstance(chunking, Mapping):
        yield Issue(
            PATH,
            "chunking_settings must be an object, e.g. "
            "{'strategy': 'sentence', 'max_chunk_size': 250, 'sentence_overlap': 1}",
        )
        return
    if task_type is not None and task_type not in EMBEDDING_TASK_TYPES:
        kinds = ", ".join(sorted(EMBEDDING_TASK_TYPES))
        yield Issue(
            PATH,
            f"chunking_settings apply only to {kinds} endpoints, not {task_type}; remove them",
        )
        return
    if not chunking:
        return  # {} means "the default"
    strategy = chunking.get("strategy")
    if is_unknown(strategy):
        return
    checked = _checked_strategy(strategy)
    if isinstance(checked, Issue):
        yield checked
        return
    yield from _key_issues(checked, chunking, check_field)
    yield from _cross(checked, chunking)


def _checked_strategy(strategy: object) -> str | Issue:
    """The strategy's name, or the issue that it is missing or unknown."""
    if strategy is None:
        return Issue(
            f"{PATH}.strategy",
            "missing 'strategy' (one of sentence, word, recursive, none)",
        )
    if not isinstance(strategy, str) or strategy not in CHUNKING_STRATEGIES:
        hint = ""
        if isinstance(strategy, str) and strategy.strip().lower() in CHUNKING_STRATEGIES:
            hint = f"; write it as '{strategy.strip().lower()}'"
        return Issue(
            f"{PATH}.strategy",
            f"unknown chunking strategy {strategy!r}; use one of "
            f"{', '.join(CHUNKING_STRATEGIES)}{hint}",
        )
    return strategy


def _key_issues(strategy: str, chunking: Mapping[str, Any], check_field: Any) -> Iterator[Issue]:
    """Unknown keys, bad values and missing required keys of one strategy's settings."""
    specs = {spec.name: spec for spec in CHUNKING_STRATEGIES[strategy]}
    for key, value in chunking.items():
        if key == "strategy":
            continue
        spec = specs.get(key)
        if spec is None:
            close = closest(key, specs)
            yield Issue(
                f"{PATH}.{key}",
                unknown_setting(key, f"for chunking strategy '{strategy}'", close, specs),
                suggests=close and f"{PATH}.{close}",
            )
            continue
        yield from check_field(f"{PATH}.{key}", spec, value)
    for spec in specs.values():
        if spec.required and chunking.get(spec.name) is None:
            yield Issue(
                f"{PATH}.{spec.name}",
                f"chunking strategy '{strategy}' requires '{spec.name}' ({spec.description})",
            )


def _cross(strategy: str, chunking: Mapping[str, Any]) -> Iterator[Issue]:
    if strategy == "word":
        size = known_int(chunking.get("max_chunk_size"))
        overlap = known_int(chunking.get("overlap"))
        if size is not None and overlap is not None and overlap > size // 2:
            yield Issue(
                f"{PATH}.overlap",
                f"overlap ({overlap}) must be at most half of max_chunk_size ({size}), "
                f"i.e. {size // 2} or less",
            )
    elif strategy == "recursive":
        separators = chunking.get("separators")
        if chunking.get("separator_group") is not None and separators is not None:
            yield Issue(
                f"{PATH}.separators",
                "give either separators or separator_group, not both",
            )
        if isinstance(separators, list | tuple) and not separators:
            yield Issue(
                f"{PATH}.separators",
                "separators must not be empty; list split points or use separator_group",
            )
