"""The floor: a CDK app with one resource and no nag packs, synthesized the same way."""

import aws_cdk as cdk
from aws_cdk import aws_sns as sns

app = cdk.App()
stack = cdk.Stack(app, "Bare", env=cdk.Environment(account="111122223333", region="eu-west-1"))
sns.Topic(stack, "Topic")
app.synth()
