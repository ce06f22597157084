"""The reminder letter ("công văn đôn đốc", issue 20 item 6): a .docx laid out as Nghị định 30/2020
lays out an administrative letter, listing the units that have not submitted the open report."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm, Pt

from tracker.core.calendar import Calendar
from tracker.catalogue import load_catalogue
from tracker.forms.demo import fill_form
from tracker.ingest import read_form
from tracker.present.letter import letter_content, letter_date, letter_window
from tracker.storage import Store
from tracker.forms.workbook import build_form

TODAY = dt.date(2026, 12, 16)


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.fixture
def one_unit_in(tmp_path, cat):
    """A database where only Khánh Hòa has submitted Quý IV/2026 (a real upload, on 16/12/2026)."""
    db = tmp_path / "letter.duckdb"
    ind = next(i for i in cat.indicators_for("khanh-hoa") if i.kind == "stock" and not i.sectors)
    content = fill_form(build_form(cat, "khanh-hoa", "2026-Q4", window=Calendar().window(letter_window(Calendar(), TODAY).period)),
                        {(ind.id, ""): 10})
    parsed = read_form(content, "nq45_khanh-hoa_2026-Q4.xlsx", cat, today=TODAY, calendar=Calendar())
    assert parsed.ok, parsed.report.render()
    with Store(db) as store:
        store.commit(parsed, content, user="canbo.kh", now=dt.datetime(2026, 12, 16, 2, 0))
    return db


def test_the_letter_chases_the_open_window_and_lists_who_is_late(one_unit_in, cat):
    assert letter_window(Calendar(), TODAY).period.code == "2026-Q4"
    assert letter_window(Calendar(), dt.date(2027, 3, 1)).period.code == "2026-Q4"   # nothing open: the one just closed
    with Store(one_unit_in) as store:
        content = letter_content(cat, store, Calendar(), TODAY)
    late = {u.unit for u in content.late if u.missing.startswith("Chưa nộp")}
    assert "khanh-hoa" not in late and "lam-dong" in late and content.submitted == 1
    # Khánh Hòa sent one figure: listed only for the lead agencies whose targets it left empty, if any
    assert all(u.missing.startswith("Đã nộp, còn thiếu số liệu của: ") for u in content.late if u.unit == "khanh-hoa")
    row = next(u for u in content.late if u.unit == "lam-dong")
    assert row.name == "Lâm Đồng" and row.missing.startswith("Chưa nộp báo cáo số liệu Quý IV/2026") and row.deadline == "18/12/2026"
    after = letter_content(cat, Store(one_unit_in), Calendar(), dt.date(2026, 12, 21))
    assert "đã quá hạn" in next(u for u in after.late if u.unit == "lam-dong").deadline
    assert content.subject == "V/v đôn đốc nộp báo cáo số liệu Quý IV/2026"
    assert letter_date(TODAY, "Lâm Đồng") == "Lâm Đồng, ngày 16 tháng 12 năm 2026"
    assert letter_date(dt.date(2027, 2, 5), "Lâm Đồng") == "Lâm Đồng, ngày 05 tháng 02 năm 2027"


def test_the_cli_writes_a_letter_in_the_decree_30_layout(one_unit_in, cat, tmp_path, monkeypatch, capsys):
    from tracker.cli import main

    settings = tmp_path / "settings.toml"
    settings.write_text('letter_authority = "UBND tỉnh Lâm Đồng"\nletter_issuer = "Sở Khoa học và Công nghệ"\n'
                        'letter_symbol = "SKHCN-KHTC"\nletter_place = "Lâm Đồng"\nletter_signer_title = "Giám đốc"\n'
                        'letter_signer = "Nguyễn Văn A"\ncontact = "Phòng KH-TC, 0263 3822 xxx"\n', encoding="utf-8")
    monkeypatch.setenv("TRACKER_DB", str(one_unit_in))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("TRACKER_SETTINGS", str(settings))
    out = tmp_path / "cong-van.docx"
    assert main(["remind", "--letter", str(out), "--today", "2026-12-16"]) == 0
    assert "Quý IV/2026" in capsys.readouterr().out

    doc = Document(str(out))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size == Pt(14)

    paragraphs = list(doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += cell.paragraphs
    runs = [r for p in paragraphs for r in p.runs if r.text.strip()]
    assert runs and all(r.font.name == "Times New Roman" for r in runs)
    body = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    assert body and all(r.font.size == Pt(14) for r in body)   # the text of the letter is 14 pt
    text = "\n".join(p.text for p in paragraphs)
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND TỈNH LÂM ĐỒNG",
                  "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số:       /SKHCN-KHTC", "Lâm Đồng, ngày 16 tháng 12 năm 2026",
                  "V/v đôn đốc nộp báo cáo số liệu Quý IV/2026", "Nơi nhận:", "GIÁM ĐỐC", "Nguyễn Văn A",
                  "hạn nộp ngày 18/12/2026", "1/", "Phòng KH-TC, 0263 3822 xxx"):
        assert words in text, words
    late = doc.tables[1]
    missing = {row.cells[1].text: row.cells[2].text for row in late.rows[1:]}
    assert missing["Lâm Đồng"].startswith("Chưa nộp báo cáo số liệu Quý IV/2026")
    assert not missing.get("Khánh Hòa", "Đã nộp").startswith("Chưa nộp")
    assert all(row.cells[3].text == "18/12/2026" for row in late.rows[1:])
    # the header block: the issuing body on the left, the national motto on the right
    head = doc.tables[0].rows[0].cells
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in head[0].text and "CỘNG HÒA" in head[1].text


def _has_writer() -> bool:
    """LibreOffice with its Writer part: an installation with Impress only cannot open a .docx."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return False
    program = Path(soffice).resolve().parent
    return any((program / name).exists() for name in ("libswlo.so", "swriter", "swriter.exe"))


@pytest.mark.skipif(not _has_writer(), reason="LibreOffice Writer is not installed (apt-get install libreoffice-writer)")
def test_libreoffice_renders_the_letter(one_unit_in, cat, tmp_path):
    from tracker.present.letter import reminder_letter
    from tracker.core.settings import Settings

    with Store(one_unit_in) as store:
        content = letter_content(cat, store, Calendar(), TODAY)
    path = tmp_path / "letter.docx"
    path.write_bytes(reminder_letter(content, Settings()))
    profile = tmp_path / "lo-profile"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(path)], capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "letter.pdf"
    assert pdf.exists() and pdf.stat().st_size > 5000, done.stdout + done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout \
        if shutil.which("pdftotext") else ""
    if text:   # lines may wrap where Times New Roman is missing (DejaVu Serif is wider): words, not lines
        words = " ".join(text.split())
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words and "Lâm Đồng" in words and "Nơi nhận:" in words


def test_admins_download_the_letter_on_the_upload_page(one_unit_in, tmp_path, monkeypatch):
    from tests.support.pages import run as open_page
    from tracker.accounts.users import User

    monkeypatch.setenv("TRACKER_DB", str(one_unit_in))
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    monkeypatch.setenv("TRACKER_TODAY", TODAY.isoformat())
    admin = open_page("views/upload.py", User("quantri", "admin", (), ""))
    buttons = [b for b in admin.get("download_button") if "công văn đôn đốc" in b.proto.label]
    assert len(buttons) == 1 and "Quý IV/2026" in buttons[0].proto.label and "đơn vị chưa nộp" in buttons[0].proto.label
    clerk = open_page("views/upload.py", User("canbo.kh", "uploader", ("khanh-hoa",), ""))
    assert not [b for b in clerk.get("download_button") if "công văn" in b.proto.label]
