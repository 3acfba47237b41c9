"""Built-in defaults: what a key that the configuration leaves out means.

The example configuration in cdk.json (context key ``dpp``) is layered over these; anything
DPP-mandated defaults to on and to the strictest reading of the sources.
"""

from typing import Any

from configuration.model import MIN_RETENTION_DAYS

DEFAULTS: dict[str, Any] = {
    "stage": "prod",
    "retentionDays": MIN_RETENTION_DAYS,
    "archive": {
        "transitionToInfrequentAccessDays": 30,
        "transitionToGlacierDays": 90,
        "breakGlassRoleName": "DppBreakGlass",
        "replicationTimeControl": False,
        "readerPrincipals": [],
        "readerRequiresMfa": True,
        "coldStorageClass": "GLACIER_IR",
        "readerVpcEndpoints": [],
    },
    "functions": {"reservedConcurrency": None},
    "investigation": {"maxBytesScannedPerQuery": 100 * 1024**3},
    "costs": {
        "anomalyDetection": True,
        "anomalyMonitorArn": None,
        "anomalyThresholdUsd": 100,
        "monthlyBudgetUsd": None,
        "budgetAlertPercents": [80, 100],
    },
    "trail": {
        "logFileValidation": True,
        "dataEvents": True,
        "insights": True,
        "sensitiveBuckets": [],
        "dataEventTables": [],
        "dataEventFunctions": [],
    },
    "workload": {"marketplaces": [], "maskLogData": True, "exportLogGroups": True, "logBuckets": True},
    "collection": {
        "configSnapshotFrequency": "TwentyFour_Hours",
        "flowLogAggregationSeconds": 600,
        "flowLogsToCloudWatch": False,
    },
    "detection": {
        "guardDutyProtections": {
            "s3DataEvents": True,
            "eksAuditLogs": True,
            "runtimeMonitoring": True,
            "ebsMalwareProtection": True,
            "rdsLoginEvents": True,
            "lambdaNetworkLogs": True,
            "s3MalwareProtection": True,
        },
        "securityHubStandards": ["aws-foundational-security-best-practices", "cis-aws-foundations-benchmark-v3.0", "nist-800-53-r5"],
        "guardDutyMinSeverity": "medium",
        "securityHubMinSeverity": "medium",
        "malwareScannedBuckets": [],
    },
    "alarms": {
        "disabled": [],
        "thresholds": {},
        "custom": [],
        # Identity Center's administrator permission set and the role Organizations creates in
        # every member account: both are full administrators.
        "privilegedRoles": ["AWSReservedSSO_AdministratorAccess_*", "OrganizationAccountAccessRole"],
        # 1 GiB an hour from the sensitive buckets is far above an SP-API seller's usual exports.
        "largeTransferBytes": 1024**3,
        "largeTransferPeriodMinutes": 60,
        "natGateways": [],
        "workloadMetrics": [],
    },
    "review": {"schedule": "cron(0 8 ? * MON,THU *)", "periodHours": 96},
    # Weekly, Wednesday 09:00 UTC: inside most teams' working hours, away from Monday's review.
    "drills": {"enabled": True, "schedule": "cron(0 9 ? * WED *)"},
    "responses": {
        "dryRun": True,
        "disableCredentials": False,
        "blockHostileIps": False,
        "isolateInstances": False,
        "notifyFailedSignIns": False,
        "minSeverity": "high",
        "excludedRoleNames": [],
        "excludedUserNames": [],
        "protectedInstanceTag": "dpp:protected",
        "trustedCidrs": [],
        "ipBlockHours": 24,
        "webAclArns": [],
        "networkAclVpcArns": [],
    },
    "canary": {"enabled": True, "bucketNamePattern": "customer-data-exports-{account}-{region}"},
    "businessHours": {
        "start": "08:00",
        "end": "18:00",
        "timeZone": "UTC",
        "days": ["MON", "TUE", "WED", "THU", "FRI"],
    },
    "organization": {"enabled": False, "id": "", "memberOrganizationalUnits": [], "memberAccessRoleName": "OrganizationAccountAccessRole"},
    "features": {
        "flowLogs": True,
        "dnsQueryLogs": True,
        "configRecorder": True,
        "guardDuty": True,
        "securityHub": True,
        "macie": False,
        "alarms": True,
        "chatRelay": True,
        "automatedResponses": False,
    },
}
