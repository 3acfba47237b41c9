"""ECS containers ship their output off the host (DPP-LOG-8).

Every container definition needs ``LogConfiguration.LogDriver``
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-taskdefinition-logconfiguration.html;
drivers and their platforms: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html;
awslogs: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html). A
container without one writes to Docker's default json-file driver on the instance, which the
task's end or the instance's replacement deletes; json-file, journald and local keep the logs
on the host too, so they do not count.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource

from dpp_nag.framework import DppRule, RuleContext, Undecided, is_intrinsic

TASK_DEFINITION = "AWS::ECS::TaskDefinition"
HOST_ONLY_DRIVERS = {"json-file", "journald", "local", "none"}


def _containers_logged(node: CfnResource, props: dict[str, Any], ctx: RuleContext) -> bool | None | Undecided:
    containers = props.get("containerDefinitions")
    if is_intrinsic(containers):
        return Undecided("ContainerDefinitions is a token")
    if not containers:
        return None
    for container in containers:
        if not isinstance(container, dict):
            return Undecided("a container definition is a token")
        driver = (container.get("logConfiguration") or {}).get("logDriver")
        if is_intrinsic(driver):
            return Undecided(f"container {container.get('name')}'s LogDriver is a token")
        if not driver or driver in HOST_ONLY_DRIVERS:
            return False
    return True


RULES = (
    DppRule(
        suffix="EcsContainerLogs",
        requirements=("DPP-LOG-8",),
        info="A container of the ECS task definition has no log driver that ships its output off the host (awslogs, awsfirelens, splunk, ...)",
        explanation="Give every container logging=ecs.LogDrivers.aws_logs(stream_prefix=..., log_group=<a retained, KMS-encrypted group>) or FireLens.",
        resource_types=(TASK_DEFINITION,),
        check=_containers_logged,
    ),
)
