"""The Elastic Load Balancing account that writes access logs in each region (DPP-LOG-8).

From "Enable access logs for your Application Load Balancer", step "Attach a policy to your S3
bucket" (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html):
in the Regions available before August 2022 the bucket policy grants ``s3:PutObject`` to the
region's Elastic Load Balancing account; in Regions opened since, to the service principal
``logdelivery.elasticloadbalancing.amazonaws.com``. A region missing from this table is
served by the service principal only.
"""

from __future__ import annotations

ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"

ELB_ACCOUNTS: dict[str, str] = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-southeast-3": "589379963580",
    "ap-south-1": "718504428378",
    "ap-northeast-3": "383597477331",
    "ap-northeast-2": "600734575887",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-south-1": "635631232127",
    "eu-west-3": "009996457667",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
}


def elb_account(region: str) -> str | None:
    """The region's Elastic Load Balancing account, or None where only the service principal writes."""
    return ELB_ACCOUNTS.get(region)
