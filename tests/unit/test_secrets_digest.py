"""``adopt_secrets_digest`` (REQ-CREATE-7): secrets vouched for at adoption are not a change;
any other is."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_inference import operations
from pulumi_inference._pulumi_wire import UNKNOWN
from pulumi_inference.operations import DesiredEndpoint, plan_change
from pulumi_inference.operations._secrets_digest import (
    digest_matches,
    digest_problem,
    secrets_digest,
)
from pulumi_inference.operations._update import update_body

KEY = "sk-terraform-last-sent"


def declared(api_key: Any = KEY, **more: Any) -> dict[str, Any]:
    return {
        "inference_id": "openai-embeddings",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": api_key},
        "task_settings": {"user": "search"},
        **more,
    }


def imported() -> DesiredEndpoint:
    """What an import (or adoption's look-up) knows: the endpoint without its secrets."""
    props = declared()
    props["service_settings"] = {"model_id": "text-embedding-3-small"}
    return DesiredEndpoint.from_props(props)


DIGEST = secrets_digest("openai-embeddings", {"api_key": KEY})


def test_the_digest_proves_the_secrets_of_one_endpoint_and_nothing_else() -> None:
    assert DIGEST.startswith("$scrypt$ln=14,r=8,p=1$")
    assert KEY not in DIGEST
    assert digest_matches(DIGEST, "openai-embeddings", {"api_key": KEY})
    assert not digest_matches(DIGEST, "openai-embeddings", {"api_key": "sk-rotated"})
    assert not digest_matches(DIGEST, "other-endpoint", {"api_key": KEY})
    assert not digest_matches(DIGEST, "openai-embeddings", {"api_key": KEY, "extra": "x"})
    assert secrets_digest("openai-embeddings", {"api_key": KEY}) != DIGEST  # a new salt


def test_an_adoption_vouched_for_by_the_digest_plans_no_change() -> None:
    new = DesiredEndpoint.from_props(declared(adopt_secrets_digest=DIGEST))
    plan = plan_change(imported(), new)
    assert plan.changes == []
    assert update_body(plan, new) == {}


def test_a_secret_that_differs_from_the_digest_is_sent() -> None:
    """A key rotated between the import and the first `pulumi up`."""
    new = DesiredEndpoint.from_props(declared("sk-rotated", adopt_secrets_digest=DIGEST))
    plan = plan_change(imported(), new)
    assert [(c.path, c.kind, c.replaces) for c in plan.changes] == [
        (("service_settings", "api_key"), "add", False)
    ]
    assert plan.update_body == {"service_settings": {"api_key": "sk-rotated"}}


def test_without_a_digest_the_adoption_sends_the_secrets_as_before() -> None:
    plan = plan_change(imported(), DesiredEndpoint.from_props(declared()))
    assert plan.update_body == {"service_settings": {"api_key": KEY}}


def test_once_state_records_the_secrets_the_digest_no_longer_speaks() -> None:
    """A rotation after the adoption is an update, whatever the digest says."""
    recorded = DesiredEndpoint.from_props(declared(adopt_secrets_digest=DIGEST))
    rotated_digest = secrets_digest("openai-embeddings", {"api_key": "sk-rotated"})
    rotated = DesiredEndpoint.from_props(
        declared("sk-rotated", adopt_secrets_digest=rotated_digest)
    )
    plan = plan_change(recorded, rotated)
    assert plan.update_body == {"service_settings": {"api_key": "sk-rotated"}}
    same = DesiredEndpoint.from_props(declared(adopt_secrets_digest=DIGEST))
    assert plan_change(recorded, same).changes == []


def test_a_changed_or_removed_digest_alone_is_no_change() -> None:
    recorded = DesiredEndpoint.from_props(declared(adopt_secrets_digest=DIGEST))
    assert plan_change(recorded, DesiredEndpoint.from_props(declared())).changes == []


def test_other_changes_at_adoption_are_sent_without_the_vouched_secrets() -> None:
    new = DesiredEndpoint.from_props(
        declared(task_settings={"user": "by-terraform"}, adopt_secrets_digest=DIGEST)
    )
    plan = plan_change(imported(), new)
    assert update_body(plan, new) == {"task_settings": {"user": "by-terraform"}}


def test_secrets_not_known_yet_are_never_vouched_for() -> None:
    new = DesiredEndpoint.from_props(
        declared(UNKNOWN, adopt_secrets_digest=DIGEST), secrets_unknown=True
    )
    assert any(c.key_not_known for c in plan_change(imported(), new).changes)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("sha256:abc", "expected the $scrypt$"),
        (42, "expected the $scrypt$"),
        ("$scrypt$ln=40,r=8,p=1$c2FsdA$aGFzaA", "its cost (ln=40, r=8, p=1) is out of range"),
    ],
)
def test_check_refuses_a_digest_it_cannot_check_naming_the_property(value: Any, said: str) -> None:
    issues = operations.check(declared(adopt_secrets_digest=value))
    assert [path for path, _ in issues] == ["adopt_secrets_digest"]
    assert said in issues[0][1]
    assert digest_problem(DIGEST) is None
