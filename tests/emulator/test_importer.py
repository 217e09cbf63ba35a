"""`pulumi-inference import` against the emulator: what it writes, prints and refuses.

The written program is also run under Pulumi's mocks (what it registers) and checked with
ruff; tests/engine/test_engine_import.py runs it with the real engine.
"""

from __future__ import annotations

import base64
import os
import re
import runpy
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_inference._origin import origin
from pulumi_inference.cli import main
from pulumi_inference.connection import ClusterConnection
from pulumi_inference.emulator import ApiKey, Emulator, EmulatorConfig
from pulumi_inference.importer._cluster import Found, Inventory
from pulumi_inference.importer._names import Names, config_stem, python_stem
from pulumi_inference.importer._plan import plan
from pulumi_inference.importer._render import Door, render_program
from pulumi_inference.importer._secrets import secrets_of
from pulumi_inference.importer._summary import connection_lines
from tests.unit.test_resource_mocks import readable, run_program, secret

API_KEY_RAW = "importer-tests:cluster-key-LEAKCHECK-7f3a"
API_KEY = base64.b64encode(API_KEY_RAW.encode()).decode()
PASSWORD = "monitor-password-LEAKCHECK"
STORED = {  # secrets the endpoints hold on the cluster
    "openai": "sk-openai-LEAKCHECK",
    "cohere": "cohere-LEAKCHECK",
    "custom": "custom-LEAKCHECK",
    "region": "region-LEAKCHECK",
}
RUFF = Path(sys.executable).parent / "ruff"
NATIVE_TYPE = "elasticsearch-inference:index:InferenceEndpoint"


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(
        version="9.4.0",
        deployment_seconds=0.05,
        api_keys=(ApiKey(API_KEY_RAW, name="importer-tests"),),
        users=(f"reader:{PASSWORD}:monitor_inference",),
    )


@pytest.fixture
def keyed_http(emulator: Emulator) -> Iterator[httpx.Client]:
    """An HTTP client on the (reset) emulator with the cluster's API key."""
    headers = {"Authorization": f"ApiKey {API_KEY}"}
    with httpx.Client(base_url=emulator.url, headers=headers, timeout=10) as client:
        yield client


@pytest.fixture(autouse=True)
def _no_ambient_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    """No cluster from the machine's environment (the `emulator` fixture gives each test
    fresh pooled clients, as each command is its own process)."""
    for name in list(os.environ):
        if name.startswith(("ELASTICSEARCH_", "ELASTIC_CLOUD")):
            monkeypatch.delenv(name)


def put(keyed_http: httpx.Client, task_type: str, inference_id: str, body: dict[str, Any]) -> None:
    response = keyed_http.put(f"/_inference/{task_type}/{inference_id}", json=body)
    assert response.status_code == 200, response.text


def several(keyed_http: httpx.Client) -> None:
    put(
        keyed_http,
        "text_embedding",
        "openai-embeddings",
        {
            "service": "openai",
            "service_settings": {"model_id": "text-embedding-3-small", "api_key": STORED["openai"]},
            "task_settings": {"user": "search"},
            "chunking_settings": {"strategy": "word", "max_chunk_size": 120, "overlap": 40},
        },
    )
    put(
        keyed_http,
        "rerank",
        "cohere-rerank",
        {
            "service": "cohere",
            "service_settings": {"model_id": "rerank-v3.5", "api_key": STORED["cohere"]},
            "task_settings": {"top_n": 3},
        },
    )
    put(
        keyed_http,
        "sparse_embedding",
        "elser",
        {
            "service": "elasticsearch",
            "service_settings": {
                "model_id": ".elser_model_2",
                "num_threads": 1,
                "adaptive_allocations": {
                    "enabled": True,
                    "min_number_of_allocations": 1,
                    "max_number_of_allocations": 4,
                },
            },
        },
    )
    put(
        keyed_http,
        "rerank",
        "custom-rerank",
        {
            "service": "custom",
            "service_settings": {
                "url": "https://rerank.example.com/${region}/rerank",
                "headers": {"Authorization": "Bearer ${api_key}"},
                "request": '{"query": ${query}, "documents": ${input}, "model": ${model}}',
                "response": {"json_parser": {"reranked_index": "$.r[*].i"}},
                "secret_parameters": {"api_key": STORED["custom"], "region": STORED["region"]},
            },
            "task_settings": {"parameters": {"model": "rerank-2"}},
        },
    )


