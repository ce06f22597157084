"""A programme's text → proposed catalogue entries (numeric targets, directions, tasks).

Rule-based and offline: the documents implementing Resolution 45-NQ/TW are written in one
administrative style (numbered sections "II. MỤC TIÊU", bullets "- ", deadlines in brackets
"(hoàn thành trong quý III/2024)"), so wording rules find their targets without a model. Every
proposal carries the verbatim span it was read from (whitespace folded, as indicators.yaml's
quotes are), the section and the line, so an admin can check it against the document before
anything is saved. Nothing here writes the catalogue: tracker.programmes does, after review.

Readers: .txt, .docx (python-docx), .pdf with a text layer (pdfplumber), .doc through LibreOffice
and scanned PDFs through tesseract when those are installed. Problems are values
(:class:`ProposeIssue`, a code and a vi/en message), never exceptions.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

# A programme is a few dozen pages; anything larger is not one (and would block the page).
MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".docx", ".pdf", ".doc")


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


def read_programme(name: str, data: bytes) -> tuple[str, ProposeIssue | None]:
    """The text of an uploaded programme (NFC), or why it cannot be read."""
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_BYTES:
        mb = len(data) / 1024 / 1024
        return "", _issue("too_large",
                          f"Tệp quá lớn ({mb:.0f} MB; tối đa {MAX_BYTES // 1024 // 1024} MB). Một chương trình thường chỉ vài trăm KB: "
                          "hãy lưu lại văn bản dưới dạng .docx hoặc .txt.",
                          f"The file is too large ({mb:.0f} MB; at most {MAX_BYTES // 1024 // 1024} MB). Save the programme as .docx or .txt.")
    if not data.strip():
        return "", _issue("empty", "Tệp trống: không có nội dung nào để đọc.", "The file is empty.")
    if suffix == ".docx":
        text, problem = _read_docx(data)
    elif suffix == ".pdf":
        text, problem = _read_pdf(data)
    elif suffix == ".doc":
        text, problem = _read_doc(data)
    elif suffix in (".txt", ""):
        text, problem = _decode_text(data)
    else:
        return "", _issue("unsupported_type",
                          f"Không đọc được tệp '{suffix}'. Hãy tải lên tệp .docx, .doc, .pdf hoặc .txt.",
                          f"Cannot read '{suffix}' files. Upload a .docx, .doc, .pdf or .txt file.")
    if problem:
        return "", problem
    return unicodedata.normalize("NFC", text), None


def _decode_text(data: bytes) -> tuple[str, ProposeIssue | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    # Old Vietnamese fonts (TCVN3/ABC, VNI) stored text in 8-bit code pages: read it as cp1252 so
    # the legacy check can say which one it is instead of "not UTF-8".
    text = data.decode("cp1252", errors="replace")
    if legacy_encoding(text):
        return text, None
    return "", _issue("not_utf8", "Tệp văn bản không ở mã UTF-8. Hãy mở bằng Word/Notepad và lưu lại với mã UTF-8.",
                      "The text file is not UTF-8. Open it and save it as UTF-8.")


def _read_docx(data: bytes) -> tuple[str, ProposeIssue | None]:
    import io
    import zipfile

    try:
        import docx
    except ImportError:
        return "", _issue("docx_missing", "Chưa cài python-docx nên không đọc được tệp .docx.", "python-docx is not installed.")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        return "", _issue("bad_docx", f"Tệp .docx bị hỏng hoặc không phải tệp Word ({exc}).",
                          f"The .docx file is damaged or not a Word file ({exc}).")
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines), None


def _read_pdf(data: bytes) -> tuple[str, ProposeIssue | None]:
    import io

    try:
        import pdfplumber
    except ImportError:
        return "", _issue("pdf_missing", "Chưa cài pdfplumber nên không đọc được tệp .pdf.", "pdfplumber is not installed.")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many types for a broken file; all mean "cannot read"
        return "", _issue("bad_pdf", f"Không đọc được tệp PDF ({type(exc).__name__}).", f"Cannot read the PDF ({type(exc).__name__}).")
    text = "\n".join(pages)
    if len(text.strip()) >= 200:
        return text, None
    return _ocr_pdf(data)


def _ocr_pdf(data: bytes) -> tuple[str, ProposeIssue | None]:
    """A scanned PDF (no text layer): tesseract with Vietnamese data when installed, else say so."""
    tesseract = shutil.which("tesseract")
    has_vie = False
    if tesseract:
        try:
            langs = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
            has_vie = "vie" in langs.split()
        except (OSError, subprocess.SubprocessError):
            has_vie = False
    if not has_vie:
        return "", _issue("scanned_pdf",
                          "Tệp PDF là bản quét (ảnh), không có lớp chữ. Máy chủ chưa cài tesseract-ocr và tesseract-ocr-vie "
                          "để nhận dạng chữ: hãy tải lên bản .docx hoặc PDF xuất từ Word.",
                          "The PDF is a scan without a text layer and tesseract-ocr with Vietnamese data is not installed: "
                          "upload the .docx or a PDF exported from Word.")
    import io

    import pdfplumber

    lines = []
    with tempfile.TemporaryDirectory() as tmp, pdfplumber.open(io.BytesIO(data)) as pdf:
        for n, page in enumerate(pdf.pages):
            image = Path(tmp) / f"p{n}.png"
            page.to_image(resolution=300).save(str(image))
            out = subprocess.run([tesseract, str(image), "stdout", "-l", "vie"], capture_output=True, text=True, timeout=300)
            lines.append(out.stdout)
    text = "\n".join(lines)
    if not text.strip():
        return "", _issue("ocr_empty", "Nhận dạng chữ không đọc được nội dung nào từ bản quét.", "OCR found no text in the scan.")
    return text, None


def libreoffice_writer() -> str | None:
    """The soffice program when LibreOffice with its Writer component is installed (a core-only
    install, e.g. Debian's libreoffice-core-nogui alone, cannot open a word-processing file)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    program = Path(soffice).resolve().parent
    candidates = [program, Path("/usr/lib/libreoffice/program"), Path("/opt/libreoffice/program")]
    return soffice if any(any(c.glob("libswlo.so*")) or any(c.glob("libsw*.so")) for c in candidates if c.is_dir()) else None


def _read_doc(data: bytes) -> tuple[str, ProposeIssue | None]:
    soffice = libreoffice_writer()
    if not soffice:
        return "", _issue("doc_needs_libreoffice",
                          "Tệp .doc (Word 97-2003) cần LibreOffice Writer để chuyển đổi, nhưng máy chủ chưa cài "
                          "(apt-get install libreoffice-writer). Hãy mở bằng Word và lưu lại thành .docx.",
                          "A .doc file needs LibreOffice Writer to convert it, which is not installed "
                          "(apt-get install libreoffice-writer). Save it as .docx.")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "programme.doc"
        src.write_bytes(data)
        try:
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "docx",
                            "--outdir", tmp, str(src)], capture_output=True, timeout=180, check=False)
        except (OSError, subprocess.SubprocessError):
            pass
        out = Path(tmp) / "programme.docx"
        if not out.exists():
            return "", _issue("doc_convert_failed", "LibreOffice không chuyển được tệp .doc này. Hãy lưu lại thành .docx.",
                              "LibreOffice could not convert this .doc file. Save it as .docx.")
        return _read_docx(out.read_bytes())


