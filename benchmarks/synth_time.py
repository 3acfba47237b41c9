"""Prints synth times and peak memory, side by side in one run: a bare one-resource CDK app (the
floor), the default configuration, a large one (3 accounts x 17 regions) and an organization
(3 OUs x 17 regions), each with the five nag packs and as a ratio to the floor, then the goals
with met / not met. Every run is a fresh process, as `cdk synth` runs the app, so jsii
start-up (and CDK's built-in template validation) is included in all of them; the cases take
turns, so a change in the shared machine's load falls on all alike.

Run with `make bench` (BENCH_RUNS=n for the median of n rounds, default 3). Figures belong
in the README, never in a timed test. `python -m benchmarks.profile_synth` shows where the
time of one synth goes.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "3"))

LARGE_REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "eu-central-1", "eu-north-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
    "ap-southeast-2", "ap-south-1", "sa-east-1",
]  # fmt: skip


def context(large: bool) -> dict:
    ctx = json.loads((ROOT / "cdk.json").read_text())["context"]
    if large:
        ctx["dpp"].update(
            regions=LARGE_REGIONS,
            homeRegion="eu-west-1",
            replicaRegion="eu-central-1",
            accounts=[
                {"id": "111122223333", "name": "log-archive", "roles": ["log-archive"]},
                {"id": "444455556666", "name": "orders", "roles": ["workload"]},
                {"id": "777788889999", "name": "reports", "roles": ["workload"]},
            ],
        )
        ctx["dpp"]["detection"]["malwareScannedBuckets"][0]["account"] = "444455556666"
    return ctx


def organization_context() -> dict:
    """examples/organization.json over 17 regions: three member OUs, one StackSet."""
    ctx = json.loads((ROOT / "cdk.json").read_text())["context"]
    ctx["dpp"] = json.loads((ROOT / "examples" / "organization.json").read_text())
    ctx["dpp"].update(regions=LARGE_REGIONS, homeRegion="eu-west-1", replicaRegion="eu-central-1")
    return ctx


GIB = 1024**3
# (case, ratio to the floor it must stay within)
GOALS = {"default": 3.0, "large": 10.0, "organization": 8.0}
MEMORY_GOAL = 2 * GIB  # for the large cases


@dataclass(frozen=True)
class Sample:
    seconds: float
    stacks: int
    peak_rss: int  # bytes, the largest process of the run (Python or jsii's Node.js kernel)
    cpu: float = 0.0  # user + system seconds of the run, Node.js kernel included: less swayed by the machine's load than the wall clock


def timed(script: str, ctx: dict | None) -> Sample:
    """One synth in a fresh process. Peak memory is wait4's ru_maxrss for that process, which
    Linux takes over the process and the descendants it waited for (the Node.js kernel): the
    larger of the two, as resource.getrusage(RUSAGE_CHILDREN) would report it."""
    with tempfile.TemporaryDirectory() as outdir:
        env = {**os.environ, "CDK_OUTDIR": outdir}
        if ctx is not None:
            env["CDK_CONTEXT_JSON"] = json.dumps(ctx)
        start = time.perf_counter()
        with tempfile.TemporaryFile() as stderr:
            process = subprocess.Popen([sys.executable, script], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - start
            process.returncode = os.waitstatus_to_exitcode(status)
            if process.returncode != 0:
                stderr.seek(0)
                sys.exit(f"bench: {script} failed:\n{stderr.read().decode(errors='replace')[-2000:]}")
        stacks = len(list(Path(outdir).glob("*.template.json")))
    return Sample(elapsed, stacks, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime)  # ru_maxrss is in KiB on Linux


def main() -> None:
    cases = [
        ("floor", "bare one-resource app (floor)", "benchmarks/bare_app.py", None),
        ("default", "default configuration, 5 nag packs", "app.py", context(large=False)),
        ("large", "3 accounts x 17 regions, 5 nag packs", "app.py", context(large=True)),
        ("organization", "organization, 3 OUs x 17 regions, 5 nag packs", "app.py", organization_context()),
    ]
    load = os.getloadavg()
    print(f"synth time, median of {RUNS} rounds, each case a fresh process ({os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f})")
    samples: dict[str, list[Sample]] = {key: [] for key, *_ in cases}
    for _ in range(RUNS):  # the cases take turns
        for key, _label, script, ctx in cases:
            samples[key].append(timed(script, ctx))
    floor = statistics.median(s.seconds for s in samples["floor"])
    floor_cpu = statistics.median(s.cpu for s in samples["floor"])
    medians = {}
    print(f"  {'case':<48} {'time':>8}  stacks  {'vs floor':>8}  {'CPU time':>8}  {'vs floor':>8}  peak memory")
    for key, label, _script, _ctx in cases:
        median = statistics.median(s.seconds for s in samples[key])
        cpu = statistics.median(s.cpu for s in samples[key])
        medians[key] = median
        peak = max(s.peak_rss for s in samples[key])
        print(f"  {label:<48} {median:6.2f} s  {samples[key][0].stacks:6d}  {median / floor:7.1f}x  {cpu:6.2f} s  {cpu / floor_cpu:7.1f}x  {peak / 2**20:7.0f} MiB")
    load = os.getloadavg()
    print(f"goals (load average at the end {load[0]:.1f}):")
    for key, goal in GOALS.items():
        ratio = medians[key] / floor
        print(f"  {key:<14} <= {goal:4.1f}x the floor: {ratio:5.1f}x  {'met' if ratio <= goal else 'NOT MET'}")
    for key in ("large", "organization"):
        peak = max(s.peak_rss for s in samples[key])
        print(f"  {key:<14} peak memory <= 2 GiB: {peak / GIB:5.2f} GiB  {'met' if peak <= MEMORY_GOAL else 'NOT MET'}")


if __name__ == "__main__":
    main()
