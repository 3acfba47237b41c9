"""Prints the chat relay's figures beside a peer-like baseline (issue 16.6):

- cold import of the handler, with and without compiled bytecode (the deployed bundle carries
  none, so Lambda compiles the relay's own modules on every cold start);
- CPU per event at one event per invocation and at batches of 100, the first (cold)
  invocation included separately, against a local stand-in for AWS (Secrets Manager,
  DynamoDB, SQS: JSON protocol, kept-alive connections) and for the chat webhooks, served
  from another process so that only the function's own CPU is counted;
- parse + redact + render time per sample event, and a 1,000-event burst delivered to a
  local Slack stand-in that allows one message per second.

The peer-like baseline is what the usual SNS-to-Slack function does: boto3 and a Secrets
Manager client at import, the URL read once per container, one plain-text post per record
through urllib, no ledger, redaction, escaping or routing.

Goals: cold import <= 150 ms and <= 2 ms CPU per event at one event per invocation (on the
machine where the peer imports in about 227 ms). This machine's speed varies with its load,
so each figure is printed beside the baseline measured in the same run.

Run with `make bench`. Loopback only; bounded in count and time.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELAY = ROOT / "lambdas" / "chat_relay"
DRILL_MARKS = ROOT / "lambdas" / "shared" / "drill_marks.py"  # bundled into the relay (capabilities/relay/bundling.py)
EVENTS = ROOT / "tests" / "events"
sys.path.insert(0, str(RELAY))
sys.path.insert(0, str(DRILL_MARKS.parent))  # the shared modules, as in the bundle's root

PEER = """
import json, os, urllib.request
import boto3

secrets = boto3.client("secretsmanager")
URL = None


def handler(event, context):
    global URL
    if URL is None:
        URL = secrets.get_secret_value(SecretId=os.environ["PEER_SECRET"])["SecretString"]
    for record in event["Records"]:
        envelope = json.loads(record["body"])
        message = json.loads(envelope["Message"])
        text = f"*{message.get('AlarmName', 'Alert')}*: {message.get('NewStateValue', '')} {message.get('NewStateReason', '')}"
        request = urllib.request.Request(URL, data=json.dumps({"text": text}).encode(), headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=10).read()
    return {"batchItemFailures": []}
"""

# A stand-in for Secrets Manager, DynamoDB, SQS and the webhooks, run in its own process.
STAND_IN = """
import json, socket, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # headers and body are written separately: without this, Nagle's algorithm and the
        # client's delayed ACK stall every kept-alive response by ~40 ms (AWS does not)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        target = (self.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1]
        answer = {
            "GetSecretValue": {"SecretString": "http://127.0.0.1:%d/webhook" % self.server.server_port},
            "BatchGetItem": {"Responses": {}},
            "BatchWriteItem": {},
            "SendMessage": {"MessageId": "m", "MD5OfMessageBody": "0"},
        }.get(target)
        body = json.dumps(answer).encode() if answer is not None else b"ok"
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0" if answer is not None else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_port, flush=True)
server.serve_forever()
"""

# Runs in a fresh process: import, one cold invocation, then warm invocations.
MEASURE = """
import json, sys, time
t = time.perf_counter()
import handler
import_ms = (time.perf_counter() - t) * 1000
alarm = open(sys.argv[1]).read()
batch_size, invocations = int(sys.argv[2]), int(sys.argv[3])
counter = iter(range(10**9))

def event(size):
    return {"Records": [{"messageId": f"sqs-{n}", "body": json.dumps({"Type": "Notification", "MessageId": f"m{n}", "TopicArn": "arn:aws:sns:eu-west-1:111122223333:dpp-prod-alerts-critical", "Message": alarm})} for n in [next(counter) for _ in range(size)]]}

class Context:
    aws_request_id = "bench"
    def get_remaining_time_in_millis(self):
        return 300000

cpu = time.process_time()
handler.handler(event(1), Context())
first_ms = (time.process_time() - cpu) * 1000
cpu = time.process_time()
for _ in range(invocations):
    handler.handler(event(batch_size), Context())