# Characters TCVN3 (ABC) and VNI fonts produce when their bytes are read as Windows-1252.
_TCVN3_MARKS = re.compile(r"[¸µ¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖÝ×ØÜÞ«ßãáâä¬åèæçé¦§]")
_VNI_PAIRS = re.compile(r"[aeiouyAEIOUY][øùûõïöòóôñ]|ö[ôaù]|Ñ[aoeu]|ñ[aoeu]")
# Letters only Unicode Vietnamese has (not in Windows-1252, so a legacy font cannot produce them).
_UNICODE_VI = re.compile(r"[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĂĐƠƯ]")


def legacy_encoding(text: str) -> str | None:
    """"TCVN3" or "VNI" when ``text`` is Vietnamese typed with a legacy font, else None."""
    sample = text[:20000]
    letters = sum(ch.isalpha() for ch in sample) or 1
    genuine = len(_UNICODE_VI.findall(sample))
    if genuine / letters > 0.03:
        return None
    tcvn = len(_TCVN3_MARKS.findall(sample))
    vni = len(_VNI_PAIRS.findall(sample))
    if max(tcvn, vni) / letters < 0.02:
        return None
    return "TCVN3" if tcvn >= vni else "VNI"


_RESOLUTION = re.compile(r"\b45\s*-\s*NQ\s*/\s*TW", re.I)
_OTHER_RESOLUTION = re.compile(r"\b(\d{1,3})\s*-\s*NQ\s*/\s*TW", re.I)


def check_text(text: str) -> ProposeIssue | None:
    """Why ``text`` is not a programme this tool can read, or None."""
    if not text.strip():
        return _issue("empty", "Văn bản trống: không có nội dung nào để đọc.", "The text is empty.")
    legacy = legacy_encoding(text)
    if legacy:
        return _issue("legacy_encoding",
                      f"Văn bản được gõ bằng phông chữ cũ (mã {legacy}, ví dụ .VnTime hoặc VNI-Times), không phải Unicode: "
                      "các dấu sẽ bị đọc sai. Hãy chuyển sang Unicode (Unikey: Công cụ chuyển mã) rồi tải lên lại.",
                      f"The text is in a legacy Vietnamese encoding ({legacy}), not Unicode; convert it (e.g. Unikey's converter) and upload again.")
    words = len(text.split())
    if words < 30:
        return _issue("too_short", "Văn bản quá ngắn để là một chương trình, kế hoạch.", "The text is too short to be a programme.")
    head = normalise(text)
    if not _RESOLUTION.search(head):
        others = sorted({f"{m.group(1)}-NQ/TW" for m in _OTHER_RESOLUTION.finditer(head)})
        if others:
            return _issue("other_resolution",
                          f"Văn bản thực hiện {', '.join(others)}, không phải Nghị quyết 45-NQ/TW: công cụ này chỉ theo dõi các chương trình thực hiện Nghị quyết 45-NQ/TW.",
                          f"The document implements {', '.join(others)}, not Resolution 45-NQ/TW, which is all this tool tracks.")
        return _issue("no_resolution", "Văn bản không nhắc đến Nghị quyết 45-NQ/TW: không phải chương trình thực hiện Nghị quyết này.",
                      "The text never mentions Resolution 45-NQ/TW, so it is not a programme implementing it.")
    return None


_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFC, whitespace folded; "ƣ" (a PDF font artefact) read as "ư" and Markdown emphasis dropped,
    as tracker.sources compares quotes."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("ƣ", "ư").replace("Ƣ", "Ư").replace("*", "")
    return _SPACE.sub(" ", text).strip()


def quote_in_text(quote: str, text: str) -> bool:
    """Whether ``quote`` stands in ``text`` verbatim (apart from whitespace and line breaks)."""
    q = normalise(quote)
    return len(q) >= 10 and q in normalise(text)


# --- structure --------------------------------------------------------------------------------

