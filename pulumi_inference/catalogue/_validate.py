"""``validate_endpoint``: everything the cluster would refuse, found offline.

Each problem becomes an :class:`Issue` naming the property path and saying how to fix it.
Values that are not known yet (:data:`UNKNOWN`, in a preview) are skipped wherever they
appear, including as a whole section.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from .._naming import closest, unknown_setting
from .._pulumi_wire import is_unknown
from ._chunking import validate_chunking
from ._model import TASK_TYPES, FieldSpec, Issue, ServiceSpec
from ._services import SERVICES

INFERENCE_ID_PATTERN: Final = re.compile(r"[a-z0-9](?:[a-z0-9_\-.]*[a-z0-9])?")

_KIND_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "object": "an object",
    "list": "a list",
    "any": "any value",
}


def validate_endpoint(
    *,
    inference_id: object,
    task_type: object,
    service: object,
    service_settings: object,
    task_settings: object = None,
    chunking_settings: object = None,
    allow_unknown_service: bool = False,
) -> list[Issue]:
    """All issues of one endpoint declaration; an empty list means valid.

    ``allow_unknown_service`` accepts a ``service`` the catalogue does not know (a newer
    cluster's); its settings are then only checked to be objects.
    """
    issues: list[Issue] = []
    issues += _inference_id(inference_id)
    known_task = None
    task_issues = list(_task_type(task_type))
    issues += task_issues
    if not task_issues and isinstance(task_type, str) and not is_unknown(task_type):
        known_task = canonical_task_type(task_type)

    spec: ServiceSpec | None = None
    if is_unknown(service):
        pass
    elif not isinstance(service, str) or not service:
        issues.append(Issue("service", "service is required: a string such as 'openai'"))
    else:
        spec = SERVICES.get(service)
        if spec is None and not allow_unknown_service:
            issues.append(Issue("service", _unknown_service_message(service)))
    if spec is not None and known_task is not None and known_task not in spec.task_types:
        issues.append(
            Issue(
                "task_type",
                f"service '{spec.name}' does not support task type '{known_task}'; it "
                f"supports {', '.join(spec.task_types)}",
            )
        )
        known_task = None  # per-task rules would only repeat the point

    issues += _section("service_settings", service_settings, spec, known_task, required=True)
    issues += _section("task_settings", task_settings, spec, known_task, required=False)
    issues += _rules(spec, known_task, service_settings, task_settings)
    issues += validate_chunking(chunking_settings, known_task, _check_value)
    declared = {
        "service_settings": service_settings,
        "task_settings": task_settings,
        "chunking_settings": chunking_settings,
    }
    return _one_per_mistake(issues, declared)


def _rules(
    spec: ServiceSpec | None, task_type: str | None, service_settings: object, task_settings: object
) -> list[Issue]:
    """What the service's own rules (one credential, allocations, ...) find across fields."""
    if (
        spec is None
        or not isinstance(service_settings, Mapping)
        or is_unknown(task_settings)
        or not (task_settings is None or isinstance(task_settings, Mapping))
    ):
        return []
    context = {
        "task_type": task_type,
        "service_settings": service_settings,
        "task_settings": task_settings or {},
    }
    return [issue for rule in spec.rules for issue in rule(context)]


def _one_per_mistake(issues: list[Issue], declared: Mapping[str, object]) -> list[Issue]:
    """One issue per mistake, in the order found: a key missing because it was misspelt is
    said by the misspelling's did-you-mean alone, and of several issues about one path the
    last is kept (a service's rule, which knows the whole constraint, over a field's bound:
    ``num_threads: -1`` is not a power of two, which says it is below 1 too)."""
    implied = {
        issue.suggests
        for issue in issues
        if issue.suggests is not None and _lookup(declared, issue.suggests) is None
    }
    kept = [issue for issue in issues if issue.path not in implied]
    last = {issue.path: issue for issue in kept}
    said: dict[str, Issue] = {}
    for issue in kept:
        said.setdefault(issue.path, last[issue.path])
    return list(said.values())


def _lookup(declared: Mapping[str, object], path: str) -> object:
    """The value at a dotted ``path`` of the declaration, or None when it is absent."""
    value: object = declared
    for key in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _inference_id(value: object) -> Iterator[Issue]:
    if is_unknown(value):
        return
    if not isinstance(value, str) or not value:
        yield Issue("inference_id", "inference_id is required: a string such as 'my-embeddings'")
        return
    if value == "_all":
        yield Issue("inference_id", "'_all' lists every endpoint and cannot be an inference_id")
        return
    if value.startswith("."):
        yield Issue(
            "inference_id",
            f"'{value}' is reserved: ids starting with '.' belong to preconfigured endpoints "
            "(.elser-2-elasticsearch, ...); choose an id starting with a letter or digit",
        )
        return
    if INFERENCE_ID_PATTERN.fullmatch(value) is None:
        suggestion = re.sub(r"[^a-z0-9_\-.]+", "-", value.lower()).strip("-_.")
        hint = f"; e.g. '{suggestion}'" if suggestion and suggestion != value else ""
        yield Issue(
            "inference_id",
            f"invalid inference_id '{value}': use lowercase letters a-z, digits, '-', '_' "
            f"and '.', starting and ending with a letter or digit{hint}",
        )


def canonical_task_type(value: str) -> str | None:
    """The task type as the cluster stores it, or ``None`` when unknown.

    The cluster trims and lower-cases the task type; a hyphen for the underscore is accepted
    too (one official example writes ``chat-completion``) and sent in its canonical form.
    """
    normalized = value.strip().lower().replace("-", "_")
    return normalized if normalized in TASK_TYPES else None


def _task_type(value: object) -> Iterator[Issue]:
    if is_unknown(value):
        return
    if not isinstance(value, str) or not value:
        yield Issue("task_type", f"task_type is required: one of {', '.join(TASK_TYPES)}")
        return
    if canonical_task_type(value) is not None:
        return
    normalized = value.strip().lower().replace("-", "_").replace(" ", "_")
    close = difflib.get_close_matches(normalized, TASK_TYPES, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    yield Issue(
        "task_type",
        f"unknown task type '{value}'; {hint}use one of {', '.join(TASK_TYPES)}",
    )


def _unknown_service_message(service: str) -> str:
    known = list(SERVICES)
    close = difflib.get_close_matches(service.lower(), known, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown service '{service}'; {hint}known services: {', '.join(known)}"


def _section(
    path: str,
    values: object,
    spec: ServiceSpec | None,
    task_type: str | None,
    *,
    required: bool,
) -> Iterator[Issue]:
    if is_unknown(values):
        return
    if values is None:
        if required:
            yield Issue(path, f"{path} is required: an object of the service's settings")
            return
        values = {}
    if not isinstance(values, Mapping):
        yield Issue(path, f"{path} must be an object (a dict of settings)")
        return
    if spec is None:
        return
    fields = {field.name: field for field in spec.section(path)}
    open_section = path == "task_settings" and spec.open_task_settings
    for key, value in values.items():
        field = fields.get(key)
        if field is None:
            if not open_section:
                message, meant = _unknown_key_message(path, key, spec)
                yield Issue(f"{path}.{key}", message, suggests=meant and f"{path}.{meant}")
            continue
        if not field.accepts_task(task_type):
            assert field.task_types is not None
            yield Issue(
                f"{path}.{key}",
                f"'{key}' applies only to task types {', '.join(sorted(field.task_types))} "
                f"of service '{spec.name}', not {task_type}; remove it",
            )
            continue
        if field.response_only:
            yield Issue(
                f"{path}.{key}",
                f"'{key}' is computed by the cluster and cannot be set; remove it",
            )
            continue
        yield from _check_value(f"{path}.{key}", field, value)
    for field in fields.values():
        if not field.required or not field.accepts_task(task_type):
            continue
        if values.get(field.name) is None:
            secret = " (a secret)" if field.secret else ""
            yield Issue(
                f"{path}.{field.name}",
                f"missing required setting '{field.name}'{secret} for service "
                f"'{spec.name}': {field.description}",
            )


def _unknown_key_message(path: str, key: str, spec: ServiceSpec) -> tuple[str, str | None]:
    """How to fix an unknown key, and the key it stands for in this section, if any."""
    renamed = spec.renamed.get(key)
    if renamed is not None:
        return f"{spec.name} names it '{renamed}': use '{renamed}' instead of '{key}'", renamed
    known = [field.name for field in spec.section(path) if not field.response_only]
    close = closest(key, known)
    if close is not None:
        return unknown_setting(key, f"for service '{spec.name}'", close), close
    other = "task_settings" if path == "service_settings" else "service_settings"
    if spec.field(other, key) is not None:
        return f"'{key}' belongs in {other} for service '{spec.name}'; move it there", None
    listing = ", ".join(known) if known else "none"
    return (
        f"unknown setting '{key}' for service '{spec.name}' (the cluster refuses unknown "
        f"keys); accepted {path}: {listing}"
    ), None


def _kind_ok(kind: str, value: object) -> bool:
    if kind == "any":
        return True
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return not isinstance(value, bool) and (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        )
    if kind == "number":
        return not isinstance(value, bool) and isinstance(value, int | float)
    if kind == "object":
        return isinstance(value, Mapping)
    if kind == "list":
        return isinstance(value, list | tuple)
    raise ValueError(kind)


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_value(path: str, field: FieldSpec, value: object) -> Iterator[Issue]:
    """Kind, bounds, choices and nested keys of one present value."""
    if value is None or is_unknown(value):
        return
    kinds = field.kinds
    if not any(_kind_ok(kind, value) for kind in kinds):
        wanted = " or ".join(_KIND_NAMES[kind] for kind in kinds)
        extra = ""
        if "integer" in kinds and isinstance(value, float):
            extra = " (a whole number; the cluster refuses fractions)"
        elif isinstance(value, bool):
            extra = " (not a boolean)"
        got = f"a {type(value).__name__}" if field.secret else _describe(value)
        yield Issue(path, f"'{field.name}' must be {wanted}{extra}; got {got}")
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value) if isinstance(value, float) and value.is_integer() else value
        if field.minimum is not None and value < field.minimum:
            yield Issue(path, f"'{field.name}' must be at least {field.minimum}; got {number}")
        if field.maximum is not None and value > field.maximum:
            yield Issue(path, f"'{field.name}' must be at most {field.maximum}; got {number}")
    if isinstance(value, str):
        if value == "":
            yield Issue(path, f"'{field.name}' must not be empty")
        elif field.choices and value.lower() not in field.choices:
            yield Issue(
                path,
                f"'{field.name}' must be one of {', '.join(field.choices)}; got '{value}'",
            )
    if isinstance(value, Mapping):
        yield from _check_object(path, field, value)
    elif isinstance(value, list | tuple) and field.items is not None:
        for index, item in enumerate(value):
            if item is None or is_unknown(item):
                continue
            if not _kind_ok(field.items, item):
                yield Issue(
                    f"{path}[{index}]",
                    f"items of '{field.name}' must be {_KIND_NAMES[field.items]}; "
                    f"got {_describe(item)}",
                )


def _check_object(path: str, field: FieldSpec, value: Mapping[str, Any]) -> Iterator[Issue]:
    if not field.fields:
        if field.items is None:
            return
        for key, item in value.items():
            if item is None or is_unknown(item):
                continue
            if not _kind_ok(field.items, item):
                yield Issue(
                    f"{path}.{key}",
                    f"values of '{field.name}' must be {_KIND_NAMES[field.items]}; "
                    f"got {_describe(item)}",
                )
        return
    children = {child.name: child for child in field.fields}
    for key, item in value.items():
        child = children.get(key)
        if child is None:
            if field.open:
                continue
            close = closest(key, children)
            yield Issue(
                f"{path}.{key}",
                unknown_setting(key, f"in '{field.name}'", close, list(children)),
                suggests=close and f"{path}.{close}",
            )
            continue
        yield from _check_value(f"{path}.{key}", child, item)
    for child in field.fields:
        if child.required and value.get(child.name) is None:
            yield Issue(
                f"{path}.{child.name}",
                f"missing required setting '{child.name}' in '{field.name}': {child.description}",
            )
