"""What the reader gives back: proposals, issues (a code and a vi/en message), and the one quote
normalisation shared with tracker.catalogue.sources and tracker.catalogue.programmes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field



@dataclass(frozen=True)
class ProposeIssue:
    code: str
    message_vi: str
    message_en: str

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def __str__(self) -> str:
        return f"[{self.code}] {self.message_vi}"


@dataclass
class Proposal:
    kind: str                       # numeric | direction | milestone
    name: str
    quote: str
    section: str
    line: int
    measure: str | None = None      # stock | flow | ratio | growth | rank (numeric only)
    value: float | None = None
    comparator: str | None = None
    unit: str | None = None         # a key of tracker.catalogue.UNITS, or None when unknown
    unit_text: str | None = None    # the unit as the document words it
    per_population: int | None = None
    year: int | None = None
    from_year: int | None = None
    horizon: int = 2030
    due: str | None = None          # ISO date
    due_text: str | None = None
    recurring: bool = False
    start: str | None = None
    per_year: bool = False
    average: bool = False
    sector: str | None = None
    agency: str | None = None
    direction: str | None = None    # increase | decrease (direction only)
    confidence: float = 0.5
    also: list[dict] = field(default_factory=list)   # other places restating it: {"line", "section", "quote"}

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class ProposeResult:
    proposals: list[Proposal] = field(default_factory=list)
    issues: list[ProposeIssue] = field(default_factory=list)
    text: str = ""

    @property
    def ok(self) -> bool:
        return not self.issues


# --- reading ----------------------------------------------------------------------------------

def _issue(code: str, vi: str, en: str) -> ProposeIssue:
    return ProposeIssue(code, vi, en)

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFC, whitespace folded; "ƣ" (a PDF font artefact) read as "ư" and Markdown emphasis dropped,
    as tracker.catalogue.sources compares quotes."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("ƣ", "ư").replace("Ƣ", "Ư").replace("*", "")
    return _SPACE.sub(" ", text).strip()


def quote_in_text(quote: str, text: str) -> bool:
    """Whether ``quote`` stands in ``text`` verbatim (apart from whitespace and line breaks)."""
    q = normalise(quote)
    return len(q) >= 10 and q in normalise(text)


