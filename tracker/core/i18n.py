"""Vietnamese first, English by switch: every interface string, and numbers the Vietnamese way.

Strings live in one table so a missing translation is a test failure, not a surprise on screen.
"""

from __future__ import annotations

import datetime as dt
import math

from babel.numbers import format_decimal

from tracker.core.measures import measure

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"

STRINGS: dict[str, tuple[str, str]] = {
    # app
    "app.title": ("Theo dõi thực hiện Nghị quyết 45-NQ/TW", "Resolution 45-NQ/TW progress tracker"),
    "app.short": ("NQ45 Tracker", "NQ45 Tracker"),
    "app.language": ("Ngôn ngữ", "Language"),
    "app.demo_banner": (
        "Dữ liệu minh họa — không phải số liệu thật. Tải biểu mẫu đầu tiên lên để thay thế.",
        "Demo data — not real figures. Upload the first form to replace it.",
    ),
    "app.demo_tag": ("Dữ liệu minh họa", "Demo data"),
    "app.source": ("Nguồn", "Source"),
    "app.updated": ("Cập nhật", "Updated"),
    "app.empty": (
        "Chưa có số liệu nào. Vào trang “Nhập số liệu” để tải biểu mẫu Excel của quý, điền và nộp lần đầu.",
        "No data yet. Go to “Upload data” to download the quarter's Excel form, fill it in and upload it.",
    ),
    "app.empty_sign_in": ("Cán bộ nhập số liệu: đăng nhập ở thanh bên để thấy trang “Nhập số liệu”.",
                          "Data staff: sign in in the sidebar to see the “Upload data” page."),
    "app.download_csv": ("⬇ Tải CSV", "⬇ CSV"),
    "app.download_xlsx": ("⬇ Tải Excel", "⬇ Excel"),
    "app.presentation": ("Chế độ trình chiếu", "Presentation mode"),
    # overview
    "ov.intro": ("Tình hình thực hiện các chỉ tiêu đến năm 2030 của từng địa phương, tính đến {period}.",
                 "Progress of each unit towards its 2030 targets, as of {period}."),
    "ov.matrix_title": ("Tình trạng các chỉ tiêu định lượng theo địa phương", "Status of numeric targets by unit"),
    "ov.matrix_limited": ("Hiện {n} địa phương có nhiều chỉ tiêu chậm nhất; {left} địa phương khác có trong bảng chi tiết.",
                          "Showing the {n} units with most targets behind; {left} more are in the details table."),
    "ov.late_title": ("Địa phương chưa báo cáo kỳ đến hạn", "Units that have not reported the period due"),
    "ov.late_none": ("Tất cả địa phương đã báo cáo kỳ đến hạn ({period}).", "Every unit has reported the period due ({period})."),
    "ov.late_row": ("{unit}: chưa nộp số liệu {period}", "{unit}: {period} not reported"),
    "ov.table": ("Hiện bảng chi tiết", "Show the details table"),
    "ov.good": ("Đã đạt / đúng tiến độ", "Achieved / on track"),
    "ov.behind": ("Chậm / cần tăng tốc", "Behind / needs acceleration"),
    "ov.unknown": ("Chưa đủ số liệu", "Not enough data"),
    "ov.overdue": ("Nhiệm vụ quá hạn", "Overdue tasks"),
    "ov.done": ("Nhiệm vụ hoàn thành", "Tasks done"),
    "ov.moving_away": ("Đi ngược mục tiêu", "Moving away"),
    "ov.slow": ("Chậm / cần tăng tốc", "Off track / needs acceleration"),
    "ov.direction": ("Chỉ tiêu định hướng", "Direction-only goals"),
    "ov.direction_help": ("Mục tiêu chỉ nêu hướng (tăng/giảm), không có con số: không tính vào các ô trên. "
                          "↗ Đúng hướng: {right} · ↘ ngược hướng: {wrong} · trên {n} mục tiêu.",
                          "Goals with a direction (increase/decrease) and no number: not counted above. "
                          "↗ Right way: {right} · ↘ wrong way: {wrong} · of {n} goals."),
    "ov.tile_of": ("trên {n} chỉ tiêu định lượng", "of {n} numeric targets"),
    "ov.as_of": ("Tính đến", "As of"),
    "ov.attention": ("Chỉ tiêu cần chú ý", "Targets that need attention"),
    "ov.attention_intro": ("Đi ngược mục tiêu, chậm tiến độ hoặc cần tăng tốc — nặng nhất trước. Bấm tên chỉ tiêu để xem biểu đồ.",
                           "Moving away, off track or needing acceleration — worst first. Click a target to see its chart."),
    "ov.attention_none": ("Không có chỉ tiêu nào đi ngược, chậm hoặc cần tăng tốc.", "No target is moving away, off track or needing acceleration."),
    "ov.more": ("Xem thêm {n} chỉ tiêu", "Show {n} more"),
    "ov.more_in_table": ("Còn {n} chỉ tiêu khác trong bảng chi tiết và tệp tải về.",
                         "{n} more targets are in the details table and the downloads."),
    "ov.col.latest": ("Mới nhất", "Latest"),
    "ov.col.target": ("Mục tiêu", "Target"),
    "ov.col.gap": ("Còn thiếu", "Gap"),
    "ov.col.rate": ("Tốc độ/năm", "Yearly pace"),
    "ov.changes": ("Thay đổi so với {period}", "Change since {period}"),
    "ov.improved": ("Tốt lên", "Improved"),
    "ov.worsened": ("Xấu đi", "Worsened"),
    "ov.no_change": ("Không chỉ tiêu nào đổi tình trạng so với {period}.", "No target changed status since {period}."),
    "ov.no_previous": ("Chưa có quý trước để so sánh.", "No previous quarter to compare with."),
    "ov.cards": ("Theo địa phương", "By unit"),
    "ov.card_good": ("{good}/{n} chỉ tiêu đạt hoặc đúng tiến độ", "{good} of {n} targets achieved or on track"),
    "ov.card_latest": ("Số liệu mới nhất: {period}", "Latest data: {period}"),
    "ov.matrix_legend": ("Chú giải", "Legend"),
    "ov.matrix_help": ("Hàng xếp theo tình trạng xấu nhất; bấm một ô để mở biểu đồ của địa phương đó.",
                       "Rows sorted by their worst status; click a cell to open that unit's chart."),
    "app.download_png": ("Tải ảnh PNG (1600×900)", "PNG image (1600×900)"),
    "unit.unknown": ("Không có địa phương mã “{unit}”. Hãy chọn một địa phương trong danh sách.",
                     "There is no unit “{unit}”. Choose one from the list."),
    "unit.direction": ("Chỉ tiêu định hướng", "Direction-only goals"),
    "auth.upload_sign_in": ("Trang Nhập số liệu dành cho cán bộ được giao: hãy đăng nhập ở thanh bên trái.",
                            "The upload page is for assigned staff: sign in in the sidebar on the left."),
    "ms.reported": ("Báo cáo", "Reported"),
    # unit page
    "unit.choose": ("Chọn địa phương", "Choose a unit"),
    "unit.targets": ("Chỉ tiêu định lượng", "Numeric targets"),
    "unit.tasks": ("Nhiệm vụ & mốc thời gian", "Tasks and milestones"),
    "unit.no_targets": ("Đơn vị này không có chỉ tiêu định lượng.", "This unit has no numeric targets."),
    "unit.no_tasks": ("Đơn vị này không có nhiệm vụ có mốc thời gian.", "This unit has no milestones."),
    "unit.inherited": ("Chỉ tiêu kế thừa từ {name}", "Targets inherited from {name}"),
    "unit.deck": ("Tải bản trình chiếu (PowerPoint)", "Download briefing deck (PowerPoint)"),
    "unit.png": ("Tải ảnh PNG", "Download PNG"),
    "unit.briefing": ("Tài liệu báo cáo: PowerPoint và ảnh biểu đồ", "Briefing material: PowerPoint and chart images"),
    "unit.make_deck": ("Tạo bản trình chiếu", "Make the deck"),
    "unit.making_deck": ("Đang tạo bản trình chiếu…", "Making the deck…"),
    "unit.make_pngs": ("Tạo ảnh PNG các biểu đồ", "Make PNGs of the charts"),
    "unit.making_pngs": ("Đang xuất ảnh…", "Exporting images…"),
    "unit.png_browser": ("Vẫn có thể lưu từng biểu đồ bằng nút máy ảnh ở góc trên bên phải biểu đồ.",
                         "Each chart can still be saved with the camera button at its top right."),
    "app.presentation_exit": ("Thoát chế độ trình chiếu", "Leave presentation mode"),
    # --- the progress picture, presentation, the PDF brief (issue 23, items 2-5)
    "pic.title": ("Tiến độ các chỉ tiêu định lượng", "Progress of the numeric targets"),
    "pic.choose": ("Địa phương", "Unit"),
    "pic.worst": ("Cần chú ý nhất", "Most in need of attention"),
    "pic.worst_none": ("Không có chỉ tiêu nào đi ngược, chậm hoặc cần tăng tốc.", "No target is behind."),
    "pic.open_unit": ("Mở trang {unit}", "Open the {unit} page"),
    "pic.no_bars": ("Chưa có chỉ tiêu nào đủ số liệu để vẽ tiến độ.", "No target has the figures to draw its progress yet."),
    "present.prev": ("Biểu đồ trước", "Previous chart"),
    "present.next": ("Biểu đồ sau", "Next chart"),
    "present.position": ("Biểu đồ {k}/{n}", "Chart {k} of {n}"),
    "present.keys": ("Phím ← → để chuyển biểu đồ.", "Keys ← → step through the charts."),
    "present.demo": ("DỮ LIỆU MINH HỌA", "DEMO DATA"),
    "brief.make": ("Tạo bản PDF", "Make the PDF"),
    "brief.making": ("Đang tạo bản PDF…", "Making the PDF…"),
    "brief.download": ("Tải PDF", "Download PDF"),
    "brief.failed": ("Không tạo được bản PDF: {why}", "The PDF could not be made: {why}"),
    # upload
    "up.sign_in_to_confirm": ("Phiên làm việc đã hết hạn. Tệp đã kiểm tra vẫn được giữ: hãy đăng nhập lại ở thanh bên rồi bấm Xác nhận.",
                             "Your session has ended. The checked file is kept: sign in again in the sidebar, then confirm."),
    "up.override_reason": ("Lý do ghi vào kỳ đã khóa (bắt buộc, được lưu cùng lần nộp)",
                           "Why you write into a locked period (required, kept with the submission)"),
    "up.not_allowed": ("Trang này chỉ dành cho cán bộ nhập số liệu và quản trị viên. Hãy đăng nhập ở thanh bên.",
                       "This page is for data staff and admins only. Sign in in the sidebar."),
    "up.no_units": ("Tài khoản của bạn chưa được giao địa phương nào. Liên hệ quản trị viên.",
                    "Your account has no unit assigned. Contact an admin."),
    "up.unit": ("Địa phương báo cáo", "Reporting unit"),
    "up.period": ("Kỳ báo cáo", "Period"),
    "up.open_until": ("Kỳ này mở để nộp đến hết ngày {date}.", "This period is open for upload until {date}."),
    "up.step1": ("1. Tải biểu mẫu", "1. Download the form"),
    "up.download_form": ("⬇ Tải biểu mẫu Excel đã điền sẵn", "⬇ Download the pre-filled Excel form"),
    "up.step2": ("2. Nộp biểu mẫu đã điền", "2. Upload the filled form"),
    "up.uploader_hint": ("Kéo tệp đã điền vào ô bên dưới, hoặc bấm nút **Chọn tệp** trong ô để chọn tệp trong máy.",
                         "Drag the filled form into the box below, or press **Choose a file** in it to pick the file."),
    "up.choose_file": ("Kéo thả hoặc chọn tệp Excel (.xlsx, .xls, .ods)", "Drag and drop or choose an Excel file (.xlsx, .xls, .ods)"),
    "up.file_help": ("Tối đa {mb} MB. Tệp có macro (.xlsm) sẽ bị từ chối.", "Up to {mb} MB. Macro-enabled files (.xlsm) are refused."),
    "up.waiting": ("Chưa có tệp. Điền biểu mẫu ở bước 1 rồi kéo thả vào ô trên.", "No file yet. Fill the form from step 1 and drop it above."),
    "up.reading": ("Đang đọc và kiểm tra tệp…", "Reading and checking the file…"),
    "up.not_saved": ("Chưa lưu được, không có gì bị ghi: {why} Tệp đã kiểm tra vẫn ở đây; bấm “Xác nhận” lại sau ít giây.",
                     "Not saved, nothing was written: {why} The checked file is still here; press Confirm again in a few seconds."),
    "hist.not_withdrawn": ("Chưa rút được lần nộp, không có gì thay đổi: {why} Hãy thử lại sau ít giây.",
                           "The submission was not withdrawn, nothing changed: {why} Try again in a few seconds."),
    "up.stage.container": ("Đang kiểm tra tệp (kích thước, macro, mật khẩu)…", "Checking the file (size, macros, password)…"),
    "up.stage.open": ("Đang mở bảng tính…", "Opening the workbook…"),
    "up.stage.cells": ("Đang kiểm tra định dạng các ô (phần trăm, ô lỗi, ô gộp)…", "Checking cell formats (percent, error and merged cells)…"),
    "up.stage.rows": ("Đang kiểm tra từng dòng số liệu…", "Checking each row…"),
    "up.stage.check": ("Đang tổng hợp kết quả kiểm tra…", "Summing up the checks…"),
    "up.stage.done": ("Đã đọc xong.", "Done reading."),
    "up.step3": ("3. Kết quả kiểm tra", "3. Check report"),
    "up.col.severity": ("Mức", "Severity"),
    "up.col.sheet": ("Trang tính", "Sheet"),
    "up.col.row": ("Dòng", "Row"),
    "up.col.column": ("Cột", "Column"),
    "up.col.message": ("Nội dung và cách sửa", "What is wrong and how to fix it"),
    "up.col.code": ("Mã lỗi", "Code"),
    "up.report_code": ("mã kiểm tra: {code}", "check code: {code}"),
    "up.report_counts": ("{errors} lỗi, {warnings} cảnh báo. Lỗi được nêu trước.", "{errors} errors, {warnings} warnings. Errors first."),
    "up.preview_of": ("Địa phương: **{unit}** · kỳ: **{period}**", "Unit: **{unit}** · period: **{period}**"),
    "up.receipt_title": ("Biên nhận nộp số liệu", "Receipt"),
    "up.receipt": ("Lần nộp #{id} · {unit} · {period} · {obs} số liệu, {ms} nhiệm vụ · tệp “{file}” · người nộp {by} · ngày {at}.",
                   "Submission #{id} · {unit} · {period} · {obs} values, {ms} tasks · file “{file}” · by {by} · on {at}."),
    "up.another": ("Nộp tệp khác", "Upload another file"),
    "up.drop_here": ("Kéo thả tệp vào đây", "Drag and drop the file here"),
    "up.choose_button": ("Chọn tệp", "Choose a file"),
    "up.limit": ("Tối đa {mb} MB mỗi tệp · .xlsx, .xls, .ods", "Up to {mb} MB per file · .xlsx, .xls, .ods"),
    "up.sev.error": ("Lỗi", "Error"),
    "up.sev.warning": ("Cảnh báo", "Warning"),
    "up.refused": ("Tệp bị từ chối vì có {n} lỗi. Chưa có gì được lưu; hãy sửa rồi nộp lại.",
                   "The file is refused: {n} error(s). Nothing was stored; fix them and upload again."),
    "up.clean": ("Không có lỗi.", "No problems found."),
    "up.step4": ("4. Xem trước thay đổi", "4. Preview the changes"),
    "up.count.new": ("Giá trị mới", "New values"),
    "up.count.changed": ("Giá trị thay đổi", "Changed values"),
    "up.count.unchanged": ("Không đổi", "Unchanged"),
    "up.count.milestone": ("Nhiệm vụ cập nhật", "Tasks updated"),
    "up.checked_warnings": ("Tôi đã kiểm tra {n} cảnh báo ở trên và xác nhận số liệu đúng.",
                            "I have checked the {n} warning(s) above and the figures are right."),
    "up.confirm": ("Xác nhận lưu", "Confirm"),
    "up.cancel": ("Hủy", "Cancel"),
    "up.cancelled": ("Đã hủy. Không có gì được lưu.", "Cancelled. Nothing was stored."),
    "up.saving": ("Đang lưu…", "Saving…"),
    "up.saved": ("Đã lưu lần nộp #{id}: {obs} số liệu, {ms} nhiệm vụ.", "Stored as submission #{id}: {obs} values, {ms} tasks."),
    "up.duplicate": ("Tệp này đã được nộp trước đây (lần nộp #{id}); không lưu lại.",
                     "This file was already accepted (submission #{id}); not stored again."),
    "up.see_unit": ("Xem trang {name}", "See the {name} page"),
    # history
    "hist.unit": ("Địa phương", "Unit"),
    "hist.all": ("Tất cả", "All"),
    "hist.empty": ("Chưa có lần nộp nào.", "No submissions yet."),
    "hist.accepted": ("đã nhận", "accepted"),
    "hist.withdrawn": ("đã rút", "withdrawn"),
    "hist.col.unit": ("Đơn vị", "Unit"),
    "hist.col.period": ("Kỳ", "Period"),
    "hist.col.by": ("Người nộp", "By"),
    "hist.col.at": ("Thời điểm", "At"),
    "hist.col.file": ("Tệp", "File"),
    "hist.col.values": ("Số liệu", "Values"),
    "hist.col.tasks": ("Nhiệm vụ", "Tasks"),
    "hist.col.status": ("Trạng thái", "Status"),
    "hist.col.reason": ("Lý do rút", "Withdrawal reason"),
    "hist.col.withdrawn_by": ("Người rút", "Withdrawn by"),
    "hist.col.withdrawn_at": ("Thời điểm rút", "Withdrawn at"),
    "hist.col.measure": ("Đơn vị tính", "Unit of measure"),
    "hist.col.note": ("Ghi chú", "Note"),
    "hist.several": ("Nhiều địa phương / nhiều kỳ", "Several units / periods"),
    "hist.col.sector": ("Lĩnh vực", "Sector"),
    "hist.col.value": ("Giá trị", "Value"),
    "hist.one": ("Một lần nộp", "One submission"),
    "hist.pick": ("Chọn lần nộp", "Choose a submission"),
    "hist.download": ("⬇ Tải tệp gốc", "⬇ Download the original file"),
    "hist.audit": ("Nhật ký kiểm tra (chỉ quản trị viên)", "Audit log (administrators only)"),
    "hist.audit_empty": ("Nhật ký kiểm tra chưa có mục nào.", "The audit log is empty."),
    "hist.audit_user": ("Người dùng", "User"),
    "hist.audit_event": ("Việc", "What"),
    "hist.audit_detail": ("Chi tiết", "Detail"),
    "hist.override": ("Nộp vào kỳ đã khóa. Lý do: {reason}", "Uploaded into a locked period. Reason: {reason}"),
    "hist.withdrawn_at": ("Đã rút lúc {at}.", "Withdrawn at {at}."),
    "hist.was_withdrawn": ("Đã rút bởi {by} lúc {at}. Lý do: {reason}", "Withdrawn by {by} at {at}. Reason: {reason}"),
    "hist.sign_in_to_withdraw": ("Đăng nhập để rút lần nộp (quản trị viên, hoặc người đã nộp khi kỳ còn mở).",
                                 "Sign in to withdraw (admins, or the uploader while the period is open)."),
    "hist.reason": ("Lý do rút (bắt buộc)", "Reason for withdrawal (required)"),
    "hist.withdraw": ("Rút lần nộp này", "Withdraw this submission"),
    "hist.withdraw_confirm": ("Đúng, rút lần nộp #{id}", "Yes, withdraw submission #{id}"),
    "hist.withdraw_keep": ("Không rút", "Keep it"),
    "hist.withdraw_ask": ("Kiểm tra lại trước khi rút. Lý do: {reason}", "Check before withdrawing. Reason: {reason}"),
    "hist.reason_needed": ("Hãy ghi lý do rút.", "Give a reason."),
    "hist.done": ("Đã rút lần nộp #{id}; số liệu của nó không còn được tính nhưng vẫn hiện trong lịch sử.",
                  "Submission #{id} withdrawn; its values no longer count but stay in the history."),
    "hist.value": ("Lịch sử một giá trị", "History of one value"),
    "hist.indicator": ("Chỉ tiêu", "Target"),
    "hist.no_values": ("Chưa có giá trị nào cho chỉ tiêu này.", "No values for this target yet."),
    # sign in
    "auth.title": ("**Đăng nhập** (cán bộ nhập số liệu, quản trị)", "**Sign in** (data staff, admins)"),
    "auth.user": ("Tên đăng nhập", "User name"),
    "auth.password": ("Mật khẩu", "Password"),
    "auth.sign_in": ("Đăng nhập", "Sign in"),
    "auth.sign_out": ("Đăng xuất", "Sign out"),
    "auth.failed": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."),
    "auth.change_password": ("Đổi mật khẩu", "Change password"),
    "auth.current_password": ("Mật khẩu hiện tại", "Current password"),
    "auth.new_password": ("Mật khẩu mới (ít nhất 8 ký tự)", "New password (at least 8 characters)"),
    "auth.repeat_password": ("Nhập lại mật khẩu mới", "Repeat the new password"),
    "auth.signed_in": ("Đang đăng nhập: **{name}** ({role})", "Signed in: **{name}** ({role})"),
    "role.viewer": ("xem", "viewer"),
    "role.uploader": ("nhập số liệu", "uploader"),
    "role.admin": ("quản trị", "admin"),
    # compare
    "compare.choose": ("Chỉ tiêu", "Target"),
    "compare.none": ("Chưa có chỉ tiêu nào được danh mục khai báo là so sánh được giữa các địa phương.",
                     "No target is declared comparable across units in the catalogue yet."),
    "compare.kind": ("Hoặc so sánh cùng loại chỉ tiêu", "Or compare targets of one kind"),
    # milestones
    "ms.filter_unit": ("Địa phương", "Unit"),
    "ms.filter_agency": ("Cơ quan chủ trì", "Responsible body"),
    "ms.timeline": ("Tiến độ các nhiệm vụ có thời hạn", "Tasks with a deadline"),
    "ms.none": ("Không có nhiệm vụ nào khớp bộ lọc.", "No task matches the filters."),
    "nav.progress": ("Tiến độ", "Progress"),
    "nav.data": ("Số liệu", "Data"),
    "nav.reference": ("Tham khảo", "Reference"),
    # pages
    "page.overview": ("Tổng quan", "Overview"),
    "page.unit": ("Địa phương", "Unit"),
    "page.compare": ("So sánh", "Compare"),
    "page.milestones": ("Nhiệm vụ & mốc", "Tasks & milestones"),
    "page.upload": ("Nhập số liệu", "Upload data"),
    "page.history": ("Lịch sử", "History"),
    "page.catalogue": ("Danh mục chỉ tiêu", "Target catalogue"),
    "page.method": ("Phương pháp", "Method"),
    # "Thêm chương trình" page (views/programme.py)
    "page.programme": ("Thêm chương trình", "Add a programme"),
    "page.golive": ("Bắt đầu sử dụng thật", "Go live"),
    "up.demo_unit": ("{name} đang hiện dữ liệu minh họa. Khi lưu lần nộp thật này, mọi số minh họa của {name} thôi hiện "
                     "(kể cả nếu sau này rút lần nộp thật).",
                     "{name} still shows demo data. Once this real submission is stored, none of {name}'s demo figures "
                     "is shown again (even if this submission is later withdrawn)."),
    "up.offer_golive": ("Xóa toàn bộ dữ liệu minh họa một lần: Bắt đầu sử dụng thật", "Remove all demo data at once: Go live"),
    "prog.intro": (
        "Tải lên (hoặc dán) văn bản chương trình, kế hoạch thực hiện Nghị quyết 45-NQ/TW. Công cụ đề xuất các chỉ tiêu "
        "và nhiệm vụ kèm câu trích nguyên văn; không có gì được lưu khi chưa được duyệt.",
        "Upload (or paste) a programme implementing Resolution 45-NQ/TW. The tool proposes its targets and tasks, each "
        "with its verbatim quote; nothing is saved until you review it.",
    ),
    "prog.admin_only": ("Chỉ quản trị viên được thêm chương trình.", "Only an administrator can add a programme."),
    "prog.upload": ("Tệp chương trình (.docx, .doc, .pdf, .txt)", "Programme file (.docx, .doc, .pdf, .txt)"),
    "prog.upload_help": ("Tối đa {mb} MB (giới hạn tải lên của máy chủ).", "At most {mb} MB (the server's upload limit)."),
    "prog.add_row": ("Thêm dòng bộ đọc bỏ sót", "Add a row the reader missed"),
    "prog.add_row_help": ("Chọn câu trong văn bản: trích dẫn được lấy nguyên văn từ câu đó.",
                          "Pick the sentence in the text: the quote is taken from it verbatim."),
    "prog.pick_sentence": ("Câu trong văn bản", "Sentence in the text"),
    "prog.pick_kind": ("Loại dòng", "Kind of row"),
    "prog.pick_name": ("Tên (có thể sửa sau)", "Name (can be edited later)"),
    "prog.add_row_button": ("Thêm dòng", "Add the row"),
    "prog.row_added": ("Đã thêm dòng từ dòng {line} của văn bản.", "Row added from line {line} of the text."),
    "prog.col.name_en": ("Tên tiếng Anh (không bắt buộc)", "English name (optional)"),
    "prog.edit": ("Sửa chỉ tiêu đã lưu (mã giữ nguyên)", "Edit a saved entry (its id stays)"),
    "prog.edit_entry": ("Chỉ tiêu", "Entry"),
    "prog.edit_save": ("Lưu thay đổi", "Save the changes"),
    "prog.edited": ("Đã sửa {id}.", "Edited {id}."),
    "prog.add_saved": ("Thêm chỉ tiêu vào chương trình đã lưu", "Add an entry to the saved programme"),
    "prog.added": ("Đã thêm {n} chỉ tiêu.", "Added {n} entries."),
    "prog.paste": ("Hoặc dán văn bản", "Or paste the text"),
    "prog.propose": ("Đề xuất chỉ tiêu", "Propose targets"),
    "prog.nothing": ("Hãy tải lên tệp hoặc dán văn bản.", "Upload a file or paste the text."),
    "prog.found": ("{n} đề xuất: {num} chỉ tiêu số, {dir} định hướng, {ms} nhiệm vụ.",
                   "{n} proposals: {num} numeric targets, {dir} directions, {ms} tasks."),
    "prog.unit": ("Đơn vị ban hành", "Issuing unit"),
    "prog.new_unit": ("— Đơn vị mới —", "— New unit —"),
    "prog.unit_id": ("Mã đơn vị (chữ thường, gạch nối, vd. soc-trang)", "Unit code (lower case, hyphens)"),
    "prog.unit_name_vi": ("Tên đơn vị", "Unit name (Vietnamese)"),
    "prog.unit_name_en": ("Tên tiếng Anh", "Unit name (English)"),
    "prog.level": ("Cấp", "Level"),
    "prog.parent": ("Trực thuộc", "Parent"),
    "prog.successor": ("Đơn vị kế thừa (sau sáp nhập)", "Successor (after a merger)"),
    "prog.valid_from": ("Có hiệu lực từ", "Valid from"),
    "prog.valid_to": ("Hết hiệu lực ngày", "Valid to"),
    "prog.none": ("(không)", "(none)"),
    "prog.doc": ("Văn bản", "Document"),
    "prog.doc_kind": ("Loại văn bản", "Kind of document"),
    "prog.doc_number": ("Số, ký hiệu (vd. 12-CTr/TU)", "Number (e.g. 12-CTr/TU)"),
    "prog.doc_date": ("Ngày ban hành", "Date issued"),
    "prog.doc_issuer": ("Cơ quan ban hành", "Issued by"),
    "prog.doc_title": ("Trích yếu", "Title"),
    "prog.review": ("Duyệt đề xuất", "Review the proposals"),
    "prog.review_help": (
        "Đánh dấu «Nhận» ở dòng cần lưu. Với chỉ tiêu số, chọn cách đo và đơn vị rồi đánh dấu «Đã xác nhận»: cách đo "
        "quyết định cộng dồn các quý (trong kỳ) hay lấy số cuối kỳ (tồn tại), nên không có lựa chọn mặc định. Trích dẫn "
        "phải giữ nguyên văn; khi lưu, mọi trích dẫn được đối chiếu lại với văn bản.",
        "Tick «Nhận» on the rows to save. For a numeric target choose its measure and unit, then tick «Đã xác nhận»: the "
        "measure decides whether quarters are summed (flow) or the last value is taken (stock), so there is no default. "
        "Quotes must stay verbatim; each is checked against the text again on saving.",
    ),
    "prog.save": ("Lưu chương trình", "Save the programme"),
    "prog.saved": ("Đã lưu {n} chỉ tiêu, nhiệm vụ vào {file}. Chúng có mặt ngay trên mọi trang, biểu mẫu và báo cáo.",
                   "Saved {n} entries to {file}. They show at once on every page, form and report."),
    "prog.refused": ("Chưa lưu: {n} vấn đề cần sửa.", "Not saved: {n} problem(s) to fix."),
    "prog.saved_list": ("Chương trình đã thêm", "Programmes added"),
    "prog.retire": ("Ngừng theo dõi", "Retire"),
    "prog.retire_ids": ("Chỉ tiêu cần ngừng theo dõi (giữ nguyên số liệu đã nhập)", "Entries to retire (their values are kept)"),
    "prog.retire_reason": ("Lý do", "Reason"),
    "prog.retired": ("Đã ngừng theo dõi {n} chỉ tiêu.", "Retired {n} entries."),
    "prog.changes": ("Lịch sử thay đổi", "Change history"),
    "prog.level.province": ("Tỉnh", "Province"),
    "prog.level.city": ("Thành phố trực thuộc Trung ương", "Centrally-run city"),
    "prog.level.district": ("Huyện (trước 01/7/2025)", "District (before 1 July 2025)"),
    "prog.level.commune": ("Xã", "Commune"),
    "prog.level.ward": ("Phường", "Ward"),
    "prog.kind.numeric": ("Chỉ tiêu số", "Numeric target"),
    "prog.kind.direction": ("Định hướng", "Direction"),
    "prog.kind.milestone": ("Nhiệm vụ", "Task"),
    "prog.col.accept": ("Nhận", "Accept"),
    "prog.col.kind": ("Loại", "Kind"),
    "prog.col.name": ("Tên", "Name"),
    "prog.col.quote": ("Trích dẫn (nguyên văn)", "Quote (verbatim)"),
    "prog.col.measure": ("Cách đo", "Measure"),
    "prog.col.unit": ("Đơn vị", "Unit"),
    "prog.col.confirmed": ("Đã xác nhận", "Confirmed"),
    "prog.col.comparator": ("So sánh", "Comparator"),
    "prog.col.value": ("Giá trị", "Value"),
    "prog.col.year": ("Năm", "Year"),
    "prog.col.due": ("Hạn", "Due"),
    "prog.col.due_text": ("Thời hạn (theo văn bản)", "Deadline (as worded)"),
    "prog.col.recurring": ("Thường xuyên", "Recurring"),
    "prog.col.agency": ("Cơ quan", "Agency"),
    "prog.col.section": ("Mục", "Section"),
    "prog.col.line": ("Dòng", "Line"),
    "prog.col.confidence": ("Độ tin cậy", "Confidence"),
    # catalogue page
    "cat.intro": (
        "Mọi chỉ tiêu đều trích nguyên văn từ văn bản của địa phương. Lọc theo địa phương và loại chỉ tiêu.",
        "Every target is quoted verbatim from the unit's own document. Filter by unit and kind.",
    ),
    "cat.filter_unit": ("Địa phương", "Unit"),
    "cat.filter_kind": ("Loại chỉ tiêu", "Kind of target"),
    "cat.count": ("{n} chỉ tiêu của {u} địa phương", "{n} targets from {u} units"),
    "cat.none": ("Không có chỉ tiêu nào khớp bộ lọc. Hãy bỏ bớt điều kiện lọc.", "No target matches the filters. Clear some filters."),
    "cat.col.id": ("Mã", "Code"),
    "cat.col.name": ("Chỉ tiêu", "Target"),
    "cat.col.kind": ("Loại", "Kind"),
    "cat.col.target": ("Mục tiêu", "Target value"),
    "cat.col.year": ("Năm", "Year"),
    "cat.col.unit": ("Đơn vị tính", "Unit of measure"),
    "cat.col.section": ("Mục", "Section"),
    "cat.col.quote": ("Trích dẫn", "Quote"),
    "cat.col.agency": ("Cơ quan chủ trì", "Responsible body"),
    "cat.col.due": ("Thời hạn", "Deadline"),
    "cat.col.state": ("Ghi chú trạng thái", "Entry state"),
    "cat.state.replaced": ("Chỉ tiêu đã thay thế (bằng {new})", "Replaced target (by {new})"),
    "cat.state.unmeasured": ("Chưa có thước đo", "No measure yet"),
    "cat.state.derived": ("Chỉ tiêu suy ra từ nhiệm vụ (văn bản không nêu năm)", "Derived from a task (the document gives no year)"),
    "cat.territory": ("Địa bàn của chỉ tiêu", "Territory the targets cover"),
    "cat.document": ("Văn bản", "Document"),
    "cat.lineage": ("Sáp nhập", "Merger"),
    "cat.lineage.successor": ("Từ {date} thuộc {name}.", "Since {date} part of {name}."),
    "cat.lineage.inherits": ("Kế thừa chỉ tiêu của: {names}.", "Inherits the targets of: {names}."),
    "cat.lineage.split": ("Địa bàn nay thuộc: {names}.", "The area is now: {names}."),
    "cat.sectors": ("Áp dụng cho từng ngành, lĩnh vực", "Applies per sector"),
    "cat.no_targets_own": ("Đơn vị này không tự đặt chỉ tiêu.", "This unit set no targets of its own."),
    # kinds
    "kind.stock": ("Quy mô (cuối kỳ)", "Level (end of period)"),
    "kind.flow": ("Số lượng trong kỳ", "Count in period"),
    "kind.ratio": ("Tỷ lệ", "Share"),
    "kind.growth": ("Tốc độ tăng", "Growth rate"),
    "kind.rank": ("Xếp hạng", "Rank"),
    "kind.direction": ("Định hướng (không có số)", "Direction only (no number)"),
    "kind.milestone": ("Nhiệm vụ / mốc", "Task / milestone"),
    # comparators
    "cmp.>": ("trên", "over"),
    "cmp.>=": ("từ", "at least"),
    "cmp.=": ("bằng", "exactly"),
    "cmp.~": ("khoảng", "about"),
    "cmp.<=": ("không quá", "at most"),
    "cmp.<": ("dưới", "under"),
    "dir.increase": ("tăng", "increase"),
    "dir.decrease": ("giảm", "decrease"),
    "due.none": ("Không ấn định", "No deadline"),
    "due.recurring": ("Thường xuyên", "Ongoing"),
    "avg.suffix": (" (bình quân)", " (on average)"),
    "from_year": ("hằng năm từ {year}", "every year from {year}"),
    # database busy (tracker.storage: another process holds the file longer than a store waits)
    "busy.cli": ("Cơ sở dữ liệu {db} đang bận: {holder} đang dùng tệp và sau {s} giây vẫn chưa xong. {what} "
                 "Không cần dừng dashboard: thường đó là một lần nộp lớn hoặc việc nạp dữ liệu minh họa; "
                 "hãy chạy lại lệnh sau ít phút. Nếu vẫn bận lâu, xem {holder} là chương trình nào.",
                 "The database {db} is busy: {holder} is using the file and has not finished after {s} s. {what} "
                 "There is no need to stop the dashboard: usually a large upload or the demo data load is running; "
                 "run the command again in a few minutes. If it stays busy, check what {holder} is."),
    "busy.holder": ("tiến trình {pid}", "process {pid}"),
    "busy.holder_unknown": ("một tiến trình khác", "another process"),
    "busy.ingest": ("Chưa có gì được lưu.", "Nothing was stored."),
    "busy.seed": ("Dữ liệu minh họa chưa được nạp xong; các lần nộp đã lưu vẫn giữ nguyên.",
                  "The demo data was not fully loaded; the forms already stored stay stored."),
    "busy.status": ("Chưa đọc được tình hình các chỉ tiêu.", "The statuses could not be read yet."),
    "busy.briefing": ("Chưa tạo bản trình chiếu.", "The briefing deck was not made."),
    "busy.template": ("Chưa tạo biểu mẫu (biểu mẫu điền sẵn số liệu kỳ trước từ cơ sở dữ liệu).",
                      "The form was not written (it is pre-filled with the previous values from the database)."),
    "busy.history": ("Chưa đọc được lịch sử nộp.", "The history could not be read yet."),
    "busy.page": ("Cơ sở dữ liệu đang bận ghi số liệu mới (đã chờ {s} giây). Hãy tải lại trang sau ít giây.",
                  "The database is busy storing new data (waited {s} s). Reload the page in a few seconds."),
    # --- agencies ---
    "up.form_for": ("Biểu mẫu của", "Form for"),
    "up.whole_unit": ("Cả đơn vị (mọi chỉ tiêu)", "The whole unit (every target)"),
    "up.agency_form": ("Biểu mẫu của {agency}: chỉ gồm các chỉ tiêu cơ quan này chủ trì.",
                       "{agency}'s form: only the targets this agency leads."),
    "up.agency_unknown": ("Tài khoản được giao cơ quan “{agency}”, nhưng cơ quan này không chủ trì chỉ tiêu nào của {unit}.",
                          "The account is tied to agency “{agency}”, which leads none of {unit}'s targets."),
    # --- accounts ---
    "role.approver": ("duyệt số liệu", "approver"),
    "page.accounts": ("Tài khoản", "Accounts"),
    "page.audit": ("Nhật ký kiểm tra", "Audit log"),
    "auth.internal": ("Đây là bản cài đặt nội bộ: mọi trang chỉ dành cho người có tài khoản. "
                      "Hãy đăng nhập ở thanh bên trái để xem tiến độ.",
                      "This is an internal installation: every page is for account holders only. "
                      "Sign in in the sidebar to see the progress pages."),
    "acc.no_visible_units": ("Không có đơn vị nào trong phạm vi tài khoản của bạn có chỉ tiêu ở trang này.",
                             "None of your account's units has targets on this page."),
    "acc.admin_only": ("Trang Tài khoản chỉ dành cho quản trị viên.", "The Accounts page is for administrators only."),
    "acc.intro": ("Thêm, sửa, vô hiệu hóa tài khoản; mọi thay đổi được ghi vào nhật ký kiểm tra. Cùng quy tắc với "
                  "lệnh `python -m tracker user`.",
                  "Add, change and disable accounts; every change goes into the audit log. The same rules as "
                  "`python -m tracker user`."),
    "acc.col.name": ("Tên đăng nhập", "User name"),
    "acc.col.role": ("Vai trò", "Role"),
    "acc.col.units": ("Đơn vị", "Units"),
    "acc.col.agency": ("Cơ quan", "Agency"),
    "acc.col.state": ("Trạng thái", "State"),
    "acc.col.email": ("Thư điện tử", "E-mail"),
    "acc.all_units": ("(tất cả)", "(all)"),
    "acc.active": ("đang hoạt động", "active"),
    "acc.disabled": ("đã vô hiệu hóa", "disabled"),
    "acc.none": ("Chưa có tài khoản nào.", "No accounts yet."),
    "acc.add": ("Thêm tài khoản", "Add an account"),
    "acc.name": ("Tên đăng nhập (chữ thường không dấu, số, . _ -)", "User name (a-z, 0-9, . _ -)"),
    "acc.role": ("Vai trò", "Role"),
    "acc.units": ("Đơn vị (bắt buộc với người nhập và người duyệt; tùy chọn với người xem)",
                  "Units (required for uploaders and approvers; optional for viewers)"),
    "acc.choose_units": ("Chọn đơn vị", "Choose units"),
    "acc.agency": ("Cơ quan (chỉ người nhập số liệu, tùy chọn; ví dụ so-khcn)",
                   "Agency (uploaders only, optional; e.g. so-khcn)"),
    "acc.email": ("Thư điện tử nhận nhắc nộp (tùy chọn)", "E-mail for reminders (optional)"),
    "acc.password": ("Mật khẩu (để trống: hệ thống tạo và hiện một lần)",
                     "Password (leave empty: one is generated and shown once)"),
    "acc.add_button": ("Tạo tài khoản", "Create the account"),
    "acc.change": ("Sửa tài khoản", "Change an account"),
    "acc.pick": ("Tài khoản", "Account"),
    "acc.save_scope": ("Lưu vai trò, đơn vị, cơ quan", "Save role, units, agency"),
    "acc.disable": ("Vô hiệu hóa", "Disable"),
    "acc.enable": ("Bật lại", "Enable"),
    "acc.unlock": ("Mở khóa đăng nhập", "Lift the sign-in lock"),
    "acc.reset": ("Đặt lại mật khẩu", "Reset the password"),
    "acc.reset_password": ("Mật khẩu mới (để trống: hệ thống tạo và hiện một lần)",
                           "New password (leave empty: one is generated and shown once)"),
    "acc.remove": ("Xóa tài khoản", "Remove the account"),
    "acc.remove_confirm": ("Tôi chắc chắn muốn xóa tài khoản này", "I am sure I want to remove this account"),
    "acc.remove_unconfirmed": ("Hãy đánh dấu ô xác nhận trước khi xóa.", "Tick the confirmation box before removing."),
    "acc.generated": ("Mật khẩu của {name} (chỉ hiện lần này; hãy chuyển cho người dùng qua kênh an toàn):",
                      "Password of {name} (shown this once; pass it on through a safe channel):"),
    "acc.sessions_ended": ("Đã đóng {n} phiên đăng nhập trên trình duyệt.", "{n} browser session(s) ended."),
    "aud.admin_only": ("Nhật ký kiểm tra chỉ dành cho quản trị viên.", "The audit log is for administrators only."),
    "aud.intro": ("Đăng nhập, nộp, rút, duyệt, trả lại, tài khoản, bắt đầu sử dụng thật, chương trình. Giờ theo UTC.",
                  "Sign-ins, uploads, withdrawals, approvals, returns, accounts, go-live, programmes. Times in UTC."),
    "aud.who": ("Người dùng", "User"),
    "aud.kinds": ("Loại việc", "Kind of event"),
    "aud.unit": ("Đơn vị", "Unit"),
    "aud.from": ("Từ ngày", "From"),
    "aud.to": ("Đến ngày", "To"),
    "aud.anyone": ("(mọi người)", "(anyone)"),
    "aud.any_unit": ("(mọi đơn vị)", "(any unit)"),
    "aud.count": ("{n} mục (trong {total} mục gần nhất).", "{n} entries (of the latest {total})."),
    "aud.empty": ("Không có mục nào khớp bộ lọc.", "No entry matches the filters."),
    # --- picture ---
    # Streamlit's own chrome in the page's language (tracker.web.style: CSS text in place of its words).
    "up.limit_kinds": ("Tối đa {mb} MB mỗi tệp · {kinds}", "Up to {mb} MB per file · {kinds}"),
    "up.choose_another": ("Chọn tệp khác", "Choose another file"),
    "chrome.stop": ("Dừng", "Stop"),
    "chrome.stopping": ("Đang dừng…", "Stopping…"),
    "chrome.enter_submit": ("Nhấn Enter để gửi", "Press Enter to submit"),
    "chrome.enter_apply": ("Nhấn Enter để áp dụng", "Press Enter to apply"),
    "chrome.ctrl_enter_apply": ("Nhấn Ctrl+Enter để áp dụng", "Press Ctrl+Enter to apply"),
    # --- approval ---
    "page.approval": ("Duyệt số liệu", "Approve figures"),
    "role.approver": ("duyệt số liệu", "approver"),
    "ap.intro": ("Mỗi lần nộp dưới đây đang chờ duyệt: số liệu chỉ hiện với lãnh đạo và trên các trang công khai "
                 "sau khi được duyệt. Trả lại thì ghi lý do; người nộp thấy lý do đó.",
                 "Each submission below awaits approval: its figures reach leaders and the public pages only once "
                 "approved. Returning one needs a reason, which the uploader sees."),
    "ap.not_allowed": ("Trang này dành cho người duyệt (approver) của đơn vị và quản trị viên.",
                       "This page is for the units' approvers and administrators."),
    "ap.setting_off": ("Cài đặt approval = false: lần nộp mới hiện ngay, không chờ duyệt.",
                       "Setting approval = false: new uploads are current at once, without approval."),
    "ap.empty": ("Không có lần nộp nào chờ duyệt.", "No submission is awaiting approval."),
    "ap.heading": ("Lần nộp #{id} — {unit} · {period}", "Submission #{id} — {unit} · {period}"),
    "ap.meta": ("Người nộp **{by}** · lúc {at} · tệp “{file}” · {agency}",
                "Uploaded by **{by}** · at {at} · file “{file}” · {agency}"),
    "ap.whole_unit": ("cả đơn vị", "the whole unit"),
    "ap.agency": ("cơ quan: {agency}", "agency: {agency}"),
    "ap.preview": ("Đang lưu (đã duyệt) so với lần nộp này", "Stored (approved) against this submission"),
    "ap.no_warnings": ("Báo cáo kiểm tra không có cảnh báo.", "The check report has no warnings."),
    "ap.warnings": ("Cảnh báo của báo cáo kiểm tra ({n}):", "Warnings of the check report ({n}):"),
    "ap.reason": ("Lý do trả lại (người nộp sẽ thấy)", "Reason for returning (the uploader sees it)"),
    "ap.approve": ("Duyệt", "Approve"),
    "ap.return": ("Trả lại", "Return"),
    "ap.reason_required": ("Cần ghi lý do trả lại để người nộp biết cần sửa gì.",
                           "A reason for returning is required, so that the uploader knows what to fix."),
    "up.submitted_title": ("Đã nộp — chờ duyệt", "Submitted — awaiting approval"),
    "up.submitted": ("Lần nộp #{id}: {obs} số liệu, {ms} nhiệm vụ. Số liệu hiện với lãnh đạo sau khi người duyệt "
                     "của đơn vị duyệt; nếu bị trả lại, lý do hiện ở danh sách bên dưới.",
                     "Submission #{id}: {obs} values, {ms} tasks. The figures reach leaders once an approver of the "
                     "unit approves them; if returned, the reason shows in the list below."),
    "up.my_submissions": ("Các lần nộp của bạn", "Your submissions"),
    "up.col.state": ("Trạng thái", "State"),
    "pending.legend": ("chờ duyệt", "awaiting approval"),
    "hist.approval.submitted": ("chờ duyệt", "awaiting approval"),
    "hist.approval.returned": ("bị trả lại", "returned"),
    "pending.caption": ("Điểm «chờ duyệt» là số liệu đã nộp nhưng chưa được duyệt; chỉ cán bộ và người duyệt của đơn vị "
                        "thấy, lãnh đạo chưa thấy.",
                        "Points marked “awaiting approval” are figures submitted but not yet approved; only the unit's "
                        "staff and approvers see them, leaders do not yet."),
    # --- valuestatus ---
    "letter.download": ("Tải công văn đôn đốc {period} ({n} đơn vị chưa nộp, .docx)",
                        "Download the reminder letter for {period} ({n} units late, .docx)"),
    "letter.help": ("Văn bản theo thể thức Nghị định 30/2020/NĐ-CP, để trình ký; cơ quan ban hành, ký hiệu, địa danh "
                    "và người ký lấy từ các khóa letter_* trong settings.toml.",
                    "A letter in the Decree 30/2020 layout, for signature; the issuing body, symbol, place and "
                    "signer come from the letter_* keys of settings.toml."),
}