_NUM_UNIT_HINT = re.compile(r"\d\s*%|\b(?:đạt|trên|ít nhất|tối thiểu)\s+\d")
_RECIPIENTS = re.compile(r"^(?:Nơi nhận|T/M|TM\.|K/T|KT\.)\s*[:.]?", re.I)
_ROMAN = re.compile(r"^\s*([IVX]{1,5})\s*[.\-–]\s*(\S.*)$")
_ARABIC = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\D.*)$")
_LETTER = re.compile(r"^\s*([a-zđ])\)\s+(.*)$")


@dataclass
class Section:
    label: str
    title: str
    kind: str        # situation | goals | vision | tasks | organisation | other
    horizon: int | None
    lines: list[tuple[int, str]] = field(default_factory=list)


def _section_kind(title: str, parent_kind: str | None) -> tuple[str, int | None]:
    low = title.lower()
    year = re.search(r"(20\d\d)", low)
    if "tầm nhìn" in low:
        return "vision", int(year.group(1)) if year else 2045
    if "mục tiêu" in low:
        return "goals", int(year.group(1)) if year else None
    if any(w in low for w in ("tình hình", "thực trạng", "đánh giá", "kết quả thực hiện", "quan điểm")):
        return "situation", None
    if "tổ chức thực hiện" in low or "nhiệm vụ cụ thể" in low or "phân công" in low:
        return "organisation", None
    if "nhiệm vụ" in low or "giải pháp" in low:
        return "tasks", None
    if "mục đích" in low or "yêu cầu" in low:
        return "situation", None
    return parent_kind or "other", None


def sections_of(text: str) -> list[Section]:
    """The document cut at its numbered headings ("II.", "2.2.", …), each with its label and kind."""
    roman, sub = "", []
    top_kind: str | None = None
    top_horizon: int | None = None
    current = Section("", "", "other", None)
    out = [current]
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("*", "").strip()
        if not line:
            continue
        if _RECIPIENTS.match(line):
            break   # the distribution list and the signature follow: no targets there
        m = _ROMAN.match(line)
        if m and len(m.group(2)) > 3 and m.group(2)[:1].isupper():
            roman, sub = m.group(1), []
            top_kind, top_horizon = _section_kind(m.group(2), None)
            current = Section(roman, m.group(2).strip(), top_kind, top_horizon)
            out.append(current)
            continue
        m = _ARABIC.match(line)
        if m and roman and m.group(2)[:1].isupper() and not re.match(r"^\d+\s*$", line):
            parts = m.group(1).split(".")
            kind, horizon = _section_kind(m.group(2), top_kind)
            # Under "Tổ chức thực hiện" the numbered item is itself a task ("2. UBND tỉnh chỉ đạo …").
            if top_kind == "organisation":
                kind = "organisation"
            if top_kind == "goals" and kind == "situation":
                kind = "situation"
            current = Section(".".join([roman] + parts), m.group(2).strip(), kind, horizon or top_horizon)
            out.append(current)
            # Under "Tổ chức thực hiện" the heading is its first task, and a numbered sentence
            # ("1. Đến năm 2030, 100% … đạt chuẩn.") is a goal; elsewhere a heading is a title.
            if kind == "organisation" or _is_sentence(m.group(2)):
                current.lines.append((n, raw))
            continue
        m = _LETTER.match(line)
        if m and roman and len(m.group(2)) <= 80 and not _is_sentence(m.group(2)):
            # "a) Đến năm 2025:" opens targets for that year; the letter extends the parent's label.
            base = current.label.rsplit(".", 1)[0] if re.search(r"\.[a-zđ]$", current.label) else current.label
            year = re.search(r"(20\d\d)", m.group(2))
            parent_horizon = current.horizon
            current = Section(f"{base}.{m.group(1)}", m.group(2).strip(), current.kind,
                              int(year.group(1)) if year else parent_horizon)
            out.append(current)
            continue
        current.lines.append((n, raw))
    return out


def _is_sentence(heading: str) -> bool:
    """Whether a numbered line is a sentence of content rather than a section title."""
    heading = heading.strip()
    return heading.endswith((".", ";")) or len(heading.split()) > 25 or bool(_NUM_UNIT_HINT.search(heading))


def _joined(section: Section) -> tuple[str, list[tuple[int, int]], list[int]]:
    """The section's text, whitespace folded, with (offset, line) marks to find a span's line and
    the offsets where a bullet item starts (a "-", "+" or "•" at the start of a line only: inside a
    line " - " joins words, as in "chính trị - xã hội")."""
    parts, marks, items, pos = [], [], [], 0
    for n, raw in section.lines:
        piece = normalise(raw)
        if not piece:
            continue
        bullet = _BULLET.match(piece)
        if bullet:
            items.append(pos + bullet.end())
        marks.append((pos, n))
        parts.append(piece)
        pos += len(piece) + 1
    return " ".join(parts), marks, items


def _line_at(marks: list[tuple[int, int]], offset: int) -> int:
    line = marks[0][1] if marks else 0
    for pos, n in marks:
        if pos > offset:
            break
        line = n
    return line


# Items start at a bullet or a heading; sentences end at ". " before a capital; clauses at "; ".
_BULLET = re.compile(r"^[-–+•]\s+(?=\S)")
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ])")
_CLAUSE_SPLIT = re.compile(r";\s+")


