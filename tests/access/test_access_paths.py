"""Access paths of the synthesized default app, decided by an independent IAM evaluator
(DPP-PRT-4.a/b, DPP-LOG-3/4/5/6/7, DPP-MON-3/5/6): every delivery the baseline relies on is
admitted by the bucket, key, topic, queue and role policies AWS will evaluate, and every
tampering or reading attempt of people is refused. The rows and their AWS citations are in
``tests.access.paths``; the evaluator is ``@cloud-copilot/iam-simulate`` (tests/access/simulate.mjs).
"""

from __future__ import annotations

import pytest

from tests.access.paths import ALLOWED, all_paths
from tests.access.policies import build_estate, read_assembly
from tests.access.simulator import Simulator


@pytest.fixture(scope="module")
def decisions(synthesized):
    paths = all_paths(synthesized.built.config)
    simulator = Simulator(build_estate(read_assembly(synthesized.outdir)))
    results = simulator.evaluate([p.request for p in paths])
    return {p.id: (p, result) for p, result in zip(paths, results, strict=True)}


def test_rows_are_unique_and_cited(synthesized):
    paths = all_paths(synthesized.built.config)
    assert len({p.id for p in paths}) == len(paths)
    assert all(p.doc.startswith("https://docs.aws.amazon.com/") for p in paths)


def test_every_path_is_decided_as_aws_would(decisions):
    wrong = []
    for path_id, (path, result) in decisions.items():
        if result.startswith("Error"):
            wrong.append(f"{path_id}: evaluator refused the request: {result}")
        elif (result == "Allowed") != (path.expect == ALLOWED):
            wrong.append(f"{path_id}: expected {path.expect}, evaluator said {result} ({path.doc}) {path.why}")
    assert wrong == []


def test_the_suite_covers_each_delivering_service_and_each_tamper_class(decisions):
    ids = set(decisions)
    for fragment in (
        "cloudtrail-put",
        "config-put-service",
        "config-put-role",
        "vpc-flow-logs-put",
        "dns-query-logs-put",
        "guardduty-put",
        "access-logging",
        "replication-write-replica",
        "logs-kms",
        "alarm-kms",
        "events-kms-topic",
        "events-kms-dlq",
        "sns-to-relay",
        "admin-DeleteBucket",
        "admin-PutBucketPolicy",
        "admin-DisableKey",
        "admin-ScheduleKeyDeletion",
        "admin-PutKeyPolicy",
        "admin-read",
        "reader-read",
    ):
        assert any(fragment in i for i in ids), fragment
