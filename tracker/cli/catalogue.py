"""`catalogue` (the targets) and `propose` (targets and tasks proposed from a programme's text)."""

from __future__ import annotations

import json
import sys
import textwrap

from tracker.catalogue import load_catalogue
from tracker.cli.common import EXIT_OK, EXIT_USAGE
from tracker.core.i18n import fmt_target, t


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


def cmd_propose(args) -> int:
    """Proposed targets and tasks from a programme's text (tracker.catalogue.propose)."""
    from tracker.catalogue.propose import run_cli

    return run_cli(args)
