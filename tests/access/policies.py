"""The synthesized policies, with CloudFormation's intrinsic functions resolved to the concrete
ARNs and names they will have once deployed, so an IAM evaluator can judge real requests.

Physical names the project fixes (buckets, roles, aliases, topics, queues) resolve to those
names; resources CloudFormation names itself (a KMS key's ID, a generated role name) resolve to
a stand-in derived from the logical ID, which is enough because every grant that matters names
them through a fixed name or through the same reference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PSEUDO = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": None}


@dataclass
class StackTemplate:
    name: str
    account: str
    region: str
    template: dict

    @property
    def resources(self) -> dict[str, dict]:
        return self.template.get("Resources", {})


def read_assembly(outdir: Path) -> list[StackTemplate]:
    """Every stack of a cloud assembly directory (``cdk.out``), with its account and region."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    stacks = []
    for name, artifact in manifest["artifacts"].items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        env = artifact["environment"].removeprefix("aws://")
        account, region = env.split("/")
        template = json.loads((outdir / artifact["properties"]["templateFile"]).read_text())
        stacks.append(StackTemplate(name=name, account=account, region=region, template=template))
    return stacks


def stack_set_instances(stacks: list[StackTemplate], *, account: str, region: str) -> list[StackTemplate]:
    """The member template of every StackSet in ``stacks``, as its instance in ``account`` and
    ``region`` would be (pseudo parameters resolve to them; conditions to their true branch,
    the home-region case)."""
    instances = []
    for stack in stacks:
        for logical_id, resource in stack.resources.items():
            if resource["Type"] == "AWS::CloudFormation::StackSet":
                body = json.loads(resource["Properties"]["TemplateBody"])
                instances.append(StackTemplate(name=f"{stack.name}-{logical_id}", account=account, region=region, template=body))
    return instances


