"""The data commands: template, agencies, ingest, history, seed, status, approve/return, calendar,
remind, golive."""

from __future__ import annotations

import json
import pathlib
import sys
import textwrap

from tracker.catalogue import load_catalogue
from tracker.cli.common import (EXIT_OK, EXIT_REFUSED, Refused, UsageError, local_login, operator_of,
                                period_or_usage, store_of, unit_or_usage)
from tracker.core.i18n import fmt_number, t


def cmd_template(args) -> int:
    from pathlib import Path

    from tracker.forms.workbook import build_form, form_filename

    cat = load_catalogue()
    unit = unit_or_usage(cat, args.unit)
    period = period_or_usage(args.period)
    previous = {}
    from tracker.core.settings import load_settings
    from tracker.storage import database_exists

    if database_exists(args.db or load_settings().database):
        with store_of(args) as store:
            previous = store.previous_values(unit, period.code)
    agency = getattr(args, "agency", None)
    if agency is not None and cat.agency(unit, agency) is None:
        from tracker.catalogue.agencies import unknown_agency_message

        raise UsageError(unknown_agency_message(cat, unit, agency) + " / " + unknown_agency_message(cat, unit, agency, "en"))
    out = Path(args.out or form_filename(unit, period.code, agency))
    out.write_bytes(build_form(cat, unit, period.code, previous,
                               window=load_settings().reporting_calendar.window(period), agency=agency))
    who = f" — {cat.agency(unit, agency).name.vi}" if agency else ""
    print(f"Đã tạo biểu mẫu {out} — {cat.name(unit)}{who}, {period.label()} / form written")
    return EXIT_OK


def cmd_agencies(args) -> int:
    """The lead agencies of each unit and the targets they report (their ids are what `user add --agency` takes)."""
    from tracker.catalogue.agencies import agency_listing

    cat = load_catalogue()
    units = [unit_or_usage(cat, args.unit)] if args.unit else None
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


def cmd_ingest(args) -> int:
    from pathlib import Path

    from tracker.accounts.permissions import can_upload
    from tracker.ingest import read_form
    from tracker.core.periods import today as today_
    from tracker.core.settings import load_settings

    lang = args.lang
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"không tìm thấy tệp {path} / file not found")
    settings = load_settings()
    cat = load_catalogue()
    today = today_()
    who, user = operator_of(args)
    content = path.read_bytes()
    with store_of(args) as store:
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
        from tracker.reporting.approval import initial_state

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
    from tracker.core.i18n import fmt_number

    cat = load_catalogue()
    if args.unit:
        unit_or_usage(cat, args.unit)
    with store_of(args) as store:
        if args.indicator:
            if not cat.has_indicator(args.indicator):
                raise UsageError(f"không có chỉ tiêu '{args.indicator}' / unknown indicator")
            rows = store.value_history(args.indicator, args.unit)
            if rows.empty:
                print("Chưa có số liệu nào cho chỉ tiêu này. / No values yet.")
                return EXIT_OK
            from tracker.present.downloads import value_status_cell

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
    from tracker.accounts.users import UserStore, ensure_admin, first_admin_notice
    from tracker.forms.demo import DEMO_USER, write_demo
    from tracker.core.periods import parse_period
    from tracker.ingest import read_form
    from tracker.core.periods import today as today_
    from tracker.core.settings import load_settings

    settings = load_settings()
    password = ensure_admin(UserStore(settings.users_file))
    if password:
        print(first_admin_notice(password))
    cat = load_catalogue()
    with store_of(args) as store:
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
    from tracker.core.periods import today as today_
    from tracker.assess.judge import status_label
    from tracker.assess.snapshot import load_snapshot

    cat = load_catalogue()
    if args.unit:
        unit_or_usage(cat, args.unit)
    lang = args.lang
    from tracker.assess.value_kinds import judged_words, kind_of

    with store_of(args) as store:
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
    """`approve ID` / `return ID --reason "…"`: the approver's decision, by the rules of tracker.reporting.approval
    (the page calls the same). --as USER signs in as ingest does; without it the server's operator acts
    as an admin."""
    from tracker.accounts.users import UserError, UserStore
    from tracker.reporting.approval import admin_count, decide
    from tracker.core.settings import load_settings

    lang = args.lang
    decision = "approved" if args.command == "approve" else "returned"
    if decision == "returned" and not (args.reason or "").strip():
        raise UsageError("return cần --reason \"lý do\" (người nộp sẽ thấy) / return needs --reason \"why\"")
    _, user = operator_of(args)
    try:
        admins = admin_count(UserStore(load_settings().users_file).list_users())
    except UserError as exc:
        raise Refused(str(exc)) from None
    with store_of(args) as store:
        outcome = decide(store, user, args.id, decision, admins=admins, reason=args.reason)
    if not outcome.ok:
        raise Refused(outcome.message_en if lang == "en" else f"{outcome.message_vi} / {outcome.message_en}")
    print(outcome.message(lang))
    return EXIT_OK


