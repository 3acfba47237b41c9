"""A local stand-in for Slack, Teams and Chime webhooks and the PagerDuty and Opsgenie APIs,
and the relay wired to moto."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import boto3
import pytest
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]
RELAY_SOURCE = ROOT / "lambdas" / "chat_relay"
EVENTS = ROOT / "tests" / "events"
TOPIC = "arn:aws:sns:eu-west-1:111122223333:dpp-prod-alerts-{}"
# the chat servers' paths the shared relay fixture (tests/lambdas/conftest.py) posts to
SLACK, TEAMS, CHIME = "/slack/T000/B000", "/teams/workflow", "/chime/incomingwebhooks"

if str(RELAY_SOURCE) not in sys.path:
    sys.path.insert(0, str(RELAY_SOURCE))


@dataclass
class Reply:
    status: int = 200
    body: str = "ok"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection afterwards without saying so (an idle timeout)


class ChatServer:
    """Records every POST per path; answers from a per-path script, then 200."""

    def __init__(self) -> None:
        self.posts: dict[str, list[dict]] = {}
        self.headers: dict[str, list[dict[str, str]]] = {}  # per path, each POST's request headers
        self.times: dict[str, list[float]] = {}
        self.scripts: dict[str, list[Reply]] = {}
        self.ports: set[int] = set()  # client ports seen: one per connection
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"null")
                server.posts.setdefault(self.path, []).append(payload)
                server.headers.setdefault(self.path, []).append(dict(self.headers.items()))
                server.ports.add(self.client_address[1])
                server.times.setdefault(self.path, []).append(time.monotonic())
                script = server.scripts.get(self.path) or []
                reply = script.pop(0) if script else Reply()
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body.encode())
                    if reply.drop:
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    def __enter__(self) -> "ChatServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def sns_record(message, severity: str = "critical", message_id: str = "msg-1", subject: str | None = None) -> dict:
    """An SQS record carrying an SNS notification, as the relay's queue delivers it."""
    envelope = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": TOPIC.format(severity),
        "Subject": subject,
        "Message": message if isinstance(message, str) else json.dumps(message),
        "Timestamp": "2026-11-21T00:00:41.600Z",
    }
    return {"messageId": f"sqs-{message_id}", "receiptHandle": "rh", "body": json.dumps(envelope), "attributes": {}, "eventSource": "aws:sqs"}


def sample(path: str) -> dict:
    return json.loads((EVENTS / path).read_text())


class FakeContext:
    function_name = "dpp-prod-chat-relay"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:eu-west-1:111122223333:function:dpp-prod-chat-relay"
    aws_request_id = "req-0001"

    def __init__(self, seconds: float = 300.0) -> None:
        self.deadline = time.monotonic() + seconds

    def get_remaining_time_in_millis(self) -> int:
        return int((self.deadline - time.monotonic()) * 1000)


def moto_send(url: str, headers: dict, body: bytes, timeout: float) -> tuple[int, bytes]:
    """The relay's AWS transport, answered by moto's in-process backends (what ``mock_aws``
    does for botocore), so the relay's own signing and JSON protocol code is what runs."""
    from botocore.awsrequest import AWSPreparedRequest
    from botocore.compat import HTTPHeaders
    from moto.core.models import botocore_stubber

    message = HTTPHeaders()
    for key, value in headers.items():
        message[key] = value
    request = AWSPreparedRequest("POST", url, message, body, stream_output=False)
    answer = botocore_stubber.process_request(request)
    assert answer is not None, f"moto does not serve {url}"
    status, _, content = answer
    return status, content.encode() if isinstance(content, str) else content


@contextmanager
def wired_relay(monkeypatch: pytest.MonkeyPatch, secrets: dict[str, str], targets: list[dict], *, pace_seconds: str = "0.05") -> Iterator[ModuleType]:
    """The relay's handler as its function runs it: its environment (short pacing, back-off
    and timeouts, so tests run in seconds), moto's Secrets Manager holding ``secrets`` (name ->
    secret string), its ledger table and dead-letter queue, ``targets`` as the TARGETS setting,
    and its AWS transport answered by moto (``moto_send``). Yields the handler module, reset."""
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "METRICS_NAMESPACE": "DPP/test",
        "PACE_SECONDS": pace_seconds,
        "INITIAL_BACKOFF_SECONDS": "0.05",
        "REQUEST_TIMEOUT_SECONDS": "0.5",
        "SAFETY_MARGIN_SECONDS": "0.2",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        secrets_manager = boto3.client("secretsmanager")
        for name, secret in secrets.items():
            secrets_manager.create_secret(Name=name, SecretString=secret)
        boto3.client("dynamodb").create_table(
            TableName="ledger", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST"
        )
        dlq = boto3.client("sqs").create_queue(QueueName="dead-letters")["QueueUrl"]
        monkeypatch.setenv("LEDGER_TABLE", "ledger")
        monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", dlq)
        monkeypatch.setenv("TARGETS", json.dumps(targets))
        import handler as relay_handler
        import relay.aws

        monkeypatch.setattr(relay.aws, "send", moto_send)
        relay_handler.reset()
        yield relay_handler


def run(relay: ModuleType, *records: dict, seconds: float = 30.0) -> dict:
    """One invocation of the relay with these queue records and ``seconds`` left to run."""
    result: dict = relay.handler({"Records": list(records)}, FakeContext(seconds))
    return result


def dead_letters() -> list[dict]:
    """What the relay dead-lettered so far (up to ten), with their attributes."""
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName="dead-letters")["QueueUrl"]
    letters: list[dict] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get("Messages", [])
    return letters
