"""Optional reserved concurrency for the project's functions (``dpp.functions.reservedConcurrency``).

Off by default: Lambda keeps part of an account's quota unreserved (100 of the default 1,000,
https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html), and new
accounts start with reduced concurrency quotas (10 in new and StackSet-vended accounts), where
any reservation fails the stack. Functions fed by
an SQS event source mapping never get one: a reservation below the poller's concurrency
throttles its batches, which return only after the visibility timeout and count as receives;
the mapping's ``ScalingConfig.MaximumConcurrency`` paces them instead
(https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html). Answers DPP-MON-6
(monitoring that deploys and keeps running).
"""

from __future__ import annotations

import jsii
from aws_cdk import IAspect, Stack
from aws_cdk import aws_lambda as lambda_
from constructs import IConstruct


def sqs_fed_functions(stack: Stack) -> set[str]:
    """Logical IDs of the functions an SQS event source mapping of ``stack`` invokes."""
    fed = set()
    for child in stack.node.find_all():
        if isinstance(child, lambda_.CfnEventSourceMapping):
            target = stack.resolve(child.function_name)
            if isinstance(target, dict) and "Ref" in target:
                fed.add(target["Ref"])
    return fed


@jsii.implements(IAspect)
class ReserveConcurrency:
    """Reserves ``amount`` for every function that no SQS mapping feeds."""

    def __init__(self, amount: int) -> None:
        self.amount = amount
        self._fed: dict[str, set[str]] = {}

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, lambda_.CfnFunction):
            return
        stack = Stack.of(node)
        fed = self._fed.setdefault(stack.node.path, sqs_fed_functions(stack))
        if stack.get_logical_id(node) not in fed:
            node.reserved_concurrent_executions = self.amount
