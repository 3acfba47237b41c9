"""Lambda code from a source folder, as the repository holds it: Python's byte-code caches are
left out of the asset and of its hash, so a test or a local run that compiled the handlers
(``__pycache__``, ``*.pyc``) neither ships them nor changes the asset's S3 key, which would
redeploy the function for nothing."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import aws_lambda as lambda_

# Glob patterns of the asset's exclude list (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.AssetOptions.html).
BYTE_CODE = ["__pycache__", "*.pyc"]


def source_code(folder: Path) -> lambda_.Code:
    return lambda_.Code.from_asset(str(folder), exclude=BYTE_CODE)
