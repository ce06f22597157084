"""`python -m tracker ...`: the command line. Exit 0 = done, 1 = refused (report printed), 2 = usage.

Every command catches what it expects and prints a sentence, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import textwrap

from tracker.catalogue import CatalogueError, load_catalogue
from tracker.i18n import STRINGS, fmt_number, fmt_target, t

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 on usage errors; keep that, with our wording
        self.print_usage(sys.stderr)
        print(f"{self.prog}: lỗi cú pháp / usage error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _indicator_json(cat, ind) -> dict:
    data = ind.model_dump(mode="json", exclude_none=True)
    data["document_file"] = cat.document_of(ind).file
    data["target_text"] = {"vi": fmt_target(ind, "vi"), "en": fmt_target(ind, "en")}
    return data


def cmd_catalogue(args) -> int:
    cat = load_catalogue(args.catalogue)
    units = [args.unit] if args.unit else cat.units_with_targets()
    if args.unit and args.unit not in cat.jurisdictions:
        print(f"Không có địa phương '{args.unit}'. Chọn một trong: {', '.join(cat.units_with_targets())}", file=sys.stderr)
        return EXIT_USAGE
    selected = [
        i for i in cat.indicators
        if (i.jurisdiction in units or (args.unit and i in cat.indicators_for(args.unit)))
        and (not args.kind or i.kind == args.kind)
    ]
    if args.json:
        print(json.dumps([_indicator_json(cat, i) for i in selected], ensure_ascii=False, indent=2))
        return EXIT_OK
    lang = args.lang
    width = 100
    for unit in dict.fromkeys(i.jurisdiction for i in selected):
        rows = [i for i in selected if i.jurisdiction == unit]
        j = cat.jurisdictions[unit]
        print("=" * width)
        print(f"{j.name.get(lang)} — {len(rows)} {'targets' if lang == 'en' else 'chỉ tiêu'}")
        if j.note:
            print(textwrap.fill(j.note.get(lang), width))
        print("=" * width)
        print(f"{'Code' if lang == 'en' else 'Mã':<44} {'Kind' if lang == 'en' else 'Loại':<10} {'Section' if lang == 'en' else 'Mục':<7} {'Target' if lang == 'en' else 'Mục tiêu'}")
        print("-" * width)
        for i in rows:
            print(f"{i.id:<44} {i.kind:<10} {i.section:<7} {fmt_target(i, lang)}")
            print(textwrap.fill(i.name.get(lang), width, initial_indent="    ", subsequent_indent="    "))
            print(textwrap.fill(f"“{i.quote}”", width, initial_indent="    ", subsequent_indent="     "))
        print()
    print(t("cat.count", lang, n=len(selected), u=len({i.jurisdiction for i in selected})))
    return EXIT_OK


def _store(args):
    from tracker.settings import load_settings
    from tracker.store import Store

    if getattr(args, "db", None):
        return Store(args.db)          # its archive beside it
    settings = load_settings()
    return Store(settings.database, settings.archive_dir)   # a PostgreSQL URL when db_url is set


def _period_or_usage(text: str):
    from tracker.periods import parse_period

    try:
        return parse_period(text)
    except ValueError:
        raise _UsageError(f"kỳ báo cáo không hợp lệ: {text!r} (ví dụ 2026-Q3 hoặc 2026) / not a period") from None


class _UsageError(Exception):
    pass


def _unit_or_usage(cat, unit: str) -> str:
    if unit not in cat.jurisdictions:
        raise _UsageError(f"không có địa phương '{unit}'; chọn một trong: {', '.join(sorted(cat.jurisdictions))}")
    if not cat.indicators_for(unit):
        raise _UsageError(f"'{unit}' không có chỉ tiêu nào để báo cáo / has no targets to report")
    return unit


def cmd_template(args) -> int:
    from pathlib import Path

    from tracker.workbook import build_form, form_filename

    cat = load_catalogue()
    unit = _unit_or_usage(cat, args.unit)
    period = _period_or_usage(args.period)
    previous = {}
    from tracker.settings import load_settings
    from tracker.store import database_exists

    if database_exists(args.db or load_settings().database):
        with _store(args) as store:
            previous = store.previous_values(unit, period.code)
    agency = getattr(args, "agency", None)
    if agency is not None and cat.agency(unit, agency) is None:
        from tracker.agencies import unknown_agency_message

        raise _UsageError(unknown_agency_message(cat, unit, agency) + " / " + unknown_agency_message(cat, unit, agency, "en"))
    out = Path(args.out or form_filename(unit, period.code, agency))
    out.write_bytes(build_form(cat, unit, period.code, previous,
                               window=load_settings().reporting_calendar.window(period), agency=agency))
    who = f" — {cat.agency(unit, agency).name.vi}" if agency else ""
    print(f"Đã tạo biểu mẫu {out} — {cat.name(unit)}{who}, {period.label()} / form written")
    return EXIT_OK


def cmd_agencies(args) -> int:
    """The lead agencies of each unit and the targets they report (their ids are what `user add --agency` takes)."""
    from tracker.agencies import agency_listing

    cat = load_catalogue()
    units = [_unit_or_usage(cat, args.unit)] if args.unit else None
    rows = agency_listing(cat, units, args.lang)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        where = cat.name(units[0], args.lang) if units else None
        print((f"{where}: no target names a lead agency; the unit reports on one whole form." if where else
               "No target names a lead agency; every unit reports on one whole form.") if args.lang == "en" else
              (f"{where}: không chỉ tiêu nào ghi cơ quan chủ trì; đơn vị nộp một biểu mẫu chung." if where else
               "Không chỉ tiêu nào ghi cơ quan chủ trì; mỗi đơn vị nộp một biểu mẫu chung."))
        return EXIT_OK
    for row in rows:
        print(f"{row['unit_name']} ({row['unit']}) — {row['name']} [{row['agency']}]")
        for target in row["targets"]:
            print(f"    {target['id']}: {target['name']}")
    return EXIT_OK


def _operator(args) -> tuple[str, object]:
    """Who is writing: --as USER, who must give their password, or the local operator.

    Whoever runs the CLI on the server owns the database file, so without --as the write is
    recorded as "local:<login>" with admin rights; --as makes the CLI act with that user's rights,
    once that user's password is given (typed, or one line on stdin with --password-stdin).
    """
    import getpass

    from tracker.access import Throttle, User, UserError, UserStore, sign_in
    from tracker.settings import load_settings

    if not args.as_user:
        return f"local:{getpass.getuser()}", User(f"local:{getpass.getuser()}", "admin", (), "")
    users = UserStore(load_settings().users_file)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass(f"Mật khẩu của {args.as_user} / password of {args.as_user}: ")
    else:
        raise _UsageError("--as cần mật khẩu của người dùng đó: gõ ở bàn phím hoặc dùng --password-stdin "
                          "/ --as needs that user's password: type it or use --password-stdin")
    try:
        # The command line is one process per command: its throttle starts empty every time, but
        # each attempt costs a bcrypt check and is written to the audit log.
        result = sign_in(users, Throttle(), args.as_user, password, audit=_audit_writer(args))
    except UserError as exc:
        raise _Refused(str(exc)) from None
    if not result.ok:
        raise _Refused(f"{result.message('vi')} / {result.message('en')} (--as {args.as_user})")
    return result.user.username, result.user


class _Refused(Exception):
    pass


def _audit_writer(args):
    """audit(event, user, detail) writing to the database's audit log, if it has one yet."""
    def write(event: str, username: str, detail: str = "") -> None:
        try:
            with _store(args) as store:
                if hasattr(store, "audit"):
                    store.audit(event, username, detail)
        except Exception as exc:  # the log must not turn a refusal into a crash
            print(f"(nhật ký kiểm tra chưa ghi được / audit log not written: {exc})", file=sys.stderr)
    return write


