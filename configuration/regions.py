"""AWS regions the baseline can cover, known offline (no lookups at synth time).

Commercial partition (``aws``) only: China, GovCloud, ISO and the European Sovereign Cloud are
separate partitions with different ARNs and service principals, which this project does not
yet template.
"""

COMMERCIAL_REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-central-1",
        "ca-west-1",
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    }
)

# Regions that AWS launched after March 2019 are opt-in: an account must enable them before
# anything can be deployed there. Named in errors so the fix is obvious.
OPT_IN_REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-west-1",
        "eu-central-2",
        "eu-south-1",
        "eu-south-2",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
    }
)

# CloudFront distributions are global resources that AWS Config records, and evaluates, only in
# US East (N. Virginia) (https://docs.aws.amazon.com/config/latest/developerguide/cloudfront-accesslogs-enabled.html);
# their standard logging v2 delivery sources live there too
# (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html).
CLOUDFRONT_REGION = "us-east-1"