def _pieces(section: Section):
    """(sentence, clause, offset of the clause, line) for every clause of the section."""
    text, marks, items = _joined(section)
    starts = [0] + items + [len(text)]
    bounds = sorted(set(starts))
    for a, b in zip(bounds, bounds[1:]):
        item = text[a:b]
        offset = a
        for sentence in _SENT_SPLIT.split(item):
            s_off = text.find(sentence, offset)
            offset = s_off + len(sentence)
            c_off = s_off
            for clause in _CLAUSE_SPLIT.split(sentence):
                cstart = text.find(clause, c_off)
                c_off = cstart + len(clause)
                clean = clause.strip().rstrip("-–+•").strip()
                # "UBND tỉnh lãnh đạo UBND tỉnh:" introduces the tasks that follow; it is none itself.
                if len(clean) >= 10 and not clean.endswith(":"):
                    yield sentence.strip(), clean, cstart, _line_at(marks, cstart)


# --- numbers ----------------------------------------------------------------------------------

_NUMBER = r"(?<![\w./,-])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?![\d/])"
_NUM = re.compile(_NUMBER)
_RANGE = re.compile(_NUMBER + r"\s*[-–]\s*" + r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?")

# Unit words after a number, longest first; None: a count of something UNITS has no unit for.
_UNIT_WORDS: list[tuple[str, str | None]] = [
    ("%/năm", "percent_per_year"), ("% / năm", "percent_per_year"), ("%", "percent"),
    ("doanh nghiệp", "enterprise"), ("bài báo", "paper"), ("công bố", "paper"),
    ("bằng sáng chế", "patent"), ("văn bằng", "patent"), ("sáng chế", "patent"), ("giải pháp hữu ích", "patent"),
    ("phát minh", "invention"), ("công trình", "work"),
    ("người", "person"), ("tiến sĩ", "person"), ("thạc sĩ", "person"), ("chuyên gia", "person"),
    ("nhà khoa học", "person"), ("trí thức", "person"), ("cán bộ", "person"), ("sinh viên", "person"),
    ("giáo sư", "person"), ("phó giáo sư", "person"), ("bác sĩ", "person"), ("hội viên", "person"),
    ("đề tài", None), ("nhiệm vụ", None), ("sản phẩm", None), ("tỷ đồng", None), ("triệu đồng", None),
    ("tổ chức", None), ("trung tâm", None), ("cơ sở", None), ("hội", None), ("giải thưởng", None),
    ("tạp chí", None), ("phòng thí nghiệm", None), ("chương trình", None), ("dự án", None),
]
_UNIT_RE = re.compile(r"\s*(" + "|".join(re.escape(w) for w, _ in _UNIT_WORDS) + r")(?!\w)", re.I)
_UNIT_MAP = {w.lower(): u for w, u in _UNIT_WORDS}

_CMP_BEFORE = [
    (re.compile(r"(?:ít nhất|tối thiểu|không dưới|không ít hơn)\s*(?:là\s*)?$", re.I), ">="),
    (re.compile(r"(?:trên|hơn|vượt)\s*(?:mức\s*)?$", re.I), ">"),
    (re.compile(r"(?:khoảng|xấp xỉ|gần|chừng)\s*$", re.I), "~"),
    (re.compile(r"(?:không quá|không vượt quá|tối đa|không cao hơn)\s*$", re.I), "<="),
    (re.compile(r"(?:dưới|thấp hơn|ít hơn)\s*(?:mức\s*)?$", re.I), "<"),
]
_TARGET_VERB_BEFORE = re.compile(
    r"(?:đạt|có|lên|tăng|giảm|còn|là|phấn đấu|từ|thêm|mới|trung bình|bình quân|ít nhất|tối thiểu|trên|hơn|khoảng|xấp xỉ|"
    r"dưới|không quá|tối đa|hàng năm|hằng năm|mỗi năm|đến năm 20\d\d|vượt)\s*(?:mức\s*|con số\s*|là\s*)?$", re.I)
_NOT_QUANTITY_BEFORE = re.compile(r"(?:năm|tháng|quý|ngày|lần thứ|thứ|khóa|khoá|số|giai đoạn|Điều|điểm|khoản|mục|Nghị quyết|Kế hoạch)\s*$", re.I)
_PER_POPULATION = re.compile(r"(?:/|trên|trên mỗi)\s*(\d+(?:\.\d{3})*|một|1)\s*(vạn|nghìn|ngàn|triệu)?\s*dân", re.I)
_RANK_GROUP = re.compile(r"(?:nhóm|tốp|top)\s+(\d{1,3})\s+(?:tỉnh|địa phương|thành phố|đơn vị|quốc gia)", re.I)
_RANK_FIRST = re.compile(r"(?:đứng|dẫn)\s+đầu\s+(?:các|cả|khu vực|vùng|toàn)", re.I)
_RANK_AFTER_GROUP = re.compile(r"(?:đứng|dẫn)\s+đầu", re.I)
_YEAR_NEAR = re.compile(r"(?:đến|tới|trong|vào|đến hết)\s+năm\s+(20\d\d)", re.I)
_FROM_YEAR = re.compile(r"(?:từ|kể từ|bắt đầu từ)\s+năm\s+(20\d\d)", re.I)
_PER_YEAR = re.compile(r"hàng năm|hằng năm|mỗi năm|/\s*năm|một năm", re.I)
_AVERAGE = re.compile(r"trung bình|bình quân", re.I)
# A rate of increase ("tốc độ tăng … đạt 7%"), not a share of growth ("đóng góp … vào tăng trưởng").
_GROWTH = re.compile(r"(?:tốc độ tăng|tốc độ tăng trưởng|tăng trưởng bình quân|tăng bình quân)(?:(?!đóng góp|tỷ trọng|tỷ lệ|vào).)*$", re.I)


def _number_value(whole: str, frac: str | None) -> float:
    value = float(whole.replace(".", ""))
    if frac:
        value += float("0." + frac)
    return value


def _year_of(sentence: str, clause: str, section: Section) -> tuple[int, int | None]:
    """(year, from_year) for a target in ``clause``: the clause's own "đến năm …", the sentence's
    "Từ năm …", else the section's horizon, else 2030 (the resolution's horizon)."""
    from_year = _FROM_YEAR.search(sentence)
    near = _YEAR_NEAR.search(clause) or _YEAR_NEAR.search(sentence)
    if from_year:
        return int(from_year.group(1)), int(from_year.group(1))
    if near:
        return int(near.group(1)), None
    return section.horizon or 2030, None


def _comparator(before: str, after: str) -> tuple[str, float]:
    """The comparator the wording gives, and how sure the rule is."""
    if re.match(r"\s*(?:%\s*(?:/\s*năm)?\s*)?(?:\S+\s+){0,4}?trở lên", after, re.I) and not re.match(r"\s*\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+trở lên", after):
        return ">=", 0.9
    if re.match(r"\s*(?:%\s*)?(?:\S+\s+){0,3}?trở xuống", after, re.I):
        return "<=", 0.9
    tail = before[-30:]
    for pattern, cmp in _CMP_BEFORE:
        if pattern.search(tail):
            return cmp, 0.85
    if re.search(r"(?:đạt|có|lên|là)\s*(?:mức\s*)?$", tail, re.I):
        return ">=", 0.7
    return ">=", 0.5


def _name_of(clause: str, start: int) -> str:
    """A first name for the entry: the words before the number, cut at a word (the admin edits it)."""
    name = clause[:start].strip(" ,:;.-")
    name = re.sub(r"^(?:Phấn đấu|Đến năm 20\d\d|Từ năm 20\d\d)[, ]*", "", name, flags=re.I).strip(" ,")
    name = re.sub(r"\s+(?:đạt|có|lên|là|trên|dưới|khoảng|ít nhất|tối thiểu|từ|mức)+\s*$", "", name, flags=re.I)
    if len(name) < 8:
        name = clause
    if len(name) > 120:
        name = name[:120].rsplit(" ", 1)[0] + " …"
    return name[:1].upper() + name[1:]


def _quote_end(clause: str, pos: int) -> int:
    """End of the phrase holding the number at ``pos``: the next comma outside brackets, or the clause end."""
    depth = 0
    for i in range(pos, len(clause) - 1):
        ch = clause[i]
        if ch in "(“":
            depth += 1
        elif ch in ")”":
            depth = max(0, depth - 1)
        elif ch == "," and clause[i + 1] == " " and depth == 0:
            return i
    return len(clause.rstrip(". "))


def _top_commas(clause: str) -> list[int]:
    """Positions of ", " outside brackets and quotation marks."""
    out, depth = [], 0
    for i, ch in enumerate(clause[:-1]):
        if ch in "(“":
            depth += 1
        elif ch in ")”":
            depth = max(0, depth - 1)
        elif ch == "," and clause[i + 1] == " " and depth == 0:
            out.append(i)
    return out


def _quote_start(clause: str, pos: int, end: int | None = None) -> int:
    """Start of the shortest phrase that names what the number at ``pos`` counts: the previous comma,
    unless the clause opens with a lead ending in ":" (that lead names the object) or the phrase
    would be too short to say what is counted."""
    colon = clause.find(":")
    if 0 <= colon < pos:
        return 0
    end = len(clause) if end is None else end
    cuts = [c for c in _top_commas(clause) if c < pos]
    while cuts and len(clause[cuts[-1] + 2:end].split()) < 5:
        cuts.pop()
    return cuts[-1] + 2 if cuts else 0


def _numeric(sentence: str, clause: str, section: Section, line: int) -> list[Proposal]:
    found: list[Proposal] = []
    year, from_year = _year_of(sentence, clause, section)
    horizon = 2045 if (section.kind == "vision" or year >= 2045) else 2030
    used_rank_words: list[int] = []
    for m in _RANK_GROUP.finditer(clause):
        value = float(m.group(1))
        follow = _RANK_AFTER_GROUP.search(clause, m.end())
        if follow and follow.start() - m.end() < 60:
            used_rank_words.append(follow.start())
        end = _quote_end(clause, (follow.end() if follow else m.end()))
        begin = _quote_start(clause, m.start(), end)
        found.append(Proposal("numeric", _name_of(clause[begin:], m.start() - begin), clause[begin:end].strip(" ,;"), section.label, line,
                              measure="rank", value=value, comparator="<=", unit="rank", unit_text="hạng",
                              year=year, horizon=horizon, confidence=0.8))
    for m in _RANK_FIRST.finditer(clause):
        if m.start() in used_rank_words:
            continue
        end = _quote_end(clause, m.end())
        start = _quote_start(clause, m.start(), end)
        found.append(Proposal("numeric", _name_of(clause, m.start()), clause[start:end].strip(" ,;"), section.label, line,
                              measure="rank", value=1.0, comparator="<=", unit="rank", unit_text="hạng",
                              year=year, horizon=horizon, confidence=0.6))
    ranges = {m.start(): m for m in _RANGE.finditer(clause)}
    skip_until = -1
    for m in _NUM.finditer(clause):
        if m.start() < skip_until:
            continue
        before, after = clause[:m.start()], clause[m.end():]
        rng = ranges.get(m.start())
        if rng:
            skip_until = rng.end()
            after = clause[rng.end():]
        value = _number_value(m.group(1), m.group(2))
        if any(m.start() >= r.start() - 1 and m.end() <= r.end() + 1 for r in _RANK_GROUP.finditer(clause)):
            continue
        if re.match(r"\s*[-–/]\s*(?:NQ|KH|CTr|QĐ|TTg|CP|BCT|TW)", after) or _NOT_QUANTITY_BEFORE.search(before[-20:]):
            continue
        if 1900 <= value <= 2100 and not m.group(2) and not re.match(r"\s*%", after):
            continue
        if re.match(r"\s*[-–]\s*20\d\d", after) or re.search(r"20\d\d\s*[-–]\s*$", before):
            continue
        unit_m = _UNIT_RE.match(after)
        per_pop = _PER_POPULATION.search(after[:40])
        verb = _TARGET_VERB_BEFORE.search(before[-40:])
        if not unit_m and not verb:
            continue
        if not unit_m and not per_pop:
            continue   # "có 2 …" of something nameless is not a target one can measure
        unit_word = unit_m.group(1).lower() if unit_m else ""
        unit = _UNIT_MAP.get(unit_word)
        cmp, conf = _comparator(before, after[unit_m.end():] if unit_m else after)
        if rng:
            cmp, conf = ">=", 0.75     # "từ 02 - 03 tiến sĩ": at least the lower bound
        end = _quote_end(clause, (unit_m and m.end() + unit_m.end()) or m.end())
        per_year = bool(_PER_YEAR.search(clause[max(0, m.start() - 40):end]))
        average = bool(_AVERAGE.search(before[-40:]))
        if unit == "percent_per_year" or (unit == "percent" and _GROWTH.search(before[-60:])):
            measure, unit = "growth", "percent_per_year"
            average = average or bool(_AVERAGE.search(before))
        elif unit == "percent":
            measure = "ratio"
        elif per_year:
            measure = "flow"
        else:
            measure = "stock"
        population = None
        if per_pop:
            n = per_pop.group(1)
            base = 1.0 if n in ("một", "1") else _number_value(n, None)
            scale = {"vạn": 10_000, "nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000}.get((per_pop.group(2) or "").lower(), 1)
            population = int(base * scale)
            measure = "ratio" if unit == "percent" else "stock"
        sector = None
        sm = re.search(r"(?:ngành|lĩnh vực)[^()]*\(([^)]{5,200})\)", before)
        if sm and re.search(r"mỗi|một số|từng|các", before[max(0, sm.start() - 40):sm.start() + 20], re.I):
            sector = sm.group(1).strip()
        if not verb:
            conf -= 0.2
        begin = _quote_start(clause, m.start(), end)
        quote = clause[begin:end].strip(" ,;")
        found.append(Proposal("numeric", _name_of(clause[begin:], m.start() - begin), quote, section.label, line,
                              measure=measure, value=value, comparator=cmp, unit=unit, unit_text=unit_m.group(1) if unit_m else None,
                              per_population=population, year=year, from_year=from_year, horizon=horizon,
                              per_year=per_year, average=average, sector=sector, confidence=round(max(0.1, conf), 2)))
    return found


# --- directions and tasks ---------------------------------------------------------------------

_DIRECTION = re.compile(r"(?:^|\s)(tăng|nâng|giảm)\s+(?:số lượng|số|tỷ lệ|tỉ lệ|quy mô|chất lượng)\b", re.I)
_DUE_PAREN = re.compile(
    r"(?P<what>hoàn thành|thực hiện|ban hành|xây dựng|triển khai|tổ chức|trình|báo cáo)?[^()]{0,40}?"
    r"(?P<prep>trong|từ|trước|chậm nhất|xong trước|đến)\s+(?P<unit>tháng|quý|năm)\s+(?:(?P<n>[IVX]+|\d{1,2}(?!\d))\s*/\s*)?(?P<y>20\d\d)?", re.I)
_ROMAN_Q = {"I": 1, "II": 2, "III": 3, "IV": 4}
_RECURRING = re.compile(r"thường xuyên|định kỳ|hằng năm|hàng năm|hằng quý|hàng quý|mỗi năm|liên tục", re.I)
_YEARLY = re.compile(r"hằng năm|hàng năm|mỗi năm", re.I)
_OUTPUT_VERB = (r"xây dựng|ban hành|thành lập|tổ chức|rà soát|nghiên cứu|hoàn thiện|sửa đổi|bổ sung|cụ thể hóa|cụ thể hoá|"
                r"nâng cấp|hình thành|triển khai|áp dụng|khảo sát|tăng vốn|thể chế hóa|thể chế hoá|sơ kết|tổng kết|kiểm tra|"
                r"giám sát|theo dõi|đôn đốc|tuyên truyền|đề xuất|tham mưu|chỉ đạo|lãnh đạo|quán triệt|báo cáo|phát triển|"
                r"thực hiện|đẩy mạnh|hoàn thành|cử|có")
_OUTPUT_NOUN = (r"kế hoạch|chương trình|đề án|cơ sở dữ liệu|quy chế|quy định|quỹ|trung tâm|chiến lược|chính sách|cơ chế|"
                r"giải thưởng|diễn đàn|hội thảo|lớp bồi dưỡng|mạng lưới|đối thoại|gặp mặt|tôn vinh|hệ sinh thái|chi hội|"
                r"đại học|tạp chí|văn bản|nghị quyết|đào tạo|khảo sát|sơ kết|tổng kết|đề tài")
_TASK_OUTPUT = re.compile(r"(?:^|[\s,;:(])(?:" + _OUTPUT_VERB + r")\b[^.;]{0,60}?\b(?:" + _OUTPUT_NOUN + r")\b", re.I)
_ACTION = re.compile(r"(?:^|[\s,;:(])(?:" + _OUTPUT_VERB + r")\b", re.I)
_VAGUE_START = re.compile(r"^(?:Nhằm|Qua đó|Trong đó|Bên cạnh|Đồng thời,? (?:động viên|phát huy)|Góp phần|Là |Đây là|Với )", re.I)
_AGENCY = re.compile(
    r"^(?:Giao\s+)?((?:Đảng đoàn|Ban cán sự đảng|Ban Thường vụ|Ban Tuyên giáo|Ban Tổ chức|Ban Dân vận|Ban Nội chính|"
    r"Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng nhân dân|Mặt trận|Văn phòng|Sở|Các sở|Các huyện ủy|Các quận ủy|Các ban|Các cấp ủy|"
    r"Các tổ chức|Các đồng chí|Liên hiệp|Tỉnh đoàn|Thành đoàn|Huyện đoàn|Đảng ủy|Cấp ủy)[^.;:]{0,160}?)"
    r"\s+(?=chủ trì|lãnh đạo|chỉ đạo|có trách nhiệm|tổ chức(?!\s+(?:chính trị|đảng|cơ sở))|xây dựng|quán triệt|tăng cường|căn cứ|phối hợp|cụ thể hóa|thực hiện|đẩy mạnh|:|$)",
    re.I)


def _due_of(clause: str, section: Section) -> dict:
    """Deadline fields from the wording ("hoàn thành trong quý III/2024", "thực hiện thường xuyên")."""
    out: dict = {}
    paren = re.findall(r"\(([^()]{4,160})\)", clause)
    timing = [p for p in paren if re.search(r"tháng|quý|năm\s+20\d\d|thường xuyên|định kỳ|hằng năm|hàng năm", p, re.I)]
    text = timing[0] if timing else clause
    m = None
    for cand in _DUE_PAREN.finditer(text):
        if cand.group("y"):
            m = cand
            break
    if m:
        year = int(m.group("y"))
        unit, n, prep = m.group("unit").lower(), m.group("n"), m.group("prep").lower()
        if unit == "quý" and n and n.upper() in _ROMAN_Q:
            q = _ROMAN_Q[n.upper()]
            first, last = dt.date(year, 3 * q - 2, 1), dt.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1])
        elif unit == "tháng" and n and n.isdigit() and 1 <= int(n) <= 12:
            first, last = dt.date(year, int(n), 1), dt.date(year, int(n), calendar.monthrange(year, int(n))[1])
        else:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if prep == "từ":
            out.update(recurring=True, start=first.isoformat())
        else:
            out.update(due=last.isoformat())
        out["due_text"] = (timing[0] if timing else m.group(0)).strip()
    if _RECURRING.search(text if timing else clause):
        out["recurring"] = True
        out.setdefault("due_text", _RECURRING.search(text if timing else clause).group(0))
        out.pop("due", None) if not timing else None
    if section.kind in ("goals",) and "due" not in out and not out.get("recurring"):
        year = section.horizon or 2030
        out.update(due=dt.date(year, 12, 31).isoformat(), due_text=f"đến năm {year}")
    return out