def _end_web_sessions_of(args, username: str) -> int:
    """Delete a removed account's web sessions (their cookies name nothing any more); its new identity
    would refuse them anyway, so a database that cannot be reached now is said, not fatal."""
    from tracker.sessions import SessionStore

    try:
        with _store(args) as store:
            return SessionStore(store).end_account(username)
    except Exception as exc:  # noqa: BLE001 — the account is removed already; its sessions no longer resume
        print(f"(phiên trên trình duyệt chưa xóa được / browser sessions not deleted: {exc})", file=sys.stderr)
        return 0


def cmd_ingest(args) -> int:
    from pathlib import Path

    from tracker.access import can_upload
    from tracker.ingest import read_form
    from tracker.periods import today as today_
    from tracker.settings import load_settings

    lang = args.lang
    path = Path(args.file)
    if not path.is_file():
        raise _UsageError(f"không tìm thấy tệp {path} / file not found")
    settings = load_settings()
    cat = load_catalogue()
    today = today_()
    who, user = _operator(args)
    content = path.read_bytes()
    with _store(args) as store:
        parsed = read_form(content, path.name, cat, today=today, previous=store.previous_values,
                           max_bytes=settings.upload_max_mb * 1_000_000, calendar=settings.reporting_calendar,
                           expected_agency=getattr(user, "agency", None) or None)
        if not parsed.ok:
            print(parsed.report.render(lang))
            print(("Refused: fix the errors above and send the file again; nothing was stored." if lang == "en" else
                   "Không nhận tệp: hãy sửa các lỗi trên rồi gửi lại; chưa có gì được lưu."), file=sys.stderr)
            return EXIT_REFUSED
        # The rights before the report: "no errors" must never be the first word of a refusal.
        overrides = []
        for unit, period in sorted({(o.unit, o.period) for o in parsed.observations} | {(m.unit, m.period) for m in parsed.milestones}):
            decision = can_upload(user, unit, period, today, settings.lock_days, settings.reporting_calendar,
                                  agency=parsed.agency)
            if not decision.allowed:
                print(decision.message_en if lang == "en" else decision.message_vi, file=sys.stderr)
                return EXIT_REFUSED
            if decision.code == "admin_override":
                overrides.append(decision)
        print(parsed.report.render(lang))
        reason = (args.reason or "").strip()
        if overrides and not reason and not args.dry_run:
            print(overrides[0].message_en if lang == "en" else overrides[0].message_vi, file=sys.stderr)
            print("Refused: writing into a locked period needs --reason \"why\"; nothing was stored." if lang == "en" else
                  "Không lưu: ghi vào kỳ đã khóa cần lý do, thêm --reason \"lý do\"; chưa có gì được lưu.", file=sys.stderr)
            return EXIT_REFUSED
        counts = f"{len(parsed.observations)} số liệu, {len(parsed.milestones)} nhiệm vụ" if lang != "en" else \
            f"{len(parsed.observations)} values, {len(parsed.milestones)} milestone updates"
        if args.dry_run:
            print(("Dry run — would store: " if lang == "en" else "Chạy thử — sẽ lưu: ") + counts)
            return EXIT_OK
        from tracker.approval import initial_state

        state = initial_state(settings)
        result = store.commit(parsed, content, user=who, approval=state, **({"reason": reason} if overrides else {}))
        if result.duplicate:
            print((f"This file was already accepted (submission #{result.submission_id}); nothing stored again." if lang == "en"
                   else f"Tệp này đã được nhận trước đây (lần nộp #{result.submission_id}); không lưu lại."))
        elif state == "submitted":   # issue 21: current once an approver of the unit approves it
            print((f"Submission #{result.submission_id} submitted, awaiting approval: " if lang == "en"
                   else f"Lần nộp #{result.submission_id} đã nộp, chờ duyệt: ") + counts)
        else:
            print((f"Accepted as submission #{result.submission_id}: " if lang == "en" else f"Đã lưu lần nộp #{result.submission_id}: ") + counts)
    return EXIT_OK


