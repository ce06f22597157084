"""Builds the two table-of-targets documents of the corpus (a .docx with a real table, a PDF with a
drawn table) from the rows below, so the binary files in git can be checked against their source.

    .venv/bin/python bench/corpus/build_tables.py
"""

from pathlib import Path

HERE = Path(__file__).parent

DOCX_INTRO = [
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
    "KẾ HOẠCH",
    "Thực hiện Nghị quyết số 45 của Ban Chấp hành Trung ương về đội ngũ trí thức, UBND tỉnh đề ra các chỉ tiêu tại bảng dưới đây.",
    "Bảng 1. Chỉ tiêu phát triển đội ngũ trí thức của tỉnh",
]
DOCX_ROWS = [
    ["STT", "Chỉ tiêu", "Đơn vị tính", "Năm 2025", "Năm 2030"],
    ["1", "Số tiến sĩ làm việc tại tỉnh", "người", "150", "300"],
    ["2", "Tỷ lệ lao động qua đào tạo có bằng cấp, chứng chỉ", "%", "32", "40"],
    ["3", "Số bài báo khoa học công bố quốc tế", "bài báo", "10", "25"],
    ["4", "Nhân lực nghiên cứu và phát triển", "người/1 vạn dân", "8", "11"],
]
DOCX_OUTRO = [
    "Giao Sở Nội vụ chủ trì xây dựng cơ sở dữ liệu về đội ngũ trí thức của tỉnh, hoàn thành trong quý IV/2025.",
    "Các sở, ngành định kỳ hằng năm báo cáo kết quả thực hiện về Sở Nội vụ để tổng hợp.",
]

PDF_INTRO = [
    "TỈNH ỦY CÀ MAU",
    "PHỤ LỤC",
    "Chỉ tiêu thực hiện Nghị quyết 45-NQ/TW về tiếp tục xây dựng và phát huy vai trò của đội ngũ trí thức",
]
PDF_ROWS = [
    ["TT", "Chỉ tiêu", "Đơn vị", "Đến năm 2030"],
    ["1", "Số trí thức có học hàm giáo sư, phó giáo sư", "người", "25"],
    ["2", "Tỷ lệ trí thức là người dân tộc thiểu số", "%", "12"],
    ["3", "Số đề tài khoa học cấp tỉnh được nghiệm thu", "đề tài", "60"],
    ["4", "Số chuyên gia, nhà khoa học được thu hút về tỉnh", "lượt", "150"],
]
PDF_OUTRO = [
    "Ban Tuyên giáo Tỉnh ủy hướng dẫn, kiểm tra việc thực hiện; tổ chức sơ kết 3 năm vào năm 2027.",
]


def build_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    for line in DOCX_INTRO:
        document.add_paragraph(line)
    table = document.add_table(rows=len(DOCX_ROWS), cols=len(DOCX_ROWS[0]))
    for r, row in enumerate(DOCX_ROWS):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for line in DOCX_OUTRO:
        document.add_paragraph(line)
    document.save(str(path))


def build_pdf(path: Path) -> None:
    """Chromium prints an HTML table to PDF (a text layer, ruled cells), as Word's "Save as PDF" does."""
    import html
    import subprocess
    import tempfile

    cells = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in PDF_ROWS)
    body = "".join(f"<p>{html.escape(line)}</p>" for line in PDF_INTRO)
    body += f"<table>{cells}</table>" + "".join(f"<p>{html.escape(line)}</p>" for line in PDF_OUTRO)
    page = ("<html><head><meta charset='utf-8'><style>body{font-family:'DejaVu Sans';font-size:11pt}"
            "td{border:1px solid #000;padding:3px 6px}table{border-collapse:collapse}</style></head>"
            f"<body>{body}</body></html>")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "table.html"
        source.write_text(page, encoding="utf-8")
        subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={tmp}/profile", f"--print-to-pdf={path}", source.as_uri()],
                       check=True, capture_output=True, timeout=120)


if __name__ == "__main__":
    build_docx(HERE / "unseen" / "dev" / "table_quangtri.docx")
    build_pdf(HERE / "unseen" / "heldout" / "table_camau.pdf")
