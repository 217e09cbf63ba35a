"""Property names as Python spells them (``inference_id``) and as Pulumi schemas do
(``inferenceId``)."""

from __future__ import annotations


def camel(name: str) -> str:
    """``service_settings`` -> ``serviceSettings``."""
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)
