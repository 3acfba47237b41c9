"""Alarms on the account-wide CloudWatch Logs export (DPP-LOG-8, DPP-MON-6): the Firehose stream
of every account and region that cannot deliver into the archive's intake leaves the workload's
log groups outside the 12-month WORM copy, and nothing else would say so.

Firehose publishes, per stream (dimension ``DeliveryStreamName``) in the stream's region, for
S3 destinations (https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html):

- ``DeliveryToS3.Success``: successful S3 puts over all S3 puts, so 1 while every put succeeds
  and below 1 while puts fail (a denied bucket or key policy, a disabled key, a deleted bucket).
  A Direct PUT stream keeps records 24 hours and retries an S3 destination until then
  (https://docs.aws.amazon.com/firehose/latest/dev/troubleshooting.html): what is not delivered
  within the day is lost. Processing failures (decompression) go to ``cloudwatch-logs-errors/``
  in the same bucket, so a refused bucket refuses them too.
- ``DeliveryToS3.DataFreshness``: the age of the oldest record not yet delivered. AWS
  recommends an alarm when it exceeds the buffering limit
  (https://docs.aws.amazon.com/firehose/latest/dev/firehose-cloudwatch-metrics-best-practices.html);
  the export buffers 300 s (``capabilities/workload_logs/log_export.py``), so three buffer
  intervals without delivery is a stream that is stuck, not one that is waiting.

Both are published only while the stream has data: no datapoints means no log events in the
account and region (quiet regions have none for hours), not a failure, so missing data is
``notBreaching``. Both need three consecutive breaching five-minute periods, so one refused put
that a retry delivers does not page anyone.
"""

from __future__ import annotations

from capabilities.alarms.spec import AlarmSpec, MetricRef
from configuration.model import BaselineConfig, Severity
from configuration.naming import monitoring_names

# The export's buffering interval (log_export.py), and how many of them may pass undelivered.
BUFFER_SECONDS = 300
STALE_AFTER_BUFFERS = 3


def log_export_alarms(config: BaselineConfig) -> list[AlarmSpec]:
    """One pair per covered region of every monitored account (the stream's name is the same in
    each; the alarms stack of each account and region watches its own stream)."""
    if not config.workload.export_log_groups:
        return []
    # The stream name does not depend on the account (naming.MonitoringNames.log_export_stream).
    stream = (("DeliveryStreamName", monitoring_names(config, "000000000000").log_export_stream),)
    investigate = (
        "aws firehose describe-delivery-stream (Destinations[0].ExtendedS3DestinationDescription, and the error the stream reports); "
        "check the delivery role's policy, the intake bucket's policy and its key (enabled, admitting the role) in the log-archive account; "
        "records are retried for 24 hours, so fix it within the day or the export of those hours is lost."
    )
    return [
        AlarmSpec(
            id="LogExportDeliveryFailing",
            title="Log group export failing to reach the archive",
            severity=Severity.CRITICAL,
            requirements=("DPP-LOG-8", "DPP-MON-6"),
            metric=MetricRef("AWS/Firehose", "DeliveryToS3.Success", stream, "Average"),
            threshold=1,
            comparison="LessThanThreshold",
            evaluation_periods=3,
            meaning="Firehose's puts of this account's exported log groups into the log archive have been failing for 15 minutes: the workload's logs are not reaching the 12-month WORM archive.",
            investigate=investigate,
            home_region_only=False,
        ),
        AlarmSpec(
            id="LogExportDeliveryStale",
            title="Log group export falling behind",
            severity=Severity.HIGH,
            requirements=("DPP-LOG-8", "DPP-MON-6"),
            metric=MetricRef("AWS/Firehose", "DeliveryToS3.DataFreshness", stream, "Maximum"),
            threshold=BUFFER_SECONDS * STALE_AFTER_BUFFERS,
            comparison="GreaterThanOrEqualToThreshold",
            evaluation_periods=3,
            meaning=f"The oldest exported log event not yet in the archive has waited {BUFFER_SECONDS * STALE_AFTER_BUFFERS // 60} minutes or more (three buffer intervals) for 15 minutes: delivery is stuck or failing.",
            investigate=investigate,
            home_region_only=False,
        ),
    ]
