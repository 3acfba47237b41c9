"""What a user sees on bad configuration: one line naming the key and the fix, a non-zero exit,
no traceback, and no cloud assembly written."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.support import ROOT, cdk_json_context


def run_app(context: dict, outdir) -> subprocess.CompletedProcess:
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps(context), "CDK_OUTDIR": str(outdir)}
    return subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_app_rejects_bad_configuration_with_one_line_and_exit_2(tmp_path):
    context = cdk_json_context()
    context["dpp"]["accounts"][0]["id"] = "1111-2222-3333"
    result = run_app(context, tmp_path / "out")
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "configuration error" in line]
    assert errors == [
        "configuration error: dpp.accounts[0].id: '1111-2222-3333' is not valid; use the account's 12-digit ID, quoted, e.g. \"111122223333\""
    ]
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out" / "manifest.json").exists(), "nothing may be synthesized from a bad configuration"


def test_app_rejects_an_unknown_alarm_id_with_one_line_and_exit_2(tmp_path):
    """The alarm IDs are checked against the catalogue after loading (capabilities layer), by
    the app as by the loader before: same line, same exit, nothing synthesized."""
    context = cdk_json_context()
    context["dpp"]["alarms"] = {"disabled": ["VpcChange"]}
    result = run_app(context, tmp_path / "out")
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "configuration error" in line]
    assert errors == ["configuration error: dpp.alarms.disabled[0]: 'VpcChange' is not a built-in alarm; did you mean 'VpcChanges'?"]
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_cdk_cli_passes_the_error_through(tmp_path):
    cdk = shutil.which("cdk")
    if cdk is None:
        pytest.fail("the pinned cdk CLI is not on PATH: run the suite with `make test`")
    result = subprocess.run(
        [cdk, "synth", "--quiet", "--no-notices", "-o", str(tmp_path / "out"), "-c", "dpp:retentionDays=30"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert (
        "configuration error: dpp.retentionDays: 30 is below the minimum of 365 days the DPP requires (12 months, DPP-RET-1); set 365 or more"
        in result.stderr
    )
    assert "Traceback" not in result.stderr + result.stdout
