"""The HTTP client against the emulator on 127.0.0.1: retries, deadlines, lost answers,
error mapping, secrets kept out of messages, GET / once, one pool shared by threads."""

from __future__ import annotations

import base64
import socket
import threading
import time
from typing import Any

import httpx
import pytest

from pulumi_inference import InferenceEndpointProvider
from pulumi_inference.client import (
    Created,
    InferenceClient,
    PossiblyAppliedError,
    RetryPolicy,
    client_for,
    close_all,
    pooled_clients,
)
from pulumi_inference.client._retry import parse_retry_after
from pulumi_inference.connection import ClusterConnection
from pulumi_inference.emulator import Emulator, EmulatorConfig
from pulumi_inference.errors import (
    AuthenticationError,
    AuthorizationError,
    ClusterRejectedError,
    ClusterUnavailableError,
    ClusterUnreachableError,
    ConfigurationError,
    EndpointInUseError,
    EndpointNotFoundError,
    InferenceError,
)
from tests.support.fake_time import FakeTime

FAST = RetryPolicy(deadline=3.0, base_delay=0.01, max_delay=0.05)
SERVICE_KEY = "sk-service-secret-0042"
OPENAI_BODY: dict[str, Any] = {
    "service": "openai",
    "service_settings": {"model_id": "text-embedding-3-small", "api_key": SERVICE_KEY},
}


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(deployment_seconds=0.2)


def connect(emulator: Emulator, policy: RetryPolicy = FAST, **connection: Any) -> InferenceClient:
    return InferenceClient(ClusterConnection(url=emulator.url, **connection), policy=policy)


def logged(emulator: Emulator, method: str | None = None, path: str = "") -> list[dict[str, Any]]:
    return [
        r
        for r in emulator.requests()
        if (method is None or r["method"] == method) and r["path"].startswith(path)
    ]


def openai_props(emulator: Emulator, inference_id: str = "emb", **extra: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small"},
        "secrets": {"service_settings": {"api_key": SERVICE_KEY}},
        "connection": {"url": emulator.url},
    }
    props.update(extra)
    return props


# -- retries ----------------------------------------------------------------------------


def test_429_is_retried_after_exactly_what_retry_after_asks(emulator: Emulator) -> None:
    emulator.faults.status(429, path="^/_inference", count=2, retry_after=7)
    fake = FakeTime()
    c = InferenceClient(
        ClusterConnection(url=emulator.url),
        policy=RetryPolicy(deadline=60),
        sleep=fake.sleep,
        clock=fake.clock,
    )
    assert c.get_endpoint("text_embedding", "missing") is None
    assert len(fake.sleeps) == 2
    assert all(7.0 <= wait <= 7.7 for wait in fake.sleeps)  # never earlier, a little spread
    assert [r["status"] for r in logged(emulator, "GET", "/_inference")] == [429, 429, 404]
    assert c.retries == 2


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_and_unavailable_statuses_are_retried(emulator: Emulator, status: int) -> None:
    emulator.faults.status(status, path="^/_inference", count=3)
    c = connect(emulator)
    created = c.put_endpoint("text_embedding", "e1", OPENAI_BODY, [SERVICE_KEY])
    assert isinstance(created, Created)
    assert created.endpoint["inference_id"] == "e1"
    assert [r["status"] for r in logged(emulator, "PUT")] == [status] * 3 + [200]
    assert emulator.endpoint("e1") is not None


def test_connection_resets_are_retried_for_reads_and_updates(emulator: Emulator) -> None:
    c = connect(emulator)
    c.put_endpoint("text_embedding", "e1", OPENAI_BODY, [])
    emulator.faults.reset_connection(method="GET", count=2)
    assert c.get_endpoint("text_embedding", "e1") is not None
    emulator.faults.reset_connection(method="PUT", path="_update$", count=2)
    c.update_endpoint("text_embedding", "e1", {"task_settings": {"user": "u2"}}, [])
    assert emulator.endpoint("e1")["task_settings"] == {"user": "u2"}  # type: ignore[index]


