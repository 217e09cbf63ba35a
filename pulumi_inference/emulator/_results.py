"""What an inference call computes: deterministic functions of the input and the model.

The rules (README.md, "Inference results", states them for users to assert on):

- **Words**: the input lower-cased, split into runs of letters and digits (``"Star-Wars!"`` is
  ``star``, ``wars``).
- **Dense vectors** (``text_embedding``, ``embedding``): feature hashing. Each word and, with
  weight 1/4, the whole text are features; a feature adds a unit vector with four entries of
  ±1/2 at positions and signs drawn from SHA-256 of the model seed and the feature; the sum is
  scaled to length 1. Two texts' cosine similarity is therefore, up to hash collisions, the
  cosine of their word counts (the whole-text term keeps different texts apart):
  ``Σ a(w)·b(w) / √((Σ a(w)² + 1/16)(Σ b(w)² + 1/16))``.
- **Sparse vectors** (``sparse_embedding``): each distinct word weighs its count plus a fraction
  in [0, 1) fixed by the model seed and the word.
- **Rerank**: a document's score is the share of the query's distinct words it contains.
- **Completion**: the input in upper case, streamed word by word.

The model seed is ``service/model``, so two endpoints of one model answer alike.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+")
_PROBES = 4
WHOLE_TEXT_WEIGHT = 0.25


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _digest(seed: str, feature: str) -> bytes:
    return hashlib.sha256(f"{seed}\x00{feature}".encode()).digest()


def dense_vector(seed: str, text: str, dims: int) -> list[float]:
    """A unit vector of ``dims`` floats for ``text`` (see the module's rules)."""
    acc = [0.0] * dims
    features: list[tuple[str, float]] = [(w, 1.0) for w in words(text)]
    features.append(("\x01" + text, WHOLE_TEXT_WEIGHT))
    for feature, weight in features:
        digest = _digest(seed, feature)
        for probe in range(_PROBES):
            chunk = int.from_bytes(digest[4 * probe : 4 * probe + 4], "big")
            sign = 0.5 if chunk & 1 else -0.5
            acc[(chunk >> 1) % dims] += sign * weight
    norm = math.sqrt(sum(v * v for v in acc)) or 1.0
    return [round(v / norm, 7) for v in acc]


def as_bytes(vector: list[float]) -> list[int]:
    """``byte``/``int8`` embeddings: each value times 127, rounded."""
    return [max(-128, min(127, round(v * 127))) for v in vector]


def as_bits(vector: list[float]) -> list[int]:
    """``bit``/``binary`` embeddings: the signs packed eight to a signed byte."""
    out = []
    for start in range(0, len(vector), 8):
        byte = 0
        for offset, value in enumerate(vector[start : start + 8]):
            if value > 0:
                byte |= 0x80 >> offset
        out.append(byte - 256 if byte > 127 else byte)
    return out


@dataclass(frozen=True)
class SparseResult:
    weights: dict[str, float]
    truncated: bool


def sparse_vector(seed: str, text: str, limit: int | None) -> SparseResult:
    """Word weights (count plus a fixed fraction), heaviest first; ``limit`` words at most."""
    found = words(text)
    truncated = limit is not None and len(found) > limit
    counts = Counter(found[:limit] if limit is not None else found)
    weights = {
        word: round(count + int.from_bytes(_digest(seed, word)[:4], "big") / 2**32, 7)
        for word, count in counts.items()
    }
    ordered = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return SparseResult(dict(ordered), truncated)


def relevance(query: str, document: str) -> float:
    """The share of the query's distinct words that ``document`` contains."""
    wanted = set(words(query))
    if not wanted:
        return 0.0
    return round(len(wanted & set(words(document))) / len(wanted), 7)


def ranked(query: str, documents: Iterable[str]) -> list[tuple[int, float]]:
    """``(index, score)`` pairs, best first; equal scores keep the documents' order."""
    scored = [(index, relevance(query, doc)) for index, doc in enumerate(documents)]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))


def completion(text: str) -> str:
    return text.upper()


def pieces(text: str) -> list[str]:
    """How a completion streams: each word with the spaces before it."""
    return re.findall(r"\s*\S+", text) or [text]


def stable_id(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:24]