def t(key: str, lang: str = DEFAULT_LANG, **kwargs) -> str:
    vi, en = STRINGS[key]
    text = en if lang == "en" else vi
    return text.format(**kwargs) if kwargs else text


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
# Beyond this a float no longer holds every integer digit (2^53 ≈ 9·10^15): writing out all the
# digits of 1e308 would claim a precision the number does not have (and Babel gives up at 10^28).
_PLAIN_MAX = 1e15


def _finite(value) -> float | None:
    """``value`` as a finite float, or None for None, NaN, ±inf and anything that is not a number."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _scientific(number: float, lang: str) -> str:
    """1.5e20 -> '1,5 × 10²⁰' (vi) or '1.5 × 10²⁰' (en): for values too large or too small to write out."""
    mantissa, exponent = f"{number:.1e}".split("e")
    mantissa = mantissa.removesuffix(".0")
    if lang != "en":
        mantissa = mantissa.replace(".", ",")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def fmt_number(value: float | int | None, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """90000 -> '90.000'; 0.5 -> '0,5' (vi) or '90,000'; '0.5' (en).

    Never raises: None, NaN, ±inf or a non-number -> '—'; beyond 10^15, or a non-zero value that would
    round to 0, in powers of ten ('1 × 10³⁰⁸', '1 × 10⁻¹²') rather than a false '0' or a crash.
    """
    number = _finite(value)
    if number is None:
        return "—"
    if abs(number) >= _PLAIN_MAX:
        return _scientific(number, lang)
    auto = decimals is None
    if auto:
        decimals = 0 if number.is_integer() else (1 if abs(number) >= 100 else 2)
    decimals = max(0, min(int(decimals), 6))
    rounded = round(number, decimals)
    if rounded == 0 and number != 0 and auto:
        if abs(number) < 1e-6:
            return _scientific(number, lang)
        # 0,004 % is not 0 %: enough decimals for two significant digits.
        decimals = min(6, 1 - math.floor(math.log10(abs(number))))
        rounded = round(number, decimals)
    rounded = rounded or 0.0   # '0', never '-0'
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(rounded, format=pattern, locale="vi" if lang != "en" else "en")


def fmt_percent(value: float | None, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """5 -> '5 %'; 0.5 -> '0,5 %'. The value is already in percent."""
    if _finite(value) is None:
        return "—"
    return f"{fmt_number(value, lang, decimals)} %"


def fmt_value(value: float | None, unit: str, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """A value with its unit: '90.000 người', '0,5 %', '7 %/năm', 'hạng 10'."""
    if _finite(value) is None:
        return "—"
    if unit == "percent":
        return fmt_percent(value, lang, decimals)
    if unit == "rank":
        return f"{'rank' if lang == 'en' else 'hạng'} {fmt_number(value, lang, decimals)}"
    label = measure(unit).label(lang, value)   # "1 invention", "2 inventions"
    if unit == "percent_per_year":
        return f"{fmt_number(value, lang, decimals)} {label}"
    return f"{fmt_number(value, lang, decimals)} {label}".strip()


def fmt_date(day: dt.date | dt.datetime | None, lang: str = DEFAULT_LANG) -> str:
    if day is None:
        return "—"
    # One style in both languages (01/07/2025): a leader switching language reads the same dates.
    if isinstance(day, dt.datetime):
        return day.strftime("%d/%m/%Y %H:%M")
    return day.strftime("%d/%m/%Y")


def d3_locale() -> dict:
    """Plotly's number locale for Vietnamese axes and hovers (decimal ',', thousands '.')."""
    return {"separators": ",."}


