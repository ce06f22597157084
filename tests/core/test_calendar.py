"""The reporting calendar (issue 20): Decree 09 windows, deadlines and locks, working days and Tết, the
`calendar` command through the real CLI, completeness, the upload page starting from the calendar."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.accounts.permissions import can_upload

from tracker.accounts.users import User
from tracker.core.calendar import TET, Calendar, is_working_day, public_holidays
from tracker.core.periods import Period, parse_period
from tracker.core.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
D = dt.date
ND09 = Calendar()
OLD = Calendar("calendar", lock_days=30)
UPLOADER = User("canbo.kh", "uploader", ("khanh-hoa",), "")


def test_nd09_windows_follow_article_12():
    q4 = ND09.window(parse_period("2026-Q4"))
    assert (q4.data_from, q4.data_to, q4.opens, q4.due, q4.closes) == (
        D(2026, 9, 15), D(2026, 12, 14), D(2026, 12, 14), D(2026, 12, 18), D(2027, 1, 17))
    h1 = ND09.window(parse_period("2026-H1"))
    assert (h1.data_from, h1.data_to, h1.due) == (D(2025, 12, 15), D(2026, 6, 14), D(2026, 6, 18))
    m9 = ND09.window(parse_period("2026-M9"))
    assert (m9.data_from, m9.data_to, m9.due) == (D(2025, 12, 15), D(2026, 9, 14), D(2026, 9, 18))
    year = ND09.window(parse_period("2026"))
    assert (year.data_from, year.data_to, year.due) == (D(2025, 12, 15), D(2026, 12, 14), D(2026, 12, 18))
    q1 = ND09.window(parse_period("2027-Q1"))
    assert (q1.data_from, q1.data_to) == (D(2026, 12, 15), D(2027, 3, 14))


def test_states_open_late_locked():
    q4 = ND09.window(Period(2026, 4))
    assert [q4.state(D(2026, 12, d)) for d in (13, 14, 18, 19)] == ["not_open", "open", "open", "late"]
    assert q4.state(D(2027, 1, 17)) == "late" and q4.state(D(2027, 1, 18)) == "locked"
    assert q4.on_time(D(2026, 12, 18)) and not q4.on_time(D(2026, 12, 19))


def test_the_deadline_leaves_a_working_day_after_the_cut_off():
    # 15/3/2025 is a Saturday: a due_day of 15 moves to Monday 17/3.
    assert Calendar(due_day=15).window(Period(2025, 1)).due == D(2025, 3, 17)
    assert Calendar(due_day=15).window(Period(2026, 4)).due == D(2026, 12, 15)   # a Tuesday
    with pytest.raises(ValueError):
        Calendar(due_day=14)
    with pytest.raises(ValueError):
        Calendar(preset="monthly")


def test_calendar_preset_is_todays_behaviour():
    q3 = OLD.window(Period(2026, 3))
    assert (q3.opens, q3.due, q3.closes) == (D(2026, 10, 1), D(2026, 10, 30), D(2026, 10, 30))
    assert [w.period.code for w in OLD.open_windows(D(2026, 10, 15))] == ["2026-Q3"]
    assert OLD.next_window(D(2026, 10, 15)).period.code == "2026-Q4"


def test_open_and_next_on_the_issue_dates():
    assert ND09.open_windows(D(2026, 12, 3)) == []
    nxt = ND09.next_window(D(2026, 12, 3))
    assert (nxt.period.code, nxt.opens, nxt.due) == ("2026-Q4", D(2026, 12, 14), D(2026, 12, 18))
    assert [w.period.code for w in ND09.open_windows(D(2026, 12, 16))] == ["2026-Q4", "2026"]
    assert [w.period.code for w in ND09.open_windows(D(2026, 10, 15))] == ["2026-Q3", "2026-M9"]


def test_tet_table_matches_the_published_lunar_new_year():
    # Mùng 1 Tết as announced (and as python-holidays 0.108 gives it for VN).
    assert TET == {2024: D(2024, 2, 10), 2025: D(2025, 1, 29), 2026: D(2026, 2, 17), 2027: D(2027, 2, 6),
                   2028: D(2028, 1, 26), 2029: D(2029, 2, 13), 2030: D(2030, 2, 3), 2031: D(2031, 1, 23)}
    assert {D(2026, 2, 16), D(2026, 2, 20)} <= public_holidays(2026)
    assert not is_working_day(D(2026, 2, 18))        # a Wednesday in Tết
    assert not is_working_day(D(2026, 9, 1)) and not is_working_day(D(2026, 9, 2))
    assert not is_working_day(D(2027, 9, 3)) and is_working_day(D(2027, 9, 1))
    assert not is_working_day(D(2026, 4, 30)) and not is_working_day(D(2026, 5, 1))
    assert not is_working_day(D(2026, 12, 19)) and is_working_day(D(2026, 12, 18))


def test_half_and_nine_month_codes():
    h1, m9 = parse_period("2026-H1"), parse_period("2026-m9")
    assert (h1.code, h1.label(), m9.code, m9.label()) == ("2026-H1", "6 tháng đầu năm 2026", "2026-M9", "9 tháng năm 2026")
    assert parse_period("2026-Q4").code == "2026-Q4" and parse_period("2026").code == "2026"
    assert sorted([Period(2026), m9, Period(2026, 3), h1, Period(2026, 2)]) == [
        Period(2026, 2), h1, Period(2026, 3), m9, Period(2026)]
    assert h1.end() == D(2026, 6, 30) and m9.end() == D(2026, 9, 30)


def test_can_upload_follows_the_calendar():
    assert can_upload(UPLOADER, "khanh-hoa", "2026-Q4", D(2026, 12, 16), 30, ND09).allowed
    early = can_upload(UPLOADER, "khanh-hoa", "2026-Q4", D(2026, 12, 3), 30, ND09)
    assert early.code == "period_not_ended" and "mở từ 14/12/2026, hạn nộp 18/12/2026" in early.message_vi
    locked = can_upload(UPLOADER, "khanh-hoa", "2026-Q3", D(2026, 12, 3), 30, ND09)
    assert locked.code == "period_locked" and "hạn nộp 18/09/2026" in locked.message_vi
    assert can_upload(UPLOADER, "khanh-hoa", "2026-H1", D(2026, 6, 16), 30, ND09).code == "report_only_period"
    # Without a calendar: today's behaviour (Q4 not open before it ends).
    assert can_upload(UPLOADER, "khanh-hoa", "2026-Q4", D(2026, 12, 16), 30).code == "period_not_ended"


def test_settings_keys(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('calendar = "calendar"\ndue_day = 20\ncontact = "Phòng KH-TC"\nremind_days = 2\n'
                 'smtp_host = "127.0.0.1"\nsmtp_port = 2525\nbase_url = "https://nq45.example.vn"\n', encoding="utf-8")
    s = load_settings(f)
    assert (s.calendar, s.due_day, s.contact, s.remind_days, s.smtp_port) == ("calendar", 20, "Phòng KH-TC", 2, 2525)
    assert s.reporting_calendar == Calendar("calendar", 20, 30)
    for bad in ('calendar = "quarterly"\n', "due_day = 29\n", "due_day = 14\n", "smtp_port = 0\n", "contact = 3\n"):
        f.write_text(bad, encoding="utf-8")
        with pytest.raises(SettingsError):
            load_settings(f)
    assert load_settings(ROOT / "settings.example.toml").reporting_calendar == Calendar()


def test_upload_notice():
    from tracker.web.upload import calendar_notice, late_contact

    closed = calendar_notice(ND09, D(2026, 12, 3))
    assert closed.state == "closed" and closed.default_period.code == "2026-Q4"
    assert closed.lines[0] == "Hiện chưa có kỳ nào mở để nộp. Kỳ Quý IV/2026 mở từ 14/12/2026, hạn nộp 18/12/2026."
    assert "2026-Q4" in [p.code for p in closed.periods]
    opened = calendar_notice(ND09, D(2026, 12, 16))
    assert opened.state == "open" and opened.default_period.code == "2026-Q4"
    assert opened.lines[0].startswith("Đang mở: Quý IV/2026 — Số liệu tính từ 15/09/2026 đến 14/12/2026; hạn nộp 18/12/2026")
    assert "quá hạn" in calendar_notice(ND09, D(2026, 12, 20)).lines[0]
    assert late_contact("Phòng KH-TC, 0258 3822 000") == "Cần nộp muộn, liên hệ: Phòng KH-TC, 0258 3822 000."


# --- the real CLI and the pages, on a copy of the seeded demo --------------------------------------

@pytest.fixture
def install(seeded, tmp_path, monkeypatch) -> dict:
    dest = tmp_path / "install"
    shutil.copytree(Path(seeded["TRACKER_DB"]).parent, dest)
    env = {"TRACKER_DB": str(dest / "tracker.duckdb"), "TRACKER_USERS": str(dest / "users.toml"),
           "TRACKER_TODAY": "2026-12-16"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


def cli(env: dict, *args: str, today: str | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, **env, "PYTHONPATH": str(ROOT), **({"TRACKER_TODAY": today} if today else {})}
    return subprocess.run([sys.executable, "-m", "tracker", *args], env=full, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def q4_form(tmp_path: Path, env: dict, unit: str, value: float, milestone: str | None = None) -> Path:
    from tracker.catalogue import load_catalogue
    from tracker.forms.demo import fill_form

    blank = tmp_path / f"{unit}-blank.xlsx"
    assert cli(env, "template", "--unit", unit, "--period", "2026-Q4", "--out", str(blank)).returncode == 0
    cat = load_catalogue()
    ind = next(i for i in cat.indicators_for(unit) if i.reporting_frequency == "quarter" and not i.is_milestone
               and not i.sectors and (i.is_numeric or i.kind == "direction"))
    filled = tmp_path / f"nq45_{unit}_2026-Q4.xlsx"
    stones = {milestone: ("Đang thực hiện", None, "")} if milestone else None
    filled.write_bytes(fill_form(blank.read_bytes(), {(ind.id, ""): value}, stones))
    return filled


def test_calendar_command_lists_open_windows_and_completeness(install, tmp_path):
    before = json.loads(cli(install, "calendar", "--json").stdout)
    assert [w["period"] for w in before["open"]] == ["2026-Q4", "2026"]
    q4 = before["open"][0]
    assert (q4["due"], q4["closes"], q4["state"]) == ("2026-12-18", "2027-01-17", "open")
    assert q4["completeness"]["submitted"] == 0          # the demo does not count
    assert before["next"]["period"] == "2027-Q1"

    from tracker.catalogue import load_catalogue as _cat

    stone = next(i for i in _cat().indicators_for("khanh-hoa") if i.is_milestone and i.agency)
    ingest = cli(install, "ingest", str(q4_form(tmp_path, install, "khanh-hoa", 31, stone.id)))
    assert ingest.returncode == 0, ingest.stderr
    # A submission is dated by the clock, not by TRACKER_TODAY: the late one is stored with its own time.
    from tracker.catalogue import load_catalogue
    from tracker.ingest import read_form
    from tracker.storage import Store

    late_form = q4_form(tmp_path, install, "can-tho", 1)
    parsed = read_form(late_form.read_bytes(), late_form.name, load_catalogue(), today=D(2026, 12, 21), calendar=ND09)
    with Store(install["TRACKER_DB"]) as store:
        store.commit(parsed, late_form.read_bytes(), user="canbo.ct", now=dt.datetime(2026, 12, 21, 2))
        khanh_hoa_day = (store.submissions(unit="khanh-hoa")[0].uploaded_at + dt.timedelta(hours=7)).date()

    after = json.loads(cli(install, "calendar", "--json", "--today", "2026-12-22").stdout)
    units = {u["unit"]: u for u in after["open"][0]["completeness"]["units"]}
    assert after["open"][0]["completeness"]["submitted"] == 2
    assert units["khanh-hoa"]["submitted_on"] == khanh_hoa_day.isoformat()
    assert units["khanh-hoa"]["state"] == ("on_time" if khanh_hoa_day <= D(2026, 12, 18) else "late")
    assert units["can-tho"]["state"] == "late" and units["bac-ninh"]["state"] == "missing"
    agencies = {a["agency"]: a["submitted"] for a in units["khanh-hoa"]["agencies"]}
    assert agencies[stone.agency.get("vi")] is True and not all(agencies.values())

    text = cli(install, "calendar", "--today", "2026-12-03").stdout
    assert "Hiện chưa có kỳ nào mở để nộp." in text and "Kỳ Quý IV/2026 mở từ 14/12/2026, hạn nộp 18/12/2026" in text
    assert cli(install, "calendar", "--today", "3/12").returncode == 2


def test_ingest_before_the_window_opens_is_refused(install, tmp_path):
    form = q4_form(tmp_path, install, "khanh-hoa", 31)
    early = cli(install, "ingest", str(form), today="2026-12-13")
    assert early.returncode != 0 and "chưa mở để nộp" in early.stdout + early.stderr


def test_upload_page_says_nothing_is_open_and_offers_the_next_form(install, monkeypatch):
    from tests.support.pages import run, texts

    monkeypatch.setenv("TRACKER_TODAY", "2026-12-03")
    at = run("views/upload.py", UPLOADER)
    body = texts(at)
    assert "Hiện chưa có kỳ nào mở để nộp. Kỳ Quý IV/2026 mở từ 14/12/2026, hạn nộp 18/12/2026." in body
    assert at.selectbox(key="up_period").value == "2026-Q4"
    assert at.get("download_button")                   # the form, for preparing
    assert not at.get("file_uploader")                 # the lock comes before any file


def test_upload_page_on_16_december_opens_q4(install):
    from tests.support.pages import run, texts

    at = run("views/upload.py", UPLOADER)
    body = texts(at)
    assert "Đang mở: Quý IV/2026" in body and "0/5 đơn vị đã nộp Quý IV/2026" in body
    assert at.selectbox(key="up_period").value == "2026-Q4"
    assert at.get("file_uploader")


def test_locked_period_names_whom_to_ask(install, monkeypatch, tmp_path):
    from tests.support.pages import run, texts

    settings = tmp_path / "settings.toml"
    settings.write_text('contact = "Phòng KH-TC, Sở KH&CN"\n', encoding="utf-8")
    monkeypatch.setenv("TRACKER_SETTINGS", str(settings))
    at = run("views/upload.py", UPLOADER)
    at.selectbox(key="up_period").set_value("2026-Q2").run()
    body = texts(at)
    assert "đã khóa" in body and "Cần nộp muộn, liên hệ: Phòng KH-TC, Sở KH&CN." in body
    assert not at.get("file_uploader")


def test_overview_shows_staff_the_open_window_and_completeness(install):
    from tests.support.pages import run, texts

    assert "0/5 đơn vị đã nộp Quý IV/2026" in texts(run("views/overview.py", UPLOADER))
    assert "đơn vị đã nộp" not in texts(run("views/overview.py"))      # not for visitors
