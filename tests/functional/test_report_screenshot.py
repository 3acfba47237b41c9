"""The HTML report renders in a real browser (headless Chromium from Debian's packages)."""
from __future__ import annotations

import shutil
import struct
import subprocess

import pytest

from configuration.in_force import write_config_in_force
from evidence.incident_plan import write_incident_plan
from evidence.report import write_report

CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it where it can: root with apt-get)")
def test_the_report_renders_with_its_table(synthesized, tmp_path):
    write_config_in_force(synthesized.built.config, str(synthesized.outdir))
    write_incident_plan(synthesized.built.config, str(synthesized.outdir))
    write_report(synthesized.outdir, tmp_path)
    shots = {}
    for name, url in (("report", (tmp_path / "dpp-compliance.html").as_uri()), ("blank", "about:blank")):
        png = tmp_path / f"{name}.png"
        subprocess.run(
            [
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp_path / ('profile-' + name)}", f"--screenshot={png}", "--window-size=1400,1600", url,
            ],
            check=True, capture_output=True, timeout=120,
        )
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        shots[name] = data
    width, height = struct.unpack(">II", shots["report"][16:24])
    assert (width, height) == (1400, 1600)
    # A page with the table, the picture and text compresses far worse than an empty one.
    assert len(shots["report"]) > 20 * len(shots["blank"])
