"""The evidence register (DPP-VER-4): records in the fixed layout, written to the archive with
the caller's credentials (moto) or to a local directory, read back by the compliance report,
which counts the six-monthly review from the last recorded review."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from evidence.incident_plan import NO_REVIEW
from evidence.register import LocalStore, RegisterError, S3Store, main, new_record, read_register, record_key, write_record
from evidence.report import Report, render_html, render_markdown

BUCKET = "dpp-prod-log-archive-111122223333-eu-west-1"
AT = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)


def drill(path: str, at: datetime, ok: bool, record_id: str, account: str = "111122223333") -> dict:
    """A drill record as the drill checker writes it (layout fixed in the brief)."""
    hops = [{"hop": "raised", "at": at.isoformat(), "ok": True}, {"hop": "routed", "at": at.isoformat(), "ok": True}, {"hop": "delivered:secops-slack", "at": at.isoformat() if ok else None, "ok": ok}]
    return {
        "kind": "drill", "id": record_id, "recordedAt": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "person": "drill-runner", "outcome": "pass" if ok else "fail",
        "notes": "", "drillId": record_id, "path": path, "startedAt": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "hops": hops,
        "brokenHop": None if ok else "delivered:secops-slack", "latencySeconds": 42 if ok else None,
        "account": account, "region": "eu-west-1",
    }  # fmt: skip


def test_a_record_has_the_common_fields_and_its_key_follows_the_layout():
    record = new_record("review", "Ada Lovelace", "plan reviewed, two contacts updated", "tabletop: leaked key", now=AT, record_id="r1")
    assert record == {"kind": "review", "id": "r1", "recordedAt": "2026-12-01T09:30:00Z", "person": "Ada Lovelace", "outcome": "plan reviewed, two contacts updated", "notes": "tabletop: leaked key"}
    assert record_key(record) == "evidence/review/2026/12/01/r1.json"


@pytest.mark.parametrize(
    "kind, person, outcome, message",
    [
        ("reveiw", "Ada", "pass", "KIND='reveiw' is not a record kind"),
        ("drill", "Ada", "pass", "written by the drill checker"),
        ("review", " ", "pass", "PERSON is empty"),
        ("dark-web-check", "Ada", "looked fine", "outcome is pass or fail"),
        ("threshold-validation", "Ada", "", "OUTCOME is empty"),
    ],
)
def test_bad_records_are_refused_with_one_line(kind, person, outcome, message):
    with pytest.raises(RegisterError) as error:
        new_record(kind, person, outcome, "")
    assert message in str(error.value) and "\n" not in str(error.value)


@mock_aws
def test_records_reach_the_archive_with_the_callers_credentials(monkeypatch, capsys):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    s3 = boto3.client("s3", region_name="eu-west-1")
    # The archive: versioned, Object Lock with a default retention (S3 then requires a checksum on every put)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=BUCKET, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}}})
    assert main(["--kind", "review", "--person", "Ada Lovelace", "--outcome", "pass", "--notes", "six-monthly plan review", "--bucket", BUCKET]) == 0
    (key,) = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    today = datetime.now(timezone.utc)
    assert key.startswith(f"evidence/review/{today:%Y}/{today:%m}/{today:%d}/") and key.endswith(".json")
    body = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    assert (body["kind"], body["person"], body["outcome"], body["notes"]) == ("review", "Ada Lovelace", "pass", "six-monthly plan review")
    assert s3.head_object(Bucket=BUCKET, Key=key, ChecksumMode="ENABLED")["ContentType"] == "application/json"
    assert f"s3://{BUCKET}/{key}" in capsys.readouterr().out
    # and the report reads it live
    register = read_register(S3Store(BUCKET, s3), f"s3://{BUCKET}/evidence/")
    assert register.last_review() == today.date()


def test_make_record_without_credentials_fails_with_one_line(monkeypatch, capsys, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert main(["--kind", "review", "--person", "Ada", "--outcome", "pass", "--bucket", BUCKET]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("record: no AWS credentials") and "--to DIR" in err


def test_offline_records_go_to_a_directory_and_are_never_overwritten(tmp_path, capsys):
    assert main(["--kind", "dark-web-check", "--person", "Grace Hopper", "--outcome", "pass", "--to", str(tmp_path)]) == 0
    (path,) = list((tmp_path / "evidence" / "dark-web-check").rglob("*.json"))
    record = json.loads(path.read_text())
    with pytest.raises(RegisterError):
        LocalStore(tmp_path).put(record_key(record), b"{}")
    assert read_register(LocalStore(tmp_path), "copy").of_kind("dark-web-check")[0]["person"] == "Grace Hopper"


def _register_with(tmp_path: Path, records: list[dict]):
    store = LocalStore(tmp_path)
    for record in records:
        write_record(store, record)
    return read_register(store, f"{tmp_path}/evidence/")


def _report(register) -> Report:
    return Report(resources=[], grades=[], acknowledged=[], config={}, generated="now", commit="abc", versions={}, register=register)


def test_the_report_counts_the_review_from_the_last_recorded_one(tmp_path):
    """Not a date that moves with each run: no register or no review is red; the next review
    is due six months after the latest recorded one; past that it is overdue, in red."""
    assert _report(None).plan_review == NO_REVIEW
    assert _report(_register_with(tmp_path / "empty", [])).plan_review == NO_REVIEW
    today = datetime.now(timezone.utc)
    recent, older = today - timedelta(days=30), today - timedelta(days=400)
    register = _register_with(tmp_path / "r", [new_record("review", "Ada", "pass", "", now=older, record_id="old"), new_record("review", "Ada", "pass", "", now=recent, record_id="new")])
    assert register.last_review() == recent.date()
    assert _report(register).plan_review == f"{(recent.date() + timedelta(days=182)).isoformat()} (last review {recent.date().isoformat()})"
    stale = _register_with(tmp_path / "s", [new_record("review", "Ada", "pass", "", now=older, record_id="old")])
    assert "overdue since" in _report(stale).plan_review and "b00020" in _report(stale).plan_review


def test_the_report_shows_the_latest_drill_of_each_account_and_path(tmp_path):
    register = _register_with(tmp_path, [
        drill("guardduty-finding", AT - timedelta(days=7), True, "d1"),
        drill("guardduty-finding", AT, False, "d2"),
        drill("canary-read", AT - timedelta(days=1), True, "d3"),
        drill("guardduty-finding", AT - timedelta(days=2), True, "d4", account="444455556666"),
    ])  # fmt: skip
    assert {k: d["id"] for k, d in register.latest_drills().items()} == {
        ("111122223333", "canary-read"): "d3", ("111122223333", "guardduty-finding"): "d2", ("444455556666", "guardduty-finding"): "d4",
    }  # fmt: skip
    markdown = render_markdown(_report(register))
    assert "| 111122223333 | guardduty-finding | **fail** | 2026-12-01T09:30:00Z | not delivered | delivered:secops-slack |" in markdown
    assert "| 111122223333 | canary-read | pass | 2026-11-30T09:30:00Z | 42 s |  |" in markdown
    assert "| 444455556666 | guardduty-finding | pass | 2026-11-29T09:30:00Z | 42 s |  |" in markdown
    page = render_html(_report(register))
    assert '<td>111122223333</td><td>guardduty-finding</td><td class="not-met">fail</td>' in page


def test_a_record_that_names_no_account_is_shown_as_such(tmp_path):
    legacy = drill("canary-read", AT, True, "d1")
    del legacy["account"], legacy["region"]
    register = _register_with(tmp_path, [legacy])
    assert list(register.latest_drills()) == [("", "canary-read")]
    assert "| not recorded | canary-read | pass |" in render_markdown(_report(register))


def test_records_outside_the_layout_are_reported_not_trusted(tmp_path):
    good = new_record("review", "Ada", "pass", "", now=AT, record_id="ok")
    write_record(LocalStore(tmp_path), good)
    forged = dict(good, id="forged", recordedAt="2030-01-01T00:00:00Z")  # a date its key does not carry
    (tmp_path / "evidence/review/2026/12/01/forged.json").write_text(json.dumps(forged))
    (tmp_path / "evidence/review/notes.json").write_text("{}")
    register = read_register(LocalStore(tmp_path), "copy")
    assert [r["id"] for r in register.records] == ["ok"] and register.last_review() == date(2026, 12, 1)
    assert len(register.problems) == 2


def test_dpp_ver_4_names_the_account_of_a_drill_that_did_not_pass(tmp_path):
    from evidence.clauses.verify import maintenance_on_record
    from evidence.facts import Facts

    register = _register_with(tmp_path, [
        new_record("review", "Ada", "pass", "", now=datetime.now(timezone.utc) - timedelta(days=1), record_id="r"),
        drill("canary-read", AT, True, "d1"),
        drill("canary-read", AT, False, "d2", account="444455556666"),
    ])  # fmt: skip
    found = maintenance_on_record(Facts(config={}, resources=[], verdicts={}, acknowledged=[], cdk_out=tmp_path, register=register))
    assert [g for g in found.gaps if "drill" in g] == ["the latest drill of canary-read in 444455556666 did not pass"]
    assert any("canary-read in 111122223333 pass on 2026-12-01" in c for c in found.controls)
