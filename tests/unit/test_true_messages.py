"""Messages tell the truth to the reader at hand: the deadlines in force for the command that
failed, the published address of a page (a pip user has no checkout), and property names as
the reader's language spells them."""

from __future__ import annotations

import ast
import dataclasses
import re
import socket
from pathlib import Path

import httpx
import pytest

from pulumi_inference import _published
from pulumi_inference._naming import naming, spelled
from pulumi_inference.client import LOOKUP_POLICY, InferenceClient, RetryPolicy
from pulumi_inference.connection import ClusterConnection
from pulumi_inference.errors import ClusterUnavailableError, ClusterUnreachableError
from pulumi_inference.native._program_naming import program_naming, project_runtime
from pulumi_inference.native._values import schema_naming
from tests.support.fake_time import FakeTime

PACKAGE = Path(__file__).resolve().parents[2] / "pulumi_inference"
CHECKOUT_PATH = re.compile(
    r"(?<![\w./:-])(?:docs|examples|scripts|tests|benchmarks|devtools)/[\w./-]+"
)  # a path of the checkout, not one inside an address


def refused_url() -> str:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


# --- deadlines ---------------------------------------------------------------------------


def test_the_commands_deadlines_are_quoted_with_the_variables_that_set_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PULUMI_INFERENCE_RETRY_DEADLINE", raising=False)
    monkeypatch.delenv("PULUMI_INFERENCE_UNREACHABLE_DEADLINE", raising=False)
    assert RetryPolicy.from_environment().stops() == (
        "retries stop after PULUMI_INFERENCE_RETRY_DEADLINE (60s), or "
        "PULUMI_INFERENCE_UNREACHABLE_DEADLINE (15s) of refused connections"
    )  # the defaults docs/configuration.md gives
    monkeypatch.setenv("PULUMI_INFERENCE_RETRY_DEADLINE", "120")
    assert "PULUMI_INFERENCE_RETRY_DEADLINE (120s)" in RetryPolicy.from_environment().stops()