def cmd_calendar(args) -> int:
    """The periods open now, the next window, each deadline, and how complete the open windows are."""
    import datetime as dt

    from tracker.core.calendar import next_window_line, window_line
    from tracker.reporting.completeness import completeness
    from tracker.core.i18n import fmt_date
    from tracker.core.periods import today as today_
    from tracker.core.settings import load_settings
    from tracker.storage import database_exists

    lang = args.lang
    try:
        day = dt.date.fromisoformat(args.today) if args.today else today_()
    except ValueError:
        raise UsageError(f"ngày không hợp lệ: {args.today!r} (dạng YYYY-MM-DD) / not a date") from None
    settings = load_settings()
    cal = settings.reporting_calendar
    windows = cal.open_windows(day)
    upcoming = cal.next_window(day)
    db = args.db or settings.database
    cat = load_catalogue()
    done = {}
    if database_exists(db):
        with store_of(args) as store:
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

    from tracker.accounts.users import UserStore
    from tracker.core.periods import today as today_
    from tracker.reporting.reminders import pending, send_all
    from tracker.core.settings import load_settings

    try:
        day = dt.date.fromisoformat(args.today) if args.today else today_()
    except ValueError:
        raise UsageError(f"ngày không hợp lệ: {args.today!r} (dạng YYYY-MM-DD) / not a date") from None
    settings = load_settings()
    cat = load_catalogue()
    if args.letter:   # the reminder letter for signature instead of e-mails (tracker/present/letter.py)
        from tracker.present.letter import letter_content, reminder_letter

        with store_of(args) as store:
            content = letter_content(cat, store, settings.reporting_calendar, day)
        try:
            pathlib.Path(args.letter).write_bytes(reminder_letter(content, settings))
        except OSError as exc:
            raise Refused(f"Không ghi được công văn vào {args.letter} / letter not written: {exc}") from None
        print(f"Đã ghi công văn đôn đốc {content.window.period.label()} ({len(content.late)} đơn vị chưa nộp) vào "
              f"{args.letter}. / Reminder letter written: {len(content.late)} units late.")
        return EXIT_OK
    users = UserStore(settings.users_file).list_users()
    with store_of(args) as store:
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
            sent = send_all(due, settings, cat, store, who=f"local:{local_login()}")
        except (OSError, ValueError) as exc:
            raise Refused(f"Không gửi được thư nhắc / reminders not sent: {exc}") from None
    print(f"Đã gửi {sent} thư nhắc. / {sent} reminders sent.")
    return EXIT_OK


def cmd_golive(args) -> int:
    """End the demo: every demo submission withdrawn in one audited transaction, after saying what goes."""
    from tracker.reporting.golive import done_message, golive_plan

    lang = args.lang
    cat = load_catalogue()
    who, _ = operator_of(args)
    with store_of(args) as store:
        plan = golive_plan(store)
        print(plan.describe(lambda u: cat.name(u, lang) if u in cat.jurisdictions else u, lang))
        if plan.nothing_to_do:
            return EXIT_OK
        if not args.yes:
            if not sys.stdin.isatty():
                raise Refused("Chưa làm gì: thêm --yes để xác nhận khi chạy không có bàn phím. / Nothing done: add --yes.")
            answer = input("Gõ 'co' để xác nhận / type 'co' to confirm: ").strip().lower()
            if answer not in ("co", "có", "yes", "y"):
                print("Đã hủy; chưa có gì thay đổi. / Cancelled; nothing changed.")
                return EXIT_REFUSED
        ids = store.golive(user=who)
    print(done_message(len(ids), lang))
    return EXIT_OK
