"""Where the project is published: its repository, and the address of a page of its docs.

A wheel ships the package only, never ``docs/``: a message or help text that sends a user to
read more names the page's address here, not a path of the checkout.
"""

from __future__ import annotations

REPOSITORY = "https://github.com/pulumi-inference/pulumi-inference"


def docs_url(page: str) -> str:
    """The published address of ``page``, a path of the repository (``docs/import.md``)."""
    return f"{REPOSITORY}/blob/main/{page}"
