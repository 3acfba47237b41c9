"""One synthesis of the default app, with every nag pack, shared by the whole session."""

from __future__ import annotations

import fcntl
import functools
import json
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import botocore.session
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

# moto gives every mock its own boto3 default session (it patches boto3.DEFAULT_SESSION), and
# each new botocore session made its own data loader and parsed the service models again: in
# the responder's tests, 722 model files and 13 s of its 70 s. One loader per data path serves
# every session, as one session's loader already serves all its clients (botocore caches the
# loaded models per loader instance); nothing a test asserts depends on it.
botocore.session.create_loader = functools.lru_cache(maxsize=None)(botocore.session.create_loader)  # type: ignore[assignment]

# Modules bundled into several functions at synth (capabilities/relay/bundling.py): importable
# by the functions' tests as they are in each bundle's root.
SHARED_LAMBDA_MODULES = Path(__file__).resolve().parents[1] / "lambdas" / "shared"
if str(SHARED_LAMBDA_MODULES) not in sys.path:
    sys.path.append(str(SHARED_LAMBDA_MODULES))


class SynthesizedStack:
    """A stack of a synthesized app as its cloud assembly records it: its name and the stacks it
    depends on (the manifest's dependencies are Stack.dependencies plus the stack's asset
    manifest, which is not a stack). Tests compare these by identity, as they did cdk.Stacks."""

    def __init__(self, stack_name: str, account: str, region: str) -> None:
        self.stack_name = stack_name
        self.account = account  # the stack's environment, as the manifest records it
        self.region = region
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
    lint_dir: Path

    @property
    def lint(self) -> cfn_lint.SharedRun:
        """cfn-lint over the templates: started in the background by the worker that synthesized
        the app when the session holds lint tests (marker cfn_lint), else by the first reader."""
        cfn_lint.SharedRun.start_once(self.assembly, self.built.config.regions, self.lint_dir)
        return cfn_lint.SharedRun(self.lint_dir)

    @property
    def validation_report(self) -> dict:
        return json.loads((self.outdir / "validation-report.json").read_text())

    def template(self, kind: str, region: str | None = None) -> Template:
        stack = self.built.stack(kind, region)
        return Template.from_json(self.assembly.get_stack_by_name(stack.stack_name).template)


def _default_context() -> dict | None:
    return None  # cdk.json's, as build_app reads it


def _organization_context() -> dict:
    from tests.synth.test_organization import org_context

    return org_context()


def _two_accounts_context() -> dict:
    from tests.support import ROOT, cdk_json_context

    context = cdk_json_context()
    context["dpp"] = json.loads((ROOT / "examples" / "two-accounts.json").read_text())
    return context


@dataclass(frozen=True)
class SessionSynth:
    """A configuration the session synthesizes once: the fixture that serves it, the context
    it is built from and the share of one core its synth takes (measured: README "Tests")."""

    fixture: str
    context: Callable[[], dict | None]
    cost: float


SESSION_SYNTHS = {
    "default": SessionSynth("synthesized", _default_context, 3.0),
    "organization": SessionSynth("organization_synthesized", _organization_context, 1.0),
    "two-accounts": SessionSynth("two_accounts_synthesized", _two_accounts_context, 0.5),
}

_FACTS = "facts.pickle"


def _worker() -> str:
    """This process's xdist worker ID ("gw0", ...), or "master" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "master")


def _session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's own temporary directory: the parent of the xdist workers' basetemps, made
    fresh by pytest for each run (or, without xdist, the session's basetemp)."""
    base = tmp_path_factory.getbasetemp()
    return base if _worker() == "master" else base.parent