def test_backoff_is_exponential_with_jitter_and_bounded_by_the_deadline(emulator: Emulator) -> None:
    """REQ-ERROR-1: 5xx after retries: ClusterUnavailableError with status, reason and attempts."""
    emulator.faults.status(503, count=None)
    fake = FakeTime()
    policy = RetryPolicy(deadline=20.0, base_delay=0.5, max_delay=4.0)
    c = InferenceClient(
        ClusterConnection(url=emulator.url), policy=policy, sleep=fake.sleep, clock=fake.clock
    )
    with pytest.raises(ClusterUnavailableError) as caught:
        c.get_endpoint("text_embedding", "my-endpoint")
    ceilings = [min(4.0, 0.5 * 2**i) for i in range(len(fake.sleeps))]
    assert all(c / 2 <= s <= c for s, c in zip(fake.sleeps, ceilings, strict=True))
    assert fake.sleeps[:4] != sorted(fake.sleeps[:4], reverse=True)  # grows, not shrinks
    assert sum(fake.sleeps) <= 20.0  # never waits past the deadline
    assert len({round(s, 6) for s in fake.sleeps}) > 3  # jittered, not a fixed ladder
    message = str(caught.value)
    assert caught.value.status == 503
    assert "'my-endpoint'" in message and emulator.url in message
    assert "503" in message and "emulated fault: HTTP 503" in message  # last status + reason
    assert f"{len(fake.sleeps) + 1} attempt(s)" in message


def test_retry_after_beyond_the_deadline_fails_at_once_with_the_429(emulator: Emulator) -> None:
    """REQ-ERROR-1: a 429 to wait out past the deadline fails at once, naming the deadline."""
    emulator.faults.status(429, count=None, retry_after=120)
    fake = FakeTime()
    c = InferenceClient(
        ClusterConnection(url=emulator.url),
        policy=RetryPolicy(deadline=30),
        sleep=fake.sleep,
        clock=fake.clock,
    )
    with pytest.raises(ClusterUnavailableError) as caught:
        c.delete_endpoint("text_embedding", "busy", force=False)
    assert fake.sleeps == []
    assert caught.value.status == 429
    assert "rejected execution" in str(caught.value) and "'busy'" in str(caught.value)
    assert "PULUMI_INFERENCE_RETRY_DEADLINE" in str(caught.value)


def test_a_cluster_that_stays_down_fails_clearly_in_bounded_time() -> None:
    """REQ-ERROR-1: connection failures after retries: ClusterUnreachableError with the URL."""
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    c = InferenceClient(
        ClusterConnection(url=f"http://127.0.0.1:{port}"),
        policy=RetryPolicy(deadline=1.0, base_delay=0.05, max_delay=0.2),
    )
    started = time.monotonic()
    with pytest.raises(ClusterUnreachableError) as caught:
        c.get_endpoint("text_embedding", "down")
    assert time.monotonic() - started < 3.0
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message and "'down'" in message
    assert "could not reach the cluster" in message and "attempt(s)" in message
    assert not isinstance(caught.value, PossiblyAppliedError)


def test_refused_connections_stop_at_the_shorter_unreachable_deadline() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    c = InferenceClient(
        ClusterConnection(url=f"http://127.0.0.1:{port}"),
        policy=RetryPolicy(deadline=30.0, unreachable_deadline=0.5, base_delay=0.05, max_delay=0.1),
    )
    started = time.monotonic()
    with pytest.raises(ClusterUnreachableError, match="PULUMI_INFERENCE_UNREACHABLE_DEADLINE"):
        c.get_endpoint("text_embedding", "down")
    assert time.monotonic() - started < 2.0  # not the 30 s of the overall deadline
    assert RetryPolicy().unreachable_deadline < RetryPolicy().deadline


def test_retry_policy_reads_the_environment_and_refuses_nonsense() -> None:
    policy = RetryPolicy.from_environment(
        {"PULUMI_INFERENCE_RETRY_DEADLINE": "5", "PULUMI_INFERENCE_RETRY_BASE_DELAY": "0.1"}
    )
    assert (policy.deadline, policy.base_delay, policy.max_delay) == (5.0, 0.1, 8.0)
    with pytest.raises(ConfigurationError, match="PULUMI_INFERENCE_RETRY_DEADLINE"):
        RetryPolicy.from_environment({"PULUMI_INFERENCE_RETRY_DEADLINE": "soon"})
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("-1") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("garbage") is None


# -- lost answers -----------------------------------------------------------------------


def test_client_reports_a_lost_create_answer_instead_of_sending_it_twice(
    emulator: Emulator,
) -> None:
    """REQ-CREATE-1: a PUT whose answer was lost is never sent again blindly."""
    emulator.faults.drop_response(method="PUT")
    with pytest.raises(PossiblyAppliedError):
        connect(emulator).put_endpoint("text_embedding", "e1", OPENAI_BODY, [SERVICE_KEY])
    assert len(logged(emulator, "PUT")) == 1
    assert emulator.endpoint("e1") is not None