per_event_ms = (time.process_time() - cpu) * 1000 / (invocations * batch_size)
print(json.dumps({"import_ms": import_ms, "first_ms": first_ms, "per_event_ms": per_event_ms}))
"""


def _environment(port: int, code_dir: Path, targets: int) -> dict:
    target_list = [
        {"name": "secops-slack", "kind": "slack", "secretName": "dpp/slack/secops", "minSeverity": "high"},
        {"name": "secops-teams", "kind": "teams", "secretName": "dpp/teams/secops", "minSeverity": "critical"},
    ][:targets]
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(code_dir),
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "TARGETS": json.dumps(target_list),
        "LEDGER_TABLE": "ledger",
        "DEAD_LETTER_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/111122223333/dead-letters",
        "HOME_REGION": "eu-west-1",
        "PACE_SECONDS": "0",
        "PEER_SECRET": "dpp/slack/secops",
    }


def _run(code: str, env: dict, *args: str, bytecode: bool = True) -> str:
    env = dict(env) | ({} if bytecode else {"PYTHONDONTWRITEBYTECODE": "1"})
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True).stdout


def _code_dirs(workdir: Path) -> dict[str, Path]:
    """The relay as bundled (no __pycache__, the shared modules copied into its root as
    capabilities/relay/bundling.py does), and the peer-like baseline."""
    relay = workdir / "relay"
    shutil.copytree(RELAY, relay, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(DRILL_MARKS, relay / DRILL_MARKS.name)
    peer = workdir / "peer"
    peer.mkdir()
    (peer / "handler.py").write_text(PEER)
    return {"relay": relay, "peer": peer}


def cold_imports(dirs: dict[str, Path], port: int, runs: int = 5) -> dict[str, float]:
    """Median import time in ms: with .pyc (after a first import wrote it) and without."""
    code = "import time; t = time.perf_counter(); import handler; print((time.perf_counter() - t) * 1000)"
    figures: dict[str, list[float]] = {}
    for directory in dirs.values():
        _run(code, _environment(port, directory, 2))  # writes the .pyc files
    for _ in range(runs):  # interleaved, so load changes hit both alike
        for name, directory in dirs.items():
            env = _environment(port, directory, 2)
            figures.setdefault(f"{name} (with .pyc)", []).append(float(_run(code, env)))
            scratch = Path(tempfile.mkdtemp())
            fresh = scratch / "code"
            shutil.copytree(directory, fresh, ignore=shutil.ignore_patterns("__pycache__"))
            figures.setdefault(f"{name} (as bundled, no .pyc)", []).append(float(_run(code, _environment(port, fresh, 2), bytecode=False)))
            shutil.rmtree(scratch)
    return {name: statistics.median(values) for name, values in figures.items()}


def cpu_per_event(dirs: dict[str, Path], port: int) -> list[tuple[str, dict]]:
    alarm = str(EVENTS / "relay" / "cloudwatch-alarm.json")
    cases = [
        ("peer-like baseline, 1 target, 1 event per invocation", "peer", 1, 1, 300),
        ("relay, 1 target, 1 event per invocation", "relay", 1, 1, 300),
        ("relay, 2 targets (default config), 1 event per invocation", "relay", 2, 1, 300),
        ("peer-like baseline, 1 target, batches of 100", "peer", 1, 100, 5),
        ("relay, 2 targets, batches of 100 (digests)", "relay", 2, 100, 5),
    ]
    results = []
    for label, name, targets, size, invocations in cases:
        # the function's own logs and metrics go to stdout too: the figures are the last line
        runs = [json.loads(_run(MEASURE, _environment(port, dirs[name], targets), alarm, str(size), str(invocations)).splitlines()[-1]) for _ in range(3)]
        results.append((label, {key: statistics.median(r[key] for r in runs) for key in runs[0]}))
    return results


def formatting_micros() -> float:
    from relay import render
    from relay.alerts import parse

    samples = [p.read_text() for p in sorted((EVENTS / "relay").glob("*.json")) + sorted((EVENTS / "detection").glob("*.json"))]
    topic = "arn:aws:sns:eu-west-1:111122223333:dpp-prod-alerts-high"

    def once() -> None:
        for message in samples:
            alert = render.prepare(parse(message, "", topic, "id"), True)
            for renderer in render.RENDERERS.values():
                renderer(alert)

    runs = 50
    seconds = timeit.timeit(once, number=runs)
    return seconds / runs / len(samples) * 1e6


class RateLimitedSlack:
    """Answers 429 with Retry-After: 1 to any post less than a second after the last one."""

    def __init__(self) -> None:
        self.accepted: list[dict] = []
        self.rejected = 0
        self.last = 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                now = time.monotonic()
                if now - outer.last < 1.0:
                    outer.rejected += 1
                    self.send_response(429)
                    self.send_header("Retry-After", "1")
                else:
                    outer.last = now
                    outer.accepted.append(body)
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def burst(total: int = 1000, batch: int = 100) -> dict:
    from relay.batch import Relay, Target, read_records
    from relay.delivery import Deliverer

    slack = RateLimitedSlack()
    url = f"http://127.0.0.1:{slack.httpd.server_port}/slack"
    alarm = (EVENTS / "relay" / "cloudwatch-alarm.json").read_text()

    class MemoryLedger:
        def __init__(self):
            self.seen = set()

        def delivered(self, keys):
            return self.seen.intersection(keys)

        def record(self, keys):
            self.seen.update(keys)

    dead: list = []
    relay = Relay(
        targets=[Target("secops-slack", "slack", "secret", "low")],
        webhook_url=lambda name, refresh: url,
        ledger=MemoryLedger(),
        dead_letter=lambda body, target, reason: dead.append(body),
        deliverer=Deliverer(deadline=lambda: 300.0, pace_seconds=1.0),
    )
    start = time.monotonic()
    requeued = 0
    for first in range(0, total, batch):
        records = [
            {"messageId": f"sqs-{i}", "body": json.dumps({"MessageId": f"m{i}", "TopicArn": "arn:aws:sns:eu-west-1:1:dpp-prod-alerts-high", "Message": alarm})}
            for i in range(first, min(first + batch, total))
        ]
        outcome = relay.process(read_records(records))
        requeued += len(outcome.retry)
    elapsed = time.monotonic() - start
    covered = sum(int(p["text"].split("] ", 1)[1].split(" alerts")[0]) if " alerts:" in p["text"] else 1 for p in slack.accepted)
    slack.httpd.shutdown()
    return {
        "events": total,
        "messages": len(slack.accepted),
        "digests": sum(" alerts:" in p["text"] for p in slack.accepted),
        "429s": slack.rejected,
        "seconds": elapsed,
        "lost": total - covered - len(dead) - requeued,
    }


def main() -> None:
    stand_in = subprocess.Popen([sys.executable, "-c", STAND_IN], stdout=subprocess.PIPE, text=True)
    try:
        port = int(stand_in.stdout.readline())
        with tempfile.TemporaryDirectory() as scratch:
            dirs = _code_dirs(Path(scratch))
            imports = cold_imports(dirs, port)
            cpu = cpu_per_event(dirs, port)
    finally:
        stand_in.terminate()
        stand_in.wait()
    print("chat relay (goals: cold import <= 150 ms where the peer takes ~227 ms; <= 2 ms CPU per event at 1 event per invocation)")
    print("  cold import of the handler (median of 5, fresh process each)")
    for name in ("with .pyc", "as bundled, no .pyc"):
        relay, peer = imports[f"relay ({name})"], imports[f"peer ({name})"]
        print(f"    {name:<22} relay {relay:6.0f} ms   peer-like baseline {peer:6.0f} ms   relay/peer {relay / peer:4.2f}")
    print("  CPU per event (median of 3 fresh processes; first = the cold invocation's CPU)")
    for label, figures in cpu:
        print(f"    {label:<58} {figures['per_event_ms']:6.2f} ms per event   first invocation {figures['first_ms']:6.1f} ms")
    print(f"  parse + redact + render for 4 targets      {formatting_micros():6.0f} us per event")
    result = burst()
    print(
        f"  burst of {result['events']} events, 1 msg/s webhook    {result['messages']} messages ({result['digests']} digests), "
        f"{result['429s']} x 429, {result['seconds']:.0f} s, lost = {result['lost']}"
    )


if __name__ == "__main__":
    main()
