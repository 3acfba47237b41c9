"""The architecture picture, drawn from the synthesized app (not by hand): each box counts the
distinct things the cloud assembly deploys (5 topics in 2 regions, not 10 resources) inside the
boundary of the account role that holds them (log-archive, workload, organization), and every
capability present in the synth has its box. Deterministic SVG (DPP-VER-2)."""

from __future__ import annotations

import json

from evidence.assembly import Resource
from evidence.svg_layout import Box, Boundary, render


def _of(resources: list[Resource], cfn_type: str, marker: str | None = None) -> list[Resource]:
    return [r for r in resources if r.cfn_type == cfn_type and (marker is None or marker in r.path or marker in r.logical_id)]


def _distinct(resources: list[Resource], key: str | None = None) -> int:
    """Distinct things: by physical name where there is one, else by logical ID (the same
    construct synthesized in several regions is one thing in several places)."""
    return len({str(r.properties.get(key)) if key and r.properties.get(key) else r.logical_id for r in resources})


def _regions(resources: list[Resource]) -> str:
    regions = sorted({r.region for r in resources})
    return f"{len(regions)} region{'s' if len(regions) != 1 else ''}" if regions else "nowhere"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 'es' if word.endswith('s') else 's'}"


def _boxes(resources: list[Resource], config: dict) -> tuple[list[Box], list[Box], list[Box]]:
    """(log-archive boxes, workload boxes, boxes of the people reached)."""
    of = lambda t, m=None: _of(resources, t, m)  # noqa: E731
    archive, replica = of("AWS::S3::Bucket", "ArchiveBucket"), of("AWS::S3::Bucket", "ReplicaBucket")
    lock = next(iter([((b.properties.get("ObjectLockConfiguration") or {}).get("Rule") or {}).get("DefaultRetention", {}) for b in archive]), {})
    store = [
        Box("archive", 0, 0, "WORM log archive", [f"{_plural(len(archive), 'bucket')}, Object Lock {lock.get('Mode', 'off')} {lock.get('Days', '?')} days, KMS"]),
        Box("staging", 1, 0, "Staging bucket", [f"{_plural(len(of('AWS::S3::Bucket', 'ConfigStagingBucket')), 'bucket')}: Config history and GuardDuty findings, replicated into the archive"]),
        Box("replica", 2, 0, "Replica region", [f"{_plural(len(replica), 'bucket')} in {', '.join(sorted({r.region for r in replica})) or 'no region'}, same protection"]),
    ]
    trails = of("AWS::CloudTrail::Trail")
    trail_config = config.get("trail", {})
    sensitive = [b for b in trail_config.get("sensitive_buckets", []) if trail_config.get("data_events") and any(b in json.dumps(t.properties.get("AdvancedEventSelectors")) for t in trails)]
    enforcers, named = of("AWS::Lambda::Function", "FlowLogEnforcer"), of("AWS::EC2::FlowLog")
    dns = of("AWS::Route53Resolver::ResolverQueryLoggingConfig")
    recorders, rules = of("AWS::Config::ConfigurationRecorder"), of("AWS::Config::ConfigRule")
    detectors, hubs = of("AWS::GuardDuty::Detector"), of("AWS::SecurityHub::Hub")
    standards = {str(s.properties.get("StandardsArn")).split("standards/")[-1] for s in of("AWS::SecurityHub::Standard")}
    exports, malware = of("AWS::GuardDuty::PublishingDestination"), of("AWS::GuardDuty::MalwareProtectionPlan")
    groups, filters, alarms = of("AWS::Logs::LogGroup"), of("AWS::Logs::MetricFilter"), of("AWS::CloudWatch::Alarm")
    canaries, routes = of("AWS::CloudFormation::CustomResource", "Canary"), of("AWS::Events::Rule", "FindingRoutes")
    topics, digest = of("AWS::SNS::Topic"), of("AWS::Events::Rule", "ReviewDigest")
    responders, relays = of("AWS::Lambda::Function", "Responder"), of("AWS::Lambda::Function", "ChatRelay")
    forwarders = of("AWS::Events::Rule", "GlobalEventForwarder")
    stacksets = of("AWS::CloudFormation::StackSet", "MemberBaseline")
    targets_ous = {ou for s in stacksets for d in s.properties.get("StackInstancesGroup") or [] for ou in (d.get("DeploymentTargets") or {}).get("OrganizationalUnitIds") or []}
    delegations = of("AWS::SecurityHub::DelegatedAdmin")
    sources = [
        (
            trails,
            Box(
                "trail",
                0,
                0,
                "CloudTrail",
                [
                    f"{_plural(_distinct(trails, 'TrailName'), 'multi-region trail')}"
                    + (" (organization)" if any(t.properties.get("IsOrganizationTrail") for t in trails) else "")
                    + f", data events on {_plural(len(sensitive), 'sensitive bucket')}"
                ],
            ),
        ),
        (enforcers + named, Box("flow", 0, 1, "VPC Flow Logs", [f"enforcer in {_regions(enforcers)} (every VPC, ALL traffic), {_plural(len(named), 'named VPC flow log')}; to the archive"])),
        (dns, Box("dns", 0, 2, "Route 53 Resolver", [f"DNS query logging in {_regions(dns)}; to the archive"])),
        (recorders, Box("config", 0, 3, "AWS Config", [f"recorder in {_regions(recorders)}, {_plural(_distinct(rules), 'rule')}; to the staging bucket"])),
        (detectors + hubs, Box("findings", 0, 4, "GuardDuty, Security Hub", [f"detector in {_regions(detectors)}; hub in {_regions(hubs)} with {_plural(len(standards), 'standard')}"])),
        (
            malware,
            Box(
                "malware",
                0,
                5,
                "Malware Protection",
                [
                    f"S3 scans of {_plural(_distinct(malware), 'bucket')}: "
                    + ", ".join(sorted({str((m.properties.get("ProtectedResource") or {}).get("S3Bucket", {}).get("BucketName")) for m in malware}))
                ],
            ),
        ),
        (groups, Box("loggroup", 1, 0, "CloudWatch Logs", [f"{_plural(_distinct(groups, 'LogGroupName'), 'log group')} in {_regions(groups)}, KMS, PII masked"])),
        (filters + alarms, Box("alarms", 1, 1, "Alarms", [f"{_plural(_distinct(alarms, 'AlarmName'), 'alarm')}, {_plural(_distinct(filters), 'metric filter')}, in {_regions(alarms)}"])),
        (canaries, Box("canary", 1, 2, "Canary records", [f"{_plural(len(canaries), 'decoy object')} in {_regions(canaries)}"])),
        (forwarders, Box("global", 1, 3, "Global-service events", [f"forwarded from {', '.join(sorted({r.region for r in forwarders}))} to the home region's routes"])),
        (routes, Box("routes", 1, 4, "EventBridge routes", [f"{_plural(_distinct(routes), 'route')} (findings, control changes) in {_regions(routes)}"])),
        (exports, Box("export", 1, 5, "Findings export", [f"GuardDuty findings from {_regions(exports)} to the staging bucket (KMS)"])),
        (
            topics,
            Box(
                "topics",
                2,
                1,
                "Alert topics",
                [f"{_plural(_distinct(topics, 'TopicName'), 'topic')} (KMS) in {_regions(topics)}: " + ", ".join(sorted({str(t.properties.get("TopicName", "")).rsplit("-", 1)[-1] for t in topics}))],
            ),
        ),
        (digest, Box("digest", 2, 3, "Review digest", [", ".join(sorted({str(d.properties.get("ScheduleExpression")) for d in digest})) + " (UTC)"])),
        (responders, Box("responses", 2, 4, "Automated responses", _responder_lines(responders))),
        (relays, Box("relay", 3, 1, "Chat relay", [f"in {_regions(relays)}"])),
        (stacksets, Box("members", 3, 3, "Member accounts", [f"baseline StackSet to {_plural(len(targets_ous), 'OU')}: Config, flow logs, DNS logs into the archive"])),
        (delegations, Box("delegated", 3, 4, "Delegated admins", ["GuardDuty, Security Hub and Config administered by the security account"])),
    ]
    workload = [box for found, box in sources if found]
    targets = config.get("notification_targets", [])
    emails = sorted({str(s.properties.get("Endpoint")) for s in of("AWS::SNS::Subscription") if s.properties.get("Protocol") == "email"})
    people = [Box("email", 0, 0, "E-mail", [f"{_plural(len(emails), 'address')}: IMPOC, backup and e-mail targets"])] if emails else []
    chats = sorted({f"{t['name']} ({t['kind']})" for t in targets if t.get("kind") != "email"})
    if relays and chats:
        people.append(Box("chat", 0, 1, "Chat targets", [", ".join(chats)]))
    return store, workload, people


