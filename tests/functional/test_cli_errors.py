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
    assert errors == ["configuration error: dpp.accounts[0].id: '1111-2222-3333' is not valid; use the account's 12-digit ID, quoted, e.g. \"111122223333\""]
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


def cdk_synth(*args: str, outdir) -> subprocess.CompletedProcess:
    cdk = shutil.which("cdk")
    if cdk is None:
        pytest.fail("the pinned cdk CLI is not on PATH: run the suite with `make test`")
    return subprocess.run([cdk, "synth", "--quiet", "--no-notices", "-o", str(outdir), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def example_with(**changes) -> bytes:
    document = json.loads((ROOT / "examples" / "single-account.json").read_text())
    for dotted, value in changes.items():
        node = document
        *parents, leaf = dotted.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    "content, setting, line",
    [
        ('{"stage": "prod"}'.encode("utf-16"), None, "configuration error: dpp:config: {file} is not UTF-8 text (byte 0); save the file as UTF-8"),
        (
            example_with(review__schedule="cron(0 25 ? * MON,THU *)"),
            None,
            "configuration error: dpp.review.schedule: 'cron(0 25 ? * MON,THU *)' is not an EventBridge schedule expression: the hours field's 25 is outside 0-23;",
        ),
        (None, "dpp:retentionDays=30", "configuration error: dpp.retentionDays: 30 is below the minimum of 365 days the DPP requires (12 months, DPP-RET-1); set 365 or more"),
    ],
    ids=["file-not-utf-8", "file-bad-cron", "setting-below-minimum"],
)
def test_cdk_cli_exits_1_with_the_apps_one_line(tmp_path, content, setting, line):
    """Through the real CLI: cdk reports the app's exit 2 as its own exit code 1 (README:
    Configuration) and passes the app's one line through, for a file and for a -c setting."""
    config = tmp_path / "team.json"
    if content is not None:
        config.write_bytes(content)
    result = cdk_synth("-c", setting or f"dpp:config={config}", outdir=tmp_path / "out")
    assert result.returncode == 1
    errors = [text for text in result.stderr.splitlines() if "configuration error" in text]
    assert len(errors) == 1 and errors[0].startswith(line.format(file=config)), result.stderr
    assert "exited with error 2" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out" / "manifest.json").exists()
