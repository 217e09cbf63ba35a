"""``InferenceClient`` split by job (client/_client.py, client/_session.py): the client is
the inference API's calls and what each answer means; sending a request until its answer is
final (retries, deadlines, lost answers, TLS diagnosis) and turning an error answer into a
typed error is its session's. The public face programs and benchmarks use is unchanged."""

from __future__ import annotations

import inspect

from pulumi_inference.client import InferenceClient, RetryPolicy
from pulumi_inference.client._session import ClusterSession
from pulumi_inference.connection import ClusterConnection

API_CALLS = {
    "all_model_stats",
    "close",
    "cluster_info",
    "cluster_privileges",
    "cluster_version",
    "delete_endpoint",
    "endpoint_users",
    "find_endpoint",
    "get_endpoint",
    "list_endpoints",
    "put_endpoint",
    "trained_model_stats",
    "update_endpoint",
}


def _methods(cls: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(cls, inspect.isfunction)}


def test_the_client_holds_the_api_calls_and_no_sending_of_its_own() -> None:
    public = {name for name in _methods(InferenceClient) if not name.startswith("_")}
    assert public >= API_CALLS  # every call kept (a new one is welcome)
    assert {"_send", "_wait_after_failure", "_wait_after_answer", "_tls_message"}.isdisjoint(
        _methods(InferenceClient)
    )


def test_the_session_sends_and_reads_errors() -> None:
    assert {"send", "raise_for_status", "json", "hidden"} <= _methods(ClusterSession)
    assert {"_wait_after_failure", "_wait_after_answer", "_tls_message"} <= _methods(ClusterSession)


def test_the_clients_public_attributes_are_those_it_always_had() -> None:
    policy = RetryPolicy(deadline=1)
    client = InferenceClient(ClusterConnection(url="http://127.0.0.1:9"), policy=policy)
    assert client.policy is policy
    assert (client.requests_sent, client.retries) == (0, 0)
    assert client.cluster == "http://127.0.0.1:9"
    assert client.reads is not None
    client.policy = RetryPolicy(deadline=2)
    assert client._session.policy.deadline == 2  # the session sends with it
    client.close()
