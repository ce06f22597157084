"""`python -m tracker ...`: the command line. Exit 0 = done, 1 = refused (report printed), 2 = usage.

Every command catches what it expects and prints a sentence, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from tracker.catalogue import CatalogueError, load_catalogue
from tracker.i18n import fmt_target, t

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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except CatalogueError as exc:
        print(f"Danh mục chỉ tiêu bị lỗi / the catalogue is broken:\n{exc}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return EXIT_REFUSED