class Resolver:
    """Resolves intrinsic functions within one stack."""

    def __init__(self, stack: StackTemplate) -> None:
        self.stack = stack

    def physical(self, logical_id: str) -> str:
        """What ``Ref`` returns for a resource of this stack."""
        resource = self.stack.resources[logical_id]
        kind, props = resource["Type"], resource.get("Properties", {})
        a, r = self.stack.account, self.stack.region
        match kind:
            case "AWS::S3::Bucket":
                return self.resolve(props.get("BucketName", logical_id.lower()))
            case "AWS::IAM::Role" | "AWS::IAM::User":
                return self.resolve(props.get("RoleName", props.get("UserName", f"{self.stack.name}-{logical_id}")))[:64]
            case "AWS::IAM::ManagedPolicy":
                return f"arn:aws:iam::{a}:policy/{self.resolve(props.get('ManagedPolicyName', logical_id))}"
            case "AWS::KMS::Key":
                return f"key-{logical_id}"
            case "AWS::SNS::Topic":
                return f"arn:aws:sns:{r}:{a}:{self.resolve(props.get('TopicName', logical_id))}"
            case "AWS::SQS::Queue":
                return f"https://sqs.{r}.amazonaws.com/{a}/{self.resolve(props.get('QueueName', logical_id))}"
            case "AWS::Lambda::Function":
                return self.resolve(props.get("FunctionName", f"{self.stack.name}-{logical_id}"))
            case "AWS::Logs::LogGroup":
                return self.resolve(props.get("LogGroupName", logical_id))
            case "AWS::DynamoDB::Table":
                return self.resolve(props.get("TableName", f"{self.stack.name}-{logical_id}"))
            case "AWS::Events::Rule":
                return self.resolve(props.get("Name", f"{self.stack.name}-{logical_id}"))[:64]
            case "AWS::Events::EventBus":
                return self.resolve(props["Name"])
            case _:
                return f"{logical_id}"

    def arn(self, logical_id: str) -> str:
        resource = self.stack.resources[logical_id]
        kind = resource["Type"]
        a, r = self.stack.account, self.stack.region
        name = self.physical(logical_id)
        match kind:
            case "AWS::S3::Bucket":
                return f"arn:aws:s3:::{name}"
            case "AWS::IAM::Role":
                return f"arn:aws:iam::{a}:role/{name}"
            case "AWS::IAM::User":
                return f"arn:aws:iam::{a}:user/{name}"
            case "AWS::KMS::Key":
                return f"arn:aws:kms:{r}:{a}:key/{name}"
            case "AWS::SNS::Topic" | "AWS::IAM::ManagedPolicy":
                return name
            case "AWS::SQS::Queue":
                return f"arn:aws:sqs:{r}:{a}:{name.rsplit('/', 1)[-1]}"
            case "AWS::Lambda::Function":
                return f"arn:aws:lambda:{r}:{a}:function:{name}"
            case "AWS::Logs::LogGroup":
                return f"arn:aws:logs:{r}:{a}:log-group:{name}:*"
            case "AWS::DynamoDB::Table":
                return f"arn:aws:dynamodb:{r}:{a}:table/{name}"
            case "AWS::Events::EventBus":
                return f"arn:aws:events:{r}:{a}:event-bus/{name}"
            case "AWS::Events::Rule":
                return f"arn:aws:events:{r}:{a}:rule/{name}"
            case _:
                return f"arn:aws:unknown:{r}:{a}:{logical_id}"

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [v for v in (self.resolve(x) for x in value) if v is not None]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((fn, arg),) = value.items()
            if fn == "Ref":
                if arg in PSEUDO:
                    return PSEUDO[arg]
                if arg == "AWS::AccountId":
                    return self.stack.account
                if arg == "AWS::Region":
                    return self.stack.region
                if arg in self.stack.resources:
                    return self.physical(arg)
                parameters = self.stack.template.get("Parameters", {})
                if arg in parameters:
                    return parameters[arg].get("Default", f"<{arg}>")
                raise KeyError(f"{self.stack.name}: unresolvable Ref {arg}")
            if fn == "Fn::GetAtt":
                logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                if attribute in ("Arn", "TopicArn"):
                    return self.arn(logical_id)
                if attribute == "QueueName":
                    return self.physical(logical_id).rsplit("/", 1)[-1]
                if attribute == "QueueUrl":
                    return self.physical(logical_id)
                if attribute == "KeyId":
                    return self.physical(logical_id)
                return f"<{logical_id}.{attribute}>"
            if fn == "Fn::Join":
                separator, parts = arg
                return separator.join(str(p) for p in self.resolve(parts))
            if fn == "Fn::Select":
                index, items = arg
                return self.resolve(items)[int(index)]
            if fn == "Fn::Split":
                separator, text = arg
                return str(self.resolve(text)).split(separator)
            if fn == "Fn::Sub":
                text = arg if isinstance(arg, str) else arg[0]
                for pseudo, concrete in (("${AWS::AccountId}", self.stack.account), ("${AWS::Region}", self.stack.region), ("${AWS::Partition}", "aws"), ("${AWS::URLSuffix}", "amazonaws.com")):
                    text = text.replace(pseudo, concrete)
                return text
            if fn == "Fn::If":
                return self.resolve(arg[1])  # the condition's true branch: the home-region case
        return {k: self.resolve(v) for k, v in value.items()}


@dataclass
class Estate:
    """The resolved policies of every stack, looked up the way AWS looks them up."""

    bucket_policies: dict[str, dict] = field(default_factory=dict)  # bucket name -> policy
    key_policies: dict[str, dict] = field(default_factory=dict)  # key ARN -> policy
    key_aliases: dict[str, str] = field(default_factory=dict)  # alias ARN -> key ARN
    topic_policies: dict[str, dict] = field(default_factory=dict)  # topic ARN -> policy
    queue_policies: dict[str, dict] = field(default_factory=dict)  # queue ARN -> policy
    trust_policies: dict[str, dict] = field(default_factory=dict)  # role ARN -> trust policy
    identity_policies: dict[str, list[dict]] = field(default_factory=dict)  # role ARN -> policies
    role_managed_arns: dict[str, list[str]] = field(default_factory=dict)  # role ARN -> AWS managed policy ARNs
    bucket_accounts: dict[str, str] = field(default_factory=dict)  # bucket name -> owning account
    rules: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (account, region) -> logical ID -> rule ARN
    function_roles: dict[str, str] = field(default_factory=dict)  # "account/region/function name" -> role ARN
    event_bus_policies: dict[str, dict] = field(default_factory=dict)  # event bus ARN -> policy (its statements together)
    roles_by_logical_id: dict[str, str] = field(default_factory=dict)  # "account/logical ID" -> role ARN (generated names)

    def key_for_alias(self, alias_arn: str) -> str:
        return self.key_aliases[alias_arn]


