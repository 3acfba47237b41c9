"""Rules for the keys that protect logs (DPP-PRT-3)."""

from __future__ import annotations

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, Props, RuleContext, as_list, statements

KEY = "AWS::KMS::Key"


def _rotation(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    return props.get("enableKeyRotation") is True


def _open_principal(statement: Props) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in as_list(principal.get("AWS"))


def _no_open_principal(node: CfnResource, props: Props, ctx: RuleContext) -> bool:
    for statement in statements(props.get("keyPolicy")):
        if statement.get("Effect") == "Allow" and _open_principal(statement) and not statement.get("Condition"):
            return False
    return True


RULES = (
    DppRule(
        suffix="KmsRotation",
        requirements=("DPP-PRT-3",),
        info="The KMS key does not rotate its key material",
        explanation="Set enable_key_rotation=True.",
        resource_types=(KEY,),
        check=_rotation,
    ),
    DppRule(
        suffix="KmsNoOpenPrincipal",
        requirements=("DPP-PRT-3", "DPP-PRT-4"),
        info="The KMS key policy allows any principal ('*') without a condition",
        explanation="Name the services or roles that may use the key, or pin '*' with aws:SourceAccount, aws:PrincipalOrgID or kms:ViaService conditions.",
        resource_types=(KEY,),
        check=_no_open_principal,
    ),
)