# "Có cơ chế, chính sách đột phá …" states an orientation, not an output one can see delivered.
_ORIENTATION = re.compile(r"^(?:có|xây dựng|tiếp tục hoàn thiện)?\s*(?:cơ chế|chính sách)(?:,\s*(?:cơ chế|chính sách))?\s+"
                          r"(?:mang tính\s+)?(?:đột phá|ưu tiên|khuyến khích|phát huy|đào tạo)", re.I)
# Names inside agencies that read like verbs ("Ban Tổ chức", "tổ chức chính trị - xã hội").
_AGENCY_WORDS = re.compile(r"Ban Tổ chức|tổ chức chính trị\s*-\s*xã hội|tổ chức đảng|tổ chức cơ sở đảng|các tổ chức", re.I)


def _only_an_agency(clause: str) -> bool:
    """"Ban Tổ chức Tỉnh ủy", "Đảng đoàn … và các tổ chức chính trị - xã hội tỉnh": who, not what."""
    return len(clause) < 160 and not _ACTION.search(_AGENCY_WORDS.sub(" ", clause))


def _task_score(clause: str, section: Section) -> float:
    """How much ``clause`` reads as a task one can check done: an output named, a deadline, a rhythm."""
    if _VAGUE_START.search(clause) or _only_an_agency(clause):
        return 0.0
    if _ORIENTATION.search(clause) and not re.search(r"\((?:[^()]*?)(?:tháng|quý|năm)\s*[IVX\d]", clause):
        return 0.2
    score = 0.0
    if re.search(r"\((?:[^()]*?)(?:hoàn thành|thực hiện|ban hành|xây dựng)[^()]*?(?:tháng|quý|năm)\s*[IVX\d]", clause, re.I):
        score += 0.6
    if _RECURRING.search(clause):
        score += 0.4
    if _TASK_OUTPUT.search(clause[:140]):
        score += 0.4
    if section.kind == "organisation" and _ACTION.search(clause):
        score += 0.3
    if re.match(r"^(?:Thành lập|Hoàn thành|Nâng cấp|Ban hành|Xây dựng|Tổ chức|Rà soát|Có (?:cơ chế|chính sách|kế hoạch)|Nghiên cứu)\b", clause, re.I):
        score += 0.2
    return min(score, 1.0)