def run_import(
    emulator: Emulator,
    out: Path,
    *flags: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    api_key: str | None = API_KEY,
) -> tuple[int, str, str]:
    """The command with the cluster's API key from the environment, as documented."""
    if api_key is not None:
        monkeypatch.setenv("ELASTICSEARCH_API_KEY", api_key)
    code = main(["import", "--url", emulator.url, "--out", str(out), *flags])
    printed = capsys.readouterr()
    return code, printed.out, printed.err


def program_of(out: Path) -> Callable[[], None]:
    def program() -> None:
        runpy.run_path(str(out / "__main__.py"), run_name="__main__")

    return program


def config_set_lines(printed: str) -> list[str]:
    return [line.strip() for line in printed.splitlines() if "pulumi config set" in line]


# -- what is written ---------------------------------------------------------------------


def test_writes_a_project_declaring_each_endpoint_as_it_was_made(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    several(keyed_http)
    out = tmp_path / "Cluster Endpoints"
    code, printed, err = run_import(emulator, out, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err

    assert sorted(p.name for p in out.iterdir()) == [
        "Pulumi.yaml",
        "__main__.py",
        "requirements.txt",
    ]
    # pulumi-inference from where this copy was installed from (tests/unit/test_origin.py)
    assert (out / "requirements.txt").read_text() == f"{origin().requirement}\n"
    project = (out / "Pulumi.yaml").read_text()
    assert 'name: "Cluster-Endpoints"' in project
    assert "runtime:\n  name: python\n" in project
    source = (out / "__main__.py").read_text()
    compile(source, "__main__.py", "exec")
    names = re.findall(r'^(\w+) = inference\.InferenceEndpoint\(\n    "([^"]+)",$', source, re.M)
    assert names == [  # one per endpoint, ordered by id, named after it
        ("cohere_rerank", "cohere-rerank"),
        ("custom_rerank", "custom-rerank"),
        ("elser", "elser"),
        ("openai_embeddings", "openai-embeddings"),
    ]
    assert "service_settings=OpenAIServiceSettings(" in source
    assert "task_settings=CohereTaskSettings(top_n=3)" in source
    assert source.count("\n    adopt_existing=True,\n") == 4
    assert "num_allocations" not in source  # adaptive: the live count is not a declaration
    openai_block = source.split('"openai-embeddings",', 1)[1]
    for server_default in ("rate_limit", "dimensions", "similarity", "sentence"):
        assert server_default not in openai_block

    run = run_program(
        program_of(out),
        project="imported",
        config={"elasticsearch:url": emulator.url},
        secret_config={
            "openaiEmbeddingsApiKey": "sk-from-config",
            "cohereRerankApiKey": "co-from-config",
            "customRerankApiKey": "api-from-config",
            "customRerankRegion": "region-from-config",
        },
    )
    openai = run.props("openai-embeddings")
    assert readable(openai["service_settings"]) == {"model_id": "text-embedding-3-small"}
    assert secret(openai["secrets"]) == {"service_settings": {"api_key": "sk-from-config"}}
    assert openai["task_settings"] == {"user": "search"}
    assert openai["chunking_settings"] == {"strategy": "word", "max_chunk_size": 120, "overlap": 40}
    assert openai["adopt_existing"] is True
    assert readable(run.props("elser")["service_settings"]) == {
        "model_id": ".elser_model_2",
        "num_threads": 1,
        "adaptive_allocations": {
            "enabled": True,
            "min_number_of_allocations": 1,
            "max_number_of_allocations": 4,
        },
    }
    custom = run.props("custom-rerank")
    assert secret(custom["secrets"]) == {  # placeholders that no task setting fills
        "service_settings": {
            "secret_parameters": {"api_key": "api-from-config", "region": "region-from-config"}
        }
    }
    assert custom["task_settings"] == {"parameters": {"model": "rerank-2"}}

    assert config_set_lines(printed) == [
        f"pulumi config set elasticsearch:url {emulator.url}",
        "pulumi config set --secret elasticsearch:apiKey <value>",
        "pulumi config set --secret cohereRerankApiKey <value>",
        "pulumi config set --secret customRerankRegion <value>",
        "pulumi config set --secret customRerankApiKey <value>",
        "pulumi config set --secret openaiEmbeddingsApiKey <value>",
    ]
    assert "custom-rerank: secret_parameters keys guessed from the templates" in printed


@pytest.mark.parametrize("native", [False, True], ids=["dynamic", "native"])
def test_the_program_is_formatted_and_clean_as_ruff_sees_it(
    native: bool,
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    several(keyed_http)
    put(  # a value with both quotes, and one too long for any line
        keyed_http,
        "completion",
        "anthropic-chat",
        {
            "service": "anthropic",
            "service_settings": {"model_id": "claude-3-5-sonnet", "api_key": "k"},
            "task_settings": {"max_tokens": 1024, "temperature": 0.25},
        },
    )
    flags = ["--include-preconfigured", *(["--native"] if native else [])]
    code, _, err = run_import(emulator, tmp_path, *flags, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err
    for command in (
        [str(RUFF), "format", "--isolated", "--diff", "__main__.py"],
        [str(RUFF), "check", "--isolated", "--select", "E,F,W,I,UP,B,SIM", "__main__.py"],
    ):
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_native_imports_each_endpoint_by_its_id_and_reads_preconfigured_ones(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    several(keyed_http)
    code, printed, err = run_import(
        emulator,
        tmp_path,
        "--native",
        "--include-preconfigured",
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    source = (tmp_path / "__main__.py").read_text()
    assert "import pulumi_inference.native as es" in source
    assert "\n    adopt_existing=True" not in source
    assert 'es.InferenceEndpoint.get(\n    ".elser-2-elasticsearch",\n' in source
    assert "pulumi config set elasticsearch-inference:url" in printed
    assert "pulumi config set --secret elasticsearch-inference:apiKey <value>" in printed
    assert "pulumi-inference install-plugin" in printed
    assert "pulumi config set elasticsearch-inference:url" in (tmp_path / "Pulumi.yaml").read_text()

    run = run_program(
        program_of(tmp_path),
        project="imported-native",
        secret_config={
            "openaiEmbeddingsApiKey": "sk",
            "cohereRerankApiKey": "co",
            "customRerankApiKey": "a",
            "customRerankRegion": "r",
        },
    )
    assert run.types["openai-embeddings"] == NATIVE_TYPE
    assert run.requests["openai-embeddings"].importId == "openai-embeddings"
    assert run.requests["elser"].importId == "elser"
    assert set(run.types) >= {".elser-2-elasticsearch", ".rerank-v1-elasticsearch"}


def test_dynamic_reads_preconfigured_endpoints_instead_of_adopting_them(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, printed, err = run_import(
        emulator,
        tmp_path,
        "--include-preconfigured",
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    source = (tmp_path / "__main__.py").read_text()
    assert source.count("opts=pulumi.ResourceOptions(id=") == 3
    # the cluster refuses to create, update or delete them
    assert "\n    adopt_existing=True" not in source
    assert "read only (preconfigured)" in printed


# -- choosing endpoints ------------------------------------------------------------------


def test_match_and_preconfigured_endpoints_are_skipped_with_the_reason(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    several(keyed_http)
    code, printed, err = run_import(
        emulator,
        tmp_path,
        "--match",
        "*-rerank",
        "--match",
        ".elser*",
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    source = (tmp_path / "__main__.py").read_text()
    assert re.findall(r'inference_id="([^"]+)"', source) == ["cohere-rerank", "custom-rerank"]
    skipped = printed.split("Skipped (5):\n", 1)[1].split("\n\n", 1)[0]
    rows = dict(table_rows(skipped))
    assert rows[".elser-2-elasticsearch"].startswith("preconfigured by the cluster (--include")
    for inference_id in ("openai-embeddings", "elser", ".rerank-v1-elasticsearch"):
        assert rows[inference_id] == "does not match --match"


def table_rows(block: str) -> list[tuple[str, str]]:
    """(id, description) of each row of a summary table, continuation lines joined; every
    description (and every continuation) starts in one column, shared by both tables."""
    rows: list[tuple[str, str]] = []
    column = None
    for line in block.splitlines():
        name = line[:column].strip() if column else line.split()[0]
        start = len(line) - len(line.lstrip()) if not name else line.index("  ", 2) + 2
        start += len(line[start:]) - len(line[start:].lstrip())
        column = column or start
        assert start == column, (line, column)
        if name:
            rows.append((name, line[column:]))
        else:
            rows[-1] = (rows[-1][0], f"{rows[-1][1]} {line[column:]}")
    return rows


def test_the_written_and_skipped_tables_line_up(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 30: the Skipped table was misaligned (a reason as a heading, its ids indented by
    the reason's length, one per line past the width). Each table is one row per endpoint,
    ids in one column, descriptions in the next, wrapped under themselves within 96 columns."""
    several(keyed_http)
    code, printed, err = run_import(
        emulator,
        tmp_path,
        *("--match", "*-rerank", "--match", ".elser*"),
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    written = printed.split("Written (2):\n", 1)[1].split("\n\n", 1)[0]
    skipped = printed.split("Skipped (", 1)[1].split(":\n", 1)[1].split("\n\n", 1)[0]
    table = table_rows(f"{written}\n{skipped}")
    assert [name for name, _ in table][:2] == ["cohere-rerank", "custom-rerank"]
    assert dict(table)[".elser-2-elasticsearch"] == (
        "preconfigured by the cluster (--include-preconfigured reads it into the program)"
    )
    assert max(len(line) for line in (written + "\n" + skipped).splitlines()) <= 96


def test_nothing_to_write_fails_and_writes_nothing(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "out"
    code, _, err = run_import(
        emulator, out, "--match", "nothing-*", capsys=capsys, monkeypatch=monkeypatch
    )
    assert code == 1
    assert "no endpoint to write" in err and "--match" in err
    assert not out.exists()


# -- never a secret, never an overwrite --------------------------------------------------


def test_no_secret_is_ever_printed_or_written(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    several(keyed_http)
    code, printed, err = run_import(
        emulator, tmp_path, "--api-key", API_KEY, capsys=capsys, monkeypatch=monkeypatch
    )
    assert code == 0, err
    written = "".join(p.read_text() for p in tmp_path.iterdir())
    for value in (API_KEY, API_KEY_RAW, *STORED.values()):
        assert value not in printed + err, value
        assert value not in written, value


def test_basic_auth_lines_show_the_user_and_a_placeholder_for_the_password(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    several(keyed_http)
    monkeypatch.setenv("ELASTICSEARCH_PASSWORD", PASSWORD)
    code, printed, err = run_import(
        emulator,
        tmp_path,
        "--username",
        "reader",
        capsys=capsys,
        monkeypatch=monkeypatch,
        api_key=None,
    )
    assert code == 0, err
    lines = config_set_lines(printed)
    assert "pulumi config set elasticsearch:username reader" in lines
    assert "pulumi config set --secret elasticsearch:password <value>" in lines
    assert PASSWORD not in printed + err + (tmp_path / "__main__.py").read_text()
    # monitor_inference reads endpoints but not the deployments' stats: said, not fatal
    assert "elser: the credentials cannot read the deployment's stats" in printed
    # nor GET / (it needs `monitor`): the version is unknown, said, and not fatal either
    assert "the cluster's version could not be read" in printed


@pytest.mark.parametrize("existing", ["Pulumi.yaml", "__main__.py"])
def test_refuses_a_directory_that_holds_a_program(
    existing: str,
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    several(keyed_http)
    (tmp_path / existing).write_text("mine\n")
    code, printed, err = run_import(emulator, tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1
    assert "--out" in err and existing in err and "nothing was written" in err
    assert [p.name for p in tmp_path.iterdir()] == [existing]
    assert (tmp_path / existing).read_text() == "mine\n"
    assert printed == ""


# -- exit codes and messages -------------------------------------------------------------


def test_usage_errors_exit_2_and_name_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--out", str(tmp_path / "a")]) == 2
    assert "--url" in capsys.readouterr().err

    with pytest.raises(SystemExit) as usage:
        main(["import", "--url", "http://127.0.0.1:9"])
    assert usage.value.code == 2
    assert "--out" in capsys.readouterr().err

    assert main(["import", "--url", "ftp://x", "--out", str(tmp_path / "b")]) == 2
    assert "--url" in capsys.readouterr().err

    header = "no-equals-sign-LEAKCHECK"
    assert main(["import", "--url", "http://x", "--headers", header, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--headers" in err and header not in err

    assert main(["import", "--url", "http://x", "--password", "p", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--username" in err and "--password" in err
    assert not any(tmp_path.iterdir())


def test_refused_credentials_exit_1_naming_the_flag(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrong = base64.b64encode(b"importer-tests:wrong-LEAKCHECK").decode()
    code, _, err = run_import(
        emulator, tmp_path / "out", capsys=capsys, monkeypatch=monkeypatch, api_key=wrong
    )
    assert code == 1
    assert "--api-key" in err
    assert wrong not in err and "wrong-LEAKCHECK" not in err
    assert not (tmp_path / "out").exists()


def test_an_unreachable_cluster_exits_1_naming_the_url_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULUMI_INFERENCE_UNREACHABLE_DEADLINE", "0.2")
    monkeypatch.setenv("PULUMI_INFERENCE_RETRY_DEADLINE", "0.5")
    code = main(["import", "--url", "http://127.0.0.1:9", "--out", str(tmp_path / "out")])
    assert code == 1
    assert "--url" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# -- versions ----------------------------------------------------------------------------


def test_endpoints_with_secrets_are_skipped_where_no_update_api_can_take_them(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    several(keyed_http)
    emulator.set_version("8.16.0")
    code, printed, err = run_import(emulator, tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err
    source = (tmp_path / "__main__.py").read_text()
    assert re.findall(r'inference_id="([^"]+)"', source) == ["elser"]
    assert "Elasticsearch 8.16.0 has no _update API (8.17+)" in " ".join(printed.split())
    assert "openai-embeddings" in printed.split("Skipped", 1)[1]


def test_warns_that_handing_over_secrets_resets_chunking_before_9_4(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    several(keyed_http)
    emulator.set_version("9.1.0")
    code, printed, err = run_import(emulator, tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err
    resets = [line for line in printed.splitlines() if "resets chunking_settings" in line]
    assert [line.split(":")[0].strip() for line in resets] == ["openai-embeddings"]
    # Issue 30: the program declares what the adoption leaves, so no preview differs after it.
    assert "the program declares word/250/100" in " ".join(printed.split())
    source = (tmp_path / "__main__.py").read_text()
    reset = '{"strategy": "word", "max_chunk_size": 250, "overlap": 100}'
    assert source.count(reset) == 1, source


def test_values_someone_set_are_written_and_the_clusters_defaults_left_out(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 22: an OpenAI endpoint made with dimensions 512 keeps them (a replacement would
    otherwise recreate it at 1536); one the catalogue cannot judge is kept and listed."""
    chosen = {"dimensions": 512, "similarity": "l2_norm", "rate_limit": {"requests_per_minute": 90}}
    put(
        keyed_http,
        "text_embedding",
        "small-512",
        {
            "service": "openai",
            "service_settings": {"model_id": "text-embedding-3-small", "api_key": "k", **chosen},
        },
    )
    put(
        keyed_http,
        "text_embedding",
        "small-default",
        {
            "service": "openai",
            "service_settings": {"model_id": "text-embedding-3-small", "api_key": "k"},
        },
    )
    put(
        keyed_http,
        "text_embedding",
        "hf",
        {
            "service": "hugging_face",
            "service_settings": {"url": "https://hf.example.com/e", "api_key": "k"},
        },
    )
    code, printed, err = run_import(emulator, tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err
    source = (tmp_path / "__main__.py").read_text()
    blocks = dict(re.findall(r'inference_id="([^"]+)",(.*?)\n\)', source, re.S))
    assert "dimensions=512" in blocks["small-512"]
    assert 'similarity="l2_norm"' in blocks["small-512"]
    assert '"requests_per_minute": 90' in blocks["small-512"]
    for left_out in ("dimensions", "similarity", "rate_limit"):
        assert left_out not in blocks["small-default"]
    assert "dimensions" in blocks["hf"]
    checks = printed.split("Check before `pulumi up`:", 1)[1].split("Next:", 1)[0]
    assert "hf: service_settings.dimensions is kept as the cluster shows it" in checks
    kept = [line.strip() for line in checks.splitlines() if "kept as the cluster shows" in line]
    assert [line.split(" is kept")[0] for line in kept] == [
        "hf: service_settings.dimensions",
        "hf: service_settings.similarity",
    ]


def test_no_chunking_reset_is_warned_of_where_the_live_chunking_already_is_what_it_sets(
    emulator: Emulator,
    keyed_http: httpx.Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    word = {"strategy": "word", "max_chunk_size": 250, "overlap": 100}
    for inference_id, chunking in (("already-word", word), ("sentence", None)):
        body: dict[str, Any] = {
            "service": "openai",
            "service_settings": {"model_id": "m", "api_key": "k"},
        }
        if chunking:
            body["chunking_settings"] = chunking
        put(keyed_http, "text_embedding", inference_id, body)
    emulator.set_version("9.1.0")
    code, printed, err = run_import(emulator, tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err
    resets = [line for line in printed.splitlines() if "resets chunking_settings" in line]
    assert [line.split(":")[0].strip() for line in resets] == ["sentence"]
    assert "from sentence/250/1 to word/250/100" in resets[0]


# -- decisions, without a cluster --------------------------------------------------------


def _declared(service: str, task_type: str, **settings: Any) -> dict[str, Any]:
    return {
        "inference_id": "x",
        "task_type": task_type,
        "service": service,
        "service_settings": settings,
    }


def test_secret_keys_come_from_the_catalogue_and_what_is_visible() -> None:
    bedrock = secrets_of(_declared("amazonbedrock", "text_embedding", region="us-east-1"))
    assert bedrock.paths == (("access_key",), ("secret_key",))
    assert bedrock.comments == ()

    azure = secrets_of(_declared("azureopenai", "text_embedding", resource_name="r"))
    assert azure.paths == (("api_key",),)
    assert "entra_id" in azure.comments[0]  # the alternative is named in the program

    oauth = secrets_of(_declared("openai", "completion", model_id="m", client_id="c"))
    assert oauth.paths == (("client_secret",),)

    optional = secrets_of(_declared("llama", "completion", model_id="m", url="http://l"))
    assert optional.paths == (("api_key",),)
    assert "remove it" in optional.comments[0]

    assert secrets_of(_declared("elasticsearch", "rerank", model_id=".rerank-v1")).any is False

    unknown = secrets_of(_declared("brand-new", "completion"))
    assert not unknown.any and "not known to pulumi-inference" in unknown.checks[0]


def test_custom_secret_parameters_without_placeholders_are_one_json_object() -> None:
    custom = secrets_of(_declared("custom", "rerank", url="https://r", request='{"q": ${query}}'))
    assert custom.paths == () and custom.whole == "secret_parameters"
    declared = _declared(
        "custom",
        "rerank",
        url="https://r",
        request="{}",
        response={"json_parser": {"reranked_index": "$.i"}},
    )
    planned, _ = plan(Inventory("http://c", (9, 4, 0), [Found(declared)]))
    source = render_program(planned, door=Door(native=False), cluster="http://c", config_lines=[])
    assert 'secret_parameters=config.require_secret_object("xSecretParameters")' in source


def test_settings_the_typed_class_does_not_take_are_written_as_a_dict_and_flagged() -> None:
    newer = _declared("openai", "text_embedding", model_id="m", shiny_new_key=1)
    unknown = {**_declared("brand-new", "completion", model="m"), "inference_id": "new"}
    planned, _ = plan(Inventory("http://c", (9, 4, 0), [Found(newer), Found(unknown)]))
    source = render_program(planned, door=Door(native=False), cluster="http://c", config_lines=[])
    assert "service_settings={" in source and "OpenAIServiceSettings" not in source
    assert '"shiny_new_key": 1' in source
    assert "allow_unknown_service=True" in source
    assert any("shiny_new_key" in check for check in planned[0].checks)


def test_names_are_valid_identifiers_and_unique() -> None:
    assert python_stem("openai-embeddings") == "openai_embeddings"
    assert python_stem(".elser-2-elasticsearch") == "elser_2_elasticsearch"
    assert python_stem("1st-model") == "endpoint_1st_model"
    assert python_stem("import") == "import_endpoint"
    assert python_stem("config") == "config_endpoint"
    assert config_stem("openai-embeddings", "api_key") == "openaiEmbeddingsApiKey"
    names = Names()
    assert [names.claim(python_stem(i)) for i in ("a-b", "a_b", "a.b")] == ["a_b", "a_b_2", "a_b_3"]


def test_connection_lines_come_from_the_field_table_with_secrets_as_placeholders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.chdir(tmp_path)
    connection = ClusterConnection(
        url="https://alice:hunter2-LEAKCHECK@es.example.com:9200",
        ca_certs="ca.pem",
        verify_certs=False,
        client_cert="-----BEGIN CERTIFICATE-----\nMIIB\n",
        client_key="-----BEGIN PRIVATE KEY-----\nLEAKCHECK\n",
        headers=(("X-Tenant", "tenant-LEAKCHECK"),),
    )
    lines = connection_lines(connection, Door(native=True))
    assert lines == [
        "pulumi config set elasticsearch-inference:url https://es.example.com:9200",
        "pulumi config set elasticsearch-inference:username alice",
        "pulumi config set --secret elasticsearch-inference:password <value>",
        f"pulumi config set elasticsearch-inference:caCerts {tmp_path / 'ca.pem'}",
        "pulumi config set elasticsearch-inference:verifyCerts false",
        "pulumi config set elasticsearch-inference:clientCert <value>",
        "pulumi config set --secret elasticsearch-inference:clientKey <value>",
        "pulumi config set --secret elasticsearch-inference:headers <value>",
    ]
    assert "LEAKCHECK" not in "\n".join(lines)
