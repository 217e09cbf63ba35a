"""Which cluster answers (issue 30): is it Elasticsearch, is it the recorded one, and what a
refusal says. Over an ``httpx.MockTransport``: no server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pulumi_inference.client import InferenceClient, RetryPolicy
from pulumi_inference.connection import resolve_connection
from pulumi_inference.errors import (
    AnotherClusterError,
    AuthenticationError,
    ClusterRejectedError,
    NotElasticsearchError,
)
from pulumi_inference.operations._availability import live_version
from pulumi_inference.operations._identity import (
    MOVE_ENV,
    ClusterIdentity,
    confirm_cluster,
    identify,
)

FAST = RetryPolicy(deadline=0.5, base_delay=0.01, max_delay=0.02)
INFO = {
    "name": "node-0",
    "cluster_name": "prod",
    "cluster_uuid": "A1uuid",
    "version": {"number": "9.1.0"},
    "tagline": "You Know, for Search",
}
PRODUCT = {"X-Elastic-Product": "Elasticsearch"}


def client_of(answer: Callable[[httpx.Request], httpx.Response]) -> InferenceClient:
    connection = resolve_connection({}, {"elasticsearch:url": "http://es.test:9200"}, {})
    return InferenceClient(connection, policy=FAST, transport=httpx.MockTransport(answer))


def answering(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        if body is None:
            return httpx.Response(status, text="<html>Not Found</html>", headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return answer


@pytest.mark.parametrize(
    ("status", "body", "headers"),
    [
        (200, INFO, PRODUCT),
        (200, INFO, None),  # a proxy stripped the header: the cluster info says it
        (403, {"error": {"root_cause": [], "type": "security_exception"}, "status": 403}, None),
    ],
)
def test_elasticsearch_is_known_by_its_header_or_its_answer(
    status: int, body: Any, headers: dict[str, str] | None
) -> None:
    identity = identify(client_of(answering(status, body, headers)))
    assert identity == (ClusterIdentity("A1uuid", "prod") if status == 200 else ClusterIdentity())


@pytest.mark.parametrize(
    ("status", "body"),
    [(404, None), (200, None), (404, {"message": "no such deployment"}), (200, {"ok": True})],
)
def test_a_server_that_is_not_elasticsearch_is_refused_naming_the_setting(
    status: int, body: Any
) -> None:
    """A mistyped URL: a 404 page, a web server's 200, JSON that is not Elasticsearch's."""
    client = client_of(answering(status, body))
    with pytest.raises(NotElasticsearchError) as refused:
        confirm_cluster(client, ClusterIdentity("A1uuid", "prod"), "inference endpoint 'e'")
    said = str(refused.value)
    assert said.startswith(
        "inference endpoint 'e': expected the cluster 'prod' (cluster_uuid A1uuid)"
    )
    assert f"http://es.test:9200 is not Elasticsearch (GET / answered {status} with no " in said
    assert said.endswith("fix elasticsearch:url")


def test_another_cluster_is_refused_unless_a_move_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = client_of(answering(200, {**INFO, "cluster_uuid": "B2uuid", "cluster_name": "dev"}))
    recorded = ClusterIdentity("A1uuid", "prod")
    with pytest.raises(AnotherClusterError) as refused:
        confirm_cluster(client, recorded, "inference endpoint 'e'")
    said = str(refused.value)
    assert "expected the cluster 'prod' (cluster_uuid A1uuid) (recorded in state)" in said
    assert "http://es.test:9200 is the cluster 'dev' (cluster_uuid B2uuid)" in said
    assert "fix elasticsearch:url, or, to move the stack to that cluster on purpose, " in said
    assert f"set {MOVE_ENV}=B2uuid" in said
    monkeypatch.setenv(MOVE_ENV, "someone-else")
    with pytest.raises(AnotherClusterError):
        confirm_cluster(client, recorded, "inference endpoint 'e'")
    monkeypatch.setenv(MOVE_ENV, "B2uuid")
    assert confirm_cluster(client, recorded, "e") == ClusterIdentity("B2uuid", "dev")


def test_nothing_recorded_or_nothing_said_compares_nothing() -> None:
    """A state written before the uuid was recorded; credentials without `monitor`."""
    other = client_of(answering(200, {**INFO, "cluster_uuid": "B2uuid"}, PRODUCT))
    assert confirm_cluster(other, ClusterIdentity(), "e").uuid == "B2uuid"
    forbidden = {"error": {"root_cause": [], "type": "security_exception"}, "status": 403}
    no_monitor = client_of(answering(403, forbidden, PRODUCT))
    assert confirm_cluster(no_monitor, ClusterIdentity("A1uuid", "prod"), "e") == ClusterIdentity()


def test_refused_credentials_are_said_about_the_resource_naming_their_setting() -> None:
    refusal = {"error": {"root_cause": [], "type": "security_exception", "reason": "no"}}
    client = client_of(answering(401, refusal, PRODUCT))
    with pytest.raises(AuthenticationError) as refused:
        confirm_cluster(client, ClusterIdentity(), "inference endpoint 'e'")
    said = str(refused.value)
    assert said.startswith("inference endpoint 'e' on http://es.test:9200: the cluster refused")
    assert said.endswith("Check the credentials in elasticsearch:apiKey.")


def test_the_cluster_is_asked_once_per_client() -> None:
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(200, json=INFO, headers=PRODUCT)

    client = client_of(answer)
    for _ in range(3):
        confirm_cluster(client, ClusterIdentity("A1uuid", "prod"), "e")
    assert asked == ["/"]


def test_a_404_to_get_root_is_a_wrong_url_never_an_endpoint_deleted_outside_pulumi() -> None:
    """Elasticsearch behind a proxy whose route is wrong: GET / answers 404 with the product
    header. The refusal names the URL's setting, and no `pulumi refresh` hint (issue 34)."""
    missing = {"error": {"root_cause": [], "type": "no_route", "reason": "no such path"}}
    client = client_of(answering(404, missing, PRODUCT))
    with pytest.raises(ClusterRejectedError) as refused:
        confirm_cluster(client, ClusterIdentity("A1uuid", "prod"), "inference endpoint 'e'")
    said = str(refused.value)
    assert said == (
        "inference endpoint 'e' on http://es.test:9200: GET / answered 404 no_route: no such "
        "path; the URL is not the cluster's root: fix elasticsearch:url"
    )
    assert refused.value.status == 404


@pytest.mark.parametrize(
    ("status", "body", "headers", "unread"),
    [
        (404, None, None, False),  # not Elasticsearch: the identity check's line alone
        (200, {"ok": True}, None, False),  # answers, but no version: current, nothing to say
        (500, {"error": "failed"}, PRODUCT, True),
        (403, {"error": {"root_cause": [], "type": "security_exception"}}, PRODUCT, True),
    ],
)
def test_the_version_look_up_says_it_was_not_read_only_of_an_elasticsearch_cluster(
    status: int,
    body: Any,
    headers: dict[str, str] | None,
    unread: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Issue 34: one error per mistake. A URL that is not Elasticsearch fails the command
    with the identity check's line; the version look-up adds no "version not read" (with a
    404 endpoint hint) before it."""
    caplog.set_level("INFO", logger="pulumi_inference")
    client = client_of(answering(status, body, headers))
    assert live_version(client) is None  # taken as current either way
    lines = [record.getMessage() for record in caplog.records]
    assert len([line for line in lines if "version not read" in line]) == (1 if unread else 0)
    assert not any("pulumi refresh" in line for line in lines)