def test_the_previews_look_up_quotes_its_own_budget_and_what_the_variables_govern(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The look-up's 10 s and 3 s are fixed: the variables do not set them, so the message
    does not name them as its own (it said `PULUMI_INFERENCE_RETRY_DEADLINE (10s)`)."""
    monkeypatch.setenv("PULUMI_INFERENCE_RETRY_DEADLINE", "90")
    monkeypatch.delenv("PULUMI_INFERENCE_UNREACHABLE_DEADLINE", raising=False)
    said = LOOKUP_POLICY.stops()
    assert said.startswith("the preview's look-up gives up after 10s, or 3s of refused")
    assert "PULUMI_INFERENCE_RETRY_DEADLINE (90s)" in said
    assert "PULUMI_INFERENCE_UNREACHABLE_DEADLINE (15s)" in said
    assert "PULUMI_INFERENCE_RETRY_DEADLINE (10s)" not in said


def test_an_unreachable_cluster_is_reported_with_the_budget_of_the_call_that_failed() -> None:
    quick_lookup = dataclasses.replace(LOOKUP_POLICY, unreachable_deadline=0.3, base_delay=0.05)
    client = InferenceClient(ClusterConnection(url=refused_url()), policy=quick_lookup)

    with pytest.raises(ClusterUnreachableError) as caught:
        client.get_endpoint("text_embedding", "down")

    message = str(caught.value)
    assert "the preview's look-up gives up after 10s, or 0.3s of refused connections" in message
    assert message.count("PULUMI_INFERENCE_RETRY_DEADLINE") == 1  # what governs the others


def busy_cluster(status: int) -> httpx.MockTransport:
    """A cluster that answers every request ``status`` (429: overloaded, 503: unavailable)."""
    body = {"error": {"type": "es_rejected_execution_exception", "reason": "busy"}}
    return httpx.MockTransport(lambda request: httpx.Response(status, json=body))


def busy_client(status: int, policy: RetryPolicy | None = None) -> InferenceClient:
    fake = FakeTime()
    return InferenceClient(
        ClusterConnection(url="http://127.0.0.1:9"),
        policy=policy,
        transport=busy_cluster(status),
        sleep=fake.sleep,
        clock=fake.clock,
    )


def commands_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_INFERENCE_RETRY_DEADLINE", "90")
    monkeypatch.setenv("PULUMI_INFERENCE_UNREACHABLE_DEADLINE", "0.3")
    monkeypatch.setenv("PULUMI_INFERENCE_RETRY_BASE_DELAY", "0.05")


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_cluster_during_a_change_quotes_the_commands_deadline(
    status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands_environment(monkeypatch)
    client = busy_client(status)  # the environment's policy, as a create or delete has

    with pytest.raises(ClusterUnavailableError) as caught:
        client.delete_endpoint("text_embedding", "busy", force=False)

    message = str(caught.value)
    assert f"answered {status} to " in message
    assert "the retry deadline, PULUMI_INFERENCE_RETRY_DEADLINE (90s), ran out" in message
    assert message.endswith("or raise PULUMI_INFERENCE_RETRY_DEADLINE (seconds).")


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_cluster_during_the_previews_look_up_quotes_the_look_ups_budget(
    status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The look-up's 10 s are fixed: raising the variable would not lengthen them, so the
    message does not tell the reader to (it said `raise PULUMI_INFERENCE_RETRY_DEADLINE`)."""
    commands_environment(monkeypatch)
    client = busy_client(status)

    with pytest.raises(ClusterUnavailableError) as caught:
        client.endpoint_users("text_embedding", "busy", policy=LOOKUP_POLICY)

    message = str(caught.value)
    assert f"answered {status} to " in message
    assert (
        "the preview's look-up gave up after 10s (a fixed budget; the calls that change "
        "the cluster retry for PULUMI_INFERENCE_RETRY_DEADLINE (90s))" in message
    )
    assert "raise PULUMI_INFERENCE_RETRY_DEADLINE" not in message


def test_an_unreachable_cluster_during_a_change_quotes_the_commands_deadlines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    commands_environment(monkeypatch)
    client = InferenceClient(ClusterConnection(url=refused_url()))

    with pytest.raises(ClusterUnreachableError) as caught:
        client.delete_endpoint("text_embedding", "down", force=False)

    message = str(caught.value)
    assert (
        "retries stop after PULUMI_INFERENCE_RETRY_DEADLINE (90s), or "
        "PULUMI_INFERENCE_UNREACHABLE_DEADLINE (0.3s) of refused connections" in message
    )
    assert "look-up" not in message


# --- no path of the checkout -------------------------------------------------------------


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            found.add(id(node.value))  # an attribute's docstring
    return found


def _published_arguments(tree: ast.AST) -> set[int]:
    return {
        id(arg)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "docs_url"
        for arg in node.args
    }


def test_no_message_of_the_package_cites_a_path_of_the_checkout() -> None:
    """A wheel holds the package only: a message names a page by its published address
    (_published.docs_url), as help texts do. Docstrings and comments are for readers of the
    source, who have the checkout."""
    cited = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        skipped = _docstrings(tree) | _published_arguments(tree)
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and id(node) not in skipped and CHECKOUT_PATH.search(text):
                cited.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert cited == []


def test_the_region_policy_violation_sends_the_reader_to_the_published_page() -> None:
    from pulumi_inference.policy import RULES_BY_ID, Context

    rule = RULES_BY_ID["region-policy-required"]
    assert rule.check_regions is not None
    (message,) = rule.check_regions([], rule.config({"stacks": ["prod"]}), Context("prod"))
    assert f"({_published.docs_url('docs/region-policy.md')})" in message
    assert "(docs/region-policy.md)" not in message


# --- names as the reader's language spells them ------------------------------------------


@pytest.mark.parametrize(
    ("runtime", "said"),
    [
        ("python", "adopt_existing=True"),
        ("yaml", "adoptExisting: true"),
        ("nodejs", "adoptExisting: true"),
        ("go", "adoptExisting: true"),
    ],
)
def test_the_native_door_spells_names_as_the_programs_language_does(
    runtime: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine starts the plugin in the program's project directory: a Python program
    (pulumi_inference.native) writes `adopt_existing=True`, YAML, TypeScript and Go the
    schema's `adoptExisting` (docs/sdks.md)."""
    project = f"name: p\nruntime:\n  name: {runtime}\n  options: {{}}\n"
    (tmp_path / "Pulumi.yaml").write_text(project)
    monkeypatch.chdir(tmp_path)

    with naming(program_naming()):
        assert spelled("adopt_existing", True) == said


def test_without_a_project_to_read_the_native_door_spells_as_its_schema(tmp_path: Path) -> None:
    assert project_runtime(tmp_path) is None
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    assert project_runtime(tmp_path) == "python"
    with naming(schema_naming):
        assert spelled("force_delete", True) == "forceDelete: true"
