"""Cross-field rules: checks that look at more than one key (credentials, deployments)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .._pulumi_wire import is_unknown
from ._model import Issue, RuleContext, known_int

SS = "service_settings"
MAX_NUM_THREADS = 32


def _present(settings: Mapping[str, Any], key: str) -> bool:
    return settings.get(key) is not None


def deployment(*, model_id_required: bool) -> Any:
    """Rules of the services that deploy a trained model (elasticsearch, elser)."""

    def rule(ctx: RuleContext) -> Iterator[Issue]:
        ss: Mapping[str, Any] = ctx[SS]
        attached = _present(ss, "deployment_id")
        if not attached:
            if model_id_required and not _present(ss, "model_id"):
                yield Issue(
                    f"{SS}.model_id",
                    "missing required setting 'model_id' (e.g. '.multilingual-e5-small', "
                    "'.elser_model_2' or an Eland model id), or set 'deployment_id' to use an "
                    "existing deployment",
                )
            if not _present(ss, "num_threads"):
                yield Issue(
                    f"{SS}.num_threads",
                    "missing required setting 'num_threads' (threads per allocation: 1, 2, 4, "
                    "8, 16 or 32)",
                )
            if not _present(ss, "num_allocations") and not _present(ss, "adaptive_allocations"):
                yield Issue(
                    f"{SS}.num_allocations",
                    "one of 'num_allocations' or 'adaptive_allocations' is required; set "
                    "num_allocations to a fixed count or adaptive_allocations to "
                    "{'enabled': true, 'min_number_of_allocations': ..., "
                    "'max_number_of_allocations': ...}",
                )
        threads = known_int(ss.get("num_threads"))
        if threads is not None and (
            threads < 1 or threads > MAX_NUM_THREADS or threads & (threads - 1)
        ):
            yield Issue(
                f"{SS}.num_threads",
                f"num_threads must be a power of two between 1 and {MAX_NUM_THREADS} "
                f"(1, 2, 4, 8, 16, 32); got {threads}",
            )
        adaptive = ss.get("adaptive_allocations")
        if isinstance(adaptive, Mapping):
            yield from _adaptive(adaptive, ss)

    return rule


def _adaptive(adaptive: Mapping[str, Any], ss: Mapping[str, Any]) -> Iterator[Issue]:
    path = f"{SS}.adaptive_allocations"
    # The cluster reads -1 as "not set" for both bounds.
    low = known_int(adaptive.get("min_number_of_allocations"))
    high = known_int(adaptive.get("max_number_of_allocations"))
    low = None if low == -1 else low
    high = None if high == -1 else high
    if low is not None and low < 0:
        yield Issue(
            f"{path}.min_number_of_allocations",
            f"min_number_of_allocations must be 0 or more; got {low}",
        )
    if high is not None and high < 1:
        yield Issue(
            f"{path}.max_number_of_allocations",
            f"max_number_of_allocations must be 1 or more; got {high}",
        )
    if low is not None and high is not None and low > high:
        yield Issue(
            f"{path}.min_number_of_allocations",
            f"min_number_of_allocations ({low}) must not exceed max_number_of_allocations "
            f"({high}); raise the maximum or lower the minimum",
        )
    if adaptive.get("enabled") is True and _present(ss, "num_allocations"):
        yield Issue(
            f"{SS}.num_allocations",
            "num_allocations cannot be set while adaptive_allocations is enabled; remove "
            "num_allocations (the cluster scales between the adaptive minimum and maximum)",
        )


AZURE_OAUTH = ("client_id", "client_secret", "tenant_id", "scopes")
OPENAI_OAUTH = ("client_id", "client_secret", "scopes", "token_url")


def one_credential(service: str, single: tuple[str, ...], oauth: tuple[str, ...]) -> Any:
    """Exactly one credential: one of ``single`` keys, or every ``oauth`` key together."""
    choices = ", ".join(single) + f", or OAuth 2.0 ({', '.join(oauth)} together)"

    def rule(ctx: RuleContext) -> Iterator[Issue]:
        ss: Mapping[str, Any] = ctx[SS]
        found = [key for key in single if _present(ss, key)]
        oauth_keys = [key for key in oauth if _present(ss, key)]
        if oauth_keys:
            found.append("OAuth 2.0")
        if not found:
            yield Issue(
                f"{SS}.{single[0]}",
                f"service '{service}' needs one credential: {choices}",
            )
        elif len(found) > 1:
            last = oauth_keys[0] if found[-1] == "OAuth 2.0" else found[-1]
            yield Issue(
                f"{SS}.{last}",
                f"service '{service}' takes exactly one credential but found "
                f"{' and '.join(found)}; keep only one of {choices}",
            )
        if oauth_keys:
            for key in oauth:
                if key not in oauth_keys:
                    yield Issue(
                        f"{SS}.{key}",
                        f"OAuth 2.0 for service '{service}' needs {', '.join(oauth)} "
                        f"together; add '{key}'",
                    )

    return rule


def vertex_ai(ctx: RuleContext) -> Iterator[Issue]:
    """Google Vertex AI: Google models need project/model; Model Garden needs a URL."""
    ss: Mapping[str, Any] = ctx[SS]
    task_type = ctx.get("task_type")
    provider = ss.get("provider")
    if is_unknown(provider):
        return
    garden = isinstance(provider, str) and provider.lower() != "google"
    if garden:
        if task_type in {"completion", "chat_completion"} and not (
            _present(ss, "url") or _present(ss, "streaming_url")
        ):
            yield Issue(
                f"{SS}.url",
                f"a Google Model Garden endpoint (provider '{provider}') needs 'url' or "
                "'streaming_url' (at least one)",
            )
        return
    needed: tuple[str, ...] = ()
    if task_type in {"text_embedding", "completion", "chat_completion"}:
        needed = ("model_id", "project_id")
    elif task_type == "rerank":
        needed = ("project_id",)
    for key in needed:
        if not _present(ss, key):
            yield Issue(
                f"{SS}.{key}",
                f"missing required setting '{key}' for a Google Vertex AI {task_type} "
                "endpoint (or set 'provider' to a Model Garden provider with a 'url')",
            )
