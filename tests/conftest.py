"""One synthesis of the default app, with every nag pack, shared by the whole session."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from aws_cdk import cx_api
from aws_cdk.assertions import Template

from tests import cfn_lint
from tests.support import BuiltApp, build_app

# moto loads thousands of default AMIs into every EC2 backend it creates, about half of the
# responder tests' time; no test reads them (an instance is run from any image ID). Read when
# moto first builds a backend, so set before any test runs (moto's settings.EC2_LOAD_DEFAULT_AMIS).
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

# Modules bundled into several functions at synth (capabilities/relay/bundling.py): importable
# by the functions' tests as they are in each bundle's root.
SHARED_LAMBDA_MODULES = Path(__file__).resolve().parents[1] / "lambdas" / "shared"
if str(SHARED_LAMBDA_MODULES) not in sys.path:
    sys.path.append(str(SHARED_LAMBDA_MODULES))


@dataclass
class Synthesized:
    built: BuiltApp
    assembly: cx_api.CloudAssembly
    outdir: Path
    _lint: "cfn_lint.LintRun | None" = None

    @property
    def lint(self) -> "cfn_lint.LintRun":
        """cfn-lint over the templates, started by the first test that reads it. Each worker
        that uses the fixture synthesizes it, but only the worker given the lint tests reads
        the run: started in the background in every worker, the others' runs took a core from
        the suite for nothing (16 s of CPU for the default app's templates)."""
        if self._lint is None:
            self._lint = cfn_lint.start(self.assembly, self.built.config.regions)
        return self._lint

    def stop_lint(self) -> None:
        if self._lint is not None:
            self._lint.stop()

    @property
    def validation_report(self) -> dict:
        return json.loads((self.outdir / "validation-report.json").read_text())

    def template(self, kind: str, region: str | None = None) -> Template:
        stack = self.built.stack(kind, region)
        return Template.from_json(self.assembly.get_stack_by_name(stack.stack_name).template)


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory):
    outdir = tmp_path_factory.mktemp("cdk.out")
    built = build_app(with_gate=True, outdir=str(outdir))
    assembly = built.app.synth()  # raises if any pack reports an unacknowledged finding
    synth = Synthesized(built=built, assembly=assembly, outdir=outdir)
    yield synth
    synth.stop_lint()


@pytest.fixture(scope="session")
def organization_synthesized(tmp_path_factory: pytest.TempPathFactory):
    """The organization example (examples/organization.json), synthesized once with every pack."""
    from tests.synth.test_organization import org_context

    outdir = tmp_path_factory.mktemp("org.out")
    built = build_app(org_context(), with_gate=True, outdir=str(outdir))
    assembly = built.app.synth()
    synth = Synthesized(built=built, assembly=assembly, outdir=outdir)
    yield synth
    synth.stop_lint()


@pytest.fixture(scope="session")
def two_accounts_synthesized(tmp_path_factory: pytest.TempPathFactory):
    """examples/two-accounts.json (a log-archive and a workload account, one region, e-mail
    only: small), synthesized once with every pack; synth raises on any unacknowledged finding."""
    from tests.support import ROOT, cdk_json_context

    context = cdk_json_context()
    context["dpp"] = json.loads((ROOT / "examples" / "two-accounts.json").read_text())
    outdir = tmp_path_factory.mktemp("two-accounts.out")
    built = build_app(context, with_gate=True, outdir=str(outdir))
    assembly = built.app.synth()
    return Synthesized(built=built, assembly=assembly, outdir=outdir)
