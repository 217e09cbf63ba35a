"""The pytest plugin (pulumi_inference.testing, docs/testing-your-infrastructure.md): registered
by the package's entry point, each fixture and option as a user's test suite uses them, run in a
pytest of their own (``pytester``), and cheap to load into any pytest run (ours included)."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from pulumi_inference.testing import start_cluster

pytest_plugins = ("pytester",)


def test_installing_the_package_registers_the_plugin() -> None:
    (plugin,) = [e for e in entry_points(group="pytest11") if e.name == "pulumi-inference"]
    assert plugin.value == "pulumi_inference.testing._plugin"


def test_loading_the_plugin_imports_neither_pulumi_nor_grpc_nor_httpx() -> None:
    code = (
        "import json, sys, pulumi_inference.testing._plugin\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout)
    heavy = [m for m in loaded if m.split(".")[0] in {"pulumi", "grpc", "httpx", "elasticsearch"}]
    assert heavy == []


OPTIONS_SUITE = """
import httpx
import pytest


def test_defaults(es_emulator, es_url, es_http, es_control):
    assert es_url == es_emulator.url and es_url.startswith("http://127.0.0.1:")
    assert es_http.get("/").json()["version"]["number"] == "9.1.0"
    assert es_control.url == es_url


@pytest.mark.es_emulator(version="8.18.0", build_flavor="serverless", eis=True)
def test_version_flavour_eis(es_http, es_control):
    version = es_http.get("/").json()["version"]
    assert (version["number"], version["build_flavor"]) == ("8.18.0", "serverless")
    assert es_control.settings.eis is True


@pytest.mark.es_emulator(api_key="ci-key", user="elastic:changeme")
def test_credentials(es_emulator, es_http):
    assert es_http.get("/_inference/_all").status_code == 200
    assert httpx.get(es_emulator.url + "/_inference/_all").status_code == 401
    basic = httpx.get(es_emulator.url + "/_inference/_all", auth=("elastic", "changeme"))
    assert basic.status_code == 200
    assert es_emulator.connection_env()["ELASTICSEARCH_API_KEY"] == "ci-key"


@pytest.mark.es_emulator(tls=True)
def test_tls(es_emulator, es_http):
    assert es_emulator.url.startswith("https://")
    assert es_http.get("/").status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(es_emulator.url)  # not trusted without the CA


@pytest.mark.es_emulator(faults=[{"action": "status", "status": 503, "path": "^/$"}])
def test_faults(es_http):
    assert es_http.get("/").status_code == 503
    assert es_http.get("/").status_code == 200


VERSIONS = [{"version": "8.16.0"}, {"version": "9.4.0"}]


@pytest.mark.parametrize("es_emulator", VERSIONS, indirect=True)
def test_indirect(es_http, es_emulator):
    assert es_http.get("/").json()["version"]["number"] in {"8.16.0", "9.4.0"}


def test_each_test_has_its_own(es_http):
    created = es_http.put("/_inference/completion/mine", json={
        "service": "openai", "service_settings": {"api_key": "k", "model_id": "gpt-4o"}})
    assert created.status_code == 200


def test_and_it_starts_empty(es_http):
    assert es_http.get("/_inference/mine").status_code == 404


def test_session_cluster(es_emulator_session):
    assert es_emulator_session.http.get("/").json()["version"]["number"] == "8.19.0"


def test_inference_call(es_http):
    es_http.put("/_inference/completion/c", json={
        "service": "openai", "service_settings": {"api_key": "k", "model_id": "gpt-4o"}})
    assert es_http.post("/_inference/completion/c", json={"input": "hi"}).json() == {
        "completion": [{"result": "HI"}]}
"""

SESSION_CONFTEST = """
import pytest


@pytest.fixture(scope="session")
def es_emulator_session_options():
    return {"version": "8.19.0"}
"""


def test_every_fixture_and_option_in_a_users_suite(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(SESSION_CONFTEST)
    pytester.makepyfile(test_options=OPTIONS_SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=11)


def test_es_client_is_the_official_client_or_a_visible_skip(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_client="""
def test_client(es_client):
    es_client.inference.put_openai(task_type="completion", openai_inference_id="c",
        service="openai", service_settings={"api_key": "k", "model_id": "gpt-4o"})
    assert es_client.inference.completion(inference_id="c", input="hi")["completion"] == [
        {"result": "HI"}]
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=1)
    pytester.makeconftest("import sys\nsys.modules['elasticsearch'] = None\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        ["*es_client needs the official client: pip install elasticsearch*"]
    )


def test_a_misspelt_option_is_one_clear_error() -> None:
    with (
        pytest.raises(TypeError, match=r"unknown emulated cluster option\(s\) \['verison'\]"),
        start_cluster(verison="9.1.0"),
    ):
        pass


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.es_emulator(**options): *"])
