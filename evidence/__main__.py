"""`python -m evidence [CDK_OUT] [OUT_DIR] [--register DIR|s3]`: writes the compliance report
(make report; REGISTER=DIR reads an exported copy of the evidence register, REGISTER=s3 the
archive with the caller's credentials)."""

from __future__ import annotations

import sys
from pathlib import Path

from evidence.report import NOT_MET, write_report


def _register(where: str):
    from evidence.register import LocalStore, RegisterError, S3Store, archive_bucket, read_register, s3_client

    if where == "s3":
        bucket = archive_bucket()
        return read_register(S3Store(bucket, s3_client()), f"s3://{bucket}/evidence/")
    root = Path(where)
    if not root.is_dir():
        raise RegisterError(f"REGISTER={where}: no such directory (give an exported copy of the archive's evidence/ prefix, or s3)")
    return read_register(LocalStore(root), f"{root.resolve()}/evidence/")


def main(argv: list[str]) -> int:
    args = list(argv[1:])
    register_at = None
    if "--register" in args:
        index = args.index("--register")
        if index + 1 >= len(args):
            print("report: --register needs a directory or s3", file=sys.stderr)
            return 2
        register_at = args[index + 1]
        del args[index : index + 2]
    cdk_out = Path(args[0] if args else "cdk.out")
    out_dir = Path(args[1] if len(args) > 1 else "report")
    if not (cdk_out / "manifest.json").exists():
        print(f"report: {cdk_out} holds no cloud assembly; run `make synth` first", file=sys.stderr)
        return 2
    register = None
    if register_at:
        from botocore.exceptions import BotoCoreError, ClientError

        from evidence.register import RegisterError

        try:
            register = _register(register_at)
        except RegisterError as error:
            print(f"report: {error}", file=sys.stderr)
            return 2
        except (ClientError, BotoCoreError) as error:
            print(f"report: cannot read the evidence register ({error}); assume the archive's reader role", file=sys.stderr)
            return 2
    report = write_report(cdk_out, out_dir, register)
    missing = [g.requirement.id for g in report.grades if g.status == NOT_MET]
    print(f"Report:     {out_dir.resolve()}/dpp-compliance.html (and .md), incident-response-plan.md")
    print(f"            {report.summary()}" + (f"; {NOT_MET}: {', '.join(missing)}" if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
