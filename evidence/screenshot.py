"""`python -m evidence.screenshot [CDK_OUT] [REPORT_DIR] [DOCS_DIR]` (make report): renders the HTML
report in headless Chromium into DOCS_DIR/report-screenshot.png and copies the architecture
picture to DOCS_DIR, so the README shows the report as it is today (DPP-VER-2).

The PNG carries a fingerprint of what it shows (every clause's grade and the picture) in a tEXt
chunk; a test compares it with the current report, so a screenshot older than the grades fails."""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from evidence.diagram import architecture_svg
from evidence.report import Report, build_report

ROOT = Path(__file__).resolve().parent.parent
KEYWORD = b"dpp-report"
WINDOW = (1400, 1600)


def fingerprint(report: Report) -> str:
    shown = {"grades": [(c.clause.id, c.status) for c in report.clauses], "picture": architecture_svg(report.resources, report.config)}
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()


def with_text_chunk(png: bytes, keyword: bytes, text: str) -> bytes:
    """The PNG with a tEXt chunk inserted before IEND (PNG specification, section 11.3.4.3)."""
    data = keyword + b"\x00" + text.encode("latin-1")
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data) & 0xFFFFFFFF)
    end = png.rindex(b"IEND") - 4
    return png[:end] + chunk + png[end:]


def text_chunks(png: bytes) -> dict[bytes, str]:
    found, offset = {}, 8
    while offset < len(png):
        length, kind = struct.unpack(">I4s", png[offset : offset + 8])
        if kind == b"tEXt":
            keyword, _, value = png[offset + 8 : offset + 8 + length].partition(b"\x00")
            found[keyword] = value.decode("latin-1")
        offset += 12 + length
    return found


def capture(chromium: str, page: Path, png: Path) -> bytes:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--screenshot={png}",
                f"--window-size={WINDOW[0]},{WINDOW[1]}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    return png.read_bytes()


def _is_default(cdk_out: Path) -> bool:
    """docs/ shows the example configuration of cdk.json, never a team's own (CONTEXT=...)."""
    from configuration import load_config
    from configuration.in_force import FILE_NAME, config_in_force

    example = config_in_force(load_config(json.loads((ROOT / "cdk.json").read_text())["context"]))
    in_force = cdk_out / FILE_NAME
    return in_force.exists() and json.loads(in_force.read_text()) == json.loads(json.dumps(example))


def main(argv: list[str]) -> int:
    defaults = ["cdk.out", "report", "docs"]
    cdk_out, report_dir, docs = (Path(argv[i + 1] if len(argv) > i + 1 else d) for i, d in enumerate(defaults))
    page = report_dir / "dpp-compliance.html"
    if not page.exists():
        print(f"screenshot: {page} does not exist; run `make report` first", file=sys.stderr)
        return 2
    if not _is_default(cdk_out):
        print("note: the last synth used another configuration than cdk.json's example; docs/ (picture, screenshot) left as they are")
        return 0
    shutil.copyfile(report_dir / "architecture.svg", docs / "architecture.svg")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("note: chromium is not installed; docs/report-screenshot.png was not regenerated (make browser installs it)")
        return 0
    target = docs / "report-screenshot.png"
    png = capture(chromium, page, target)
    target.write_bytes(with_text_chunk(png, KEYWORD, fingerprint(build_report(cdk_out))))
    print(f"Screenshot: {target.resolve()} (and {docs.resolve()}/architecture.svg)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
