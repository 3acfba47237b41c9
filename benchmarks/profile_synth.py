"""Where one synth's time goes: `python -m benchmarks.profile_synth [default|large|organization]`.

Runs the app's own steps (as app.py does) in this process, timing each and counting the calls
that cross the jsii bridge to the Node.js kernel, and asks Node for a CPU profile of the same
run (NODE_OPTIONS=--cpu-prof) to split app.synth() into what runs there: CDK's built-in
CloudFormation validation (a WebAssembly module: start-up and templates), the four public nag packs,
the DPP pack (its walk runs in Python), asset bundling and the rest of synthesis. Figures vary with
the machine's load; the shares are what the README reports.
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth_time import context, organization_context  # noqa: E402  (before jsii starts)

CASES = {"default": lambda: context(large=False), "large": lambda: context(large=True), "organization": organization_context}

# JavaScript frames (function@file) whose inclusive time is a share of app.synth().
JS_SHARES = {
    "built-in CloudFormation validation: start-up (WebAssembly)": ("_singletonInstance@cloudformation-validate-plugin.js",),
    "built-in CloudFormation validation: templates": ("validateTemplate@index.js",),
    "nag packs in Node.js: the four public packs' walks and rules": ("validateScope@nag-pack.js",),
}


class Counted:
    """Counts and times the requests this process sends to the jsii kernel."""

    def __init__(self) -> None:
        from jsii._kernel.providers import process

        self.sends = 0
        self.seconds = 0.0
        original = process._NodeProcess.send

        def send(this, request, response_type):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return original(this, request, response_type)
            finally:
                self.sends += 1
                self.seconds += time.perf_counter() - start

        process._NodeProcess.send = send


def main() -> None:
    case = sys.argv[1] if len(sys.argv) > 1 else "default"
    outdir = tempfile.mkdtemp(prefix="dpp-profile-")
    profile_dir = tempfile.mkdtemp(prefix="dpp-node-profile-")
    os.environ.update(CDK_OUTDIR=outdir, CDK_CONTEXT_JSON=json.dumps(CASES[case]()), NODE_OPTIONS=f"--cpu-prof --cpu-prof-dir={profile_dir}")
    rows: list[tuple[str, float, int]] = []
    counter: Counted | None = None

    @contextmanager
    def phase(label: str) -> Iterator[None]:
        sends = counter.sends if counter else 0
        start = time.perf_counter()
        yield
        rows.append((label, time.perf_counter() - start, (counter.sends if counter else 0) - sends))

    began = time.perf_counter()
    with phase("Python start, jsii kernel start, aws-cdk-lib and cdk-nag loaded"):
        import jsii._kernel.providers.process  # noqa: F401

        counter = Counted()
        import aws_cdk as cdk
        import cdk_nag  # noqa: F401

        cdk.App  # noqa: B018  (the first call loads the libraries into the kernel)
    with phase("project modules imported (every aws_cdk submodule they use)"):
        from capabilities.alarms.catalogue import check_alarm_ids
        from checks.gate import install_gate
        from checks.member_template import member_template
        from configuration import load_config
        from configuration.in_force import write_config_in_force
        from dpp_nag import pack
        from evidence.incident_plan import write_incident_plan
        from stacks import topology
    with phase("configuration loaded and validated"):
        app = cdk.App()
        config = check_alarm_ids(load_config(app.node.get_all_context()))
    template = None
    if config.org_mode:
        with phase("member template: its own app, synthesized under the five packs"):
            template = member_template(config)
    with phase("constructs built (stacks.topology.build)"):
        topology.build(app, config, member_template=template)
    with phase("nag packs registered, acknowledgements applied"):
        install_gate(app, config)
    dpp = {"seconds": 0.0, "sends": 0, "calls": 0}
    original_validate = pack.DppChecks.validate_scope

    def timed_validate(this, scope):  # type: ignore[no-untyped-def]
        start, sends = time.perf_counter(), counter.sends if counter else 0
        try:
            return original_validate(this, scope)
        finally:
            dpp["seconds"] += time.perf_counter() - start
            dpp["sends"] += (counter.sends if counter else 0) - sends
            dpp["calls"] = sum(len(index.resources) for _, index in this._indexes.values())

    pack.DppChecks.validate_scope = timed_validate
    with phase("app.synth(): packs, built-in validation, bundling, templates"):
        app.synth()
    with phase("evidence written (configuration in force, incident plan)"):
        write_config_in_force(config, app.outdir)
        write_incident_plan(config, app.outdir)
    total = time.perf_counter() - began
    stacks = len(glob.glob(f"{outdir}/*.template.json"))
    print(f"profile of one synth, case {case!r} ({stacks} stacks), {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}: {total:.1f} s\n")
    print("| step | seconds | share | jsii calls |\n|---|---|---|---|")
    for label, seconds, sends in rows:
        print(f"| {label} | {seconds:.2f} | {seconds / total:.0%} | {sends} |")
    synth_seconds = rows[-2][1]
    _stop_kernel()  # Node writes its CPU profile when it exits
    files = sorted(glob.glob(f"{profile_dir}/*.cpuprofile"), key=os.path.getsize)
    shares = _inclusive(files[-1], JS_SHARES) if files else {}
    print(f"\nof app.synth() ({synth_seconds:.2f} s), from the kernel's CPU profile and the DPP pack's callbacks timed in Python:\n")
    print("| part of app.synth() | seconds | share of synth |\n|---|---|---|")
    for label, seconds in shares.items():
        print(f"| {label} | {seconds:.2f} | {seconds / synth_seconds:.0%} |")
    print(f"| DPP pack in Python: its walk and rules ({dpp['calls']} resources, {dpp['sends']} jsii calls) | {dpp['seconds']:.2f} | {dpp['seconds'] / synth_seconds:.0%} |")
    rest = synth_seconds - sum(shares.values()) - dpp["seconds"]
    print(f"| the rest: asset bundling, template synthesis and writing, the report | {rest:.2f} | {rest / synth_seconds:.0%} |")


def _stop_kernel() -> None:
    """Ends the jsii kernel and waits for it (jsii's own stop gives it five seconds, less than
    writing a large profile takes)."""
    from jsii._runtime import kernel

    node = kernel.provider._process  # type: ignore[attr-defined]
    node._process.stdin.write(b'{"exit":0}\n')
    node._process.stdin.close()
    node._process.wait(timeout=300)
    node.stop()


def _inclusive(path: str, wanted: dict[str, tuple[str, ...]]) -> dict[str, float]:
    profile = json.loads(Path(path).read_text())
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {child: n["id"] for n in profile["nodes"] for child in n.get("children", [])}
    self_time: Counter[int] = Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        self_time[sample] += delta
    totals = {label: 0.0 for label in wanted}
    for node_id, micros in self_time.items():
        frames = set()
        current: int | None = node_id
        while current is not None:
            frame = nodes[current]["callFrame"]
            frames.add(f"{frame['functionName']}@{re.sub(r'.*/', '', frame['url'])}")
            current = parent.get(current)
        for label, names in wanted.items():
            if any(name in frames for name in names):
                totals[label] += micros / 1e6
    return totals


if __name__ == "__main__":
    main()
