"""Prints synth times: the default configuration, a large one (3 accounts x 17 regions), and a
bare one-resource CDK app as the floor, each as a ratio to the floor. Every run is a fresh
process, as `cdk synth` runs the app, so jsii start-up is included in all three.

Run with `make bench`. Figures belong in the README, never in a timed test.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
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


def timed(script: str, ctx: dict | None) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as outdir:
        env = {**os.environ, "CDK_OUTDIR": outdir}
        if ctx is not None:
            env["CDK_CONTEXT_JSON"] = json.dumps(ctx)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, script], cwd=ROOT, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            sys.exit(f"bench: {script} failed:\n{result.stderr[-2000:]}")
        stacks = len(list(Path(outdir).glob("*.template.json")))
    return elapsed, stacks


def main() -> None:
    cases = [
        ("bare one-resource app (floor)", "benchmarks/bare_app.py", None),
        ("default configuration, 5 nag packs", "app.py", context(large=False)),
        ("3 accounts x 17 regions, 5 nag packs", "app.py", context(large=True)),
        ("organization, 3 OUs x 17 regions, 5 nag packs", "app.py", organization_context()),
    ]
    print(f"synth time, median of {RUNS} runs, each a fresh process ({os.cpu_count()} cores)")
    floor = None
    for label, script, ctx in cases:
        samples = [timed(script, ctx) for _ in range(RUNS)]
        median = statistics.median(s for s, _ in samples)
        floor = floor or median
        print(f"  {label:<48} {median:6.2f} s  {samples[0][1]:3d} stacks  {median / floor:5.1f}x floor")


if __name__ == "__main__":
    main()
