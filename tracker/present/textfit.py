"""How many lines a text takes in a slide's text box, so the deck never lets text run under its footer.

python-pptx writes text but does not lay it out; PowerPoint (Calibri) and LibreOffice Impress (with no
Calibri installed it draws DejaVu Sans, which is wider) wrap it themselves. The lines are counted at
the wider of the two: with DejaVu Sans's own advance widths when its file is on the machine, else at
CHAR_EM of the font size a character (DejaVu Sans' average for Vietnamese text), so a box that fits
here fits in either program.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

FONT_FILES = {False: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              True: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"}
CHAR_EM = 0.62
LINE_SPACING = 1.2       # a line is 1.2 × the font size (PowerPoint's and Impress's single spacing)
INSET_IN = (0.1, 0.05)   # a text box's default inner margins: left and right 0.1 in, top and bottom 0.05 in


@lru_cache(maxsize=4)
def _font(bold: bool, size_pt: float):
    path = FONT_FILES[bold]
    if not Path(path).exists():
        return None
    try:
        from PIL import ImageFont
    except ImportError:
        return None
    return ImageFont.truetype(path, size=round(size_pt * 10))   # tenths of a point: enough precision


def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    font = _font(bold, size_pt)
    if font is None:
        return len(text) * CHAR_EM * size_pt
    return font.getlength(text) / 10


def paragraph_lines(runs: list[tuple[str, bool]], width_in: float, size_pt: float) -> int:
    """Lines one paragraph of ``runs`` ((text, bold) each) takes, wrapped at words, in a box ``width_in``
    wide (its insets taken off)."""
    room = (width_in - 2 * INSET_IN[0]) * 72
    words = [(w, bold) for text, bold in runs for w in text.split(" ") if w]
    lines, used = 1, 0.0
    space = text_width_pt(" ", size_pt)
    for word, bold in words:
        w = text_width_pt(word, size_pt, bold)
        if used and used + space + w > room:
            lines, used = lines + 1, 0.0
        if w > room:   # a word longer than the line is broken across lines
            extra = math.ceil(w / room) - 1
            lines, used = lines + extra, w - extra * room
        else:
            used = used + (space if used else 0) + w
    return lines


def lines_that_fit(height_in: float, size_pt: float) -> int:
    """Whole lines of ``size_pt`` a box ``height_in`` tall holds (its insets taken off)."""
    return int(((height_in - 2 * INSET_IN[1]) * 72) // (size_pt * LINE_SPACING))


def box_lines(paragraphs: list[list[tuple[str, dict]]], width_in: float, size_pt: float) -> int:
    """Lines the paragraphs of a deck box take (each a list of (text, style) runs, as briefing.deck._write)."""
    return sum(paragraph_lines([(text, bool(style.get("bold"))) for text, style in para], width_in, size_pt)
               for para in paragraphs)
