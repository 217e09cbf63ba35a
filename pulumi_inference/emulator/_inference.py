"""``POST /_inference/[{task_type}/]{inference_id}[/_stream]``: inference calls.

In the order Elasticsearch checks (README.md, "Inference calls"): the path's task type (known
at the emulated version), ``?timeout``, the body (a parse error is a JSON answer even on a
stream route), ``validate()``, the endpoint (404), its task type, streaming support (405), the
region policy (403, 9.5+), the model deployment (409/408, ``_readiness``), the time the model
takes (the ``slow_inference`` fault, against ``timeout``), the input's length, and then the
answer (``_answers``). On a stream route every error after the body is one ``error`` event.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .._version import Version
from ._answers import (
    ML_NODE_TOKEN_LIMIT,
    PROVIDER_TOKEN_LIMIT,
    Target,
    chat_events,
    completion_answer,
    completion_events,
    dense_answer,
    rerank_answer,
    sparse_answer,
)
from ._create import parse_timeout
from ._errors import EsError, JsonDict, Response, bad_request, not_found, unrecognized_parameters
from ._faults import Faults
from ._infer_request import InferRequest, parse_chat, parse_embedding, parse_infer, validate
from ._readiness import ensure_allocated
from ._region_policy import EIS_SERVICE, allows, model_regions, serves_region_policy
from ._request import Request
from ._requests import parse_task_type
from ._results import words
from ._services import SERVICES
from ._sse import error_stream, message_stream
from ._store import State, StoredEndpoint, deep_copy
from ._views import preconfigured

TASK_TYPE_SINCE: dict[str, Version] = {
    "text_embedding": (8, 11, 0),
    "sparse_embedding": (8, 11, 0),
    "completion": (8, 12, 0),
    "rerank": (8, 14, 0),
    "chat_completion": (8, 18, 0),
    "embedding": (9, 4, 0),
}
ANY_TASK_PATH_SINCE: Version = (8, 13, 0)
"""``POST /_inference/{inference_id}`` (before: only ``/_inference/{task_type}/{id}``)."""
STREAM_SINCE: Version = (8, 16, 0)
TIMEOUT_PARAMETER_SINCE: Version = (8, 14, 0)
TIMEOUT_STATUS_SINCE: Version = (8, 18, 0)
"""From here a call past its ``timeout`` answers 408 (before: 500, a timeout exception)."""
_STREAMED = ("completion", "chat_completion")


@dataclass(frozen=True)
class _Call:
    task: str | None  # the path's task type (None: ``/_inference/{id}``)
    inference_id: str
    stream: bool
    chat: bool  # a chat completion (the unified API's request and errors)
    timeout_label: str
    timeout_seconds: float
    path: str


class InferenceCalls:
    """Answers inference calls on the stored and the preconfigured endpoints."""

    def __init__(self, state: State, faults: Faults) -> None:
        self.state = state
        self.faults = faults

    @property
    def version(self) -> Version:
        return self.state.settings.version_tuple

    def serves_any_task_path(self) -> bool:
        return self.version >= ANY_TASK_PATH_SINCE or self.state.settings.serverless

    def serves_streams(self) -> bool:
        return self.version >= STREAM_SINCE or self.state.settings.serverless

    def infer(
        self, path_task: str | None, inference_id: str, req: Request, *, stream: bool
    ) -> Response:
        task = self._path_task(path_task)
        label, seconds = self._timeout(req, task)
        target = self._lookup_first(task, inference_id, req)
        kind = task or (target.task_type if target is not None else None)
        chat = stream and kind == "chat_completion"
        call = _Call(task, inference_id, stream, chat, label, seconds, req.path)
        body = self._parse(kind, req, chat=call.chat)
        try:
            answer = self._run(call, body)
        except EsError as err:
            if stream:
                return error_stream(err, chat=call.chat)
            raise
        return message_stream(answer) if isinstance(answer, list) else Response(200, answer)

    # ------------------------------------------------------------------ request
    def _path_task(self, path_task: str | None) -> str | None:
        if path_task is None:
            return None
        task = parse_task_type(path_task)
        if self.version < TASK_TYPE_SINCE[task] and not self.state.settings.serverless:
            raise bad_request(f"Unknown task_type [{path_task}]")
        return task

    def _timeout(self, req: Request, task: str | None) -> tuple[str, float]:
        settings = self.state.settings
        if "timeout" in req.query and self.version < TIMEOUT_PARAMETER_SINCE:
            raise unrecognized_parameters(req.path, ["timeout"])
        longer = task in _STREAMED and (self.version >= (9, 1, 0) or settings.serverless)
        return parse_timeout(req.query.get("timeout"), "120s" if longer else "30s")

    def _lookup_first(self, task: str | None, inference_id: str, req: Request) -> Target | None:
        """On ``/_inference/{id}`` the endpoint is looked up before its body is parsed."""
        if task is not None:
            return None
        if not isinstance(req.body, dict):
            raise EsError(400, "parse_exception", "request body is required")
        return self._target(inference_id)

    def _parse(self, kind: str | None, req: Request, *, chat: bool) -> InferRequest:
        if chat:
            return parse_chat(req.body)
        if kind == "chat_completion":  # refused before the body is read
            raise _chat_needs_stream()
        if kind == "embedding":
            return parse_embedding(req.body, self.version)
        settings = self.state.settings
        return parse_infer(req.body, self.version, serverless=settings.serverless)

    # ------------------------------------------------------------------ the call
    def _run(self, call: _Call, body: InferRequest) -> JsonDict | list[JsonDict]:
        if not call.chat:
            validate(body, call.task)
        target = self._target(call.inference_id)
        self._check_task_type(call.task, target, stream=call.stream)
        self._check_region_policy(target)
        label, seconds = call.timeout_label, call.timeout_seconds
        ensure_allocated(self.state, target, label=label, seconds=seconds)
        self._take_time(call.path, label, seconds)
        inputs = self._within_limits(target, body.inputs)
        return _answer(target, body, inputs, stream=call.stream)

    def _target(self, inference_id: str) -> Target:
        with self.state.lock:
            stored = self.state.endpoints.get(inference_id)
            if stored is not None:
                return _stored_target(stored)
            for view in preconfigured(self.state):
                if view["inference_id"] == inference_id:
                    return _preconfigured_target(view)
        raise not_found(inference_id)

    def _check_task_type(self, task: str | None, target: Target, *, stream: bool) -> None:
        if task is not None and task != target.task_type:
            raise bad_request(
                f"Incompatible task_type, the requested type [{task}] does not match the model "
                f"type [{target.task_type}]"
            )
        if target.task_type == "chat_completion" and not stream:
            raise _chat_needs_stream()
        if stream:
            self._check_streams(task or target.task_type, target)

    def _check_streams(self, task: str, target: Target) -> None:
        rule = SERVICES.get(target.service)
        known = ("completion", "chat_completion") if self.version >= (8, 18, 0) else _STREAMED[:1]
        supported = [t for t in known if rule is not None and t in rule.task_types]
        if task in supported:
            return
        if not supported:
            reason = f"Streaming is not allowed for service [{target.service}]."
        else:
            reason = (
                f"Streaming is not allowed for service [{target.service}] and task [{task}]. "
                f"Supported tasks: [{','.join(supported)}]"
            )
        raise EsError(405, "status_exception", reason)

    def _check_region_policy(self, target: Target) -> None:
        if target.service != EIS_SERVICE or not serves_region_policy(self.state):
            return
        with self.state.lock:
            policy = self.state.region_policy
        regions = [{"csp": c, "region": r, "geo": g} for c, r, g in model_regions(target.model)]
        if policy is None or allows(policy["region_policy"], regions):
            return
        raise EsError(
            403,
            "status_exception",
            "Received a permission denied error status code for request from inference entity "
            f"id [{target.inference_id}] status [403]. Error message: [The model "
            f"[{target.model}] does not run in any region the inference region policy allows]",
        )

    def _take_time(self, path: str, label: str, seconds: float) -> None:
        """The ``slow_inference`` fault: the model takes its ``seconds``; past the call's
        ``timeout`` the call fails as Elasticsearch fails it."""
        fault = self.faults.take("slow_inference", "POST", path)
        if fault is None:
            return
        time.sleep(min(fault.seconds, seconds))
        if fault.seconds <= seconds:
            return
        reason = f"Request timed out waiting to be sent after [{label}]"
        if self.version >= TIMEOUT_STATUS_SINCE or self.state.settings.serverless:
            raise EsError(408, "status_exception", reason)
        raise EsError(500, "elasticsearch_timeout_exception", reason)

    def _within_limits(self, target: Target, inputs: list[str]) -> list[str]:
        """ML-node models read their first 512 words; a provider model is cut to
        ``max_input_tokens`` when the endpoint sets it, and refuses a longer input otherwise."""
        if target.on_ml_nodes:
            if target.task_type == "sparse_embedding":  # the answer says it was truncated
                return inputs
            return [_truncated(text, ML_NODE_TOKEN_LIMIT) for text in inputs]
        limit = target.service_settings.get("max_input_tokens")
        if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
            return [_truncated(text, limit) for text in inputs]
        for text in inputs:
            count = len(words(text))
            if count > PROVIDER_TOKEN_LIMIT:
                raise bad_request(
                    "Received a bad request status code for request from inference entity id "
                    f"[{target.inference_id}] status [400]. Error message: [The input is "
                    f"{count} tokens long, over the model's limit of {PROVIDER_TOKEN_LIMIT} "
                    "tokens]"
                )
        return inputs


def _chat_needs_stream() -> EsError:
    return EsError(
        400,
        "unified_chat_completion_exception",
        "The [chat_completion] task type only supports streaming, please try again with the "
        "_stream API",
    )


def _truncated(text: str, limit: int) -> str:
    found = words(text)
    return text if len(found) <= limit else " ".join(found[:limit])


def _answer(
    target: Target, body: InferRequest, inputs: list[str], *, stream: bool
) -> JsonDict | list[JsonDict]:
    task = target.task_type
    if task == "chat_completion":
        return chat_events(target, body)
    if stream:
        return completion_events(inputs)
    if task in {"text_embedding", "embedding"}:
        return dense_answer(target, inputs, task)
    if task == "sparse_embedding":
        return sparse_answer(target, inputs)
    if task == "rerank":
        return rerank_answer(target, body, inputs)
    return completion_answer(inputs)


def _stored_target(ep: StoredEndpoint) -> Target:
    return Target(
        inference_id=ep.inference_id,
        task_type=ep.task_type,
        service=ep.service,
        service_settings=deep_copy(ep.service_settings),
        task_settings=deep_copy(ep.task_settings),
        deployment_id=ep.deployment_id,
    )


def _preconfigured_target(view: JsonDict) -> Target:
    return Target(
        inference_id=view["inference_id"],
        task_type=view["task_type"],
        service=view["service"],
        service_settings=view["service_settings"],
        task_settings=view.get("task_settings") or {},
        preconfigured=True,
    )
