"""No function reserves concurrency unless configured (DPP-MON-6: monitoring that deploys).

Lambda keeps part of the quota unreserved in every account and region
(https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html), and new accounts
and accounts a StackSet vends start with reduced quotas (10), where any reservation fails. SQS consumers
are paced by their mapping's MaximumConcurrency (2 to 1,000,
https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
"""

from __future__ import annotations

import json

import pytest

from configuration import ConfigError, load_config
from tests.support import build_app, context_with


def functions(templates):
    for template in templates:
        for logical_id, resource in template.get("Resources", {}).items():
            if resource["Type"] == "AWS::Lambda::Function":
                yield logical_id, resource["Properties"]


def all_templates(synthesized):
    templates = [s.template for s in synthesized.assembly.stacks]
    for t in list(templates):
        for r in t.get("Resources", {}).values():
            if r["Type"] == "AWS::CloudFormation::StackSet":
                templates.append(json.loads(r["Properties"]["TemplateBody"]))
    return templates


def test_no_function_reserves_concurrency_by_default(synthesized, organization_synthesized):
    for synth in (synthesized, organization_synthesized):
        found = list(functions(all_templates(synth)))
        assert found
        assert [i for i, p in found if "ReservedConcurrentExecutions" in p] == []


def test_sqs_consumers_are_paced_by_the_mapping(synthesized):
    mappings = [r["Properties"] for s in synthesized.assembly.stacks for r in s.template["Resources"].values() if r["Type"] == "AWS::Lambda::EventSourceMapping"]
    assert mappings, "the relay reads its queue through a mapping"
    assert all(m["ScalingConfig"]["MaximumConcurrency"] >= 2 for m in mappings)


def test_a_configured_reservation_reaches_every_function_but_sqs_consumers():
    built = build_app(context_with(functions__reservedConcurrency=3))
    relay = built.template("relay", "eu-west-1")
    (relay_function,) = relay.find_resources("AWS::Lambda::Function").values()
    assert "ReservedConcurrentExecutions" not in relay_function["Properties"]
    functions = built.template("collection", "eu-west-1").find_resources("AWS::Lambda::Function").values()
    # The flow-log enforcer and the workload log forwarder, both invoked asynchronously.
    assert sorted(f["Properties"]["FunctionName"] for f in functions) == ["dpp-prod-flow-log-enforcer", "dpp-prod-log-forwarder"]
    assert all(f["Properties"]["ReservedConcurrentExecutions"] == 3 for f in functions)


@pytest.mark.parametrize("value", [0, -1, "two", True, 1.5])
def test_a_bad_reservation_names_the_key(value):
    with pytest.raises(ConfigError) as error:
        load_config(context_with(functions__reservedConcurrency=value))
    assert str(error.value).count("dpp.functions.reservedConcurrency") == 1
