"""The example SP-API workload as a CDK app with the DPP workload pack: the three lines a user
adds to their own app are marked. Synthesize it with
``cdk --app "python -m examples.workload.app" synth`` (or ``python -m examples.workload.app``)."""

from __future__ import annotations

import sys

import aws_cdk as cdk
from aws_cdk import Validations  # (1)

from dpp_nag import DppWorkloadPack, WorkloadSettings  # (2)
from examples.workload.stacks import AlbWorkloadStack, ApiWorkloadStack

ENV = cdk.Environment(account="111122223333", region="eu-west-1")


def build_app(*, logged: bool = True, outdir: str | None = None) -> cdk.App:
    """The example app; ``logged=False`` strips its logging (the copy the pack must fail)."""
    app = cdk.App(outdir=outdir)
    api = ApiWorkloadStack(app, "SpApiWorkload", logged=logged, env=ENV, admin_role_arns=("arn:aws:iam::111122223333:role/SpApiAdmin",))
    alb = AlbWorkloadStack(app, "SpApiWorkloadAlb", logged=logged, env=ENV)
    # The tables and functions hold or serve Information; the baseline's organization trail
    # logs their data events (configured with their ARNs), so they are declared as logged
    # elsewhere. The stripped copy does not declare it.
    elsewhere = (api.table.node.path, api.orders.node.path, api.admin.node.path, f"{alb.node.path}/Orders", f"{alb.node.path}/OrdersFunction") if logged else ()
    Validations.of(app).add_plugins(DppWorkloadPack(app, settings=WorkloadSettings(data_events_logged_elsewhere=elsewhere)))  # (3)
    return app


def main() -> int:
    app = build_app(logged="--stripped" not in sys.argv)
    try:
        app.synth()
    except RuntimeError as error:
        if "ValidationFailed" not in str(error):
            raise
        print(f"DPP workload pack: findings listed above; report in {app.outdir}/validation-report.json", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
