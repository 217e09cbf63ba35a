"""Names in the written program, derived from inference ids.

- the Pulumi resource name is the inference id itself (what ``pulumi preview`` shows is what
  the cluster calls the endpoint);
- the Python variable is the id in snake_case (``openai-embeddings`` -> ``openai_embeddings``);
- a secret's stack config key is the id and the setting in camelCase
  (``openai-embeddings`` + ``api_key`` -> ``openaiEmbeddingsApiKey``).

Ids map to names many-to-one (``a-b`` and ``a_b``), so each :class:`Names` hands out a name
once and adds ``2``, ``3``... to later ones.
"""

from __future__ import annotations

import keyword
import re

_WORDS = re.compile(r"[a-z0-9]+", re.IGNORECASE)

RESERVED = frozenset({"pulumi", "inference", "es", "config"})
"""Module-level names the program itself uses."""


def _words(text: str) -> list[str]:
    return _WORDS.findall(text)


def python_stem(inference_id: str) -> str:
    """``openai-embeddings`` -> ``openai_embeddings``; a valid, non-keyword identifier."""
    stem = "_".join(word.lower() for word in _words(inference_id)) or "endpoint"
    if stem[0].isdigit():
        stem = f"endpoint_{stem}"
    if keyword.iskeyword(stem) or keyword.issoftkeyword(stem) or stem in RESERVED:
        stem = f"{stem}_endpoint"
    return stem


def config_stem(inference_id: str, setting: str) -> str:
    """``openai-embeddings``, ``api_key`` -> ``openaiEmbeddingsApiKey``."""
    words = [word.lower() for word in _words(inference_id)] or ["endpoint"]
    words += [word.lower() for word in _words(setting)]
    return words[0] + "".join(word.capitalize() for word in words[1:])


class Names:
    """Hands out unique names: the first asker of a stem gets it, later ones a number."""

    def __init__(self, taken: frozenset[str] = frozenset()) -> None:
        self._taken: set[str] = set(taken)

    @property
    def taken(self) -> frozenset[str]:
        return frozenset(self._taken)

    def claim(self, stem: str, *, separator: str = "_") -> str:
        name, number = stem, 1
        while name in self._taken:
            number += 1
            name = f"{stem}{separator}{number}"
        self._taken.add(name)
        return name
