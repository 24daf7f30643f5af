"""Line breaking of the invoice's table columns, done here with the font's own metrics.

WeasyPrint spends most of an invoice's time on boxes: a table cell, a <br>, a positioned
span each cost about a millisecond. Each column of the items is therefore ONE block of
text with a line per row (`white-space: pre-line`), and the rows stay aligned because the
long descriptions are broken here, a little short of the column's width, so WeasyPrint
never breaks them again.
"""

import shutil
import subprocess
from functools import lru_cache

FONT_FAMILY = "DejaVu Sans"
# Wider than any glyph of DejaVu Sans (1.74 em): without the font's metrics, no line
# broken with it can be too long.
WIDEST = 1.75
SAFETY = 0.94


@lru_cache(maxsize=1)
def _advances() -> dict[int, float]:
    """Advance width of each character, in em (empty when the font cannot be read)."""
    try:
        from fontTools.ttLib import TTFont

        command = shutil.which("fc-match")
        if command is None:
            return {}
        path = subprocess.run(
            [command, "-f", "%{file}", FONT_FAMILY],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        font = TTFont(path, lazy=True)
        metrics = font["hmtx"].metrics
        unit = font["head"].unitsPerEm
        return {code: metrics[glyph][0] / unit for code, glyph in font.getBestCmap().items()}
    except Exception:  # any failure: the safe widths below
        return {}


def text_width(text: str, size: float) -> float:
    """The width of `text` at `size` points, in points."""
    advances = _advances()
    return sum(advances.get(ord(char), WIDEST) for char in text) * size


def wrap(text: str, *, width: float, size: float) -> list[str]:
    """`text` broken into lines no wider than `width` points (greedy, at spaces; a word
    longer than a line is cut)."""
    limit = width * SAFETY
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
        while text_width(word, size) > limit:
            cut = len(word)
            while cut > 1 and text_width(word[:cut], size) > limit:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines
