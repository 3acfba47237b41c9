"""The member baseline template: synthesized in an app of its own under the same nag packs as
the rest, with the member acknowledgements, before the StackSet that deploys it exists
(DPP-VER-1: the StackSet deploys only what passed the gate)."""

from __future__ import annotations

import tempfile

from aws_cdk import App, BootstraplessSynthesizer

from capabilities.organization.member_stackset import MEMBER_STACK
from checks.acknowledgements import member_acknowledgements
from checks.gate import install_gate
from configuration.model import BaselineConfig
from stacks.member_baseline_stack import MemberBaselineStack


def member_template(config: BaselineConfig) -> dict:
    """Synthesizes the member baseline in an app of its own, under the same five nag packs and
    the member acknowledgements: the StackSet deploys only what passed them."""
    with tempfile.TemporaryDirectory() as outdir:
        # As in cdk.json: server access logging is granted by the target bucket's policy, not by
        # the LogDeliveryWrite ACL (which the buckets' BucketOwnerEnforced ownership refuses).
        app = App(outdir=outdir, context={"aws:cdk:enable-path-metadata": True, "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True})
        # Members are never CDK-bootstrapped: no BootstrapVersion parameter or rule, no assets.
        MemberBaselineStack(
            app,
            MEMBER_STACK,
            config=config,
            description="DPP member baseline: AWS Config, VPC flow logs and DNS query logs (DPP-LOG-3/4/5)",
            synthesizer=BootstraplessSynthesizer(),
        )
        install_gate(app, config, member_acknowledgements(config))
        assembly = app.synth()  # raises, naming the finding, if a pack fails
        body = assembly.get_stack_by_name(MEMBER_STACK).template
    return without_construct_paths(body)


def without_construct_paths(body: dict) -> dict:
    """The body without CDK's ``aws:cdk:path`` resource metadata: it names constructs for the
    CDK toolkit, which never deploys this template (the StackSet does), and it costs some 2.5 KB
    of the TemplateBody's 51,200 bytes. Findings are judged above, before it is dropped."""
    for resource in body.get("Resources", {}).values():
        metadata = resource.get("Metadata")
        if metadata is not None:
            metadata.pop("aws:cdk:path", None)
            if not metadata:
                del resource["Metadata"]
    return body
