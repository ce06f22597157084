"""Numbers as people type them in Vietnam: "90.000", "0,5", "1.234,5", "90 000", "5 %"."""

from __future__ import annotations

import math
import re

_DIGITS = re.compile(r"^\d+$")
_GROUPED = {sep: re.compile(r"^\d{1,3}(?:" + re.escape(sep) + r"\d{3})+$") for sep in (".", ",", " ")}
_SPACES = ("\u00a0", "\u202f", "\u2009", "\t")


def parse_text(text: str) -> tuple[float | None, bool]:
    """(value, whether a % sign was written) for a number typed as text; (None, …) if it is not one."""
    s = text.strip()
    for space in _SPACES:
        s = s.replace(space, " ")
    s = s.replace("\u2212", "-").strip()
    percent = s.endswith("%")
    if percent:
        s = s[:-1].rstrip()
    sign = ""
    if s[:1] in ("+", "-"):
        sign, s = s[0], s[1:].lstrip()
    if not s:
        return None, percent
    if " " in s:
        # "90 000" or "1 234,5": spaces only as thousands separators
        head, _, tail = s.partition(",") if "," in s else s.partition(".") if s.count(".") == 1 else (s, "", "")
        if not _GROUPED[" "].match(head) or (tail and not _DIGITS.match(tail)):
            return None, percent
        s = head.replace(" ", "") + ("." + tail if tail else "")
        return float(sign + s), percent
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        decimal = "." if s.rfind(".") > s.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        if s.count(decimal) != 1:
            return None, percent
        head, tail = s.split(decimal)
        if not _GROUPED[thousands].match(head) and not _DIGITS.match(head) or not _DIGITS.match(tail):
            return None, percent
        return float(sign + head.replace(thousands, "") + "." + tail), percent
    sep = "," if commas else "." if dots else ""
    count = commas or dots
    if not sep:
        return (float(sign + s), percent) if _DIGITS.match(s) else (None, percent)
    if count > 1:
        # "1.234.567" / "1,234,567": only thousands grouping repeats
        return (float(sign + s.replace(sep, "")), percent) if _GROUPED[sep].match(s) else (None, percent)
    head, tail = s.split(sep)
    if not _DIGITS.match(tail) or (head and not _DIGITS.match(head)):
        return None, percent
    if sep == "." and len(tail) == 3 and head and head.lstrip("0"):
        # "90.000", "1.234": a Vietnamese thousands separator, not a decimal point
        return float(sign + head + tail), percent
    return float(sign + (head or "0") + "." + tail), percent


def parse_number(text) -> float | None:
    """A number as people type it in Vietnam, or None.

    ``"90.000"`` → 90000, ``"1.234.567"`` → 1234567, ``"0,5"`` → 0.5, ``"1.234,5"`` → 1234.5,
    ``"90 000"`` → 90000, ``"5 %"`` → 5, ``"1,234.5"`` → 1234.5, ``"12.5"`` → 12.5.
    A single comma is always a decimal comma (``"1,234"`` → 1.234); a single dot followed by exactly
    three digits after a non-zero whole part is a thousands dot (``"1.500"`` → 1500, ``"0.500"`` → 0.5).
    Numbers (int, float) pass through; booleans, dates, infinities and NaN are not numbers.
    """
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, (int, float)):
        value = float(text)
        return value if math.isfinite(value) else None
    if not isinstance(text, str):
        return None
    try:
        value, _ = parse_text(text)
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None
