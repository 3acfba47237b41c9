"""One synthesis of the default app, with every nag pack, shared by the whole session."""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from aws_cdk import cx_api
from aws_cdk.assertions import Template

from checks.acknowledgements import AppliedAcknowledgement
from configuration import BaselineConfig
from tests import cfn_lint
from tests.support import build_app

# moto loads thousands of default AMIs into every EC2 backend it creates, about half of the
# responder tests' time; no test reads them (an instance is run from any image ID). Read when
# moto first builds a backend, so set before any test runs (moto's settings.EC2_LOAD_DEFAULT_AMIS).
os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

# Modules bundled into several functions at synth (capabilities/relay/bundling.py): importable
# by the functions' tests as they are in each bundle's root.
SHARED_LAMBDA_MODULES = Path(__file__).resolve().parents[1] / "lambdas" / "shared"
if str(SHARED_LAMBDA_MODULES) not in sys.path:
    sys.path.append(str(SHARED_LAMBDA_MODULES))


class SynthesizedStack:
    """A stack of a synthesized app as its cloud assembly records it: its name and the stacks it
    depends on (the manifest's dependencies are Stack.dependencies plus the stack's asset
    manifest, which is not a stack). Tests compare these by identity, as they did cdk.Stacks."""

    def __init__(self, stack_name: str) -> None:
        self.stack_name = stack_name
        self.dependencies: list[SynthesizedStack] = []

    def __repr__(self) -> str:
        return f"SynthesizedStack({self.stack_name!r})"


@dataclass(frozen=True)
class SynthesizedGate:
    acknowledged: list[AppliedAcknowledgement]


@dataclass
class SynthesizedApp:
    """What tests read of a synthesized app besides its assembly: the configuration it was built
    from, its stacks by name (in the order topology.build made them) and the acknowledgements the
    gate applied. Loaded from disk, the same in every worker (see _synthesize_once)."""

    config: BaselineConfig
    stacks: dict[str, SynthesizedStack]
    gate: SynthesizedGate

    def stack(self, kind: str, region: str | None = None) -> SynthesizedStack:
        matches = [s for name, s in self.stacks.items() if f"-{kind}-" in name and (region is None or name.endswith(region))]
        assert len(matches) == 1, f"expected one {kind} stack in {region}, found {[s.stack_name for s in matches]}"
        return matches[0]


@dataclass
class Synthesized:
    built: SynthesizedApp
    assembly: cx_api.CloudAssembly
    outdir: Path
    _lint: "cfn_lint.LintRun | None" = None

    @property
    def lint(self) -> "cfn_lint.LintRun":
        """cfn-lint over the templates, started by the first test that reads it: only the worker
        given the lint tests reads the run (started in every worker, the others' runs took a
        core from the suite for nothing: 16 s of CPU for the default app's templates)."""
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


_FACTS = "facts.pickle"


def _synthesize_once(name: str, context: dict | None, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Synthesized:
    """Synthesizes a configuration with every pack ONCE per test session, whichever xdist worker
    asks first; the others wait on a file lock and load the cloud assembly it wrote.

    The assembly lives in the session's own temporary directory (the parent of the workers'
    basetemps, made fresh by pytest for each run), so no session ever reads another session's
    synth: a code change cannot meet a stale assembly. Without xdist (worker "master") the
    directory is the session's basetemp. Every worker, the synthesizing one included, reads the
    same thing from disk, so a test cannot pass in one worker only. If synth fails (an
    unacknowledged finding), no facts are written and each worker that asks fails the same way.
    """
    base = tmp_path_factory.getbasetemp()
    root = base if worker_id == "master" else base.parent
    outdir = root / f"{name}.out"
    facts = outdir / _FACTS
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not facts.exists():
            built = build_app(context, with_gate=True, outdir=str(outdir))
            assembly = built.app.synth()  # raises if any pack reports an unacknowledged finding
            assert built.gate is not None
            assert all(key == stack.stack_name for key, stack in built.stacks.items())
            names = list(built.stacks)
            dependencies = {name: [s.stack_name for s in stack.dependencies] for name, stack in built.stacks.items()}
            assert {s.stack_name for s in assembly.stacks} == {s.stack_name for s in built.stacks.values()}
            partial = facts.with_suffix(".partial")
            partial.write_bytes(pickle.dumps((built.config, names, dependencies, built.gate.acknowledged)))
            partial.rename(facts)  # whole or absent
    config, names, dependencies, acknowledged = pickle.loads(facts.read_bytes())
    stacks = {name: SynthesizedStack(name) for name in names}
    for name, stack in stacks.items():
        stack.dependencies = [stacks[d] for d in dependencies[name]]
    built_view = SynthesizedApp(config=config, stacks=stacks, gate=SynthesizedGate(acknowledged=acknowledged))
    return Synthesized(built=built_view, assembly=cx_api.CloudAssembly(str(outdir)), outdir=outdir)


# The session configurations, by fixture, with the share of one core each synth takes
# (measured: README "Tests"). Each worker synthesizes its share when it starts (below).
SESSION_SYNTHS = {"synthesized": 3.0, "organization_synthesized": 1.0, "two_accounts_synthesized": 0.5}


def synths_of_worker(used: set[str], index: int, workers: int) -> list[str]:
    """The session configurations this worker synthesizes first: the used ones, dealt out
    largest first to the least loaded worker, so the workers synthesize side by side."""
    loads = [0.0] * workers
    mine = []
    for name, cost in sorted(SESSION_SYNTHS.items(), key=lambda item: -item[1]):
        if name in used:
            least = loads.index(min(loads))
            loads[least] += cost
            if least == index:
                mine.append(name)
    return mine


@pytest.fixture(scope="session", autouse=True)
def _synthesize_this_workers_share(request: pytest.FixtureRequest, worker_id: str) -> None:
    """Under xdist, each worker starts by synthesizing its share of the configurations the
    session's tests use. Left to the first test that asks, both workers asked for the default
    app first and one sat on the lock while the other synthesized it."""
    if worker_id == "master":
        return
    used = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    for name in synths_of_worker(used, int(worker_id.removeprefix("gw")), workers):
        request.getfixturevalue(name)


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory, worker_id: str):
    """The default app (cdk.json), synthesized once per session with every pack."""
    synth = _synthesize_once("default", None, tmp_path_factory, worker_id)
    yield synth
    synth.stop_lint()


@pytest.fixture(scope="session")
def organization_synthesized(tmp_path_factory: pytest.TempPathFactory, worker_id: str):
    """The organization example (examples/organization.json), synthesized once with every pack."""
    from tests.synth.test_organization import org_context

    synth = _synthesize_once("organization", org_context(), tmp_path_factory, worker_id)
    yield synth
    synth.stop_lint()


@pytest.fixture(scope="session")
def two_accounts_synthesized(tmp_path_factory: pytest.TempPathFactory, worker_id: str):
    """examples/two-accounts.json (a log-archive and a workload account, one region, e-mail
    only: small), synthesized once with every pack; synth raises on any unacknowledged finding."""
    from tests.support import ROOT, cdk_json_context

    context = cdk_json_context()
    context["dpp"] = json.loads((ROOT / "examples" / "two-accounts.json").read_text())
    return _synthesize_once("two-accounts", context, tmp_path_factory, worker_id)
