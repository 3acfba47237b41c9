"""Copies each new object of a workload log bucket into the log archive (DPP-LOG-8, DPP-RET-1,
DPP-PRT-2, DPP-PRT-3).

Why a copy and not S3 replication: a replica keeps its source's encryption, so an SSE-S3
object (all that ALB access logs accept) would arrive SSE-S3, which the archive's bucket
policy refuses (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html).
A copy is a new object written by this function's role, encrypted by the destination
bucket's default SSE-KMS key (no encryption header is sent: "the target object is encrypted
with the default encryption configuration of the destination bucket",
https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html); the destination (the
unlocked Config staging bucket at home, the region's intake elsewhere) replicates it into
both Object Lock copies.

Invoked asynchronously by EventBridge for each S3 "Object Created" event of the bucket
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html): a workload account's
own bucket, or (the management account's instance in organization mode) any member's bucket,
whose events the member's rule sends to this account's bus. The event's ``account`` and
``region`` are EventBridge's, not the sender's to choose, and stay the member's when the event
crosses to another account's bus
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html). For each object:

- the bucket must be the workload log bucket of the event's account and region
  (``SOURCE_BUCKET_PATTERN``): any other is refused, logged and not copied, so a member
  cannot make the function copy another member's or an arbitrary bucket; the invocation then
  fails (``RefusedEvent``), so the refusal raises ``LogForwarderErrors`` and the event ends in
  the dead-letter queue for the investigator instead of passing unseen;
- the destination key is fixed by the source key, ``<prefix>/<account>/<region>/<source key>``,
  so a retry or a duplicated event writes to the same key;
- the write is conditional (``If-None-Match: *``): a key already there answers 412
  Precondition Failed and nothing is written twice
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html);
- S3 computes a SHA-256 checksum of the copy (``x-amz-checksum-algorithm``), kept with the
  object and with each part of a multipart copy
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html);
- objects above ``COPY_OBJECT_LIMIT`` (CopyObject copies up to 5 GB in one request) are copied
  part by part on S3's side with UploadPartCopy; nothing is read into the function's memory;
- the response must say ``aws:kms``, or the invocation fails (and alarms).

Logs bucket, key, size and outcome only, never object content (DPP-PII-1). Any failure
raises, so Lambda retries the event and finally puts it in the dead-letter queue.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

# "You can create a copy of your object up to 5 GB in size in a single atomic action"
# (API_CopyObject.html); larger objects need UploadPartCopy.
COPY_OBJECT_LIMIT = int(os.environ.get("COPY_OBJECT_LIMIT", str(5 * 1024**3)))
# Parts are 5 MiB to 5 GiB, at most 10,000 per upload
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).
MIN_PART_BYTES = int(os.environ.get("COPY_PART_BYTES", str(512 * 1024**2)))
MAX_PARTS = 10_000
CHECKSUM = "SHA256"


@dataclass(frozen=True)
class Settings:
    destination_bucket: str
    destination_account: str
    destination_prefix: str  # workload-logs/{account}/{region}
    source_prefixes: tuple[str, ...]  # alb/, waf/, ...
    source_bucket_pattern: str  # aws-waf-logs-<prefix>-workload-{account}-{region}

    @classmethod
    def from_environment(cls) -> "Settings":
        return cls(
            destination_bucket=os.environ["DESTINATION_BUCKET"],
            destination_account=os.environ["DESTINATION_ACCOUNT"],
            destination_prefix=os.environ["DESTINATION_PREFIX"].rstrip("/"),
            source_prefixes=tuple(p for p in os.environ["SOURCE_PREFIXES"].split(",") if p),
            source_bucket_pattern=os.environ["SOURCE_BUCKET_PATTERN"],
        )

    def source_bucket(self, account: str, region: str) -> str:
        """The one bucket whose objects an event of ``account`` and ``region`` may name."""
        return self.source_bucket_pattern.format(account=account, region=region)

    def prefix_for(self, account: str, region: str) -> str:
        return self.destination_prefix.format(account=account, region=region)


@dataclass(frozen=True)
class SourceObject:
    bucket: str
    key: str
    size: int
    version_id: str | None
    owner: str
    region: str

    @classmethod
    def from_event(cls, event: dict) -> "SourceObject":
        detail = event["detail"]
        obj = detail["object"]
        return cls(bucket=detail["bucket"]["name"], key=obj["key"], size=int(obj.get("size", 0)), version_id=obj.get("version-id"), owner=event["account"], region=event["region"])

    def copy_source(self) -> dict[str, str]:
        source = {"Bucket": self.bucket, "Key": self.key}
        if self.version_id:
            source["VersionId"] = self.version_id
        return source


class ForwardingFailed(RuntimeError):
    """Raised so that Lambda retries the event and finally dead-letters it."""


def destination_key(settings: Settings, source: "SourceObject") -> str:
    return f"{settings.prefix_for(source.owner, source.region)}/{source.key}"


_ACCOUNT_ID = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _already_there(error: ClientError) -> bool:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status == 412 or _error_code(error) == "PreconditionFailed"


def _part_ranges(size: int) -> list[tuple[int, int]]:
    part = max(MIN_PART_BYTES, -(-size // MAX_PARTS))
    return [(start, min(start + part, size) - 1) for start in range(0, size, part)]


def _copy_whole(s3, settings: Settings, source: SourceObject, key: str) -> dict:
    return s3.copy_object(
        Bucket=settings.destination_bucket,
        Key=key,
        CopySource=source.copy_source(),
        ChecksumAlgorithm=CHECKSUM,
        IfNoneMatch="*",
        # No tags carried over: copying them would need s3:GetObjectTagging and
        # s3:PutObjectTagging too (API_CopyObject.html); log deliveries set none.
        TaggingDirective="REPLACE",
        ExpectedBucketOwner=settings.destination_account,
        ExpectedSourceBucketOwner=source.owner,
    )


def _copy_in_parts(s3, settings: Settings, source: SourceObject, key: str) -> dict:
    """UploadPartCopy part by part; the conditional header goes on the completion (the only
    multipart call that takes one, conditional-writes.html)."""
    owner = {"ExpectedBucketOwner": settings.destination_account}
    upload = s3.create_multipart_upload(Bucket=settings.destination_bucket, Key=key, ChecksumAlgorithm=CHECKSUM, **owner)
    upload_id = upload["UploadId"]
    try:
        parts = []
        for number, (first, last) in enumerate(_part_ranges(source.size), start=1):
            result = s3.upload_part_copy(
                Bucket=settings.destination_bucket,
                Key=key,
                UploadId=upload_id,
                PartNumber=number,
                CopySource=source.copy_source(),
                CopySourceRange=f"bytes={first}-{last}",
                ExpectedSourceBucketOwner=source.owner,
                **owner,
            )["CopyPartResult"]
            part = {"PartNumber": number, "ETag": result["ETag"]}
            if result.get("ChecksumSHA256"):
                part["ChecksumSHA256"] = result["ChecksumSHA256"]
            parts.append(part)
        return s3.complete_multipart_upload(Bucket=settings.destination_bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}, IfNoneMatch="*", **owner)
    except Exception:
        s3.abort_multipart_upload(Bucket=settings.destination_bucket, Key=key, UploadId=upload_id, **owner)
        raise


def forward(s3, settings: Settings, source: SourceObject) -> str:
    """Copies one object; returns ``copied``, ``already-forwarded``, ``skipped`` or ``refused``."""
    well_formed = _ACCOUNT_ID.fullmatch(source.owner) and _REGION.fullmatch(source.region)
    if not well_formed or source.bucket != settings.source_bucket(source.owner, source.region):
        # Not a retryable failure: the event names a bucket this function must not read.
        logger.warning("not a workload log bucket", extra={"bucket": source.bucket, "account": source.owner, "region": source.region})
        return "refused"
    if not source.key.startswith(settings.source_prefixes):
        logger.info("not a forwarded prefix", extra={"bucket": source.bucket, "key": source.key})
        return "skipped"
    key = destination_key(settings, source)
    try:
        response = _copy_whole(s3, settings, source, key) if source.size <= COPY_OBJECT_LIMIT else _copy_in_parts(s3, settings, source, key)
    except ClientError as error:
        if _already_there(error):
            logger.info("already forwarded", extra={"bucket": source.bucket, "key": source.key, "destination_key": key})
            return "already-forwarded"
        logger.error("copy failed", extra={"bucket": source.bucket, "key": source.key, "error_code": _error_code(error)})
        raise ForwardingFailed(f"copy of s3://{source.bucket}/{source.key} failed: {_error_code(error)}") from error
    encryption = response.get("ServerSideEncryption")
    if encryption not in ("aws:kms", "aws:kms:dsse"):
        logger.error("copy not KMS-encrypted", extra={"key": source.key, "destination_key": key, "encryption": encryption})
        raise ForwardingFailed(f"s3://{settings.destination_bucket}/{key} was written with {encryption}, not the archive's KMS key")
    logger.info("forwarded", extra={"bucket": source.bucket, "key": source.key, "size": source.size, "destination_key": key})
    return "copied"


class RefusedEvent(RuntimeError):
    """An event naming a bucket this function must not read: a misconfigured member or one
    trying to have another bucket copied. Raised so that it is seen (DPP-MON-6)."""


def handler(event: dict, context: object) -> dict:
    settings = Settings.from_environment()
    outcome = forward(boto3.client("s3"), settings, SourceObject.from_event(event))
    if outcome == "refused":
        # Lambda's asynchronous retries refuse it again (nothing is read or written); the
        # event then waits in the dead-letter queue with its bucket and key.
        raise RefusedEvent("the event names a bucket other than its sender's workload log bucket")
    return {"outcome": outcome}
