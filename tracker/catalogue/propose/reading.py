"""An uploaded programme's bytes → its text (NFC), or why not."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

from tracker.catalogue.propose.model import ProposeIssue, _issue

# The server's upload limit (settings upload_max_mb, 10 MB by default) is the page's too; a programme is a
# few hundred KB. What a file unpacks to is capped separately (a small .docx can hold 100 MB of text).
MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024      # all parts of a .docx together, as declared by the zip
MAX_RATIO = 100                      # unpacked / packed above MIN_RATIO_BYTES, as for spreadsheets
MIN_RATIO_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000           # about 600 pages of text; the five seeds are 20 000 to 60 000
MAX_PDF_PAGES = 300
TEXT_SUFFIXES = (".txt", ".docx", ".pdf", ".doc")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}".replace(".", ",")


def too_large(size: int) -> ProposeIssue:
    return _issue("too_large",
                  f"Tệp quá lớn ({_mb(size)} MB; tối đa {_mb(MAX_BYTES)} MB). Một chương trình thường chỉ vài trăm KB: "
                  "hãy lưu lại văn bản dưới dạng .docx hoặc .txt.",
                  f"The file is too large ({_mb(size)} MB; at most {_mb(MAX_BYTES)} MB). Save the programme as .docx or .txt.")


def _too_long(chars: int) -> ProposeIssue:
    return _issue("text_too_long",
                  f"Văn bản đọc ra quá dài ({chars:,} ký tự; tối đa {MAX_TEXT_CHARS:,}): đây không phải một chương trình, "
                  "kế hoạch. Hãy tải lên riêng văn bản chương trình.".replace(",", "."),
                  f"The text read is too long ({chars:,} characters; at most {MAX_TEXT_CHARS:,}); upload the programme alone.")


def read_programme(name: str, data: bytes) -> tuple[str, ProposeIssue | None]:
    """The text of an uploaded programme (NFC), or why it cannot be read."""
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_BYTES:
        return "", too_large(len(data))
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
    if len(text) > MAX_TEXT_CHARS:
        return "", _too_long(len(text))
    return unicodedata.normalize("NFC", text), None


def _decode_text(data: bytes) -> tuple[str, ProposeIssue | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), None
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


_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)


def _docx_container(data: bytes) -> ProposeIssue | None:
    """Refuse a .docx that unpacks too large (by the zip's own sizes, before anything is read) or whose
    XML declares entities (a "billion laughs" file expands a few KB into gigabytes; Word never writes one)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > MAX_UNPACKED or (declared > MIN_RATIO_BYTES and declared / max(len(data), 1) > MAX_RATIO):
                return _issue("docx_bomb",
                              f"Tệp .docx giải nén ra quá lớn ({_mb(declared)} MB từ {_mb(len(data)) if len(data) >= 1024 * 1024 else '< 1'} MB; "
                              f"tối đa {_mb(MAX_UNPACKED)} MB và {MAX_RATIO} lần): không mở tệp này. Hãy lưu lại văn bản từ Word.",
                              f"The .docx unpacks to {_mb(declared)} MB (limits {_mb(MAX_UNPACKED)} MB and {MAX_RATIO} to one) "
                              "and is not opened. Save the document again from Word.")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with zf.open(info) as part:
                        if _DTD.search(part.read(4096)):
                            return _issue("docx_entities",
                                          f"Tệp .docx có khai báo thực thể XML (<!ENTITY>) trong phần {info.filename}: Word không "
                                          "bao giờ tạo ra như vậy, tệp có thể đã bị sửa để làm treo máy chủ. Hãy lưu lại văn bản từ Word.",
                                          f"The .docx declares XML entities in {info.filename}, which Word never writes (a "
                                          "'billion laughs' file); it is not opened. Save the document again from Word.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        return _issue("bad_docx", f"Tệp .docx bị hỏng hoặc không phải tệp Word ({exc}).",
                      f"The .docx file is damaged or not a Word file ({exc}).")
    return None


def table_line(cells: list[str]) -> str:
    """One table row as one line of text, cells joined by " | " (the section reader knows this form)."""
    return " | ".join(" ".join((c or "").split()) for c in cells)


def _read_docx(data: bytes) -> tuple[str, ProposeIssue | None]:
    import io
    import zipfile

    try:
        import docx
        from docx.table import Table
        from lxml.etree import XMLSyntaxError
    except ImportError:
        return "", _issue("docx_missing", "Chưa cài python-docx nên không đọc được tệp .docx.", "python-docx is not installed.")
    problem = _docx_container(data)
    if problem:
        return "", problem
    try:
        document = docx.Document(io.BytesIO(data))
        # Paragraphs and tables in the order they stand in the document, so a table's rows sit under
        # the heading that introduces them.
        lines: list[str] = []
        size = 0
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                new = [table_line([cell.text for cell in row.cells]) for row in block.rows]
            else:
                new = [block.text]
            lines.extend(new)
            size += sum(len(x) for x in new)
            if size > MAX_TEXT_CHARS:
                return "", _too_long(size)
    except XMLSyntaxError as exc:
        return "", _issue("bad_docx", f"Tệp .docx có phần XML hỏng, không đọc được ({exc.msg if hasattr(exc, 'msg') else exc}). "
                          "Hãy mở bằng Word và lưu lại.", f"The .docx has damaged XML ({exc}). Open it in Word and save it again.")
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        return "", _issue("bad_docx", f"Tệp .docx bị hỏng hoặc không phải tệp Word ({exc}).",
                          f"The .docx file is damaged or not a Word file ({exc}).")
    return "\n".join(lines), None


def _page_count(pdf) -> int | None:
    """The page count the PDF declares, read from its page tree without parsing the pages."""
    try:
        from pdfminer.pdftypes import resolve1

        return int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
    except Exception:  # a damaged page tree: let page reading report it
        return None


def _page_text(page) -> list[str]:
    """A page's text with its ruled tables as " | " rows, each table in its place between the text
    above and below it (pdfplumber finds the tables; the text inside them is not read twice)."""
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    if not tables:
        return [page.extract_text() or ""]
    out, top = [], page.bbox[1]
    for table in tables:
        x0, t0, x1, t1 = table.bbox
        if t0 > top:
            out.append(page.crop((page.bbox[0], top, page.bbox[2], t0)).extract_text() or "")
        out.extend(table_line(row) for row in table.extract() if any(row))
        top = max(top, t1)
    if top < page.bbox[3]:
        out.append(page.crop((page.bbox[0], top, page.bbox[2], page.bbox[3])).extract_text() or "")
    return out


def _read_pdf(data: bytes) -> tuple[str, ProposeIssue | None]:
    import io

    try:
        import pdfplumber
    except ImportError:
        return "", _issue("pdf_missing", "Chưa cài pdfplumber nên không đọc được tệp .pdf.", "pdfplumber is not installed.")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            count = _page_count(pdf)
            if count is not None and count > MAX_PDF_PAGES:
                return "", _issue("pdf_too_many_pages",
                                  f"Tệp PDF có {count:,} trang (tối đa {MAX_PDF_PAGES}): đây không phải một chương trình, kế hoạch. "
                                  "Hãy tải lên riêng văn bản chương trình.".replace(",", "."),
                                  f"The PDF has {count:,} pages (at most {MAX_PDF_PAGES}); upload the programme alone.")
            lines: list[str] = []
            size = 0
            for n, page in enumerate(pdf.pages):
                if n >= MAX_PDF_PAGES:
                    break
                new = _page_text(page)
                lines.extend(new)
                size += sum(len(x) for x in new)
                if size > MAX_TEXT_CHARS:
                    return "", _too_long(size)
    except Exception as exc:  # pdfminer raises many types for a broken file; all mean "cannot read"
        return "", _issue("bad_pdf", f"Không đọc được tệp PDF ({type(exc).__name__}).", f"Cannot read the PDF ({type(exc).__name__}).")
    text = "\n".join(lines)
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