def _synthesize(name: str, root: Path, *, wait: bool, lint: bool) -> bool:
    """Synthesizes a configuration with every pack into root/<name>.out unless some worker of
    this session already has; returns whether its assembly is there. Only one worker holds the
    lock at a time; without `wait`, a worker finding the lock taken leaves the synth to its
    holder. Facts appear whole or not at all: a synth that raises (an unacknowledged finding)
    leaves none, and the next worker to ask synthesizes again and fails the same way."""
    outdir = root / f"{name}.out"
    facts = outdir / _FACTS
    with open(root / f"{name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))  # released when the file closes
        except BlockingIOError:
            return False
        if not facts.exists():
            built = build_app(SESSION_SYNTHS[name].context(), with_gate=True, outdir=str(outdir))
            assembly = built.app.synth()  # raises if any pack reports an unacknowledged finding
            assert built.gate is not None
            assert all(key == stack.stack_name for key, stack in built.stacks.items())
            assert {s.stack_name for s in assembly.stacks} == set(built.stacks)
            dependencies = {key: [s.stack_name for s in stack.dependencies] for key, stack in built.stacks.items()}
            partial = facts.with_suffix(".partial")
            partial.write_bytes(pickle.dumps((built.config, list(built.stacks), dependencies, built.gate.acknowledged)))
            partial.rename(facts)
            if lint:  # beside the tests from now on, rather than after them at the end
                cfn_lint.SharedRun.start_once(assembly, built.config.regions, root / f"{name}.lint")
        return True


def _lint_wanted(session: pytest.Session, name: str) -> bool:
    """Whether the session runs a cfn-lint test (marker cfn_lint) of this configuration."""
    fixture = SESSION_SYNTHS[name].fixture
    return any(item.get_closest_marker("cfn_lint") and fixture in getattr(item, "fixturenames", ()) for item in session.items)


def _synthesized_once(name: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """A configuration synthesized ONCE per test session, whichever xdist worker asks first; the
    others wait on its lock and load the cloud assembly it wrote.

    The assembly lives in the session's own temporary directory, so no session ever reads
    another session's synth: a code change cannot meet a stale assembly. Every worker, the
    synthesizing one included, reads the same things from disk (the assembly, and the facts
    the synth recorded: configuration, stacks and their dependencies, acknowledgements
    applied), so a test cannot pass in one worker only.
    """
    root = _session_dir(tmp_path_factory)
    outdir = root / f"{name}.out"
    _synthesize(name, root, wait=True, lint=_lint_wanted(request.session, name))
    config, names, dependencies, acknowledged = pickle.loads((outdir / _FACTS).read_bytes())
    assembly = cx_api.CloudAssembly(str(outdir))
    environments = {artifact.stack_name: artifact.environment for artifact in assembly.stacks}
    stacks = {key: SynthesizedStack(key, environments[key].account, environments[key].region) for key in names}
    for key, stack in stacks.items():
        stack.dependencies = [stacks[d] for d in dependencies[key]]
    built = SynthesizedApp(config=config, stacks=stacks, gate=SynthesizedGate(acknowledged=acknowledged))
    return Synthesized(built=built, assembly=assembly, outdir=outdir, lint_dir=root / f"{name}.lint")


def synths_of_worker(used: set[str], index: int, workers: int) -> list[str]:
    """The session configurations this worker synthesizes first: those the session's tests
    use, dealt out largest first to the least loaded worker, so the workers synthesize side
    by side."""
    loads = [0.0] * workers
    mine = []
    for name, synth in sorted(SESSION_SYNTHS.items(), key=lambda item: -item[1].cost):
        if synth.fixture in used:
            least = loads.index(min(loads))
            loads[least] += synth.cost
            if least == index:
                mine.append(name)
    return mine


@pytest.fixture(scope="session", autouse=True)
def _synthesize_this_workers_share(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Under xdist, each worker starts by synthesizing its share of the configurations the
    session's tests use (one it finds another worker synthesizing it leaves). Left to the
    first test that asks, both workers asked for the default app first and one sat on the
    lock while the other synthesized it."""
    worker = _worker()
    if worker == "master":
        return
    used = {name for item in request.session.items for name in getattr(item, "fixturenames", ())}
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    for name in synths_of_worker(used, int(worker.removeprefix("gw")), workers):
        try:
            _synthesize(name, _session_dir(tmp_path_factory), wait=False, lint=_lint_wanted(request.session, name))
        except Exception:  # a failing synth is for the tests that use it to report (each synthesizes again and fails):
            pass  # raised here, it would fail every test of this worker, the unrelated ones too


@pytest.fixture(scope="session")
def synthesized(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The default app (cdk.json), synthesized once per session with every pack."""
    return _synthesized_once("default", request, tmp_path_factory)


@pytest.fixture(scope="session")
def organization_synthesized(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The organization example (examples/organization.json), synthesized once with every pack."""
    return _synthesized_once("organization", request, tmp_path_factory)


@pytest.fixture(scope="session")
def two_accounts_synthesized(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """examples/two-accounts.json (a log-archive and a workload account, one region, e-mail
    only: small), synthesized once with every pack; synth raises on any unacknowledged finding."""
    return _synthesized_once("two-accounts", request, tmp_path_factory)
