"""Cost as a health and misuse signal (DPP-MON-3.h): AWS Cost Anomaly Detection and a monthly
budget, notifying the alert topics.

Cost Explorer is a global service served from us-east-1
(https://docs.aws.amazon.com/general/latest/gr/billing.html), and CloudFormation knows the
AWS::CE resources in us-east-1 only ("Unrecognized resource types" elsewhere,
https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/1375): the monitor
and its subscription deploy there, notifying the home region's topic. A subscription notifies
an SNS topic only with the IMMEDIATE frequency
(https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalySubscription.html).
An account has at most one dimensional SERVICE monitor (a second fails with "AlreadyExists",
https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/2515), so an
account that already has one (AWS creates a default monitor in many accounts) names it in
dpp.costs.anomalyMonitorArn and only the subscription is created. Budgets are created from any
region's stack.
"""

from __future__ import annotations

import json

from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_ce as ce
from constructs import Construct

from configuration.model import CostSettings, Severity

# Unexplained spend (mining, a runaway job, misuse) is high; a budget exceeded is medium (a
# plan missed: someone decides). BaselineConfig.cost_publishers holds the same choice.
COST_ANOMALY_SEVERITY = Severity.HIGH
BUDGET_SEVERITY = Severity.MEDIUM


def cost_anomaly_region() -> str:
    return "us-east-1"


class CostAnomalyAlerts(Construct):
    """A dimensional SERVICE monitor (unless an existing one is named) and an IMMEDIATE
    subscription that publishes anomalies of at least the configured impact to the topic."""

    def __init__(self, scope: Construct, id: str, *, prefix: str, settings: CostSettings, topic_arn: str) -> None:
        super().__init__(scope, id)
        monitor_arn = settings.anomaly_monitor_arn
        if monitor_arn is None:
            monitor = ce.CfnAnomalyMonitor(self, "Monitor", monitor_name=f"{prefix}-services", monitor_type="DIMENSIONAL", monitor_dimension="SERVICE")
            monitor_arn = monitor.attr_monitor_arn
        self.subscription = ce.CfnAnomalySubscription(
            self,
            "Subscription",
            subscription_name=f"{prefix}-cost-anomalies",
            frequency="IMMEDIATE",
            monitor_arn_list=[monitor_arn],
            subscribers=[ce.CfnAnomalySubscription.SubscriberProperty(address=topic_arn, type="SNS")],
            threshold_expression=json.dumps({"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "MatchOptions": ["GREATER_THAN_OR_EQUAL"], "Values": [f"{settings.anomaly_threshold_usd:g}"]}}),
        )


class MonthlyBudget(Construct):
    """A monthly cost budget with a notification per configured share of actual spend and one
    for the forecast reaching the budget, each to the topic
    (https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-sns-policy.html)."""

    def __init__(self, scope: Construct, id: str, *, prefix: str, settings: CostSettings, topic_arn: str) -> None:
        super().__init__(scope, id)
        assert settings.monthly_budget_usd is not None
        Notification = budgets.CfnBudget.NotificationWithSubscribersProperty
        subscriber = [budgets.CfnBudget.SubscriberProperty(address=topic_arn, subscription_type="SNS")]
        notifications = [
            Notification(
                notification=budgets.CfnBudget.NotificationProperty(comparison_operator="GREATER_THAN", notification_type=kind, threshold=percent, threshold_type="PERCENTAGE"),
                subscribers=subscriber,
            )
            for kind, percent in [*(("ACTUAL", p) for p in settings.budget_alert_percents), ("FORECASTED", 100.0)]
        ]
        self.budget = budgets.CfnBudget(
            self,
            "Budget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_name=f"{prefix}-monthly",
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=settings.monthly_budget_usd, unit="USD"),
            ),
            notifications_with_subscribers=notifications,
        )
