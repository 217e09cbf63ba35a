"""Run the root project (Pulumi.yaml, __main__.py) against the emulator with the real engine.

The engine runs the program through the Automation API (an inline program in this process),
because the Python language host that a plain `pulumi up` needs is not buildable from the
module proxy reachable here. With a complete Pulumi install, `pulumi up` in the repository
root runs the very same program.
"""

from __future__ import annotations

import argparse
import os
import runpy
import shutil
import sys
from pathlib import Path

from pulumi import automation as auto

from pulumi_inference.emulator import Emulator, EmulatorConfig

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".pulumi-demo"
PASSPHRASE = "pulumi-inference-demo"  # noqa: S105 - the demo's local state only


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--keep", action="store_true", help="keep the emulator and stack until Ctrl-C"
    )
    parser.add_argument("--stack", default="demo")
    args = parser.parse_args()

    program = runpy.run_path(str(ROOT / "__main__.py"), run_name="demo")["main"]
    shutil.rmtree(STATE, ignore_errors=True)
    (STATE / "backend").mkdir(parents=True)
    env = {
        "PULUMI_BACKEND_URL": (STATE / "backend").as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
        "PULUMI_HOME": str(STATE / "home"),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_PYTHON_CMD": sys.executable,
        "PATH": os.environ["PATH"],
    }
    with Emulator(EmulatorConfig(port=0, deployment_seconds=3.0)) as emulator:
        print(f"== emulator of the inference API listening on {emulator.url}")
        stack = auto.create_or_select_stack(
            stack_name=args.stack,
            project_name="pulumi-inference-demo",  # Pulumi.yaml in the work dir
            program=program,
            opts=auto.LocalWorkspaceOptions(
                work_dir=str(ROOT), pulumi_home=env["PULUMI_HOME"], env_vars=env
            ),
        )
        stack.set_config("elasticsearch:url", auto.ConfigValue(emulator.url))
        stack.set_config("elasticsearch:apiKey", auto.ConfigValue("demo-api-key", secret=True))

        print("== pulumi up")
        up = stack.up(on_output=print, color="never")
        print("== stack outputs")
        for name, output in sorted(up.outputs.items()):
            print(f"  {name}: {'[secret]' if output.secret else output.value}")

        print("== pulumi preview (expect no changes)")
        preview = stack.preview(on_output=print, color="never", diff=True)
        changes = {op: n for op, n in preview.change_summary.items() if op != auto.OpType.SAME}
        print(f"== preview summary: {dict(preview.change_summary)}")
        if changes:
            print(f"unexpected changes after up: {changes}", file=sys.stderr)
            return 1
        print("== no changes: the cluster matches the program")

        if args.keep:
            print(
                f"The emulator stays at {emulator.url}; stack state is in {STATE}. Ctrl-C to stop."
            )
            try:
                while True:
                    input()
            except (KeyboardInterrupt, EOFError):
                pass
        print("== pulumi destroy")
        stack.destroy(on_output=print, color="never")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
