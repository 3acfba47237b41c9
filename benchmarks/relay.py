"""Prints the chat relay's figures: cold import time, formatting time per event over the
sample events, and a 1,000-event burst delivered to a local Slack stand-in that allows one
message per second (messages sent, digests, time, alerts lost).

Run with `make bench`. Loopback only; bounded in count and time.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import timeit
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELAY = ROOT / "lambdas" / "chat_relay"
EVENTS = ROOT / "tests" / "events"
sys.path.insert(0, str(RELAY))


def cold_import_seconds(runs: int = 5) -> float:
    code = "import time; t = time.perf_counter(); import handler; print(time.perf_counter() - t)"
    env = {**os.environ, "PYTHONPATH": str(RELAY), "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    samples = [float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout) for _ in range(runs)]
    return statistics.median(samples)


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

        def delivered(self, message_id, target):
            return (message_id, target) in self.seen

        def record(self, message_id, target):
            self.seen.add((message_id, target))

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
    print("chat relay")
    print(f"  cold import of the handler (median of 5)   {cold_import_seconds():6.2f} s")
    print(f"  parse + redact + render for 4 targets      {formatting_micros():6.0f} us per event")
    result = burst()
    print(
        f"  burst of {result['events']} events, 1 msg/s webhook    {result['messages']} messages ({result['digests']} digests), "
        f"{result['429s']} x 429, {result['seconds']:.0f} s, lost = {result['lost']}"
    )


if __name__ == "__main__":
    main()