def test_provider_create_with_a_lost_answer_succeeds_with_exactly_one_endpoint(
    emulator: Emulator, fast_retries: None
) -> None:
    """REQ-CREATE-1: a matching endpoint found after a lost answer is this create's own."""
    emulator.faults.drop_response(method="PUT", path="^/_inference/text_embedding/emb$")
    result = InferenceEndpointProvider().create(openai_props(emulator))
    assert result.id == "emb"
    assert result.outs["effective_service_settings"]["dimensions"] == 1536
    assert [r["fault"] for r in logged(emulator, "PUT")] == ["drop"]  # applied once, never resent
    with emulator.state.lock:
        assert list(emulator.state.endpoints) == ["emb"]


def test_provider_create_after_a_reset_before_applying_sends_it_again(
    emulator: Emulator, fast_retries: None
) -> None:
    """REQ-CREATE-1: none found: the PUT never applied and is sent again."""
    emulator.faults.reset_connection(method="PUT", path="^/_inference/text_embedding/emb$")
    InferenceEndpointProvider().create(openai_props(emulator))
    assert [r["fault"] for r in logged(emulator, "PUT")] == ["reset", None]
    assert emulator.endpoint("emb") is not None


def test_create_answered_by_a_gateway_error_after_applying_is_not_reported_as_taken() -> None:
    """REQ-CREATE-1: A proxy that forwarded the create then answered 504: the retry finds the
    endpoint."""
    created: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if created:
            body = {"error": {"type": "resource_already_exists_exception", "reason": "exists"}}
            return httpx.Response(400, json=body)
        created.append(request.url.path)
        return httpx.Response(504, text="Gateway Timeout")

    c = InferenceClient(
        ClusterConnection(url="http://es.invalid:9200"),
        policy=FAST,
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(PossiblyAppliedError):
        c.put_endpoint("text_embedding", "e1", OPENAI_BODY, [])


def test_delete_retried_after_a_lost_answer_succeeds(
    emulator: Emulator, fast_retries: None
) -> None:
    """REQ-DELETE-1: a lost answer to DELETE, then 404 on the retry: success."""
    c = connect(emulator)
    c.put_endpoint("text_embedding", "e1", OPENAI_BODY, [])
    emulator.faults.drop_response(method="DELETE")
    assert c.delete_endpoint("text_embedding", "e1", force=False) is True
    assert emulator.endpoint("e1") is None
    assert [r["fault"] for r in logged(emulator, "DELETE")] == ["drop", None]
    # through the provider as well
    provider = InferenceEndpointProvider()
    props = openai_props(emulator)
    provider.create(props)
    emulator.faults.drop_response(method="DELETE")
    provider.delete("emb", props)
    assert emulator.endpoint("emb") is None


def test_update_retried_after_a_lost_answer_succeeds(
    emulator: Emulator, fast_retries: None
) -> None:
    """REQ-UPDATE-1: the same _update sent again after a lost answer."""
    provider = InferenceEndpointProvider()
    olds = provider.create(openai_props(emulator, task_settings={"user": "a"})).outs
    news = {**olds, "task_settings": {"user": "b"}}
    emulator.faults.drop_response(method="PUT", path="_update$")
    result = provider.update("emb", olds, news)
    assert result.outs["effective_task_settings"] == {"user": "b"}
    assert emulator.endpoint("emb")["task_settings"] == {"user": "b"}  # type: ignore[index]
    assert [
        r["fault"] for r in logged(emulator, "PUT", "/_inference/text_embedding/emb/_update")
    ] == [
        "drop",
        None,
    ]


def test_a_persistently_lost_create_answer_ends_with_an_error_not_a_hang(
    emulator: Emulator, fast_retries: None
) -> None:
    """REQ-CREATE-1: bounded attempts, then an error naming the endpoint."""
    emulator.faults.reset_connection(method="PUT", count=None)
    with pytest.raises(InferenceError, match="emb"):
        InferenceEndpointProvider().create(openai_props(emulator))
    assert emulator.endpoint("emb") is None


# -- error mapping ----------------------------------------------------------------------


def test_wrong_credentials_say_to_check_api_key_or_username() -> None:
    """REQ-ERROR-1, REQ-SECRET-2: 401: AuthenticationError, check the credentials, never echoed."""
    good = base64.b64encode(b"id1:right-key-value").decode()
    wrong = base64.b64encode(b"id1:wrong-key-value").decode()
    with Emulator(EmulatorConfig(api_keys=[good])) as emulator:
        url = emulator.url
        with pytest.raises(AuthenticationError) as caught:
            connect(emulator, api_key=wrong).get_endpoint("text_embedding", "e1")
    message = str(caught.value)
    assert caught.value.status == 401
    assert "api_key" in message and "username" in message
    assert "'e1'" in message and url in message
    assert wrong not in message and "wrong-key-value" not in message


def test_a_rejected_service_key_is_not_reported_as_a_cluster_credential_problem(
    emulator: Emulator, fast_retries: None
) -> None:
    """REQ-ERROR-1, REQ-SECRET-2: the service's own 401 on PUT names the key in service_settings."""
    reason = (
        "Received an authentication error status code for request from inference entity id "
        "[emb] status [401]. Error message: [Incorrect API key provided]"
    )
    emulator.faults.add(
        action="status",
        method="PUT",
        status=401,
        body={"error": {"type": "status_exception", "reason": reason}, "status": 401},
    )
    with pytest.raises(ClusterRejectedError) as caught:
        InferenceEndpointProvider().create(openai_props(emulator))
    message = str(caught.value)
    assert not isinstance(caught.value, AuthenticationError)
    assert "service_settings" in message and "service's API key" in message
    assert "username" not in message
    assert SERVICE_KEY not in message


def test_missing_privilege_names_manage_inference() -> None:
    """REQ-ERROR-1, REQ-SECRET-2: 403: grant manage_inference."""
    with Emulator(EmulatorConfig(users=["reader:reader-pass:monitor_inference"])) as emulator:
        c = connect(emulator, username="reader", password="reader-pass")
        assert c.get_endpoint("text_embedding", "e1") is None  # reading is allowed
        with pytest.raises(AuthorizationError) as caught:
            c.put_endpoint("text_embedding", "e1", OPENAI_BODY, [SERVICE_KEY])
    assert caught.value.status == 403
    assert "manage_inference" in str(caught.value)
    assert "reader-pass" not in str(caught.value)


def test_not_found_is_typed(emulator: Emulator) -> None:
    """REQ-ERROR-1: 404: EndpointNotFoundError with the cluster's reason."""
    with pytest.raises(EndpointNotFoundError) as caught:
        connect(emulator).update_endpoint("text_embedding", "nope", {"task_settings": {"a": 1}}, [])
    assert caught.value.status == 404
    assert caught.value.reason and "nope" in caught.value.reason
    assert caught.value.reason in str(caught.value)  # the cluster's own words, passed through


def test_delete_of_a_used_endpoint_names_pipelines_and_indexes(emulator: Emulator) -> None:
    """REQ-DELETE-1, REQ-ERROR-1: 409 names pipelines and indexes; force deletes."""
    c = connect(emulator)
    c.put_endpoint("text_embedding", "e1", OPENAI_BODY, [])
    http = httpx.Client(base_url=emulator.url)
    pipeline = {"processors": [{"inference": {"model_id": "e1", "input_output": []}}]}
    assert http.put("/_ingest/pipeline/embed-docs", json=pipeline).status_code == 200
    mapping = {
        "mappings": {"properties": {"body": {"type": "semantic_text", "inference_id": "e1"}}}
    }
    assert http.put("/articles", json=mapping).status_code == 200
    with pytest.raises(EndpointInUseError) as caught:
        c.delete_endpoint("text_embedding", "e1", force=False)
    assert caught.value.status == 409
    assert caught.value.pipelines == ["embed-docs"]
    assert caught.value.indexes == ["articles"]
    assert "force_delete" in str(caught.value)
    assert c.delete_endpoint("text_embedding", "e1", force=True) is True


def test_400_reason_is_passed_through(emulator: Emulator) -> None:
    """REQ-ERROR-1: other 4xx: ClusterRejectedError with the cluster's reason."""
    c = connect(emulator)
    with pytest.raises(ClusterRejectedError) as caught:
        c.put_endpoint("text_embedding", "e1", {"service": "nosuch"}, [])
    assert caught.value.status == 400
    assert "Unknown service [nosuch]" in str(caught.value)
    assert caught.value.reason is not None and "Unknown service [nosuch]" in caught.value.reason


def test_secrets_echoed_back_by_the_cluster_never_reach_a_message(
    emulator: Emulator, fast_retries: None
) -> None:
    """REQ-SECRET-2: secrets the cluster repeats are redacted, the connection's too."""
    connection_key = base64.b64encode(b"conn-id:conn-secret-value").decode()
    props = openai_props(emulator)
    # Unknown keys whose values are secrets: the cluster repeats them in its 400 reason.
    props["service_settings"] = {
        "model_id": "text-embedding-3-small",
        "organisation": SERVICE_KEY,
        "endpoint_key": connection_key,
        "decoded": "conn-id:conn-secret-value",
    }
    props["secrets"]["connection"] = {"api_key": connection_key}
    with pytest.raises(ClusterRejectedError) as caught:
        InferenceEndpointProvider().create(props)
    error = caught.value
    assert "unknown to the [openai] service" in str(error)
    for text in (str(error), error.reason or ""):
        assert SERVICE_KEY not in text
        assert connection_key not in text
        assert "conn-secret-value" not in text
        assert "[secret]" in text
    # the client alone redacts the connection's credentials too
    c = connect(emulator, api_key=connection_key)
    with pytest.raises(ClusterRejectedError) as caught:
        c.put_endpoint(
            "text_embedding",
            "e2",
            {"service": "openai", "service_settings": {"model_id": "m", "x": connection_key}},
            [],
        )
    assert connection_key not in str(caught.value)


def test_a_non_json_answer_says_the_url_may_not_be_elasticsearch() -> None:
    c = InferenceClient(
        ClusterConnection(url="http://kibana.invalid:5601"),
        policy=FAST,
        transport=httpx.MockTransport(lambda _: httpx.Response(200, text="<html>Kibana</html>")),
    )
    with pytest.raises(ClusterRejectedError, match="not JSON"):
        c.cluster_version()


# -- version and pooling ----------------------------------------------------------------


def test_cluster_version_reads_get_root_once_per_client(emulator: Emulator) -> None:
    emulator.set_version("8.18.2")
    c = connect(emulator)
    results: list[tuple[int, int, int]] = []
    threads = [
        threading.Thread(target=lambda: results.extend(c.cluster_version() for _ in range(5)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [(8, 18, 2)] * 20
    assert (
        len(logged(emulator, "GET", "/"))
        == 1
        == len([r for r in emulator.requests() if r["path"] == "/"])
    )


def test_a_failed_version_read_is_not_remembered(emulator: Emulator) -> None:
    emulator.faults.status(500, path="^/$")
    c = connect(emulator)
    with pytest.raises(ClusterUnavailableError, match="cluster info"):
        c.cluster_version()
    assert c.cluster_version() == (9, 1, 0)


def test_one_client_shared_by_four_threads_pools_its_connections(emulator: Emulator) -> None:
    c = connect(emulator)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(10):
                inference_id = f"w{worker}-{i}"
                created = c.put_endpoint("text_embedding", inference_id, OPENAI_BODY, [])
                assert isinstance(created, Created)
                assert c.get_endpoint("text_embedding", inference_id) is not None
                c.update_endpoint(
                    "text_embedding", inference_id, {"task_settings": {"user": f"u{i}"}}, []
                )
                assert c.get_endpoint("text_embedding", inference_id) is not None
                assert c.delete_endpoint("text_embedding", inference_id, force=False)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    requests = emulator.requests()
    assert len(requests) == 200
    connections = {r["connection_id"] for r in requests}
    assert len(connections) <= 8  # the pool's limit, against 200 requests
    print(f"200 requests from 4 threads over {len(connections)} TCP connection(s)")
    assert c.requests_sent == 200 and c.retries == 0
    with emulator.state.lock:
        assert emulator.state.endpoints == {}


def test_client_for_gives_one_client_per_connection_even_when_raced(emulator: Emulator) -> None:
    close_all()
    connection = ClusterConnection(url=emulator.url)
    found: list[InferenceClient] = []
    barrier = threading.Barrier(4)

    def get() -> None:
        barrier.wait()
        found.append(client_for(connection))

    threads = [threading.Thread(target=get) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(c) for c in found}) == 1
    assert client_for(ClusterConnection(url=emulator.url, api_key="other")) is not found[0]
    assert found[0] in pooled_clients()
    close_all()
    assert pooled_clients() == []
