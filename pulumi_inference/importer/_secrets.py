"""Which secrets an existing endpoint holds, as far as anyone can tell from outside.

The cluster never returns a secret, not even its key. The catalogue says which secret keys a
service requires for a task type; where a service takes one of several credentials, what is
visible decides (``client_id`` means OAuth 2.0, so ``client_secret``), else the usual one is
assumed and the program says so in a comment. The ``custom`` service's ``secret_parameters``
are named by the ``${...}`` placeholders of its templates that nothing else fills.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .. import __version__, catalogue

SECRET_PARAMETERS = "secret_parameters"  # noqa: S105 - a setting's name

# What the custom service fills in its request template itself, besides secret_parameters
# and task_settings.parameters (RequestParameters, EmbeddingParameters and RerankParameters
# of the x-pack inference plugin).
_BUILT_IN_PLACEHOLDERS = frozenset({"input", "query", "top_n", "return_documents", "input_type"})
_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True)
class SecretPlan:
    """The secrets to declare for one endpoint.

    ``paths``: ``("api_key",)`` or ``("secret_parameters", "api_key")``, each read from its
    own stack config value. ``whole``: a service setting whose keys are unknown, read as one
    JSON object. ``comments``: for the program, above the settings; ``checks``: for the
    summary, what the user must confirm before ``pulumi up``.
    """

    paths: tuple[tuple[str, ...], ...] = ()
    whole: str | None = None
    comments: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.paths) or self.whole is not None


def secrets_of(declaration: Mapping[str, Any]) -> SecretPlan:
    """The secrets of the endpoint ``declaration`` (canonical props, secrets left out)."""
    service = str(declaration["service"])
    task_type = str(declaration["task_type"])
    settings: Mapping[str, Any] = declaration.get("service_settings") or {}
    spec = catalogue.get_service(service)
    if spec is None:
        return SecretPlan(
            checks=(
                f"service '{service}' is not known to pulumi-inference {__version__}: its "
                "settings are written unchecked (allow_unknown_service=True), and any secret "
                "it holds is not declared; add it to service_settings",
            )
        )
    fields = [f.name for f in spec.service_settings if f.secret and f.accepts_task(task_type)]
    required = [
        f.name
        for f in spec.service_settings
        if f.secret and f.required and f.accepts_task(task_type)
    ]
    comments: list[str] = []
    checks: list[str] = []
    if required:
        chosen = required
    elif not fields:
        return SecretPlan()
    elif "client_id" in settings and "client_secret" in fields:
        chosen = ["client_secret"]
    else:
        credentials = [name for name in fields if name != "client_secret"]
        chosen = credentials[:1]
        others = credentials[1:] + (["OAuth 2.0"] if "client_secret" in fields else [])
        if others:
            comments.append(
                f"The cluster does not say which credential this endpoint holds: {chosen[0]} "
                f"is assumed. If it was made with {' or '.join(others)}, declare that instead."
            )
            checks.append(f"{chosen[0]} assumed (the cluster does not say; or {', '.join(others)})")
        else:
            comments.append(
                f"{chosen[0]} is optional for service '{service}': remove it if this endpoint "
                "was made without one."
            )
            checks.append(f"{chosen[0]} is optional for '{service}': remove it if it has none")
    paths: list[tuple[str, ...]] = [(name,) for name in chosen if name != SECRET_PARAMETERS]
    whole = None
    if SECRET_PARAMETERS in chosen:
        guessed = _secret_parameter_names(settings, declaration.get("task_settings") or {})
        if guessed:
            paths += [(SECRET_PARAMETERS, name) for name in guessed]
            comments.append(
                "secret_parameters: the cluster never returns them; these are the ${...} "
                "placeholders of the templates that no task setting fills. `pulumi up` "
                "replaces the stored ones with exactly these: check the list."
            )
            checks.append(
                f"secret_parameters keys guessed from the templates ({', '.join(guessed)})"
            )
        else:
            whole = SECRET_PARAMETERS
            comments.append(
                "secret_parameters: the cluster never returns them, and no ${...} placeholder "
                "names them: set the config value to a JSON object holding all of them."
            )
            checks.append("secret_parameters unknown: set them as one JSON object")
    return SecretPlan(tuple(paths), whole, tuple(comments), tuple(checks))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _secret_parameter_names(
    settings: Mapping[str, Any], task_settings: Mapping[str, Any]
) -> list[str]:
    filled = set(_BUILT_IN_PLACEHOLDERS)
    parameters = task_settings.get("parameters")
    if isinstance(parameters, Mapping):
        filled |= {str(key) for key in parameters}
    names: list[str] = []
    templates = [settings.get(key) for key in ("url", "headers", "query_parameters", "request")]
    for text in _strings(templates):
        for name in _PLACEHOLDER.findall(text):
            if name not in filled and name not in names:
                names.append(name)
    return names
