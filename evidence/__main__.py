"""`python -m evidence [CDK_OUT] [OUT_DIR]`: writes the compliance report (make report)."""
from __future__ import annotations

import sys
from pathlib import Path

from evidence.report import NOT_MET, write_report


def main(argv: list[str]) -> int:
    cdk_out = Path(argv[1] if len(argv) > 1 else "cdk.out")
    out_dir = Path(argv[2] if len(argv) > 2 else "report")
    if not (cdk_out / "manifest.json").exists():
        print(f"report: {cdk_out} holds no cloud assembly; run `make synth` first", file=sys.stderr)
        return 2
    report = write_report(cdk_out, out_dir)
    missing = [g.requirement.id for g in report.grades if g.status == NOT_MET]
    print(f"Report:     {out_dir.resolve()}/dpp-compliance.html (and .md), incident-response-plan.md")
    print(f"            {report.summary()}" + (f"; {NOT_MET}: {', '.join(missing)}" if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