def _short_task_quote(clause: str) -> str:
    return clause.strip(" ,;.")


def propose_text(text: str, unit: str | None = None) -> ProposeResult:
    """Proposals for a programme's text (already read); issues when the text is not one."""
    text = unicodedata.normalize("NFC", text)
    problem = check_text(text)
    if problem:
        return ProposeResult(issues=[problem], text=text)
    proposals: list[Proposal] = []
    for section in sections_of(text):
        if section.kind in ("situation", "other"):
            continue
        agency_here = None
        if section.kind == "organisation":
            am = _AGENCY.match(normalise(section.title))
            agency_here = am.group(1).strip(" ,") if am else (normalise(section.title).rstrip(":") if len(section.title) < 90 and not _ACTION.search(section.title.split(" ", 3)[-1]) else None)
        for sentence, clause, _offset, line in _pieces(section):
            numbers = _numeric(sentence, clause, section, line) if section.kind in ("goals", "vision", "tasks") else []
            # In the tasks sections a number is a target only when the clause sets it for a year.
            if section.kind == "tasks":
                numbers = [p for p in numbers if _YEAR_NEAR.search(clause) or _FROM_YEAR.search(sentence)]
            proposals.extend(numbers)
            if numbers:
                continue
            if section.kind in ("goals", "vision"):
                dm = _DIRECTION.search(clause)
                if dm:
                    year = section.horizon or 2030
                    proposals.append(Proposal("direction", _name_of(clause, len(clause)), clause.strip(" ,;."), section.label, line,
                                              year=year, horizon=2045 if year >= 2045 else 2030,
                                              direction="decrease" if dm.group(1).lower() == "giảm" else "increase", confidence=0.6))
                    continue
                if section.kind == "vision":
                    continue
            score = _task_score(clause, section)
            threshold = 0.6 if section.kind in ("goals", "tasks") else 0.3
            if score < threshold:
                continue
            due = _due_of(clause, section)
            agency = None
            am = _AGENCY.match(clause)
            if am:
                agency = am.group(1).strip(" ,")
            elif agency_here:
                agency = agency_here
            year = int(due["due"][:4]) if due.get("due") else None
            proposals.append(Proposal("milestone", _name_of(clause, len(clause)), _short_task_quote(clause), section.label, line,
                                      year=year, due=due.get("due"), due_text=due.get("due_text"),
                                      recurring=bool(due.get("recurring")), start=due.get("start"),
                                      per_year=bool(_YEARLY.search(clause)), agency=agency,
                                      horizon=2030, confidence=round(0.4 + 0.5 * score, 2)))
    return ProposeResult(proposals=_dedupe(proposals), text=text)