def cmd_history(args) -> int:
    from tracker.i18n import fmt_number

    cat = load_catalogue()
    if args.unit:
        _unit_or_usage(cat, args.unit)
    with _store(args) as store:
        if args.indicator:
            if not cat.has_indicator(args.indicator):
                raise _UsageError(f"không có chỉ tiêu '{args.indicator}' / unknown indicator")
            rows = store.value_history(args.indicator, args.unit)
            if rows.empty:
                print("Chưa có số liệu nào cho chỉ tiêu này. / No values yet.")
                return EXIT_OK
            from tracker.downloads import value_status_cell

            print(f"{'Kỳ':<9} {'Lĩnh vực':<12} {'Giá trị':>14}  {'Loại số liệu':<12}  {'Lần nộp':>7}  {'Người nộp':<16} "
                  f"{'Thời điểm':<19}  Tệp")
            for r in rows.itertuples():
                mark = "  (đã rút / withdrawn)" if r.withdrawn else ""
                kind = value_status_cell(getattr(r, "value_status", None), "vi")   # ước tính / sơ bộ / chính thức
                print(f"{r.period:<9} {r.sector or '-':<12} {fmt_number(r.value):>14}  {kind:<12}  #{r.submission_id:<6}  "
                      f"{r.uploaded_by:<16} {r.recorded_at:%Y-%m-%d %H:%M:%S}  {r.file_name}{mark}")
            return EXIT_OK
        subs = store.submissions(unit=args.unit)
        if not subs:
            print("Chưa có lần nộp nào. Tạo biểu mẫu bằng `python -m tracker template` rồi nộp bằng `python -m tracker ingest`."
                  " / No submissions yet.")
            return EXIT_OK
        print(f"{'#':>4}  {'Đơn vị':<14} {'Kỳ':<8} {'Người nộp':<16} {'Thời điểm':<19}  {'Số liệu':>7} {'Nhiệm vụ':>8}  {'Trạng thái':<10} Tệp")
        for s in subs:
            status = {"accepted": "đã nhận", "withdrawn": "đã rút"}.get(s.status, s.status)
            if s.status != "withdrawn" and s.approval != "approved":   # issue 21: chờ duyệt / bị trả lại
                status = {"submitted": "chờ duyệt", "returned": "bị trả lại"}.get(s.approval, s.approval)
            print(f"{s.id:>4}  {s.unit:<14} {s.period:<8} {s.uploaded_by:<16} {s.uploaded_at:%Y-%m-%d %H:%M:%S}  "
                  f"{s.observation_count:>7} {s.milestone_count:>8}  {status:<10} {s.file_name}"
                  + (f"  — rút bởi {s.withdrawn_by}: {s.withdraw_reason}" if s.withdrawn_by else "")
                  + (f"  — trả lại bởi {s.decided_by}: {s.decision_reason}" if s.approval == "returned" else ""))
    return EXIT_OK


def cmd_seed(args) -> int:
    """First run: an admin account if there is none, and the demo data if the database is empty."""
    from tracker.access import UserStore, ensure_admin
    from tracker.demo import DEMO_USER, write_demo
    from tracker.periods import parse_period
    from tracker.ingest import read_form
    from tracker.periods import today as today_
    from tracker.settings import load_settings

    settings = load_settings()
    password = ensure_admin(UserStore(settings.users_file))
    if password:
        print("=" * 72)
        print("Tài khoản quản trị đầu tiên đã được tạo (chỉ hiện một lần) / first admin account (shown once):")
        print(f"    tên đăng nhập / user: admin    mật khẩu / password: {password}")
        print("Đổi mật khẩu: python -m tracker user passwd admin")
        print("=" * 72)
    cat = load_catalogue()
    with _store(args) as store:
        if args.if_empty and not store.is_empty():
            print("Cơ sở dữ liệu đã có số liệu; không nạp dữ liệu minh họa. / Database not empty; demo not loaded.")
            return EXIT_OK
        today = today_()
        demo_dir = settings.demo_dir
        # Regenerated every time (deterministic, a few seconds) so the forms always match indicators.yaml.
        print(f"Tạo biểu mẫu minh họa trong {demo_dir} / writing demo forms")
        paths = write_demo(cat, demo_dir, today=today)
        print(f"Nạp dữ liệu minh họa: {len(paths)} biểu mẫu / loading demo data: {len(paths)} forms")
        stored = 0
        # oldest period first, so that corrections and successors follow their predecessors
        paths.sort(key=lambda p: (parse_period(p.stem.rsplit("_", 1)[1]).sort_key(), p.name))
        for n, path in enumerate(paths, 1):
            content = path.read_bytes()
            parsed = read_form(content, path.name, cat, today=today, previous=store.previous_values)
            if not parsed.ok:
                print(f"  {path.name}: bị từ chối / refused\n{parsed.report.render()}", file=sys.stderr)
                return EXIT_REFUSED
            result = store.commit(parsed, content, user=DEMO_USER, is_demo=True)
            stored += result.observations + result.milestones
            if n % 10 == 0 or n == len(paths):
                print(f"  {n}/{len(paths)}")
        print(f"Đã nạp {stored} dòng dữ liệu minh họa (gắn nhãn “Dữ liệu minh họa”). / {stored} demo rows loaded.")
    return EXIT_OK


def cmd_status(args) -> int:
    from tracker.periods import today as today_
    from tracker.progress import status_label
    from tracker.snapshot import load_snapshot

    cat = load_catalogue()
    if args.unit:
        _unit_or_usage(cat, args.unit)
    lang = args.lang
    from tracker.value_kinds import judged_words, kind_of

    with _store(args) as store:
        snap = load_snapshot(store, cat, today_())   # the same computation the pages use
        current = store.current_observations(units=[args.unit] if args.unit else None)
        pending_json = _pending_json(store, [args.unit] if args.unit else None) if args.json and args.pending else None
    result, demo = snap.results, snap.demo
    units = [args.unit] if args.unit else list(result)
    if args.json:
        def with_territory(u, item):     # whose territory the target covers: "Bắc Ninh — địa bàn tỉnh Bắc Giang cũ"
            ind = cat.indicator(item.indicator_id)
            out = {**item.to_dict(), "territory": {k: cat.territory_label(ind, u, k) for k in ("vi", "en")}}
            if hasattr(item, "latest_period"):   # what kind of figure the latest value is
                out["value_status"] = kind_of(current, item.indicator_id, u, item.sector, item.latest_period)
            return out

        out = {"demo": demo, "demo_units": sorted(snap.demo_units), "units": {u: {"numeric": [with_territory(u, a) for a in result[u]["numeric"]],
                                           "milestones": [with_territory(u, m) for m in result[u]["milestones"]]}
                                       for u in units if u in result}}
        if args.pending:   # issue 21: what waits for approval, apart from what a leader sees
            out["pending"] = pending_json
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    if demo:
        print(t("app.demo_banner", lang))
    for u in units:
        if u not in result:
            continue
        print("=" * 100)
        print(cat.name(u, lang))
        print("=" * 100)
        for a in result[u]["numeric"]:
            ind = cat.indicator(a.indicator_id)
            name = ind.name.get(lang) + (f" [{a.sector}]" if a.sector else "")
            kind = kind_of(current, a.indicator_id, u, a.sector, a.latest_period)
            judged = f" — {judged_words(kind, lang)}" if judged_words(kind, lang) else ""
            print(f"{status_label(a.status, lang):<20} {name}{judged}")
            print(textwrap.fill(a.explain(lang), 100, initial_indent="    ", subsequent_indent="    "))
        for m in result[u]["milestones"]:
            ind = cat.indicator(m.indicator_id)
            print(f"{status_label(m.status, lang):<20} {ind.name.get(lang)}")
    return EXIT_OK