def _document(policy: dict) -> dict:
    return {"Version": policy.get("Version", "2012-10-17"), "Statement": policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]}


def build_estate(stacks: list[StackTemplate]) -> Estate:
    estate = Estate()
    pending_policies: list[tuple[list[str], dict]] = []  # (role ARNs, document)
    for stack in stacks:
        resolver = Resolver(stack)
        for logical_id, resource in stack.resources.items():
            kind, props = resource["Type"], resource.get("Properties", {})
            match kind:
                case "AWS::S3::BucketPolicy":
                    estate.bucket_policies[resolver.resolve(props["Bucket"])] = _document(resolver.resolve(props["PolicyDocument"]))
                case "AWS::KMS::Key":
                    estate.key_policies[resolver.arn(logical_id)] = _document(resolver.resolve(props["KeyPolicy"]))
                case "AWS::KMS::Alias":
                    target = resolver.resolve(props["TargetKeyId"])
                    key_arn = target if target.startswith("arn:") else f"arn:aws:kms:{stack.region}:{stack.account}:key/{target}"
                    estate.key_aliases[f"arn:aws:kms:{stack.region}:{stack.account}:{props['AliasName']}"] = key_arn
                case "AWS::SNS::TopicPolicy":
                    for topic in resolver.resolve(props["Topics"]):
                        estate.topic_policies[topic] = _document(resolver.resolve(props["PolicyDocument"]))
                case "AWS::SQS::QueuePolicy":
                    for url in resolver.resolve(props["Queues"]):
                        account, name = url.split("/")[-2:]
                        estate.queue_policies[f"arn:aws:sqs:{stack.region}:{account}:{name}"] = _document(resolver.resolve(props["PolicyDocument"]))
                case "AWS::IAM::Role":
                    arn = resolver.arn(logical_id)
                    estate.roles_by_logical_id[f"{stack.account}/{logical_id}"] = arn
                    estate.trust_policies[arn] = _document(resolver.resolve(props["AssumeRolePolicyDocument"]))
                    estate.identity_policies.setdefault(arn, [])
                    for inline in props.get("Policies", []):
                        estate.identity_policies[arn].append(_document(resolver.resolve(inline["PolicyDocument"])))
                    for managed in resolver.resolve(props.get("ManagedPolicyArns", [])):
                        if ":iam::aws:policy/" in managed:
                            estate.role_managed_arns.setdefault(arn, []).append(managed)
                case "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy":
                    roles = [f"arn:aws:iam::{stack.account}:role/{r}" for r in resolver.resolve(props.get("Roles", []))]
                    pending_policies.append((roles, _document(resolver.resolve(props["PolicyDocument"]))))
                case "AWS::Events::EventBusPolicy":
                    # One resource per statement; the bus's policy is all of them
                    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-events-eventbuspolicy.html).
                    bus = f"arn:aws:events:{stack.region}:{stack.account}:event-bus/{resolver.resolve(props.get('EventBusName', 'default'))}"
                    statement = dict(resolver.resolve(props["Statement"]), Sid=props["StatementId"])
                    estate.event_bus_policies.setdefault(bus, {"Version": "2012-10-17", "Statement": []})["Statement"].append(statement)
                case "AWS::Events::Rule":
                    estate.rules.setdefault((stack.account, stack.region), {})[logical_id] = resolver.arn(logical_id)
                case "AWS::S3::Bucket":
                    estate.bucket_accounts[resolver.physical(logical_id)] = stack.account
                case "AWS::Lambda::Function":
                    estate.function_roles[f"{stack.account}/{stack.region}/{resolver.physical(logical_id)}"] = resolver.resolve(props["Role"])
    for roles, document in pending_policies:
        for role in roles:
            estate.identity_policies.setdefault(role, []).append(document)
    return estate