def _responder_lines(responders: list[Resource]) -> list[str]:
    if not responders:
        return []
    variables = (responders[0].properties.get("Environment") or {}).get("Variables", {})
    enabled = json.loads(variables.get("RESPONSES", "[]") or "[]")
    mode = "dry run" if str(variables.get("DRY_RUN", "")).lower() == "true" else "acting"
    return [f"{_plural(len(enabled), 'response')}, {mode}, in {_regions(responders)}"]


_EDGES = [
    # sources below the trail name their destination in their text: lines up to the archive would cross other boxes
    ("trail", "archive"),
    ("staging", "archive"),
    ("archive", "replica"),
    ("trail", "loggroup"),
    ("loggroup", "alarms"),
    ("canary", "alarms"),
    ("findings", "routes"),
    ("findings", "export"),
    ("config", "routes"),
    ("alarms", "topics"),
    ("routes", "topics"),
    ("topics", "relay"),
    ("topics", "email"),
    ("relay", "chat"),
    ("findings", "responses"),
    ("malware", "findings"),
    ("digest", "topics"),
    ("global", "routes"),
]


def _accounts(config: dict, role: str) -> list[str]:
    return [a["account_id"] for a in config.get("accounts", []) if role in a.get("roles", [])]


def architecture_svg(resources: list[Resource], config: dict) -> str:
    store, workload, people = _boxes(resources, config)
    archive_accounts = sorted({r.account for r in resources if r.cfn_type == "AWS::S3::Bucket" and "ArchiveBucket" in r.path})
    shared = [a for a in _accounts(config, "workload") if a in archive_accounts]
    workload_label = "workload account " + ", ".join(_accounts(config, "workload")) + (" (the same account as the archive)" if shared else "")
    if config.get("organization", {}).get("enabled"):
        workload_label = "organization: management " + ", ".join(_accounts(config, "management")) + ", security " + ", ".join(_accounts(config, "security")) + "; members through the StackSet"
    boundaries = [Boundary("log-archive account " + (", ".join(archive_accounts) or "(none synthesized)"), store)]
    if workload:
        boundaries.append(Boundary(workload_label, workload))
    return render("DPP logging baseline: what this app deploys", boundaries, people, _EDGES)