def _pending_json(store, units) -> dict:
    """Figures of submissions awaiting approval, per unit, each marked "approval": "pending"."""
    rows = store.pending_observations(units)
    tasks = store.pending_milestones(units)
    out: dict[str, dict[str, list]] = {}
    for r in rows.to_dict("records"):
        out.setdefault(r["unit"], {"numeric": [], "milestones": []})["numeric"].append(
            {"indicator_id": r["indicator_id"], "period": r["period"], "sector": r["sector"], "value": float(r["value"]),
             "value_status": r["value_status"], "submission_id": int(r["submission_id"]),
             "uploaded_by": r["uploaded_by"], "approval": "pending"})
    for r in tasks.to_dict("records"):
        out.setdefault(r["unit"], {"numeric": [], "milestones": []})["milestones"].append(
            {"indicator_id": r["indicator_id"], "period": r["period"], "status": r["status"],
             "completed_on": r["completed_on"], "submission_id": int(r["submission_id"]),
             "uploaded_by": r["uploaded_by"], "approval": "pending"})
    return out


def cmd_decide(args) -> int:
    """`approve ID` / `return ID --reason "…"`: the approver's decision, by the rules of tracker.approval
    (the page calls the same). --as USER signs in as ingest does; without it the server's operator acts
    as an admin."""
    from tracker.access import UserError, UserStore
    from tracker.approval import admin_count, decide
    from tracker.settings import load_settings

    lang = args.lang
    decision = "approved" if args.command == "approve" else "returned"
    if decision == "returned" and not (args.reason or "").strip():
        raise _UsageError("return cần --reason \"lý do\" (người nộp sẽ thấy) / return needs --reason \"why\"")
    _, user = _operator(args)
    try:
        admins = admin_count(UserStore(load_settings().users_file).list_users())
    except UserError as exc:
        raise _Refused(str(exc)) from None
    with _store(args) as store:
        outcome = decide(store, user, args.id, decision, admins=admins, reason=args.reason)
    if not outcome.ok:
        raise _Refused(outcome.message_en if lang == "en" else f"{outcome.message_vi} / {outcome.message_en}")
    print(outcome.message(lang))
    return EXIT_OK


def cmd_calendar(args) -> int:
    """The periods open now, the next window, each deadline, and how complete the open windows are."""
    import datetime as dt

    from tracker.calendar import next_window_line, window_line
    from tracker.completeness import completeness
    from tracker.i18n import fmt_date
    from tracker.periods import today as today_
    from tracker.settings import load_settings
    from tracker.store import database_exists

    lang = args.lang
    try:
        day = dt.date.fromisoformat(args.today) if args.today else today_()
    except ValueError:
        raise _UsageError(f"ngày không hợp lệ: {args.today!r} (dạng YYYY-MM-DD) / not a date") from None
    settings = load_settings()
    cal = settings.reporting_calendar
    windows = cal.open_windows(day)
    upcoming = cal.next_window(day)
    db = args.db or settings.database
    cat = load_catalogue()
    done = {}
    if database_exists(db):
        with _store(args) as store:
            done = {w.period.code: completeness(cat, store, w) for w in windows}
    if args.json:
        out = {"calendar": cal.preset, "today": day.isoformat(),
               "open": [{**w.to_dict(day), "completeness": done[w.period.code].to_dict() if w.period.code in done else None}
                        for w in windows],
               "next": upcoming.to_dict()}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    preset = {"nd09": ("Nghị định 09/2019/NĐ-CP, Điều 12", "Decree 09/2019, Article 12"),
              "calendar": ("quý, năm dương lịch", "calendar quarters and years")}[cal.preset]
    print((f"Reporting calendar: {cal.preset} ({preset[1]}); today {fmt_date(day, 'en')}" if lang == "en" else
           f"Lịch báo cáo: {cal.preset} ({preset[0]}); hôm nay {fmt_date(day, 'vi')}"))
    if not windows:
        print("No period is open for upload now." if lang == "en" else "Hiện chưa có kỳ nào mở để nộp.")
    for w in windows:
        late = w.state(day) == "late"
        print(f"- {w.period.label(lang)}: {window_line(w, lang)}; " + (
            (f"late uploads until {fmt_date(w.closes, 'en')}" if late else f"open until {fmt_date(w.closes, 'en')}")
            if lang == "en" else
            (f"quá hạn, còn nhận nộp muộn đến hết {fmt_date(w.closes, 'vi')}" if late else
             f"mở đến hết {fmt_date(w.closes, 'vi')}")))
        if w.period.code in done:
            c = done[w.period.code]
            print(f"    {c.summary(lang)}")
            for u in c.units:
                state = {"missing": ("chưa nộp", "not yet"), "on_time": ("đúng hạn", "on time"),
                         "late": ("muộn", "late")}[u.state()][lang == "en"]
                when = f" {fmt_date(u.submitted_on, lang)}" if u.submitted_on else ""
                print(f"      {cat.name(u.unit, lang)}: {state}{when}")
                for a in u.departments():        # departments with forms of their own (issue 21)
                    print(f"        {a.line(lang)}")
                bodies = [a for a in u.agencies if not a.id]
                if bodies and u.submitted_on:    # bodies named on tasks: whose targets are still empty
                    waiting = [a.name(lang) for a in bodies if not a.submitted]
                    print(f"        " + (f"lead agencies with data: {len(bodies) - len(waiting)}/{len(bodies)}"
                                         if lang == "en" else
                                         f"cơ quan chủ trì đã có số liệu: {len(bodies) - len(waiting)}/{len(bodies)}")
                          + "".join(f"\n          " + ("not yet: " if lang == "en" else "chưa có: ") + a for a in waiting))
    print(("Next: " if lang == "en" else "Tiếp theo: ") + next_window_line(upcoming, lang))
    return EXIT_OK


