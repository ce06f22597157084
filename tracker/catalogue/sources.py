"""The source documents (shared/seeds): reading them and finding each target's quote in them.

The text was extracted from PDFs, so line breaks fall anywhere, Cần Thơ's file writes "ư" as
"ƣ", and Bắc Giang's carries Markdown emphasis. A quote is compared after folding all of that.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from tracker.catalogue.catalogue import Catalogue
from tracker.catalogue.loading import seeds_dir

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("ƣ", "ư").replace("Ƣ", "Ư").replace("*", "")
    return _SPACE.sub(" ", text).strip()


def read_document(file: str, folder: Path | None = None) -> str:
    return (folder or seeds_dir()).joinpath(file).read_text(encoding="utf-8")


def quote_problems(catalogue: Catalogue, folder: Path | None = None) -> list[str]:
    """Every indicator whose quote is not found, verbatim, in its document's file."""
    texts: dict[str, str] = {}
    problems = []
    for ind in catalogue.indicators:
        doc = catalogue.document_of(ind)
        if doc.file not in texts:
            texts[doc.file] = normalise(read_document(doc.file, folder))
        if normalise(ind.quote) not in texts[doc.file]:
            problems.append(f"{ind.id}: quote not found in {doc.file}: {ind.quote[:80]!r}")
    return problems
