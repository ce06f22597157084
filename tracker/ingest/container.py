"""Container safety: what the bytes are, before any spreadsheet parser sees them.

Size (``too_large``), empty, zip or OLE or neither (``not_workbook``), a zip's central directory
(``corrupt_file``; ``zip_bomb`` judged by the compression ratio and a generous absolute cap, so that a genuine
400.000-row bulk file, about 110 MB of XML packed ten to one, is read while a bomb packed a thousand to one is
not), macros (vbaProject.bin, a macro content type, an .xlsm name, ODF Basic scripts) and encryption (an OLE
file holding an EncryptedPackage stream, i.e. a password-protected .xlsx).
"""

from __future__ import annotations

import io
import zipfile

from tracker.core.i18n import fmt_number
from tracker.ingest.issues import CappedIssues

# A zip whose contents are this many times larger than the zip itself is a bomb, above a small size;
# real workbooks pack 5 to 20 to one.
SUSPICIOUS_RATIO = 100
SUSPICIOUS_RATIO_MIN_BYTES = 20_000_000
# Whatever the ratio, nothing unpacks beyond this (memory of a 2-core, 24 GB server with several readers).
MAX_UNCOMPRESSED = 1_000_000_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_VBA_STREAMS = ("_VBA_PROJECT".encode("utf-16-le"), "VBA".encode("utf-16-le") + b"\x00\x00")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def check_container(content: bytes, file_name: str, issues: CappedIssues, max_bytes: int,
                    max_uncompressed: int = MAX_UNCOMPRESSED) -> str | None:
    """'xlsx', 'ods' or 'xls' when the bytes may be handed to the spreadsheet reader; None after an error."""
    size = len(content)
    if size == 0:
        issues.error("empty_file", "Tệp rỗng (0 byte). Hãy lưu lại biểu mẫu trong Excel rồi nộp lại.",
                     "The file is empty (0 bytes). Save the form again in Excel and upload it again.")
        return None
    if size > max_bytes:
        issues.error("too_large", f"Tệp quá lớn ({fmt_number(size / 1e6, decimals=1)} MB, tối đa {fmt_number(max_bytes / 1e6, decimals=1)} MB). "
                     "Hãy dùng đúng biểu mẫu đã tải về, xóa ảnh hoặc trang tính thừa rồi nộp lại.",
                     f"The file is too large ({size / 1e6:.1f} MB, limit {max_bytes / 1e6:.1f} MB). Use the downloaded form, "
                     "remove pictures or extra sheets and upload again.")
        return None
    lower = file_name.lower()
    if content[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            issues.error("corrupt_file", "Tệp bị hỏng hoặc tải lên chưa hết (không đọc được cấu trúc tệp Excel). "
                         "Hãy mở tệp trong Excel, lưu lại dưới dạng .xlsx rồi nộp lại.",
                         "The file is damaged or was cut short. Open it in Excel, save it as .xlsx and upload it again.")
            return None
        declared = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        ratio = declared / max(packed, 1)
        if declared > max_uncompressed or (declared > SUSPICIOUS_RATIO_MIN_BYTES and ratio > SUSPICIOUS_RATIO):
            issues.error("zip_bomb", f"Tệp giải nén ra quá lớn ({fmt_number(declared / 1e6, decimals=0)} MB, nén "
                         f"{fmt_number(ratio, decimals=0)} lần; tối đa {fmt_number(max_uncompressed / 1e6, decimals=0)} MB và "
                         f"{SUSPICIOUS_RATIO} lần) nên không được mở. Hãy dùng đúng biểu mẫu đã tải về.",
                         f"The file unpacks to {declared / 1e6:.0f} MB, packed {ratio:.0f} to one (limits "
                         f"{max_uncompressed / 1e6:.0f} MB and {SUSPICIOUS_RATIO} to one), and is not opened. Use the downloaded form.")
            return None
        names = {i.filename for i in infos}
        content_types = b""
        if "[Content_Types].xml" in names:
            content_types = zipfile.ZipFile(io.BytesIO(content)).read("[Content_Types].xml")
        if (any(n.lower().endswith("vbaproject.bin") or n.startswith(("Basic/", "Scripts/")) for n in names)
                or b"macroEnabled" in content_types or lower.endswith((".xlsm", ".xltm"))):
            issues.error("macro_enabled", "Tệp có macro (.xlsm) không được nhận vì lý do an toàn. Hãy chọn File → Save As → "
                         "“Excel Workbook (*.xlsx)” rồi nộp tệp .xlsx.",
                         "Macro-enabled files are refused for safety. Use File → Save As → “Excel Workbook (*.xlsx)” "
                         "and upload the .xlsx.")
            return None
        is_xlsx = any(n in names for n in ("xl/workbook.xml", "xl/workbook.bin"))
        is_ods = "mimetype" in names and zipfile.ZipFile(io.BytesIO(content)).read("mimetype").strip() == _ODS_MIME
        if not (is_xlsx or is_ods):
            issues.error("not_workbook", "Tệp nén này không phải bảng tính Excel (.xlsx) hay LibreOffice (.ods). "
                         "Hãy nộp biểu mẫu Excel đã tải về.",
                         "This zip file is not an Excel (.xlsx) or LibreOffice (.ods) workbook. Upload the downloaded Excel form.")
            return None
        if is_ods and "META-INF/manifest.xml" in names and \
                b"encryption-data" in zipfile.ZipFile(io.BytesIO(content)).read("META-INF/manifest.xml"):
            _encrypted(issues, ods=True)
            return None
        if "xl/workbook.bin" in names:
            return "xlsb"
        return "xlsx" if is_xlsx else "ods"
    if content[:8] == _OLE_MAGIC:
        if _ENCRYPTED_STREAM in content:
            _encrypted(issues)
            return None
        if any(stream in content for stream in _VBA_STREAMS):
            issues.error("macro_enabled", "Tệp Excel cũ (.xls) này có macro nên không được nhận. Hãy lưu lại dưới dạng "
                         "“Excel Workbook (*.xlsx)” rồi nộp.",
                         "This old Excel (.xls) file contains macros and is refused. Save it as “Excel Workbook (*.xlsx)” and upload that.")
            return None
        return "xls"
    issues.error("not_workbook", "Tệp không phải bảng tính Excel (có thể là tệp văn bản, PDF hoặc ảnh đổi tên thành .xlsx). "
                 "Hãy nộp biểu mẫu Excel (.xlsx) đã tải về và điền.",
                 "The file is not a spreadsheet (perhaps text, PDF or an image renamed to .xlsx). Upload the filled Excel (.xlsx) form.")
    return None


def _encrypted(issues: CappedIssues, ods: bool = False) -> None:
    """A password-protected workbook: an OLE EncryptedPackage (.xlsx) or an ODF manifest with encryption data."""
    how_vi = ("Tệp → Lưu thành, bỏ chọn “Lưu với mật khẩu”" if ods else
              "File → Info → Protect Workbook → Encrypt with Password, xóa mật khẩu")
    how_en = ("File → Save As, untick “Save with password”" if ods else
              "File → Info → Protect Workbook → Encrypt with Password, clear it")
    issues.error("encrypted", f"Tệp có mật khẩu (đã được mã hóa) nên không đọc được. Hãy mở tệp, bỏ mật khẩu ({how_vi}), "
                 "lưu lại rồi nộp.",
                 f"The file has a password (it is encrypted) and cannot be read. Open it, remove the password ({how_en}), "
                 "save and upload again.")
