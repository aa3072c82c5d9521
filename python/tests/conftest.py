"""Shared fixtures: the core's own answers (tests/core.mjs runs the built wasm in Node)."""

import json
import pathlib
import shutil
import subprocess

import pytest

HERE = pathlib.Path(__file__).parent


@pytest.fixture(scope="session")
def core():
    """Asks the core: core(queries=[...]) / core(numbers=[...]) / core(tables=True)."""
    node = shutil.which("node")
    if node is None or not (HERE.parent.parent / "www" / "pkg" / "dpo_sim_bg.wasm").exists():
        pytest.fail("these tests need node and the built wasm (./build.sh build)")

    def ask(**request):
        done = subprocess.run([node, str(HERE / "core.mjs")], input=json.dumps(request), capture_output=True, text=True, check=True)
        return json.loads(done.stdout)

    return ask