def cmd_remind(args) -> int:
    """E-mail the uploaders of units that have not submitted, remind_days before a deadline and the day after."""
    import datetime as dt

    from tracker.access import UserStore
    from tracker.periods import today as today_
    from tracker.reminders import pending, send_all
    from tracker.settings import load_settings

    try:
        day = dt.date.fromisoformat(args.today) if args.today else today_()
    except ValueError:
        raise _UsageError(f"ngày không hợp lệ: {args.today!r} (dạng YYYY-MM-DD) / not a date") from None
    settings = load_settings()
    cat = load_catalogue()
    if args.letter:   # the reminder letter for signature instead of e-mails (tracker/letter.py)
        from tracker.letter import letter_content, reminder_letter

        with _store(args) as store:
            content = letter_content(cat, store, settings.reporting_calendar, day)
        try:
            pathlib.Path(args.letter).write_bytes(reminder_letter(content, settings))
        except OSError as exc:
            raise _Refused(f"Không ghi được công văn vào {args.letter} / letter not written: {exc}") from None
        print(f"Đã ghi công văn đôn đốc {content.window.period.label()} ({len(content.late)} đơn vị chưa nộp) vào "
              f"{args.letter}. / Reminder letter written: {len(content.late)} units late.")
        return EXIT_OK
    users = UserStore(settings.users_file).list_users()
    with _store(args) as store:
        due = pending(cat, store, users, settings.reporting_calendar, day, settings.remind_days)
        for r in due:
            print(f"{'(chạy thử) ' if args.dry_run else ''}{r.window.period.label()} "
                  f"{'trước hạn' if r.kind == 'before' else 'quá hạn'}: {cat.name(r.unit)} → {r.username} <{r.email}>")
        if not due:
            print("Hôm nay không có thư nhắc nào cần gửi. / No reminder is due today.")
            return EXIT_OK
        if args.dry_run:
            return EXIT_OK
        try:
            sent = send_all(due, settings, cat, store, who=f"local:{_login()}")
        except (OSError, ValueError) as exc:
            raise _Refused(f"Không gửi được thư nhắc / reminders not sent: {exc}") from None
    print(f"Đã gửi {sent} thư nhắc. / {sent} reminders sent.")
    return EXIT_OK


def cmd_golive(args) -> int:
    """End the demo: every demo submission withdrawn in one audited transaction, after saying what goes."""
    from tracker.golive import done_message, golive_plan

    lang = args.lang
    cat = load_catalogue()
    who, _ = _operator(args)
    with _store(args) as store:
        plan = golive_plan(store)
        print(plan.describe(lambda u: cat.name(u, lang) if u in cat.jurisdictions else u, lang))
        if plan.nothing_to_do:
            return EXIT_OK
        if not args.yes:
            if not sys.stdin.isatty():
                raise _Refused("Chưa làm gì: thêm --yes để xác nhận khi chạy không có bàn phím. / Nothing done: add --yes.")
            answer = input("Gõ 'co' để xác nhận / type 'co' to confirm: ").strip().lower()
            if answer not in ("co", "có", "yes", "y"):
                print("Đã hủy; chưa có gì thay đổi. / Cancelled; nothing changed.")
                return EXIT_REFUSED
        ids = store.golive(user=who)
    print(done_message(len(ids), lang))
    return EXIT_OK


def _unit_snapshot(args):
    """(catalogue, unit, period or None, snapshot) for a unit's briefing or brief, from the database
    as it stands (optionally as of ``--period``); a usage error for an unknown unit or period."""
    from tracker.periods import today as today_
    from tracker.settings import load_settings
    from tracker.snapshot import load_snapshot
    from tracker.store import database_exists

    cat = load_catalogue()
    unit = _unit_or_usage(cat, args.unit)
    period = _period_or_usage(args.period).code if args.period else None
    db = args.db or load_settings().database
    if not database_exists(db):
        raise _Refused(f"Chưa có cơ sở dữ liệu {db}; chạy `python -m tracker seed` hoặc nộp biểu mẫu trước. / no database yet")
    with _store(args) as store:
        snap = load_snapshot(store, cat, today_(), period=period)
    return cat, unit, period, snap


def cmd_briefing(args) -> int:
    """A unit's PowerPoint briefing from the current data (optionally as of a period)."""
    from pathlib import Path

    from tracker.briefing import build_deck, close_png_renderer, deck_filename, slide_texts

    cat, unit, period, snap = _unit_snapshot(args)
    try:
        content = build_deck(cat, snap, unit, lang=args.lang)
    finally:
        # Before interpreter exit: the browser must be gone before its profile folder is removed.
        close_png_renderer()
    out = Path(args.out or deck_filename(unit, period or snap.latest_period))
    out.write_bytes(content)
    n = len(slide_texts(content))
    print(f"Đã tạo bản trình chiếu {out} — {n} trang / deck written: {n} slides")
    return EXIT_OK


def cmd_brief(args) -> int:
    """A unit's one-to-two-page A4 brief as PDF (optionally as of a period)."""
    from pathlib import Path

    from tracker.brief import BriefUnavailable, brief_filename, build_brief
    from tracker.briefing import close_png_renderer

    cat, unit, period, snap = _unit_snapshot(args)
    try:
        content = build_brief(cat, snap, unit, lang=args.lang)
    except BriefUnavailable as exc:
        raise _Refused(str(exc)) from None
    finally:
        close_png_renderer()   # before interpreter exit, as for the deck
    out = Path(args.out or brief_filename(unit, period or snap.latest_period))
    out.write_bytes(content)
    print(f"Đã tạo bản tóm tắt PDF {out} / brief written: {out}")
    return EXIT_OK


def cmd_publish(args) -> int:
    """The static public site (tracker.publish) from the snapshot the leaders' pages read."""
    from pathlib import Path

    from tracker.catalogue import catalogue_key
    from tracker.periods import today as today_
    from tracker.publish import LANGS, PublishError, publish_site
    from tracker.settings import load_settings
    from tracker.snapshot import shared_snapshot
    from tracker.store import database_exists

    langs = tuple(dict.fromkeys(x.strip() for x in args.lang.split(",") if x.strip()))
    if not langs or any(x not in LANGS for x in langs):
        raise _UsageError(f"--lang: chọn vi, en hoặc vi,en (nhận được {args.lang!r}) / choose vi, en or vi,en")
    cat = load_catalogue()
    db = args.db or load_settings().database
    if not database_exists(db):
        raise _Refused(f"Chưa có cơ sở dữ liệu {db}; chạy `python -m tracker seed` hoặc nộp biểu mẫu trước. / no database yet")
    with _store(args) as store:
        snap = shared_snapshot(store, cat, today_(), None, catalogue_key=catalogue_key(), background=False)
    try:
        result = publish_site(cat, snap, Path(args.out), langs)
    except PublishError as exc:
        raise _Refused(str(exc)) from None
    print(f"Đã xuất trang công khai vào {args.out}: {fmt_number(result.pages)} trang, vẽ lại {fmt_number(result.drawn)}, "
          f"ghi {fmt_number(len(result.written))} tệp, xóa {fmt_number(len(result.removed))} tệp; "
          f"tổng {fmt_number(result.files)} tệp, {fmt_number(result.bytes / 1e6, decimals=1)} MB. / "
          f"Site written: {result.pages} pages, {result.drawn} drawn again, {len(result.written)} files written, "
          f"{len(result.removed)} removed; {result.files} files in all.")
    return EXIT_OK


