"""Configuration: the example loads, overrides layer correctly, every mistake gets one clear line."""

from __future__ import annotations

import dataclasses
import json

import pytest

from configuration import ConfigError, Severity, load_config
from configuration.loader import config_from_dict
from configuration.defaults import DEFAULTS
from configuration.loader import _merge
from tests.support import cdk_json_context, example_config_dict


def load(mutate=None, **overrides):
    context = cdk_json_context()
    if mutate:
        mutate(context["dpp"])
    context.update({f"dpp:{k.replace('__', '.')}": v for k, v in overrides.items()})
    return load_config(context)


def error_of(mutate=None, **overrides) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load(mutate, **overrides)
    message = str(caught.value)
    assert "\n" not in message, "errors are one line"
    return caught.value


def test_example_configuration_loads_with_defaults_applied():
    config = load()
    assert config.stage == "prod"
    assert config.home_region == "eu-west-1"
    assert config.regions == ("eu-west-1", "eu-central-1")
    assert config.replica_region == "eu-central-1"
    assert config.retention_days == 365
    assert config.log_archive_account.account_id == "111122223333"
    assert [a.account_id for a in config.workload_accounts] == ["111122223333"]
    assert config.trail.log_file_validation and config.trail.insights and config.trail.data_events
    assert config.features.flow_logs and not config.features.macie
    # the example shows every response, in dry run (they only report)
    assert config.features.automated_responses and config.responses.dry_run and len(config.responses.enabled) == 4
    slack = config.notification_targets[0]
    assert (slack.kind, slack.secret_name, slack.min_severity, slack.redact_pii) == ("slack", "dpp/slack/secops", Severity.HIGH, True)


def test_configuration_is_frozen():
    config = load()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.retention_days = 1  # type: ignore[misc]


def test_command_line_overrides_are_parsed_as_json_and_reach_nested_keys():
    config = load(retentionDays="400", features__macie="true", archive__transitionToGlacierDays=120, homeRegion="eu-central-1", replicaRegion="eu-west-1")
    assert config.retention_days == 400
    assert config.features.macie is True
    assert config.archive.transition_to_glacier_days == 120
    assert config.home_region == "eu-central-1"


def test_configuration_file_replaces_the_example(tmp_path):
    own = example_config_dict()
    own["accounts"] = [{"id": "444455556666", "roles": ["log-archive", "workload"]}]
    path = tmp_path / "team.json"
    path.write_text(json.dumps(own))
    context = cdk_json_context()
    context["dpp:config"] = str(path)
    config = load_config(context)
    assert config.log_archive_account.account_id == "444455556666"
    assert config.log_archive_account.name == "444455556666"  # name defaults to the ID


def test_missing_configuration_file_is_one_line():
    context = cdk_json_context()
    context["dpp:config"] = "does-not-exist.json"
    with pytest.raises(ConfigError, match=r"dpp:config: cannot read .*does-not-exist.json"):
        load_config(context)


def test_invalid_json_in_configuration_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"stage": "prod",}')
    context = cdk_json_context()
    context["dpp:config"] = str(path)
    with pytest.raises(ConfigError, match=r"is not valid JSON \(line 1"):
        load_config(context)


# --- the cases the foundation issue names, one test each --------------------------------


def test_malformed_account_id():
    error = error_of(lambda d: d["accounts"][0].update(id="12345"))
    assert error.key == "dpp.accounts[0].id"
    assert "12-digit" in error.fix


def test_account_id_written_as_number_loses_leading_zeros():
    error = error_of(lambda d: d["accounts"][0].update(id=12345678901))
    assert error.key == "dpp.accounts[0].id" and "quote" in error.fix


def test_unknown_region():
    error = error_of(lambda d: d.update(regions=["eu-west-1", "eu-wset-2"]))
    assert error.key == "dpp.regions[1]"
    assert "'eu-wset-2' is not a known AWS region" in str(error)


def test_home_region_not_among_regions():
    error = error_of(lambda d: d.update(homeRegion="us-east-1"))
    assert error.key == "dpp.homeRegion"
    assert "add us-east-1 to dpp.regions" in error.fix


def test_replica_region_equal_to_home_region():
    error = error_of(replicaRegion="eu-west-1")
    assert error.key == "dpp.replicaRegion"
    assert "DPP-PRT-5" in str(error)


