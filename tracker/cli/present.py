"""What a unit is shown: `briefing` (PowerPoint deck), `brief` (A4 PDF), `publish` (the static public site)."""

from __future__ import annotations

from tracker.catalogue import load_catalogue
from tracker.cli.common import EXIT_OK, Refused, UsageError, period_or_usage, store_of, unit_or_usage
from tracker.core.i18n import fmt_number


def _unit_snapshot(args):
    """(catalogue, unit, period or None, snapshot) for a unit's briefing or brief, from the database
    as it stands (optionally as of ``--period``); a usage error for an unknown unit or period."""
    from tracker.core.periods import today as today_
    from tracker.core.settings import load_settings
    from tracker.assess.snapshot import load_snapshot
    from tracker.storage import database_exists

    cat = load_catalogue()
    unit = unit_or_usage(cat, args.unit)
    period = period_or_usage(args.period).code if args.period else None
    db = args.db or load_settings().database
    if not database_exists(db):
        raise Refused(f"Chưa có cơ sở dữ liệu {db}; chạy `python -m tracker seed` hoặc nộp biểu mẫu trước. / no database yet")
    with store_of(args) as store:
        snap = load_snapshot(store, cat, today_(), period=period)
    return cat, unit, period, snap


def cmd_briefing(args) -> int:
    """A unit's PowerPoint briefing from the current data (optionally as of a period)."""
    from pathlib import Path

    from tracker.present.briefing.deck import build_deck, deck_filename, slide_texts
    from tracker.present.briefing.png import close_png_renderer

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

    from tracker.present.briefing.pdf import BriefUnavailable, brief_filename, build_brief
    from tracker.present.briefing.png import close_png_renderer

    cat, unit, period, snap = _unit_snapshot(args)
    try:
        content = build_brief(cat, snap, unit, lang=args.lang)
    except BriefUnavailable as exc:
        raise Refused(str(exc)) from None
    finally:
        close_png_renderer()   # before interpreter exit, as for the deck
    out = Path(args.out or brief_filename(unit, period or snap.latest_period))
    out.write_bytes(content)
    print(f"Đã tạo bản tóm tắt PDF {out} / brief written: {out}")
    return EXIT_OK


def cmd_publish(args) -> int:
    """The static public site (tracker.present.publish) from the snapshot the leaders' pages read."""
    from pathlib import Path

    from tracker.catalogue import catalogue_key
    from tracker.core.periods import today as today_
    from tracker.present.publish import LANGS, PublishError, publish_site
    from tracker.core.settings import load_settings
    from tracker.assess.snapshot import shared_snapshot
    from tracker.storage import database_exists

    langs = tuple(dict.fromkeys(x.strip() for x in args.lang.split(",") if x.strip()))
    if not langs or any(x not in LANGS for x in langs):
        raise UsageError(f"--lang: chọn vi, en hoặc vi,en (nhận được {args.lang!r}) / choose vi, en or vi,en")
    cat = load_catalogue()
    db = args.db or load_settings().database
    if not database_exists(db):
        raise Refused(f"Chưa có cơ sở dữ liệu {db}; chạy `python -m tracker seed` hoặc nộp biểu mẫu trước. / no database yet")
    with store_of(args) as store:
        snap = shared_snapshot(store, cat, today_(), None, catalogue_key=catalogue_key(), background=False)
    try:
        result = publish_site(cat, snap, Path(args.out), langs)
    except PublishError as exc:
        raise Refused(str(exc)) from None
    print(f"Đã xuất trang công khai vào {args.out}: {fmt_number(result.pages)} trang, vẽ lại {fmt_number(result.drawn)}, "
          f"ghi {fmt_number(len(result.written))} tệp, xóa {fmt_number(len(result.removed))} tệp; "
          f"tổng {fmt_number(result.files)} tệp, {fmt_number(result.bytes / 1e6, decimals=1)} MB. / "
          f"Site written: {result.pages} pages, {result.drawn} drawn again, {len(result.written)} files written, "
          f"{len(result.removed)} removed; {result.files} files in all.")
    return EXIT_OK