def cmd_audit(args) -> int:
    """The audit log, newest first."""
    with _store(args) as store:
        entries = store.audit_log(limit=args.limit, username=args.user)
    if not entries:
        print("Nhật ký kiểm tra chưa có mục nào. / The audit log is empty.")
        return EXIT_OK
    lang = args.lang
    print(f"{'Thời điểm (UTC)' if lang != 'en' else 'When (UTC)':<19}  {'Người dùng' if lang != 'en' else 'User':<20} "
          f"{'Việc' if lang != 'en' else 'What':<28} {'Chi tiết' if lang != 'en' else 'Detail'}")
    for e in entries:
        print(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.username:<20} {e.event_label(lang):<28} {e.detail}")
    return EXIT_OK


def cmd_backup(args) -> int:
    """A consistent copy of the installation in a new folder: database, archive, users file."""
    import shutil
    from pathlib import Path

    from tracker.access import UserStore
    from tracker.settings import load_settings

    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        raise _Refused(f"Thư mục {out} đã có dữ liệu; hãy chọn một thư mục mới. / {out} is not empty; choose a new folder.")
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    with _store(args) as store:
        submissions, files = store.backup(out / "tracker.duckdb", out / "archive")
    users = UserStore(load_settings().users_file)
    with users._locked():   # not in the middle of an account change
        if users.path.exists():
            shutil.copy2(users.path, out / users.path.name)
    _audit_writer(args)("backup", _login(), str(out.resolve()))
    print(f"Đã sao lưu vào {out}: cơ sở dữ liệu ({submissions} lần nộp), {files} tệp gốc, tệp người dùng. "
          f"/ Backed up: database ({submissions} submissions), {files} original files, users file.")
    return EXIT_OK


def _login() -> str:
    import getpass

    return f"local:{getpass.getuser()}"


def _user_store(args):
    from tracker.access import UserStore
    from tracker.settings import SettingsError, load_settings

    if args.users:
        return UserStore(args.users)
    try:
        return UserStore(load_settings().users_file)
    except SettingsError as exc:
        raise _Refused(str(exc)) from None


def _read_password(args) -> str:
    """From stdin (--password-stdin, one line), else typed twice at a terminal; never an argument,
    which would land in the shell history and the process list."""
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise _UsageError("không có bàn phím để nhập mật khẩu; dùng --password-stdin "
                          "/ stdin is not a terminal; use --password-stdin")
    first = getpass.getpass("Mật khẩu / password: ")
    if first != getpass.getpass("Nhập lại mật khẩu / repeat password: "):
        raise _Refused("Hai lần nhập mật khẩu không khớp; chưa thay đổi gì. / The passwords differ; nothing changed.")
    return first


def _account_desk(args, users, *, check_units: bool):
    """The one place account changes are decided (tracker.accounts), acting as the server's operator;
    the catalogue is read only when units are given (they must be its units)."""
    from tracker.accounts import AccountDesk

    return AccountDesk(users, actor=_login(), audit=_audit_writer(args),
                       end_sessions=lambda name: _end_web_sessions_of(args, name),
                       known_units=load_catalogue().jurisdictions if check_units else None)


def _done(result) -> None:
    """Print an account change's result, or refuse with its sentence (exit 1)."""
    if not result.ok:
        raise _Refused(f"{result.message_vi} / {result.message_en}")
    print(f"{result.message_vi} / {result.message_en}")
    if result.password:
        print(f"Mật khẩu (chỉ hiện một lần) / password (shown once): {result.password}")
    if result.sessions_ended:
        print(f"Đã đóng {result.sessions_ended} phiên đăng nhập trên trình duyệt / "
              f"{result.sessions_ended} browser session(s) ended")


def _new_password(args) -> str | None:
    """None with --generate-password (the desk makes one and it is printed once), else read."""
    return None if getattr(args, "generate_password", False) else _read_password(args)


def cmd_user(args) -> int:
    """Accounts: add, set, remove, list, passwd, disable, enable, unlock — each decided by tracker.accounts.
    Refusals are sentences, exit 1."""
    from tracker.access import UserError

    if not getattr(args, "user_action", None):
        raise _UsageError("thiếu thao tác: add, set, remove, list, passwd, disable, enable hoặc unlock / missing action")
    store = _user_store(args)
    try:
        if args.user_action == "list":
            users = store.list_users()
            if not users:
                print(f"Chưa có người dùng nào trong {store.path}. / No users yet.")
                return EXIT_OK
            width = max(len("Tên / name"), *(len(u.username) for u in users))
            print(f"{'Tên / name':<{width}}  {'Vai trò / role':<14}  {'Trạng thái / state':<18}  Đơn vị / units")
            for u in users:
                units = ", ".join(u.units) if u.units else ("(tất cả / all)" if u.role in ("admin", "viewer") else "-")
                state = "vô hiệu / disabled" if u.disabled else "hoạt động / active"
                print(f"{u.username:<{width}}  {u.role:<14}  {state:<18}  {units}" + (f"  [{u.agency}]" if u.agency else ""))
            return EXIT_OK
    except UserError as exc:
        raise _Refused(str(exc)) from None
    desk = _account_desk(args, store, check_units=bool(getattr(args, "unit", None)))
    action = args.user_action
    if action == "add":
        refused = desk.check_add(args.name, args.role, args.unit or (), args.agency)
        if refused:   # said before asking for a password
            _done(refused)
        _done(desk.add(args.name, args.role, units=args.unit or (), agency=args.agency, email=args.email or "",
                       password=_new_password(args)))
    elif action == "set":
        if args.role is None and args.unit is None and args.agency is None and not args.no_agency:
            raise _UsageError("user set cần ít nhất một trong --role, --unit, --agency, --no-agency / nothing to change")
        agency = None if args.no_agency else (args.agency if args.agency is not None else ...)
        _done(desk.set_scope(args.name, role=args.role, units=args.unit, agency=agency))
    elif action == "remove":
        _done(desk.remove(args.name))
    elif action in ("disable", "enable"):
        _done(desk.set_disabled(args.name, action == "disable"))
    elif action == "unlock":
        _done(desk.unlock(args.name))
    elif action == "passwd":
        if not store.get(args.name):
            raise _Refused(f"Không có người dùng '{args.name}'. / No user '{args.name}'.")
        _done(desk.reset_password(args.name, _new_password(args)))
    else:
        raise _UsageError(f"thao tác không hợp lệ: {action}")
    return EXIT_OK


