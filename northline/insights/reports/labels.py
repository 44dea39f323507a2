"""Text that fits its place in a server-drawn chart: wrapped onto at most a few lines, the last
one shortened with an ellipsis, and the full text kept in a ``<title>`` when anything was cut.

The server cannot measure text, so widths are estimated from the character classes of a
proportional sans-serif font (a little wide on purpose: an estimate that errs short would let
labels run into each other). The browser test of the heat map checks the estimate against the
real boxes Chromium draws.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape

ELLIPSIS = "…"
# Widths in em of a system sans-serif, rounded up.
NARROW = set("iIjlftr.,:;'|!()[] ")
WIDE = set("mwMW@%")
BOLD_FACTOR = 1.08
# Room for fonts wider than the table above (checked against Chromium's boxes).
SAFETY = 1.08


def char_width(char: str) -> float:
    if char in NARROW:
        return 0.33
    if char in WIDE:
        return 0.92
    if char.isupper() or char.isdigit():
        return 0.68 if char.isupper() else 0.58
    return 0.58


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The estimated width in pixels of ``text`` at ``size`` pixels."""
    width = sum(char_width(char) for char in text) * size * SAFETY
    return width * BOLD_FACTOR if bold else width


@dataclass(frozen=True)
class Box:
    """A label's estimated extent in the chart's pixels."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )


@dataclass(frozen=True)
class Label:
    """A text laid out in at most ``max_lines`` lines no wider than ``width`` pixels."""

    full: str
    lines: tuple[str, ...]
    size: float
    bold: bool = False
    # Whether the end of the text was left out (an ellipsis ends the last line).
    shortened: bool = False

    @property
    def width(self) -> float:
        return max(text_width(line, self.size, bold=self.bold) for line in self.lines)

    def line_height(self) -> float:
        return round(self.size * 1.2, 1)

    def box(self, x: float, first_baseline: float, anchor: str) -> Box:
        """Where the label falls when its first line sits on ``first_baseline`` at ``x``."""
        left = {"start": x, "middle": x - self.width / 2, "end": x - self.width}[anchor]
        top = first_baseline - self.size
        bottom = first_baseline + self.line_height() * (len(self.lines) - 1) + self.size * 0.25
        return Box(left, top, left + self.width, bottom)

    def svg(self, x: float, first_baseline: float, *, css: str, anchor: str) -> str:
        """A ``<text>`` with a ``<tspan>`` per line and, when the text was cut, the full text
        as its ``<title>`` (the tooltip, and the name a screen reader reads)."""
        title = f"<title>{escape(self.full)}</title>" if self.shortened else ""
        spans = "".join(
            f'<tspan x="{x:.1f}" y="{first_baseline + index * self.line_height():.1f}">'
            f"{escape(line)}</tspan>"
            for index, line in enumerate(self.lines)
        )
        return f'<text class="{css}" text-anchor="{anchor}">{title}{spans}</text>'

    def centred_baseline(self, middle: float) -> float:
        """The first line's baseline that centres the lines on ``middle``."""
        return middle - self.line_height() * (len(self.lines) - 1) / 2 + self.size * 0.35


def fit(text: str, width: float, size: float, max_lines: int = 2, *, bold: bool = False) -> Label:
    """``text`` wrapped at spaces onto at most ``max_lines`` lines of ``width`` pixels; a word
    wider than a line is broken, and what does not fit ends the last line with an ellipsis."""

    def fits(line: str) -> bool:
        return text_width(line, size, bold=bold) <= width

    words = text.split()
    lines: list[str] = []
    current = ""
    rest = list(words)
    while rest and len(lines) < max_lines:
        word = rest[0]
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            rest.pop(0)
            continue
        if not current:
            # A word longer than a line: break it where the line ends.
            cut = max(1, max(n for n in range(1, len(word) + 1) if fits(word[:n]) or n == 1))
            current, rest[0] = word[:cut], word[cut:]
        lines.append(current)
        current = ""
    if current and len(lines) < max_lines:
        lines.append(current)
    if rest:
        last = lines[-1] if lines else ""
        whole = f"{last} {' '.join(rest)}".strip() if last else " ".join(rest)
        tail = whole
        while tail and not fits(tail.rstrip() + ELLIPSIS):
            tail = tail[:-1]
        # Cut between words rather than inside one, unless that loses half the line.
        space = tail.rfind(" ")
        if whole[len(tail) : len(tail) + 1] not in ("", " ") and space >= len(tail) // 2:
            tail = tail[:space]
        shortened = tail.rstrip(" ,;:.") + ELLIPSIS
        if lines:
            lines[-1] = shortened
        else:
            lines.append(shortened)
    return Label(full=text, lines=tuple(lines or [""]), size=size, bold=bold, shortened=bool(rest))