def fmt_target(indicator, lang: str = DEFAULT_LANG) -> str:
    """A target in words: 'trên 90.000 người (2030)', 'khoảng 5 % (2030)', 'hoàn thành trong quý III/2024'."""
    target = indicator.target
    if indicator.kind == "milestone":
        if target.due_text:
            if lang != "en":
                return target.due_text
            if target.due:
                return f"by {fmt_date(target.due, lang)}"
            return t("due.recurring", lang) if target.recurring else t("due.none", lang)
        if target.recurring:
            return t("due.recurring", lang)
        return fmt_date(target.due, lang) if target.due else t("due.none", lang)
    if indicator.kind == "direction":
        return f"{t('dir.' + target.direction, lang)} ({target.year})"
    if indicator.unit == "rank":
        text = f"{t('cmp.' + target.comparator, lang)} {fmt_number(target.value, lang)}"
        text = ("top " + fmt_number(target.value, lang)) if lang == "en" and target.comparator == "<=" else (
            f"trong nhóm {fmt_number(target.value, lang)} đứng đầu" if lang != "en" and target.comparator == "<=" else text)
    else:
        text = f"{t('cmp.' + target.comparator, lang)} {fmt_value(target.value, indicator.unit, lang)}"
    if target.average:
        text += t("avg.suffix", lang)
    if target.from_year:
        return f"{text}, {t('from_year', lang, year=target.from_year)}"
    return f"{text} ({target.year})"


def long_text(name: str, lang: str = DEFAULT_LANG) -> str:
    """A long Markdown text kept beside the code (tracker/texts/<name>.<lang>.md)."""
    from pathlib import Path

    folder = Path(__file__).parent / "texts"
    path = folder / f"{name}.{'en' if lang == 'en' else 'vi'}.md"
    return path.read_text(encoding="utf-8")


_LEVEL_WORDS = ("Xã ", "Phường ", "Thị trấn ", "Huyện ", "Tỉnh ", "Thành phố ")


def in_sentence(name: str, lang: str = "vi") -> str:
    """A unit's name inside a Vietnamese sentence: the level word is lower-case ("thuộc xã Lạc Dương")."""
    return name[0].lower() + name[1:] if lang != "en" and name.startswith(_LEVEL_WORDS) else name