def _lang(args) -> str:
    """--lang where the command has it, else the installation's default language."""
    if getattr(args, "lang", None):
        return args.lang
    from tracker.settings import load_settings

    try:
        return load_settings().default_lang
    except Exception:   # a broken settings file is reported by the commands that need it
        return "vi"


def _busy_message(args, exc) -> str:
    """The database stayed busy longer than a command waits: say what was not done and what to do,
    in the words of the command (a briefing user is not sent to the upload page)."""
    lang = _lang(args)
    holder = t("busy.holder", lang, pid=exc.holder_pid) if exc.holder_pid else t("busy.holder_unknown", lang)
    what = f"busy.{args.command}"
    return t("busy.cli", lang, db=exc.place, holder=holder, s=fmt_number(exc.waited, lang),
             what=t(what, lang) if what in STRINGS else "")


# Commands that read or write the installation's data; they must run as the data's owner.
_DATA_COMMANDS = {"template", "ingest", "history", "seed", "status", "briefing", "user", "audit", "backup", "calendar",
                  "golive", "remind", "publish", "approve", "return"}


def _data_owner_problem() -> str | None:
    from tracker.settings import SettingsError, data_owner_problem, load_settings

    try:
        return data_owner_problem(load_settings())
    except SettingsError:
        return None  # the command itself reports a broken settings file


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m tracker", description="NQ45 Tracker — dòng lệnh / command line")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("catalogue", help="in danh mục chỉ tiêu / print the targets")
    p.add_argument("--unit", help="chỉ một địa phương, vd. khanh-hoa")
    p.add_argument("--kind", choices=["stock", "flow", "ratio", "growth", "rank", "direction", "milestone"])
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.add_argument("--catalogue", help="đường dẫn indicators.yaml")
    p.set_defaults(func=cmd_catalogue)
    p = sub.add_parser("template", help="tạo biểu mẫu Excel / write an Excel form")
    p.add_argument("--unit", required=True)
    p.add_argument("--period", required=True, help="vd. 2026-Q3 hoặc 2026")
    p.add_argument("--out", help="tệp ra (mặc định nq45_<unit>_<period>.xlsx)")
    p.add_argument("--db", help="cơ sở dữ liệu (mặc định data/tracker.duckdb; TRACKER_DB)")
    p.add_argument("--agency", help="biểu mẫu của một cơ quan chủ trì (mã: python -m tracker agencies) / one agency's form")
    p.set_defaults(func=cmd_template)
    p = sub.add_parser("agencies", help="cơ quan chủ trì và chỉ tiêu của từng cơ quan / lead agencies and their targets")
    p.add_argument("--unit", help="chỉ một địa phương, vd. bac-ninh")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_agencies)

    p = sub.add_parser("ingest", help="nộp một biểu mẫu đã điền / ingest a filled form")
    p.add_argument("file")
    p.add_argument("--db")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không lưu")
    p.add_argument("--as", dest="as_user", help="người dùng (mặc định: người vận hành máy chủ); hỏi mật khẩu của người đó")
    p.add_argument("--password-stdin", action="store_true", help="với --as: đọc mật khẩu từ một dòng stdin")
    p.add_argument("--reason", help="bắt buộc khi quản trị viên ghi vào kỳ đã khóa; lưu cùng lần nộp")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("history", help="lịch sử nộp và giá trị / submissions and value history")
    p.add_argument("--unit")
    p.add_argument("--indicator")
    p.add_argument("--db")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("seed", help="lần chạy đầu: tài khoản quản trị, dữ liệu minh họa / first run")
    p.add_argument("--if-empty", action="store_true", help="chỉ nạp khi cơ sở dữ liệu trống")
    p.add_argument("--db")
    p.set_defaults(func=cmd_seed)

    p = sub.add_parser("status", help="tình hình từng chỉ tiêu / status of every target")
    p.add_argument("--unit")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.add_argument("--pending", action="store_true", help="với --json: thêm số liệu đang chờ duyệt / add figures awaiting approval")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_status)
    for name, text in (("approve", "duyệt một lần nộp đang chờ duyệt / approve a submission"),
                       ("return", "trả lại một lần nộp đang chờ duyệt, kèm lý do / return a submission, with a reason")):
        p = sub.add_parser(name, help=text)
        p.add_argument("id", type=int, help="số lần nộp, vd. 12 (xem `history`)")
        p.add_argument("--reason", required=name == "return", help="lý do (bắt buộc khi trả lại; người nộp sẽ thấy)")
        p.add_argument("--db")
        p.add_argument("--as", dest="as_user", help="người duyệt; hỏi mật khẩu của người đó")
        p.add_argument("--password-stdin", action="store_true", help="với --as: đọc mật khẩu từ một dòng stdin")
        p.add_argument("--lang", choices=["vi", "en"], default="vi")
        p.set_defaults(func=cmd_decide)
    p = sub.add_parser("remind", help="gửi thư nhắc nộp cho đơn vị chưa nộp / e-mail reminders (cron)")
    p.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không gửi")
    p.add_argument("--today", help="ngày chạy, dạng YYYY-MM-DD (mặc định: hôm nay; TRACKER_TODAY)")
    p.add_argument("--letter", metavar="OUT.docx", help="ghi công văn đôn đốc (.docx) thay vì gửi thư / write the letter")
    p.add_argument("--db")
    p.set_defaults(func=cmd_remind)
    p = sub.add_parser("golive", help="bắt đầu sử dụng thật: rút toàn bộ dữ liệu minh họa / go live: demo data out")
    p.add_argument("--yes", action="store_true", help="không hỏi lại")
    p.add_argument("--db")
    p.add_argument("--as", dest="as_user", help=argparse.SUPPRESS)
    p.add_argument("--password-stdin", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_golive)
    p = sub.add_parser("calendar", help="lịch báo cáo: kỳ đang mở, hạn nộp, đơn vị đã nộp / reporting calendar")
    p.add_argument("--today", help="ngày xem lịch, dạng YYYY-MM-DD (mặc định: hôm nay; TRACKER_TODAY)")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_calendar)
    p = sub.add_parser("briefing", help="bản trình chiếu PowerPoint của một địa phương / a unit's briefing deck")
    p.add_argument("--unit", required=True)
    p.add_argument("--period", help="chỉ dùng số liệu đến kỳ này, vd. 2026-Q3")
    p.add_argument("--out", help="tệp ra (mặc định nq45_<unit>_<period>.pptx)")
    p.add_argument("--db")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_briefing)
    p = sub.add_parser("brief", help="bản tóm tắt PDF khổ A4 của một địa phương / a unit's A4 PDF brief")
    p.add_argument("--unit", required=True)
    p.add_argument("--period", help="chỉ dùng số liệu đến kỳ này, vd. 2026-Q3")
    p.add_argument("--out", help="tệp ra (mặc định nq45_<unit>_<period>.pdf)")
    p.add_argument("--db")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_brief)
    p = sub.add_parser("publish", help="xuất trang công khai tĩnh (HTML, SVG, CSV) / write the static public site")
    p.add_argument("--out", required=True, help="thư mục của trang, vd. site/ (chỉ ghi lại những trang đã thay đổi)")
    p.add_argument("--lang", default="vi,en", help="ngôn ngữ, vd. vi,en (mặc định) hoặc vi")
    p.add_argument("--db")
    p.set_defaults(func=cmd_publish)
    p = sub.add_parser("audit", help="nhật ký kiểm tra: đăng nhập, nộp, rút, tài khoản / the audit log")
    p.add_argument("--limit", type=int, default=50, help="số mục mới nhất (mặc định 50)")
    p.add_argument("--user", help="chỉ một người dùng")
    p.add_argument("--db")
    p.add_argument("--lang", choices=["vi", "en"], default="vi")
    p.set_defaults(func=cmd_audit)
    p = sub.add_parser("backup", help="sao lưu nhất quán: cơ sở dữ liệu, tệp gốc, tệp người dùng / a consistent backup")
    p.add_argument("out", help="thư mục mới để chứa bản sao lưu")
    p.add_argument("--db")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("propose", help="đề xuất chỉ tiêu, nhiệm vụ từ văn bản một chương trình / propose targets from a programme")
    p.add_argument("file", help="chương trình: .docx, .doc, .pdf hoặc .txt")
    p.add_argument("--unit", help="mã địa phương ban hành, vd. can-tho")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=lambda args: __import__("tracker.propose", fromlist=["run_cli"]).run_cli(args))
    p = sub.add_parser("user", help="tài khoản người dùng / user accounts")
    p.set_defaults(func=cmd_user)
    user_sub = p.add_subparsers(dest="user_action", parser_class=_Parser)
    users_file = _Parser(add_help=False)
    users_file.add_argument("--users", help="tệp người dùng (mặc định data/users.toml; TRACKER_USERS)")
    q = user_sub.add_parser("add", parents=[users_file], help="thêm người dùng / add a user")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=["viewer", "uploader", "approver", "admin"])
    q.add_argument("--unit", action="append",
                   help="đơn vị (uploader, approver: bắt buộc; viewer: tùy chọn), lặp lại được, vd. --unit khanh-hoa")
    q.add_argument("--agency", help="cơ quan mà cán bộ nhập số liệu nộp thay, vd. so-khcn (uploader, tùy chọn)")
    q.add_argument("--email", help="địa chỉ thư nhận nhắc nộp (tùy chọn)")
    secret = q.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ một dòng stdin")
    secret.add_argument("--generate-password", action="store_true", help="tạo mật khẩu ngẫu nhiên, in ra một lần")
    q = user_sub.add_parser("set", parents=[users_file], help="đổi vai trò, đơn vị, cơ quan / change role, units, agency")
    q.add_argument("name")
    q.add_argument("--role", choices=["viewer", "uploader", "approver", "admin"])
    q.add_argument("--unit", action="append", help="danh sách đơn vị mới (thay cho danh sách cũ), lặp lại được")
    q.add_argument("--agency", help="cơ quan mới, vd. so-khcn")
    q.add_argument("--no-agency", action="store_true", help="bỏ cơ quan (nộp cho cả đơn vị)")
    q = user_sub.add_parser("remove", parents=[users_file], help="xóa người dùng / remove a user")
    q.add_argument("name")
    q = user_sub.add_parser("list", parents=[users_file], help="danh sách người dùng / list users")
    q = user_sub.add_parser("passwd", parents=[users_file], help="đổi mật khẩu / change a password")
    q.add_argument("name")
    secret = q.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ một dòng stdin")
    secret.add_argument("--generate-password", action="store_true", help="tạo mật khẩu ngẫu nhiên, in ra một lần")
    for action, text in (("disable", "vô hiệu hóa (các phiên đang mở kết thúc) / disable"),
                         ("enable", "bật lại / enable again"),
                         ("unlock", "mở khóa đăng nhập sau nhiều lần sai / lift a sign-in lock")):
        q = user_sub.add_parser(action, parents=[users_file], help=text)
        q.add_argument("name")
    return parser


