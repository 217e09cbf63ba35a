"""The committed SDKs (docs/sdks.md): ``sdk/nodejs`` and ``sdk/go`` are exactly what
``scripts/gen-sdk`` makes from the plugin's schema today, carry the package's version, and
compile with ``tsc`` and ``go build``, as do ``examples/typescript`` and ``examples/go``; a
wrong property name or type in an example does not compile. The hand-written Python class
``pulumi_inference.native.InferenceEndpoint`` takes what Pulumi's Python generator would make
of the same schema.

The Node.js toolchain comes from the npm registry (``examples/typescript/package-lock.json``),
the Go modules from the module proxy; both are cached after the first run.
"""

from __future__ import annotations

import ast
import filecmp
import inspect
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

import pulumi_inference
import pulumi_inference.native as native
from pulumi_inference.native._plugin import write_launcher
from pulumi_inference.native._schema import schema
from tests.support import sdk_builds
from tests.support.engine import find_cli_dir
from tests.support.sdk_builds import ROOT, SDK, BuildError

pytestmark = pytest.mark.timeout(900)
_GENERATED_ONLY = {"node_modules", "bin"}  # what the generated .gitignore leaves out


def _need(*tools: str) -> None:
    missing = sdk_builds.missing_tools(*tools)
    if missing:
        pytest.skip(f"needs {', '.join(missing)} on PATH, and it is not")


def _files(directory: Path) -> set[str]:
    return {
        str(path.relative_to(directory))
        for path in directory.rglob("*")
        if path.is_file() and not _GENERATED_ONLY & set(path.relative_to(directory).parts)
    }


def _cli_dir() -> Path:
    cli_dir = find_cli_dir()
    if cli_dir is None:
        pytest.skip("gen-sdk reads the schema through the Pulumi CLI: run install-pulumi-cli")
    return cli_dir


def _without_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_empty(v) for k, v in value.items() if v not in ({}, [], None)}
    return value


def test_gen_sdk_generates_from_what_the_plugin_serves(tmp_path: Path) -> None:
    """scripts/gen-sdk's source of truth: `pulumi package get-schema <plugin>` (the plugin's
    GetSchema, which the CLI re-serializes without empty maps) is the plugin's schema."""
    plugin = write_launcher(tmp_path / "plugin")  # as `pulumi-inference install-plugin` does
    env = {"PULUMI_HOME": str(tmp_path / "home"), "PULUMI_SKIP_UPDATE_CHECK": "true"}
    cli = str(_cli_dir() / "pulumi")
    served = json.loads(sdk_builds.run([cli, "package", "get-schema", str(plugin)], tmp_path, env))
    assert served == _without_empty(schema())


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SDKs made afresh by scripts/gen-sdk (the generator is built once, then cached)."""
    _need("go")
    cli_dir = _cli_dir()
    out = tmp_path_factory.mktemp("regenerated")
    env = {"PATH": f"{cli_dir}{os.pathsep}{os.environ['PATH']}"}
    for language in ("nodejs", "go", "python"):
        target = out / language
        sdk_builds.run(["scripts/gen-sdk", "--language", language, "--out", str(target)], ROOT, env)
    return out


@pytest.mark.parametrize("language", ["nodejs", "go"])
def test_the_committed_sdk_is_what_the_generator_makes_today(
    regenerated: Path, language: str
) -> None:
    fresh, committed = regenerated / language, SDK / language
    fresh_files, committed_files = _files(fresh), _files(committed)
    differing = sorted(
        name
        for name in fresh_files & committed_files
        if not filecmp.cmp(fresh / name, committed / name, shallow=False)
    )
    stale = {
        "only generated now": sorted(fresh_files - committed_files),
        "only committed": sorted(committed_files - fresh_files),
        "different": differing,
    }
    assert not any(stale.values()), (
        f"sdk/{language} is out of date ({stale}): run scripts/gen-sdk and commit sdk/"
    )


def test_the_sdks_carry_the_package_version() -> None:
    version = pulumi_inference.__version__
    package = json.loads((SDK / "nodejs" / "package.json").read_text())
    assert (package["version"], package["pulumi"]["version"]) == (version, version)
    plugin = json.loads((SDK / "go" / "elasticsearchinference" / "pulumi-plugin.json").read_text())
    assert plugin["version"] == version


def _generated_python(regenerated: Path) -> tuple[dict[str, bool], set[str]]:
    """The generated Python class's arguments (name -> required) and output properties."""
    module = regenerated / "python" / "pulumi_elasticsearch_inference" / "inference_endpoint.py"
    tree = ast.parse(module.read_text())
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    init = next(
        node
        for node in classes["InferenceEndpointArgs"].body
        if isinstance(node, ast.FunctionDef) and node.name == "__init__"
    )
    required = len(init.args.kwonlyargs) - sum(d is not None for d in init.args.kw_defaults)
    arguments = {arg.arg: index < required for index, arg in enumerate(init.args.kwonlyargs)}
    outputs = {
        node.name
        for node in classes["InferenceEndpoint"].body
        if isinstance(node, ast.FunctionDef)
        and any(ast.unparse(d).endswith("property") for d in node.decorator_list)
    }
    return arguments, outputs


