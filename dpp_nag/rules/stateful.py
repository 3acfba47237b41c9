"""Stateful resources survive a stack delete (DPP-RET-1)."""

from __future__ import annotations

from aws_cdk import CfnDeletionPolicy, CfnResource

from dpp_nag.framework import DppRule, Props, RuleContext

STATEFUL_TYPES = ("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup")


def _retained(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    options = node.cfn_options
    return options.deletion_policy == CfnDeletionPolicy.RETAIN and options.update_replace_policy == CfnDeletionPolicy.RETAIN


RULES = (
    DppRule(
        suffix="StatefulRetained",
        requirements=("DPP-RET-1",),
        info="The log bucket, key or log group is not retained when its stack is deleted or it is replaced",
        explanation="Set removal_policy=RemovalPolicy.RETAIN so deleting a stack never deletes evidence or the key that decrypts it.",
        resource_types=STATEFUL_TYPES,
        check=_retained,
    ),
)
