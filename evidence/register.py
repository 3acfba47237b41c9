"""The evidence register (DPP-VER-4, DPP-MON-8, DPP-IR-1): reviews, drills, threshold
validations, IMPOC assessments and dark-web checks, one JSON object per record under the
archive's ``evidence/`` prefix, where Object Lock keeps them unchanged for the retention.

Layout (fixed with the drill checker, which writes ``drill`` records itself):
``evidence/<kind>/<yyyy>/<MM>/<dd>/<record-id>.json`` holding
``{"kind", "id", "recordedAt", "person", "outcome", "notes"}`` (drills add their hops).

``make record KIND=review PERSON=... OUTCOME=... NOTES=...`` writes one with the caller's
credentials (the archive's reader role may write ``evidence/`` and nothing else), or with
``--to DIR`` into a local copy of the same layout, offline. The compliance report reads the
register from such a copy (``--register DIR``) or from the archive (``--register s3``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Protocol

from configuration.errors import ConfigError

KINDS = ("drill", "review", "threshold-validation", "impoc-assessment", "dark-web-check")
OUTCOMES = ("pass", "fail")  # reviews may say more, in free text
PREFIX = "evidence"
_KEY = re.compile(rf"^{PREFIX}/(?P<kind>[a-z-]+)/(?P<y>\d{{4}})/(?P<m>\d{{2}})/(?P<d>\d{{2}})/(?P<id>[A-Za-z0-9._-]+)\.json$")


class RegisterError(Exception):
    """A one-line, user-facing problem (exit 2)."""


def new_record(kind: str, person: str, outcome: str, notes: str, *, now: datetime | None = None, record_id: str | None = None) -> dict[str, Any]:
    """A record in the fixed layout; refuses what the report could not read."""
    if kind not in KINDS:
        raise RegisterError(f"KIND={kind!r} is not a record kind: use one of {', '.join(KINDS)}")
    if kind == "drill":
        raise RegisterError("KIND=drill records are written by the drill checker with their hops; record a tabletop exercise as KIND=review")
    if not person.strip():
        raise RegisterError("PERSON is empty: name who did it, e.g. PERSON='Ada Lovelace'")
    if not outcome.strip():
        raise RegisterError("OUTCOME is empty: give pass or fail (a review may describe its outcome)")
    if kind != "review" and outcome not in OUTCOMES:
        raise RegisterError(f"OUTCOME={outcome!r}: a {kind} record's outcome is pass or fail")
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return {
        "kind": kind,
        "id": record_id or f"{moment.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:12]}",
        "recordedAt": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "person": person.strip(),
        "outcome": outcome.strip(),
        "notes": notes.strip(),
    }


def record_key(record: dict[str, Any]) -> str:
    at = parse_time(record["recordedAt"])
    return f"{PREFIX}/{record['kind']}/{at:%Y}/{at:%m}/{at:%d}/{record['id']}.json"


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


class Store(Protocol):
    def put(self, key: str, body: bytes) -> str: ...

    def keys(self) -> Iterable[str]: ...

    def get(self, key: str) -> bytes: ...


@dataclass
class LocalStore:
    """An exported copy of the register (or the offline register itself): the same keys as
    files below ``root``."""

    root: Path

    def put(self, key: str, body: bytes) -> str:
        path = self.root / key
        if path.exists():
            raise RegisterError(f"{path} exists already: records are never overwritten")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        return str(path)

    def keys(self) -> Iterable[str]:
        base = self.root / PREFIX
        if not base.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in base.rglob("*.json"))

    def get(self, key: str) -> bytes:
        return (self.root / key).read_bytes()


@dataclass
class S3Store:
    """The archive bucket. Writes carry a checksum, which S3 requires of every upload to a
    bucket with Object Lock retention
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html), and no
    encryption header, so the bucket's default KMS key applies (a bare ``aws:kms`` header
    would choose the AWS managed key instead,
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html)."""

    bucket: str
    client: Any

    def put(self, key: str, body: bytes) -> str:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/json", ChecksumAlgorithm="SHA256")
        return f"s3://{self.bucket}/{key}"

    def keys(self) -> Iterable[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=f"{PREFIX}/"):
            for item in page.get("Contents", []):
                if item["Key"].endswith(".json"):
                    yield item["Key"]

    def get(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())


def write_record(store: Store, record: dict[str, Any]) -> str:
    return store.put(record_key(record), (json.dumps(record, indent=2, sort_keys=True) + "\n").encode())


def drill_account(record: dict[str, Any]) -> str:
    """The account a drill record was made in ("" when the record does not say)."""
    account = record.get("account")
    return account if isinstance(account, str) else ""


@dataclass(frozen=True)
class Register:
    """What the report needs from the register: the records, newest last."""

    records: tuple[dict[str, Any], ...]
    source: str
    problems: tuple[str, ...] = ()

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.records if r.get("kind") == kind]

    def last_review(self) -> date | None:
        reviews = self.of_kind("review")
        return parse_time(reviews[-1]["recordedAt"]).date() if reviews else None

    def latest_drills(self) -> dict[tuple[str, str], dict[str, Any]]:
        """The latest drill record of each account and alert path, keyed ``(account, path)``.
        Every account with a trail drills its own paths (README: Drills), so one account's
        record never stands for another's; records written before the checker named the
        account are keyed by ``""``."""
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for record in self.of_kind("drill"):
            key = (drill_account(record), str(record.get("path") or "unknown path"))
            latest[key] = record  # records are sorted by time
        return dict(sorted(latest.items()))


def read_register(store: Store, source: str) -> Register:
    """Every record under evidence/, sorted by recordedAt; a key or body that does not follow
    the layout is reported, not trusted."""
    records, problems = [], []
    for key in store.keys():
        match = _KEY.match(key)
        if not match:
            problems.append(f"{key}: not in the register's layout")
            continue
        try:
            record = json.loads(store.get(key))
            at = parse_time(record["recordedAt"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"{key}: not a register record (JSON with recordedAt)")
            continue
        if record.get("kind") != match["kind"] or record.get("id") != match["id"] or (at.year, at.month, at.day) != (int(match["y"]), int(match["m"]), int(match["d"])):
            problems.append(f"{key}: its kind, id or date disagrees with its key")
            continue
        records.append(record)
    records.sort(key=lambda r: (parse_time(r["recordedAt"]), r["id"]))
    return Register(tuple(records), source, tuple(problems))


def archive_bucket(context_args: list[str] | None = None) -> str:
    """The archive bucket of the configuration in cdk.json (or -c dpp:config=FILE)."""
    from configuration import load_config
    from configuration.naming import archive_names

    context = json.loads(Path("cdk.json").read_text())["context"]
    for arg in context_args or []:
        key, _, value = arg.partition("=")
        try:
            context[key] = json.loads(value)
        except ValueError:
            context[key] = value
    return archive_names(load_config(context)).archive_bucket


def s3_client() -> Any:
    """A client with the caller's credentials, or a one-line error when there are none."""
    import boto3

    session = boto3.session.Session()
    if session.get_credentials() is None:
        raise RegisterError("no AWS credentials: assume the archive's reader role (e.g. AWS_PROFILE=dpp-reader), or write offline with --to DIR")
    return session.client("s3")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evidence.register", description="Record a review, threshold validation, IMPOC assessment or dark-web check in the evidence register.")
    parser.add_argument("--kind", required=True)
    parser.add_argument("--person", required=True)
    parser.add_argument("--outcome", required=True)
    parser.add_argument("--notes", default="")
    parser.add_argument("--to", metavar="DIR", help="write into a local copy of the register instead of the archive")
    parser.add_argument("--bucket", help="the archive bucket (default: from the configuration)")
    parser.add_argument("-c", dest="context", action="append", default=[], help="CDK context, as for cdk synth (e.g. dpp:config=my.json)")
    args = parser.parse_args(argv)
    try:
        record = new_record(args.kind, args.person, args.outcome, args.notes)
        if args.to:
            where = write_record(LocalStore(Path(args.to)), record)
        else:
            client = s3_client()
            bucket = args.bucket or archive_bucket([c.removeprefix("-c ") for c in args.context])
            where = write_record(S3Store(bucket, client), record)
    except RegisterError as error:
        print(f"record: {error}", file=sys.stderr)
        return 2
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    except Exception as error:  # AWS refusals: one line, no traceback
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(error, (ClientError, BotoCoreError)):
            print(f"record: the archive refused the record ({error}); assume the reader role, which may write evidence/", file=sys.stderr)
            return 2
        raise
    print(f"Recorded {record['kind']} {record['id']}: {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
