"""Respond: DPP-IR-1 .. DPP-IR-3, graded on the IMPOC's subscriptions and security contact, the
generated plan and its configured contacts, and the responder as synthesized."""

from __future__ import annotations

import json

from evidence.checks import case, rule
from evidence.clauses.registry import grades
from evidence.facts import Facts, where
from evidence.grading import Finding


def _critical_emails(f: Facts) -> dict[str, set[str]]:
    """place -> e-mail endpoints subscribed to the critical topic there."""
    found: dict[str, set[str]] = {}
    for sub in f.of_type("AWS::SNS::Subscription"):
        if sub.properties.get("Protocol") == "email" and "Critical" in json.dumps(sub.properties.get("TopicArn")):
            found.setdefault(sub.place, set()).add(str(sub.properties.get("Endpoint")))
    return found


@grades("DPP-IR-1")
def impoc(f: Facts) -> Finding:
    found = Finding(
        checks=[
            rule("DPP-ImpocSubscribed"),
            case("tests/synth/test_detection.py::test_impoc_and_email_targets_are_subscribed_by_severity"),
            case("tests/synth/test_security_contact.py::test_the_impoc_is_set_as_security_contact_at_deployment"),
            case("tests/lambdas/test_deploy_actions.py::test_the_impoc_becomes_the_security_contact"),
        ]
    )
    email = f.setting("impoc.email")
    critical = _critical_emails(f)
    places = [p for p, endpoints in critical.items() if email in endpoints]
    if not places:
        return found.needs("subscribe the IMPOC (impoc.email) to the critical topic in every account and region")
    found.controls.append(f"IMPOC {email} receives critical alerts in {', '.join(sorted(places))}")
    found.gaps += [f"IMPOC not subscribed to critical alerts in {p}" for p in f.places() if p not in places]
    contacts = f.of_type("AWS::CloudFormation::CustomResource", "SecurityContact")
    if contacts:
        found.controls.append(f"IMPOC registered as security alternate contact: {where(contacts)}")
    else:
        found.gaps.append("the IMPOC is not registered as the accounts' security contact")
    backup = f.setting("impoc.backup_email")
    contact = f.setting("impoc.backup") or {}
    if backup and all(backup in critical.get(p, set()) for p in places):
        found.controls.append(f"backup {contact.get('name') or ''} {backup} receives critical alerts too".replace("  ", " "))
        if not contact.get("phone"):
            found.gaps.append("the backup has no name and phone in configuration (impoc.backup {name, email, phone} replaces impoc.backupEmail)")
    else:
        found.gaps.append("no named backup receiving critical alerts (impoc.backup)")
    sms = _critical_sms(f)
    if sms:
        found.controls.append(f"24/7 paging by SMS to the critical topic: {', '.join(sorted(sms))}")
    else:
        found.gaps.append("24/7 paging: no SMS target receives critical alerts (a target of kind sms with a phone number)")
    from evidence.incident_plan import AMAZON_NOTICE_HOURS

    channel = f.setting("impoc.amazon_security_contact") or "security@amazon.com"
    found.controls.append(f"the plan names the channel to Amazon's security team ({channel}, within {AMAZON_NOTICE_HOURS} hours when Information is or may be involved)")
    return found


def _critical_sms(f: Facts) -> set[str]:
    """Phone numbers subscribed by SMS to a critical topic."""
    found = set()
    for sub in f.of_type("AWS::SNS::Subscription"):
        if sub.properties.get("Protocol") == "sms" and "Critical" in json.dumps(sub.properties.get("TopicArn")):
            found.add(str(sub.properties.get("Endpoint")))
    return found


@grades("DPP-IR-2")
def response_plan(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case("tests/synth/test_evidence.py::test_the_plan_names_contacts_channels_and_every_alarm_and_route"),
            case("tests/synth/test_evidence.py::test_the_plan_states_thresholds_contacts_and_only_real_channels"),
        ]
    )
    plan = f.generated("incident-response-plan.md")
    if not plan:
        return found.needs("the incident response plan, generated at synth (app.py writes cdk.out/incident-response-plan.md)")
    found.controls.append(
        "incident response plan generated at synth from the configuration and the alarm and route specifications: severities, "
        "escalation, channels, investigation protocol, every alarm with its meaning, threshold and first steps"
    )
    if not f.setting("impoc.escalation"):
        found.gaps.append("escalation contacts are not named (configure impoc.escalation)")
    if not f.of_type("AWS::Athena::NamedQuery"):
        found.gaps.append("no saved query per alarm for the investigation (DPP-ANA-1)")
    return found


@grades("DPP-IR-3")
def automated_responses(f: Facts) -> Finding:
    found = Finding(
        checks=[
            case("tests/lambdas/test_responder.py::test_an_exposed_user_key_is_deactivated_and_older_sessions_revoked"),
            case("tests/lambdas/test_responder.py::test_a_compromised_instance_is_isolated_tagged_and_snapshotted_never_stopped"),
            case("tests/lambdas/test_responder.py::test_an_inbound_attacker_is_blocked_with_an_expiry"),
            case("tests/synth/test_responses.py::test_the_responder_never_gets_terminate_stop_or_delete_rights"),
            case("tests/synth/test_responses.py::test_excluded_principals_are_denied_whatever_else_is_allowed"),
        ]
    )
    responders = f.of_type("AWS::Lambda::Function", "Responder")
    if not responders:
        return found.needs("switch on features.automatedResponses (and the responses wanted under responses.*)")
    variables = (responders[0].properties.get("Environment") or {}).get("Variables", {})
    found.controls.append(f"responder ({', '.join(json.loads(variables.get('RESPONSES', '[]')) or ['no response enabled'])}): {where(responders)}")
    found.gaps += [f"no responder in {p}" for p in f.missing_places(responders)]
    if str(variables.get("DRY_RUN", "")).lower() == "true":
        found.gaps.append("dry run: responses report what they would do and change nothing (responses.dryRun)")
    ip_sets = f.of_type("AWS::WAFv2::IPSet")
    attached = [a for a in f.of_type("AWS::WAFv2::WebACL") if any(s.logical_id in json.dumps(a.properties) for s in ip_sets)]
    enforcement = (f.setting("responses.web_acl_arns") or []) + (f.setting("responses.network_acl_vpc_arns") or [])
    if "blockHostileIps" in json.dumps(variables.get("RESPONSES", "")) and not attached and not enforcement:
        found.gaps.append("hostile IPs are blocked nowhere in the traffic path: no web ACL or network ACL is configured (responses.webAclArns, responses.networkAclVpcArns)")
    if ip_sets and all(s.properties.get("IPAddressVersion") == "IPV4" for s in ip_sets):
        found.gaps.append("IPv6 addresses are never blocked (IPv4 IP set only)")
    return found
