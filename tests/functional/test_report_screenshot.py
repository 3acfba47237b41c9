"""The HTML report renders in a real browser (headless Chromium from Debian's packages), and the
README's screenshot of it is not older than the grades it shows."""

from __future__ import annotations

import shutil
import struct
import zlib

import pytest

from configuration.in_force import write_config_in_force
from evidence.incident_plan import write_incident_plan
from evidence.report import build_report, write_report
from evidence.screenshot import KEYWORD, WINDOW, capture, fingerprint, text_chunks, with_text_chunk
from tests.support import ROOT

CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="module")
def current(synthesized):
    write_config_in_force(synthesized.built.config, str(synthesized.outdir))
    write_incident_plan(synthesized.built.config, str(synthesized.outdir))
    return build_report(synthesized.outdir)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it where it can: root with apt-get)")
def test_the_report_renders_with_its_table(current, synthesized, tmp_path):
    write_report(synthesized.outdir, tmp_path)
    report = capture(CHROMIUM, tmp_path / "dpp-compliance.html", tmp_path / "report.png")
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>")
    empty = capture(CHROMIUM, blank, tmp_path / "blank.png")
    for data in (report, empty):
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", report[16:24]) == WINDOW
    # A page with the table, the picture and text compresses far worse than an empty one.
    assert len(report) > 20 * len(empty)


def test_the_readme_screenshot_shows_the_current_grades(current):
    png = (ROOT / "docs" / "report-screenshot.png").read_bytes()
    assert text_chunks(png).get(KEYWORD) == fingerprint(current), "docs/report-screenshot.png is older than the report it shows: run `make report` (it renders it in Chromium)"


def test_the_fingerprint_chunk_is_a_valid_png_text_chunk():
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    marked = with_text_chunk(png, KEYWORD, "abc123")
    assert text_chunks(marked) == {KEYWORD: "abc123"}
    length = struct.unpack(">I", marked[8:12])[0]
    body = marked[12 : 16 + length]
    assert struct.unpack(">I", marked[16 + length : 20 + length])[0] == zlib.crc32(body)
    assert marked.endswith(png[8:])


def test_docs_are_refreshed_only_from_the_example_configuration(current, synthesized, tmp_path):
    import json

    from evidence.screenshot import _is_default

    assert _is_default(synthesized.outdir)
    other = json.loads((synthesized.outdir / "dpp-config-in-force.json").read_text())
    other["stage"] = "dev"
    (tmp_path / "dpp-config-in-force.json").write_text(json.dumps(other))
    assert not _is_default(tmp_path)
