"""Cost monitoring (DPP-MON-3.h): Cost Anomaly Detection in us-east-1 (the only region whose
CloudFormation knows AWS::CE resources) notifying the home region's high topic, a monthly
budget at home notifying the medium topic, and their configuration."""

from __future__ import annotations

import json

import pytest

from configuration import ConfigError, load_config
from tests.support import build_app, context_with

ACCOUNT = "111122223333"
HIGH = f"arn:aws:sns:eu-west-1:{ACCOUNT}:dpp-prod-alerts-high"
MEDIUM = f"arn:aws:sns:eu-west-1:{ACCOUNT}:dpp-prod-alerts-medium"


def only(template, kind: str) -> dict:
    (resource,) = template.find_resources(kind).values()
    return resource["Properties"]


def test_cost_anomalies_are_detected_in_us_east_1_and_notify_the_high_topic(synthesized):
    template = synthesized.template("global-events", "us-east-1")
    monitor = only(template, "AWS::CE::AnomalyMonitor")
    assert (monitor["MonitorType"], monitor["MonitorDimension"]) == ("DIMENSIONAL", "SERVICE")
    subscription = only(template, "AWS::CE::AnomalySubscription")
    # SNS subscribers need IMMEDIATE (API_AnomalySubscription)
    assert subscription["Frequency"] == "IMMEDIATE"
    assert subscription["Subscribers"] == [{"Address": HIGH, "Type": "SNS"}]
    assert json.loads(subscription["ThresholdExpression"]) == {"Dimensions": {"Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE", "MatchOptions": ["GREATER_THAN_OR_EQUAL"], "Values": ["100"]}}
    assert subscription["MonitorArnList"] == [{"Fn::GetAtt": [next(iter(template.find_resources("AWS::CE::AnomalyMonitor"))), "MonitorArn"]}]
    for region in ("eu-west-1", "eu-central-1"):
        for kind in ("alarms", "detection"):
            assert synthesized.template(kind, region).find_resources("AWS::CE::AnomalySubscription") == {}


def test_monthly_budget_notifies_the_medium_topic_on_actual_and_forecast_spend(synthesized):
    budget = only(synthesized.template("alarms", "eu-west-1"), "AWS::Budgets::Budget")
    assert budget["Budget"]["BudgetLimit"] == {"Amount": 500, "Unit": "USD"}
    assert (budget["Budget"]["BudgetType"], budget["Budget"]["TimeUnit"]) == ("COST", "MONTHLY")
    notifications = {(n["Notification"]["NotificationType"], n["Notification"]["Threshold"]) for n in budget["NotificationsWithSubscribers"]}
    assert notifications == {("ACTUAL", 80), ("ACTUAL", 100), ("FORECASTED", 100)}
    assert all(n["Subscribers"] == [{"Address": MEDIUM, "SubscriptionType": "SNS"}] for n in budget["NotificationsWithSubscribers"])
    assert synthesized.template("alarms", "eu-central-1").find_resources("AWS::Budgets::Budget") == {}


def _statements(template, sid: str) -> list[dict]:
    found = []
    for resource in template.find_resources("AWS::SNS::TopicPolicy").values():
        found += [s for s in resource["Properties"]["PolicyDocument"]["Statement"] if s.get("Sid") == sid]
    return found


def test_topic_policies_admit_the_cost_services_on_their_topic_only(synthesized):
    home = synthesized.template("detection", "eu-west-1")
    (anomalies,) = _statements(home, "CostAnomalyDetectionPublishes")
    assert anomalies["Principal"] == {"Service": "costalerts.amazonaws.com"} and anomalies["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    (budgets,) = _statements(home, "BudgetsPublish")
    assert budgets["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": f"arn:aws:budgets::{ACCOUNT}:*"}}
    assert _statements(synthesized.template("detection", "eu-central-1"), "CostAnomalyDetectionPublishes") == []


def test_an_existing_monitor_is_subscribed_instead_of_a_second_one():
    """An account holds one dimensional SERVICE monitor (a second fails, CloudFormation
    coverage roadmap issue 2515)."""
    arn = f"arn:aws:ce::{ACCOUNT}:anomalymonitor/0b9fd4b8-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
    built = build_app(context_with(costs__anomalyMonitorArn=arn, costs__anomalyThresholdUsd=250, costs__monthlyBudgetUsd="null"))
    template = built.template("global-events", "us-east-1")
    assert template.find_resources("AWS::CE::AnomalyMonitor") == {}
    subscription = only(template, "AWS::CE::AnomalySubscription")
    assert subscription["MonitorArnList"] == [arn] and '"250"' in subscription["ThresholdExpression"]
    assert built.template("alarms", "eu-west-1").find_resources("AWS::Budgets::Budget") == {}
    assert _statements(built.template("detection", "eu-west-1"), "BudgetsPublish") == []


def test_cost_alerts_follow_the_alarms_switch():
    config = load_config(context_with(features__alarms=False, responses__notifyFailedSignIns=False))
    assert config.cost_publishers == {}
    assert set(load_config(context_with(costs__anomalyDetection=False)).cost_publishers) == {"budgets.amazonaws.com"}


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("costs__monthlyBudgetUsd", "0", "dpp.costs.monthlyBudgetUsd: 0 is not a positive number"),
        ("costs__monthlyBudgetUsd", '"500"', "dpp.costs.monthlyBudgetUsd: '500' is not a positive number"),
        ("costs__anomalyThresholdUsd", "-5", "dpp.costs.anomalyThresholdUsd: -5 is not a positive number"),
        ("costs__anomalyMonitorArn", '"arn:aws:ce::111122223333:monitor/x"', "dpp.costs.anomalyMonitorArn"),
        ("costs__budgetAlertPercents", "[80, 80]", "dpp.costs.budgetAlertPercents: lists a percentage twice"),
        ("costs__budgetAlertPercents", "[0]", "dpp.costs.budgetAlertPercents[0]: 0 is not a percentage"),
        ("costs__budgetAlertPercents", json.dumps(list(range(10, 110, 10))), "at most ten notifications"),
        ("costs__monthlyBudget", "5", "dpp.costs.monthlyBudget: is not a known setting"),
    ],
)
def test_cost_settings_are_validated(key, value, message):
    with pytest.raises(ConfigError) as error:
        load_config(context_with(**{key: value}))
    assert message in str(error.value)