class _NoTraceback(__import__("logging").Formatter):
    def formatException(self, ei) -> str:  # noqa: N802 — logging's name
        return ""

    def format(self, record) -> str:
        record.exc_text = ""
        saved, record.exc_info = record.exc_info, None
        try:
            return super().format(record)
        finally:
            record.exc_info = saved


def _sentences_not_tracebacks() -> None:
    """A log record at the terminal is one line: Python's last-resort handler would print the traceback of
    an exception the command has already turned into a sentence (an unreadable upload)."""
    import logging

    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.ERROR)
    handler.setFormatter(_NoTraceback("(nhật ký / log: %(message)s)"))
    root.addHandler(handler)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    if args.command in _DATA_COMMANDS:
        problem = _data_owner_problem()
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_REFUSED
    _sentences_not_tracebacks()
    # Every file a command creates (database, archive, users file, backup) is owner-only.
    umask = os.umask(0o077)
    try:
        return args.func(args)
    except _UsageError as exc:
        print(f"{parser.prog}: lỗi cú pháp / usage error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except _Refused as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except CatalogueError as exc:
        print(f"Danh mục chỉ tiêu bị lỗi / the catalogue is broken:\n{exc}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return EXIT_REFUSED
    except Exception as exc:  # the last guard: a sentence, never a traceback
        from tracker.store import StoreError

        if isinstance(exc, StoreError):
            print(_busy_message(args, exc) if exc.code == "busy" else str(exc), file=sys.stderr)
            return EXIT_REFUSED
        print(f"Lỗi không mong đợi / unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        os.umask(umask)