def test_retention_below_365_days_cites_dpp_ret_1():
    error = error_of(retentionDays="90")
    assert error.key == "dpp.retentionDays"
    assert "DPP-RET-1" in str(error) and "set 365 or more" in str(error)


def test_url_where_a_secret_name_belongs():
    url = "https://hooks.slack.com/services/T000/B000/XXXX"
    error = error_of(lambda d: d["notifications"]["targets"][0].update(secretName=url))
    assert error.key == "dpp.notifications.targets[0].secretName"
    assert "Secrets Manager" in error.fix
    assert url not in str(error), "the error must not echo the credential"


def test_unknown_key_suggests_the_closest_valid_one():
    error = error_of(lambda d: d.update(retentionDay=400))
    assert error.key == "dpp.retentionDay"
    assert "did you mean 'retentionDays'?" in error.fix


def test_unknown_nested_key():
    error = error_of(lambda d: d.setdefault("trail", {}).update(insight=True))
    assert error.key == "dpp.trail.insight"
    assert "did you mean 'insights'?" in error.fix


def test_empty_notification_target_list():
    error = error_of(lambda d: d["notifications"].update(targets=[]))
    assert error.key == "dpp.notifications.targets"
    assert "is empty" in str(error)


def test_duplicate_accounts():
    def duplicate(d):
        d["accounts"].append({"id": "111122223333", "roles": ["workload"]})

    error = error_of(duplicate)
    assert error.key == "dpp.accounts[1].id"
    assert "already listed at dpp.accounts[0]" in str(error)


# --- further mistakes a demanding user makes ----------------------------------------------


def test_disabling_log_file_validation_is_rejected():
    error = error_of(trail__logFileValidation="false")
    assert error.key == "dpp.trail.logFileValidation"
    assert "DPP-PRT-2" in str(error)


def test_exactly_one_log_archive_account():
    error = error_of(lambda d: d["accounts"][0].update(roles=["workload"]))
    assert error.key == "dpp.accounts" and "log-archive" in str(error)


def test_at_least_one_workload_account():
    error = error_of(lambda d: d["accounts"][0].update(roles=["log-archive"]))
    assert "workload" in str(error)


def test_unknown_account_role():
    error = error_of(lambda d: d["accounts"][0].update(roles=["log-archive", "wrkload"]))
    assert error.key == "dpp.accounts[0].roles[1]"


def test_webhook_target_without_secret():
    error = error_of(lambda d: d["notifications"]["targets"][0].pop("secretName"))
    assert error.key == "dpp.notifications.targets[0].secretName" and "is missing" in str(error)


def test_email_target_needs_an_address():
    error = error_of(lambda d: d["notifications"]["targets"][2].update(address="not-an-address"))
    assert error.key == "dpp.notifications.targets[2].address"


def test_unknown_target_kind():
    error = error_of(lambda d: d["notifications"]["targets"][0].update(kind="discord"))
    assert error.key == "dpp.notifications.targets[0].kind"
    assert "slack" in error.fix


def test_duplicate_target_names():
    error = error_of(lambda d: d["notifications"]["targets"][1].update(name="secops-slack"))
    assert error.key == "dpp.notifications.targets[1].name"


def test_bad_time_zone():
    error = error_of(businessHours__timeZone="Mars/Olympus")
    assert error.key == "dpp.businessHours.timeZone"


def test_business_hours_end_before_start():
    error = error_of(businessHours__start="18:00", businessHours__end="08:00")
    assert error.key == "dpp.businessHours.end"


def test_glacier_transition_too_soon_after_infrequent_access():
    error = error_of(archive__transitionToGlacierDays="40")
    assert error.key == "dpp.archive.transitionToGlacierDays"


def test_sensitive_bucket_given_as_arn():
    error = error_of(trail__sensitiveBuckets='["arn:aws:s3:::orders"]')
    assert error.key == "dpp.trail.sensitiveBuckets[0]"


def test_stage_too_long_for_bucket_names():
    error = error_of(stage="production")
    assert error.key == "dpp.stage"


def test_vpc_in_uncovered_region():
    error = error_of(lambda d: d["accounts"][0].update(vpcs=[{"id": "vpc-0123456789abcdef0", "region": "us-east-1"}]))
    assert error.key == "dpp.accounts[0].vpcs[0].region"


