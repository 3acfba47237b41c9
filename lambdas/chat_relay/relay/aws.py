"""The three AWS calls the relay makes (Secrets Manager GetSecretValue, DynamoDB GetItem and
PutItem, SQS SendMessage), over the services' JSON protocol with Signature Version 4, on the
standard library alone.

Why not boto3: importing boto3 and building its clients costs more than the relay's whole
cold-start budget, and its per-call overhead more than the relay's per-event budget (issue
16.6). These services speak plain JSON over HTTPS:
- the protocol (``X-Amz-Target``, ``application/x-amz-json-1.x``):
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html,
  https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html,
  https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html
  (each service's target prefix and JSON version are checked against botocore's service
  models in the tests);
- signing: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
  (checked against botocore's signer in the tests).

Credentials come from the environment, as Lambda provides them. Connections are kept open
between invocations (``relay.wire``). Throttling, 5xx answers and broken connections are
retried a few times with jittered backoff, as the SDKs' standard retry mode does.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import random
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from relay import wire

# service -> (endpoint prefix and signing name, X-Amz-Target prefix, JSON version)
SERVICES = {
    "secretsmanager": ("secretsmanager", "secretsmanager", "1.1"),
    "dynamodb": ("dynamodb", "DynamoDB_20120810", "1.0"),
    "sqs": ("sqs", "AmazonSQS", "1.0"),
}
RETRYABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
        "RequestThrottledException",
        "InternalServiceError",
        "InternalFailure",
        "ServiceUnavailable",
    }
)
MAX_ATTEMPTS = 3


class AwsError(Exception):
    """An AWS error answer, or no answer. ``code`` is the error's short name (e.g.
    ``ResourceNotFoundException``); the message never carries request or response data."""

    def __init__(self, service: str, operation: str, status: int | None, code: str) -> None:
        self.status = status
        self.code = code
        super().__init__(f"{service} {operation} failed: {code} (HTTP {status or 'no answer'})")

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status >= 500 or self.code in RETRYABLE_CODES


def send(url: str, headers: dict[str, str], body: bytes, timeout: float) -> tuple[int, bytes]:
    status, _, raw = wire.post(url, headers, body, timeout, max_body=1 << 20)
    return status, raw


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def sign(service: str, region: str, url: str, headers: dict[str, str], body: bytes, now: datetime, credentials: tuple[str, str, str | None]) -> dict[str, str]:
    """``headers`` plus ``X-Amz-Date``, the session token and the SigV4 ``Authorization``."""
    access_key, secret_key, token = credentials
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    headers = dict(headers, **{"X-Amz-Date": amz_date, "Host": urlsplit(url).netloc})
    if token:
        headers["X-Amz-Security-Token"] = token
    canonical = sorted((k.lower(), " ".join(str(v).split())) for k, v in headers.items())
    signed = ";".join(k for k, _ in canonical)
    request = "\n".join(["POST", urlsplit(url).path or "/", "", *(f"{k}:{v}" for k, v in canonical), "", signed, hashlib.sha256(body).hexdigest()])
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(request.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret_key).encode(), amz_date[:8]), region), service), "aws4_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature}"
    del headers["Host"]  # http.client sends it
    return headers


def endpoint(service: str, region: str) -> str:
    """The SDKs' endpoint settings (``AWS_ENDPOINT_URL_<SERVICE>``, ``AWS_ENDPOINT_URL``),
    else the service's regional endpoint."""
    configured = os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or os.environ.get("AWS_ENDPOINT_URL")
    if configured:
        return configured.rstrip("/") + "/"
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{SERVICES[service][0]}.{region}.{domain}/"


class Client:
    """One service in one region; built once per container."""

    def __init__(self, service: str, region: str, timeout: float = 5.0) -> None:
        self.service = service
        self.region = region
        self.timeout = timeout
        self.signing_name, self.target, version = SERVICES[service]
        self.content_type = f"application/x-amz-json-{version}"
        self.url = endpoint(service, region)

    def call(self, operation: str, params: dict) -> dict:
        body = json.dumps(params, separators=(",", ":")).encode()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            credentials = (os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"], os.environ.get("AWS_SESSION_TOKEN"))
            headers = sign(
                self.signing_name,
                self.region,
                self.url,
                {"Content-Type": self.content_type, "X-Amz-Target": f"{self.target}.{operation}"},
                body,
                datetime.now(timezone.utc),
                credentials,
            )
            try:
                status, raw = send(self.url, headers, body, self.timeout)
            except (OSError, http.client.HTTPException):
                error = AwsError(self.service, operation, None, "ConnectionError")
            else:
                if 200 <= status < 300:
                    return json.loads(raw) if raw.strip() else {}
                error = AwsError(self.service, operation, status, _error_code(raw))
            if not error.retryable or attempt == MAX_ATTEMPTS:
                raise error
            time.sleep(random.uniform(0, 0.05 * 2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover


def _error_code(raw: bytes) -> str:
    """``__type`` of a JSON-protocol error, without its namespace."""
    try:
        kind = str(json.loads(raw).get("__type") or "")
    except (ValueError, AttributeError):
        kind = ""
    return kind.rsplit("#", 1)[-1].rsplit(":", 1)[-1] or "UnknownError"
