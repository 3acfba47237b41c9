"""The account-wide log export's delivery alarms (DPP-LOG-8, DPP-MON-6): every account and
region that exports its log groups alarms when its Firehose stream stops delivering into the
archive, and stays quiet while it delivers or has nothing to deliver.

Datapoints follow what Firehose publishes for S3 destinations
(https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html):
``DeliveryToS3.Success`` is successful puts over all puts (1.0 healthy, 0.0 every put
refused), ``DeliveryToS3.DataFreshness`` the age in seconds of the oldest undelivered record;
both only while the stream has data. Alarm states come from tests/alarm_state.py, an
evaluator of CloudWatch's documented alarm semantics, over the synthesized alarms."""

from __future__ import annotations

import pytest

from capabilities.alarms.catalogue import alarm_specs
from capabilities.alarms.log_export import log_export_alarms
from configuration import load_config
from tests.alarm_state import alarm_state
from tests.support import context_with

ACCOUNT = "111122223333"
STREAM = [{"Name": "DeliveryStreamName", "Value": "dpp-prod-log-export"}]
QUIET = [[]] * 3  # no log events in the region: Firehose publishes nothing


def _alarms(template) -> dict:
    return {a["Properties"]["AlarmName"]: a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()}


@pytest.fixture(scope="module")
def regions(synthesized) -> dict[str, dict]:
    return {region: _alarms(synthesized.template("alarms", region)) for region in synthesized.built.config.regions}


def test_every_exporting_region_watches_its_own_stream(synthesized, regions):
    """The stream exists in every collection stack (each covered region of each account); the
    alarms stack of the same account and region watches it, on the stream's own name."""
    streams = [s for s in synthesized.template("collection", "eu-west-1").find_resources("AWS::KinesisFirehose::DeliveryStream").values()]
    assert [s["Properties"]["DeliveryStreamName"] for s in streams] == ["dpp-prod-log-export"]
    for region, alarms in regions.items():
        failing, stale = alarms["dpp-prod-LogExportDeliveryFailing"], alarms["dpp-prod-LogExportDeliveryStale"]
        for props in (failing, stale):
            assert props["Namespace"] == "AWS/Firehose" and props["Dimensions"] == STREAM, region
            assert props["AlarmActions"][0].startswith(f"arn:aws:sns:{region}:{ACCOUNT}:dpp-prod-alerts-"), region
        assert failing["MetricName"] == "DeliveryToS3.Success" and failing["AlarmActions"] == [f"arn:aws:sns:{region}:{ACCOUNT}:dpp-prod-alerts-critical"]
        assert stale["MetricName"] == "DeliveryToS3.DataFreshness"


def test_failing_puts_alarm_and_recovered_or_quiet_streams_do_not(regions):
    props = regions["eu-west-1"]["dpp-prod-LogExportDeliveryFailing"]
    assert alarm_state(props, [[1.0]] * 6) == "OK"  # every put delivered
    assert alarm_state(props, [[1.0], [0.0], [0.0], [0.0]]) == "ALARM"  # the bucket refuses every put for 15 minutes
    assert alarm_state(props, [[0.0, 0.0], [0.5], [0.0]]) == "ALARM"  # most puts refused
    assert alarm_state(props, [[1.0], [0.0], [1.0], [1.0]]) == "OK"  # one refused put, delivered on retry
    assert alarm_state(props, [[1.0], [0.0], [0.0]] + QUIET) == "OK"  # failed, then no traffic: not a failure
    assert alarm_state(props, QUIET) == "OK"  # a region with no log events stays quiet


def test_a_stuck_stream_alarms_and_buffering_does_not(regions):
    props = regions["eu-west-1"]["dpp-prod-LogExportDeliveryStale"]
    assert alarm_state(props, [[60.0, 310.0]] * 6) == "OK"  # records wait up to one 300 s buffer interval
    assert alarm_state(props, [[600.0], [720.0], [890.0]]) == "OK"  # slow, under three intervals
    assert alarm_state(props, [[600.0], [900.0], [1200.0], [1500.0]]) == "ALARM"  # nothing delivered for 25 minutes
    assert alarm_state(props, [[1200.0], [1500.0], [120.0]]) == "OK"  # delivered again
    assert alarm_state(props, QUIET) == "OK"


def test_no_export_no_alarms():
    """Switched off (dpp.workload.exportLogGroups false), no stream exists, and no alarm waits on one."""
    config = load_config(context_with(workload__exportLogGroups=False))
    assert log_export_alarms(config) == []
    assert not {s.id for s in alarm_specs(config)} & {"LogExportDeliveryFailing", "LogExportDeliveryStale"}