def _dedupe(proposals: list[Proposal]) -> list[Proposal]:
    seen, out = set(), []
    for p in proposals:
        key = (p.kind, normalise(p.quote), p.value, p.comparator, p.year)
        if key in seen:
            continue
        seen.add(key)
        out.append(p)
    return out


def propose_file(name: str, data: bytes, unit: str | None = None) -> ProposeResult:
    """Read an uploaded programme and propose its entries; every problem comes back as an issue."""
    text, problem = read_programme(name, data)
    if problem:
        return ProposeResult(issues=[problem])
    return propose_text(text, unit)


def result_json(result: ProposeResult) -> dict:
    """The JSON the CLI prints (issue 15's shape) with the issues, if any."""
    keys = ("kind", "measure", "name", "quote", "value", "comparator", "unit", "per_population", "year", "from_year",
            "horizon", "due", "recurring", "per_year", "average", "sector", "agency", "section", "line", "confidence")
    out = {"proposals": [{k: getattr(p, k) for k in keys} | {"due_text": p.due_text, "start": p.start, "direction": p.direction}
                         for p in result.proposals]}
    if result.issues:
        out["issues"] = [{"code": i.code, "message_vi": i.message_vi, "message_en": i.message_en} for i in result.issues]
    return out


def run_cli(args) -> int:
    """`python -m tracker propose FILE [--unit SLUG] [--json]`: 0 proposals printed, 1 refused, 2 usage."""
    import json
    import sys

    path = Path(args.file)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            data = b"\0" * (MAX_BYTES + 1)   # refused by size without reading a huge file
        else:
            data = path.read_bytes()
    except FileNotFoundError:
        print(f"Không tìm thấy tệp {path} / file not found", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Không đọc được tệp {path}: {exc.strerror} / cannot read the file", file=sys.stderr)
        return 1
    result = propose_file(path.name, data, args.unit)
    if size > MAX_BYTES:
        result = ProposeResult(issues=[_issue("too_large",
                                              f"Tệp quá lớn ({size / 1024 / 1024:.0f} MB; tối đa {MAX_BYTES // 1024 // 1024} MB). "
                                              "Một chương trình thường chỉ vài trăm KB: hãy lưu lại văn bản dưới dạng .docx hoặc .txt.",
                                              f"The file is too large ({size / 1024 / 1024:.0f} MB; at most {MAX_BYTES // 1024 // 1024} MB).")])
    if args.json:
        print(json.dumps(result_json(result), ensure_ascii=False, indent=2))
        return 1 if result.issues else 0
    if result.issues:
        for issue in result.issues:
            print(f"Từ chối / refused [{issue.code}]: {issue.message_vi}\n  {issue.message_en}", file=sys.stderr)
        return 1
    kinds = {"numeric": "Chỉ tiêu số", "direction": "Định hướng", "milestone": "Nhiệm vụ"}
    for p in result.proposals:
        what = kinds[p.kind]
        if p.kind == "numeric":
            what += f" {p.comparator} {p.value:g} {p.unit_text or ''} ({p.measure}, năm {p.year}{', tầm nhìn 2045' if p.horizon == 2045 else ''})"
        elif p.kind == "milestone":
            what += f" ({p.due_text or 'không ghi thời hạn'}{', ' + p.agency if p.agency else ''})"
        print(f"[{p.section} dòng {p.line}] {what}\n    “{p.quote}”")
    print(f"\n{len(result.proposals)} đề xuất; chưa có gì được lưu — duyệt và lưu ở trang «Thêm chương trình».")
    return 0
