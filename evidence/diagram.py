"""The architecture picture, drawn from the synthesized app (not by hand): sources -> archive
-> alarms and routes -> severity topics -> relay -> people. Each box counts what the cloud
assembly actually deploys, across all accounts and regions. Deterministic SVG."""
from __future__ import annotations

import html
from dataclasses import dataclass

from evidence.assembly import Resource

_W, _H = 1180, 560
_COLUMNS = (40, 290, 540, 790, 1000)
_BOX_W, _BOX_H = 180, 62


@dataclass(frozen=True)
class Box:
    key: str
    column: int
    row: int
    title: str
    detail: str


def _count(resources: list[Resource], cfn_type: str, marker: str | None = None) -> int:
    return sum(1 for r in resources if r.cfn_type == cfn_type and (marker is None or marker in r.path or marker in r.logical_id))


def _boxes(resources: list[Resource], webhook_kinds: list[str]) -> list[Box]:
    c = lambda t, m=None: _count(resources, t, m)  # noqa: E731
    regions = sorted({(r.account, r.region) for r in resources})
    return [
        Box("trail", 0, 0, "CloudTrail", f"{c('AWS::CloudTrail::Trail')} multi-region trail(s)"),
        Box("flow", 0, 1, "VPC Flow Logs", f"{c('AWS::EC2::FlowLog')} named; enforcer in {c('AWS::Lambda::Function', 'FlowLogEnforcer')} region(s)"),
        Box("dns", 0, 2, "Route 53 Resolver", f"{c('AWS::Route53Resolver::ResolverQueryLoggingConfig')} query-log config(s)"),
        Box("config", 0, 3, "AWS Config", f"{c('AWS::Config::ConfigurationRecorder')} recorder(s), {c('AWS::Config::ConfigRule')} rules"),
        Box("findings", 0, 4, "GuardDuty, Security Hub", f"{c('AWS::GuardDuty::Detector')} detector(s), {c('AWS::SecurityHub::Hub')} hub(s)"),
        Box("archive", 1, 0, "WORM log archive", f"{c('AWS::S3::Bucket', 'ArchiveBucket')} Object Lock bucket, KMS"),
        Box("staging", 1, 1, "Config staging", f"{c('AWS::S3::Bucket', 'ConfigStagingBucket')} bucket, replicated"),
        Box("loggroup", 1, 2, "CloudWatch Logs", f"{c('AWS::Logs::LogGroup')} group(s), PII masked"),
        Box("replica", 2, 0, "Replica region", f"{c('AWS::S3::Bucket', 'ReplicaBucket')} Object Lock bucket"),
        Box("alarms", 2, 1, "Alarms", f"{c('AWS::Logs::MetricFilter')} filters, {c('AWS::CloudWatch::Alarm')} alarms"),
        Box("canary", 2, 2, "Canary records", f"{c('AWS::CloudFormation::CustomResource', 'Canary')} decoy(s)"),
        Box("routes", 2, 4, "EventBridge routes", f"{c('AWS::Events::Rule', 'FindingRoutes')} rules"),
        Box("topics", 3, 2, "Severity topics", f"{c('AWS::SNS::Topic')} topics (KMS) in {len(regions)} place(s)"),
        Box("email", 4, 1, "E-mail", f"{c('AWS::SNS::Subscription', 'SeverityTopics')} subscription(s), IMPOC"),
        Box("relay", 4, 3, "Chat relay", ", ".join(sorted(set(webhook_kinds))) or "no webhook targets"),
    ]


_EDGES = (
    ("trail", "archive"),
    ("trail", "loggroup"),
    ("flow", "archive"),
    ("dns", "archive"),
    ("config", "staging"),
    ("staging", "archive"),
    ("archive", "replica"),
    ("loggroup", "alarms"),
    ("canary", "alarms"),
    ("findings", "routes"),
    ("config", "routes"),
    ("alarms", "topics"),
    ("routes", "topics"),
    ("topics", "email"),
    ("topics", "relay"),
)


def _centre(box: Box) -> tuple[float, float, float, float]:
    x, y = _COLUMNS[box.column], 60 + box.row * 100
    return x, y, x + _BOX_W, y + _BOX_H / 2


def architecture_svg(resources: list[Resource], webhook_kinds: list[str]) -> str:
    boxes = {b.key: b for b in _boxes(resources, webhook_kinds)}
    e = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" viewBox="0 0 {_W} {_H}" font-family="sans-serif" font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
        f'<rect width="{_W}" height="{_H}" fill="#ffffff"/>',
        '<text x="40" y="30" font-size="16" font-weight="bold">DPP logging baseline: what this app deploys</text>',
    ]
    for source, target in _EDGES:
        sx, sy, ex, _ = _centre(boxes[source])
        tx, ty, _, _ = _centre(boxes[target])
        if boxes[target].column > boxes[source].column:  # left to right: side to side
            start, end = (ex, sy + _BOX_H / 2), (tx, ty + _BOX_H / 2)
        elif boxes[target].row < boxes[source].row:  # same column, upwards: top to bottom edge
            start, end = (sx + _BOX_W / 2, sy), (tx + _BOX_W / 2, ty + _BOX_H)
        else:  # same column, downwards
            start, end = (sx + _BOX_W / 2, sy + _BOX_H), (tx + _BOX_W / 2, ty)
        parts.append(f'<line x1="{start[0]:.0f}" y1="{start[1]:.0f}" x2="{end[0]:.0f}" y2="{end[1]:.0f}" stroke="#555" stroke-width="1.4" marker-end="url(#arrow)"/>')
    for box in boxes.values():
        x, y, _, _ = _centre(box)
        parts.append(f'<rect x="{x}" y="{y}" width="{_BOX_W}" height="{_BOX_H}" rx="8" fill="#eef3fb" stroke="#2d5aa0"/>')
        parts.append(f'<text x="{x + 10}" y="{y + 24}" font-weight="bold">{e(box.title)}</text>')
        parts.append(f'<text x="{x + 10}" y="{y + 44}" font-size="10.5">{e(box.detail)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
