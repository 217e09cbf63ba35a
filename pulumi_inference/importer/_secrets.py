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
from dataclasses import dataclass, replace
from typing import Any

from .. import catalogue
from .._release import __version__

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
    secret = [f for f in spec.service_settings if f.secret and f.accepts_task(task_type)]
    if not secret:
        return SecretPlan()
    required = [f.name for f in secret if f.required]
    if required:
        chosen, plan = required, SecretPlan()
    else:
        chosen, plan = _credential(service, [f.name for f in secret], settings)
    plan = replace(plan, paths=tuple((name,) for name in chosen if name != SECRET_PARAMETERS))
    if SECRET_PARAMETERS not in chosen:
        return plan
    more = _secret_parameters(settings, declaration.get("task_settings") or {})
    return SecretPlan(
        plan.paths + more.paths,
        more.whole,
        plan.comments + more.comments,
        plan.checks + more.checks,
    )


def _credential(
    service: str, fields: list[str], settings: Mapping[str, Any]
) -> tuple[list[str], SecretPlan]:
    """The one credential of a service that takes one of several, none required."""
    if "client_id" in settings and "client_secret" in fields:
        return ["client_secret"], SecretPlan()
    credentials = [name for name in fields if name != "client_secret"]
    chosen = credentials[0]
    others = credentials[1:] + (["OAuth 2.0"] if "client_secret" in fields else [])
    if others:
        comment = (
            f"The cluster does not say which credential this endpoint holds: {chosen} "
            f"is assumed. If it was made with {' or '.join(others)}, declare that instead."
        )
        check = f"{chosen} assumed (the cluster does not say; or {', '.join(others)})"
    else:
        comment = (
            f"{chosen} is optional for service '{service}': remove it if this endpoint "
            "was made without one."
        )
        check = f"{chosen} is optional for '{service}': remove it if it has none"
    return [chosen], SecretPlan(comments=(comment,), checks=(check,))


def _secret_parameters(settings: Mapping[str, Any], task_settings: Mapping[str, Any]) -> SecretPlan:
    """The ``custom`` service's secret parameters, named by its templates when they can be."""
    guessed = _secret_parameter_names(settings, task_settings)
    if not guessed:
        return SecretPlan(
            whole=SECRET_PARAMETERS,
            comments=(
                "secret_parameters: the cluster never returns them, and no ${...} placeholder "
                "names them: set the config value to a JSON object holding all of them.",
            ),
            checks=("secret_parameters unknown: set them as one JSON object",),
        )
    return SecretPlan(
        paths=tuple((SECRET_PARAMETERS, name) for name in guessed),
        comments=(
            "secret_parameters: the cluster never returns them; these are the ${...} "
            "placeholders of the templates that no task setting fills. `pulumi up` "
            "replaces the stored ones with exactly these: check the list.",
        ),
        checks=(f"secret_parameters keys guessed from the templates ({', '.join(guessed)})",),
    )


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
