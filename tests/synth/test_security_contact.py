"""The IMPOC registered as each workload account's security alternate contact (DPP-IR-1)."""

from __future__ import annotations

ACCOUNT = "111122223333"


def test_the_impoc_is_set_as_security_contact_at_deployment(synthesized):
    template = synthesized.template("account-baseline")
    (contact,) = template.find_resources("AWS::CloudFormation::CustomResource").values()
    props = contact["Properties"]
    assert {k: props[k] for k in ("Action", "Name", "Title", "EmailAddress", "PhoneNumber")} == {
        "Action": "PutSecurityContact",
        "Name": "Security On-Call",
        "Title": "Incident Management Point of Contact",
        "EmailAddress": "impoc@example.com",
        "PhoneNumber": "+44 20 7946 0000",
    }


def test_the_function_may_only_set_this_accounts_security_contact(synthesized):
    template = synthesized.template("account-baseline")
    policy = [p for k, p in template.find_resources("AWS::IAM::ManagedPolicy").items() if k.startswith("SecurityContactPolicy")][0]
    (put,) = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Action"] == "account:PutAlternateContact"]
    assert put["Resource"] == f"arn:aws:account::{ACCOUNT}:account"
    assert put["Condition"] == {"ForAllValues:StringEquals": {"account:AlternateContactTypes": ["SECURITY"]}}
    functions = template.find_resources("AWS::Lambda::Function")
    (function,) = [f["Properties"] for f in functions.values() if f["Properties"]["FunctionName"] == "dpp-prod-security-contact"]
    assert function["LoggingConfig"]["LogGroup"] == "/aws/lambda/dpp-prod-security-contact"
    assert "ReservedConcurrentExecutions" not in function  # quota-10 accounts refuse any reservation