def test_wrong_type_is_named():
    error = error_of(features__flowLogs='"yes"')
    assert error.key == "dpp.features.flowLogs" and "true or false" in str(error)


def test_override_into_a_non_object():
    error = error_of(retentionDays__days="400")
    assert error.key == "dpp:retentionDays.days"


def test_every_default_is_a_known_setting():
    """The defaults alone plus the required keys validate: no default is a typo."""
    required = {k: v for k, v in example_config_dict().items() if k not in DEFAULTS}
    config = config_from_dict(_merge(json.loads(json.dumps(DEFAULTS)), required))
    assert config.retention_days == 365


def test_responses_are_opt_in_twice_and_dry_run_by_default():
    from configuration import config_from_dict
    from configuration.loader import _merge

    required = {k: v for k, v in example_config_dict().items() if k not in DEFAULTS}
    config = config_from_dict(_merge(json.loads(json.dumps(DEFAULTS)), required))
    assert not config.features.automated_responses and config.responses.enabled == () and config.responses.dry_run


@pytest.mark.parametrize(
    "overrides, key, words",
    [
        ({"features__automatedResponses": "false"}, "dpp.responses.disableCredentials", "automatedResponses is false"),
        (
            {"responses__disableCredentials": "false", "responses__blockHostileIps": "false", "responses__isolateInstances": "false", "responses__notifyFailedSignIns": "false"},
            "dpp.features.automatedResponses",
            "no response is switched on",
        ),
        ({"features__guardDuty": "false"}, "dpp.responses.disableCredentials", "GuardDuty"),
        (
            {"features__alarms": "false", "responses__disableCredentials": "false", "responses__blockHostileIps": "false", "responses__isolateInstances": "false"},
            "dpp.responses.notifyFailedSignIns",
            "alarms",
        ),
        ({"alarms__disabled": '["FailedConsoleSignInsBurst"]'}, "dpp.responses.notifyFailedSignIns", "switches off"),
        ({"responses__trustedCidrs": '["203.0.113.7/24"]'}, "dpp.responses.trustedCidrs[0]", "CIDR"),
        ({"responses__excludedRoleNames": '["arn:aws:iam::111122223333:role/Admin"]'}, "dpp.responses.excludedRoleNames[0]", "not an IAM name"),
        ({"responses__ipBlockHours": "0"}, "dpp.responses.ipBlockHours", "1"),
        ({"responses__ipBlockHours": "9000"}, "dpp.responses.ipBlockHours", "30 days"),
        ({"responses__minSeverity": "medium"}, "dpp.responses.minSeverity", "critical"),
    ],
)
def test_response_configuration_errors_name_the_key_and_the_fix(overrides, key, words):
    error = error_of(**overrides)
    assert error.key == key and words in str(error), str(error)


def test_review_schedule_must_be_a_schedule_expression():
    error = error_of(review__schedule='"every monday"')
    assert error.key == "dpp.review.schedule" and "cron(" in error.fix


@pytest.mark.parametrize("kind", ["pagerduty", "opsgenie"])
def test_paging_targets_take_a_secret_name_and_go_through_the_relay(kind):
    """Issue 21: PagerDuty and Opsgenie targets are relay targets whose key sits in a secret."""

    def add(d):
        d["notifications"]["targets"].append({"name": f"impoc-{kind}", "kind": kind, "secretName": f"dpp/{kind}/impoc", "minSeverity": "critical"})

    (target,) = [t for t in load(add).notification_targets if t.kind == kind]
    assert (target.secret_name, target.is_webhook, target.min_severity) == (f"dpp/{kind}/impoc", True, Severity.CRITICAL)
    missing = error_of(lambda d: (add(d), d["notifications"]["targets"][-1].pop("secretName")))
    assert missing.key.endswith(".secretName") and "is missing" in str(missing)


@pytest.mark.parametrize(("kind", "key"), [("pagerduty", "R0123456789abcdef0123456789abcde"), ("opsgenie", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")])
def test_a_paging_key_in_place_of_a_secret_name_is_refused(kind, key):
    error = error_of(lambda d: d["notifications"]["targets"].append({"name": "pager", "kind": kind, "secretName": key}))
    assert error.key.endswith(".secretName") and "credentials" in error.problem and "Secrets Manager" in error.fix
