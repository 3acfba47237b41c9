"""A small, deterministic SVG layout for the architecture picture: boundaries (accounts) holding
boxes on a grid, arrows between boxes, text wrapped to fit its box by a conservative width
estimate (no font metrics are available at synth time), and a canvas sized to what it holds so
nothing is clipped."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

BOX_W = 230
PAD = 10
TITLE_SIZE = 12.0
DETAIL_SIZE = 10.5
LINE_H = 14
COL_GAP = 46
ROW_GAP = 26
# Average advance of sans-serif glyphs is about 0.5 em; 0.62 (0.7 bold) errs wide so that
# any common sans-serif fits.
EM_NORMAL, EM_BOLD = 0.62, 0.7


def text_width(text: str, size: float, bold: bool = False) -> float:
    return len(text) * size * (EM_BOLD if bold else EM_NORMAL)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size, bold) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return lines + ([current] if current else [])


@dataclass
class Box:
    key: str
    column: int
    row: int
    title: str
    details: list[str]
    x: float = 0
    y: float = 0
    lines: list[str] = field(default_factory=list)

    @property
    def height(self) -> float:
        return PAD + LINE_H + LINE_H * len(self.lines) + PAD

    def wrap(self) -> None:
        inner = BOX_W - 2 * PAD
        self.lines = [line for detail in self.details for line in wrap(detail, inner, DETAIL_SIZE)]


@dataclass
class Boundary:
    """An account (or role) boundary: a labelled dashed frame around a grid of boxes."""

    label: str
    boxes: list[Box]
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


def layout(boundaries: list[Boundary], outside: list[Box], margin: float = 30, title_h: float = 50) -> tuple[float, float]:
    """Places boundaries one under the other, the ``outside`` boxes in a column to their right;
    returns the canvas size."""
    y = title_h
    widest = 0.0
    for boundary in boundaries:
        for box in boundary.boxes:
            box.wrap()
        columns = max((b.column for b in boundary.boxes), default=0) + 1
        rows = max((b.row for b in boundary.boxes), default=0) + 1
        row_h = [max((b.height for b in boundary.boxes if b.row == r), default=0) for r in range(rows)]
        boundary.x, boundary.y = margin, y
        top = y + 30  # room for the label
        for box in boundary.boxes:
            box.x = margin + PAD + box.column * (BOX_W + COL_GAP)
            box.y = top + sum(row_h[: box.row]) + ROW_GAP * box.row
        boundary.width = 2 * PAD + columns * BOX_W + (columns - 1) * COL_GAP
        boundary.height = 30 + sum(row_h) + ROW_GAP * (rows - 1) + PAD
        widest = max(widest, boundary.width, text_width(boundary.label, TITLE_SIZE, True) + 2 * PAD)
        boundary.width = max(boundary.width, text_width(boundary.label, TITLE_SIZE, True) + 2 * PAD)
        y += boundary.height + 24
    x_out = margin + widest + COL_GAP
    y_out = title_h + 30
    for box in outside:
        box.wrap()
        box.x, box.y = x_out, y_out
        y_out += box.height + ROW_GAP
    width = x_out + BOX_W + margin if outside else margin + widest + margin
    return width, max(y, y_out) + margin


def _anchor(source: Box, target: Box) -> tuple[tuple[float, float], tuple[float, float]]:
    sx, sy = source.x + BOX_W / 2, source.y + source.height / 2
    tx, ty = target.x + BOX_W / 2, target.y + target.height / 2
    if abs(tx - sx) >= BOX_W:  # side to side
        if tx > sx:
            return (source.x + BOX_W, sy), (target.x, ty)
        return (source.x, sy), (target.x + BOX_W, ty)
    if ty > sy:
        return (sx, source.y + source.height), (tx, target.y)
    return (sx, source.y), (tx, target.y + target.height)


def render(title: str, boundaries: list[Boundary], outside: list[Box], edges: list[tuple[str, str]]) -> str:
    width, height = layout(boundaries, outside)
    boxes = {b.key: b for boundary in boundaries for b in boundary.boxes} | {b.key: b for b in outside}
    e = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="{DETAIL_SIZE}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
        f'<rect class="canvas" x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        f'<text x="30" y="30" font-size="16" font-weight="bold">{e(title)}</text>',
    ]
    for boundary in boundaries:
        parts.append(
            f'<rect class="boundary" x="{boundary.x:.0f}" y="{boundary.y:.0f}" width="{boundary.width:.0f}" height="{boundary.height:.0f}" '
            'rx="10" fill="#fafafa" stroke="#777" stroke-dasharray="6 4"/>'
        )
        parts.append(f'<text x="{boundary.x + PAD:.0f}" y="{boundary.y + 20:.0f}" font-size="{TITLE_SIZE}" font-weight="bold" fill="#444">{e(boundary.label)}</text>')
    for source, target in edges:
        if source in boxes and target in boxes:
            (x1, y1), (x2, y2) = _anchor(boxes[source], boxes[target])
            parts.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#555" stroke-width="1.3" marker-end="url(#arrow)"/>')
    for box in boxes.values():
        parts.append(f'<rect class="box" id="{e(box.key)}" x="{box.x:.0f}" y="{box.y:.0f}" width="{BOX_W}" height="{box.height:.0f}" rx="8" fill="#eef3fb" stroke="#2d5aa0"/>')
        parts.append(f'<text x="{box.x + PAD:.0f}" y="{box.y + PAD + 12:.0f}" font-size="{TITLE_SIZE}" font-weight="bold">{e(box.title)}</text>')
        for i, line in enumerate(box.lines):
            parts.append(f'<text x="{box.x + PAD:.0f}" y="{box.y + PAD + 12 + LINE_H * (i + 1):.0f}" font-size="{DETAIL_SIZE}">{e(line)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
