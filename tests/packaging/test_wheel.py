"""The wheel: built offline from the project's files with the pinned backend (setuptools, wheel
in requirements-dev.txt), it installs dpp_nag and dpp_logging and nothing of the CDK app, its
metadata declares what they need, and dpp_nag works from it with the repository out of sight."""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.support import ROOT

# everything a clone has that could leak into the wheel: the app's own packages included
COPIED = ["pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "app.py"]
PACKAGES = ["dpp_nag", "dpp_logging", "configuration", "capabilities", "stacks", "checks", "evidence", "preflight", "benchmarks", "lambdas", "examples"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in COPIED:
        shutil.copy2(ROOT / name, source / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("dist")
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}  # offline
    subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation", "-q", "-w", str(out)], cwd=source, env=env, check=True, capture_output=True)
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_holds_the_packs_and_the_logging_helper_only(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    dist_info = next(t for t in tops if t.endswith(".dist-info"))
    assert tops == {"dpp_nag", "dpp_logging", dist_info}
    for module in ("dpp_nag/__init__.py", "dpp_nag/workload/__init__.py", "dpp_nag/rules/__init__.py", "dpp_nag/py.typed", "dpp_logging/__init__.py", "dpp_logging/py.typed"):
        assert module in names
    assert f"{dist_info}/licenses/LICENSE" in names


def test_the_wheel_metadata_declares_name_version_licence_and_dependencies(wheel):
    archive = zipfile.ZipFile(wheel)
    metadata = email.message_from_bytes(archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert metadata["Name"] == "dpp-logging-baseline" and metadata["Version"] == project["version"]
    assert metadata["License-Expression"] == "Apache-2.0"
    requires = metadata.get_all("Requires-Dist")
    for package in ("aws-cdk-lib", "cdk-nag", "constructs"):
        assert any(r.startswith(package) and "extra ==" not in r for r in requires), package
    assert any(r.startswith("aws-lambda-powertools") and 'extra == "logging"' in r for r in requires)
    assert metadata["Provides-Extra"] == "logging"


def test_the_pinned_versions_satisfy_the_declared_ranges():
    """The tests run on requirements.txt's pins; the wheel's ranges must admit them."""
    from packaging.requirements import Requirement

    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line and not line.startswith("#"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"] + project["optional-dependencies"]["logging"]:
        requirement = Requirement(spec)
        assert requirement.specifier.contains(pins[requirement.name]), spec


def test_the_version_is_the_changelogs_latest_release():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert releases and releases[0] == project["version"]
    assert "0.1.0" in releases


def test_the_licence_is_the_apache_2_0_text():
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text and "END OF TERMS AND CONDITIONS" in text
    assert len(text.splitlines()) > 190


def test_dpp_nag_works_from_the_installed_wheel_without_the_project(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(site), str(wheel)], check=True, capture_output=True)
    probe = f"""
import sys
sys.path = [p for p in sys.path if not p.startswith({str(ROOT)!r}) or ".venv" in p]
sys.path.insert(0, {str(site)!r})
import dpp_nag, dpp_logging
assert dpp_nag.__file__.startswith({str(site)!r}), dpp_nag.__file__
for absent in ("configuration", "capabilities", "stacks"):
    try:
        __import__(absent)
    except ModuleNotFoundError:
        pass
    else:
        raise SystemExit(absent + " importable")
import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from dpp_nag import DppWorkloadPack
stack = cdk.Stack(cdk.App(), "S")
logs.CfnLogGroup(stack, "G", retention_in_days=30)
print(sorted(v.rule_name for v in DppWorkloadPack().validate_scope(stack).violations))
"""
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "['DPPWorkload-LogGroupKms', 'DPPWorkload-LogGroupRetention']"