def test_the_python_class_takes_what_the_python_generator_makes(regenerated: Path) -> None:
    generated_arguments, generated_outputs = _generated_python(regenerated)
    parameters = inspect.signature(native.InferenceEndpoint.__init__).parameters
    arguments = {
        name: parameter.default is inspect.Parameter.empty
        for name, parameter in parameters.items()
        if name not in ("self", "resource_name", "opts")
    }
    assert arguments == generated_arguments
    assert set(native.InferenceEndpoint.__annotations__) == generated_outputs


# -- TypeScript ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nodejs_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdk/nodejs compiled by tsc as it is published, installed beside examples/typescript."""
    _need("node", "npm")
    built = sdk_builds.build_nodejs_sdk(tmp_path_factory.mktemp("nodejs-sdk"))
    return sdk_builds.install_nodejs_sdk(built)


def test_the_typescript_sdk_and_example_compile(nodejs_sdk: Path) -> None:
    assert (nodejs_sdk / "index.js").is_file()
    assert (nodejs_sdk / "inferenceEndpoint.d.ts").is_file()
    example = sdk_builds.TS_EXAMPLE
    sdk_builds.tsc("--noEmit", "-p", str(example), cwd=example)


@pytest.mark.parametrize(
    ("right", "wrong", "error"),
    [
        ("inferenceId:", "inferenceID:", r"TS2561: .*'inferenceID' does not exist.*'inferenceId'"),
        (
            'deploymentTimeout: "20m"',
            "deploymentTimeout: true",
            r"TS2322: Type 'true' is not assignable to type 'Input<string \| number",
        ),
    ],
    ids=["name", "type"],
)
def test_a_wrong_property_in_the_typescript_example_does_not_compile(
    nodejs_sdk: Path, tmp_path: Path, right: str, wrong: str, error: str
) -> None:
    copy = sdk_builds.typescript_copy(sdk_builds.TS_EXAMPLE, tmp_path)
    program = copy / "index.ts"
    assert right in program.read_text()
    program.write_text(program.read_text().replace(right, wrong, 1))
    with pytest.raises(BuildError) as failed:
        sdk_builds.tsc("--noEmit", "-p", str(copy), cwd=copy)
    assert re.search(error, str(failed.value)), str(failed.value)


# -- Go -----------------------------------------------------------------------------------


def test_the_go_sdk_and_example_build(tmp_path: Path) -> None:
    _need("go")
    sdk_builds.go_build(SDK / "go")
    sdk_builds.go_build(sdk_builds.GO_EXAMPLE, tmp_path)
    assert (tmp_path / "go").is_file()  # the example's program


@pytest.mark.parametrize(
    ("right", "wrong", "error"),
    [
        ("InferenceId: ", "InferenceID: ", r"unknown field InferenceID in struct literal"),
        (
            'TaskType:    pulumi.String("text_embedding")',
            "TaskType:    pulumi.Int(1)",
            r"cannot use pulumi\.Int\(1\).*as pulumi\.StringInput value",
        ),
    ],
    ids=["name", "type"],
)
def test_a_wrong_field_in_the_go_example_does_not_build(
    tmp_path: Path, right: str, wrong: str, error: str
) -> None:
    _need("go")
    copy = sdk_builds.go_copy(sdk_builds.GO_EXAMPLE, tmp_path)
    program = copy / "main.go"
    assert right in program.read_text()
    program.write_text(program.read_text().replace(right, wrong, 1))
    with pytest.raises(BuildError) as failed:
        sdk_builds.go_build(copy, tmp_path / "out")
    assert re.search(error, str(failed.value)), str(failed.value)
