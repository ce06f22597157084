"""How well `propose` finds a programme's targets, on texts it was and was not written from.

    .venv/bin/python -m bench.propose [--part seen|dev|heldout|all] [--verbose]

Three parts, kept apart (bench/corpus/README.md): **seen** — the five seed documents, scored against
indicators.yaml; **dev** — unseen texts used while changing the rules; **heldout** — unseen texts of
the same styles, only ever measured. Every unseen text has an annotation (NAME.yaml) listing its
numeric targets (value, unit, year, comparator), directional goals and tasks.

Numeric targets match on value + comparator + year (+ unit when the annotation names one), one
proposal per target. Directions and tasks match when the two quotes share at least 60 % of the words
of the shorter one, one-to-one, greedy by overlap, so a long quote cannot stand for several. A name is
a *fragment* when it is not a run of whole words of its quote (after a "Số" or "Tỷ lệ" put before the counted phrase), has fewer than two words, or ends on a
word that cannot end a noun phrase ("có", "đạt", "của", …). A *silent zero* is a text with no
proposal and no issue saying why. The table gives each figure per part and per style, with the load.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tracker.catalogue import DEFAULT_PATH, read_catalogue
from tracker.catalogue.propose import normalise, propose_text, read_programme
from tracker.catalogue.sources import read_document

OVERLAP = 0.6
CORPUS = Path(__file__).parent / "corpus"
# Words a Vietnamese noun phrase cannot end on: verbs of the target sentence, prepositions, links.
_DANGLING = {"có", "đạt", "là", "của", "và", "các", "những", "trong", "từ", "với", "cho", "được", "tăng", "lên",
             "đến", "tới", "trở", "dưới", "khoảng", "ít", "nhất", "tối", "thiểu", "mỗi", "hằng", "hàng", "năm",
             "phấn", "đấu", "bình", "quân", "trung", "thêm", "về", "tại", "theo", "để", "thì", "mà", "hoặc"}


@dataclass
class Text:
    name: str
    part: str          # seen | dev | heldout
    style: str
    text: str
    numeric: list[tuple] = field(default_factory=list)      # (value, unit, year, comparator)
    directions: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    issue: str | None = None


def words(text: str) -> list[str]:
    return re.findall(r"\w+", normalise(text).lower())


def overlap(a: str, b: str) -> float:
    wa, wb = set(words(a)), set(words(b))
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def match_quotes(proposed: list[str], wanted: list[str]) -> list[tuple[int, int]]:
    pairs = sorted(((overlap(p, w), i, j) for i, p in enumerate(proposed) for j, w in enumerate(wanted)), reverse=True)
    used_p, used_w, out = set(), set(), []
    for score, i, j in pairs:
        if score < OVERLAP:
            break
        if i in used_p or j in used_w:
            continue
        used_p.add(i)
        used_w.add(j)
        out.append((i, j))
    return out


def is_fragment(name: str, quote: str) -> bool:
    """Whether ``name`` is not a complete run of whole words of ``quote`` an official could keep."""
    nw, qw = words(name), words(quote)
    if len(nw) < 2 or name.rstrip().endswith(("…", "...")):
        return True
    if (nw[-1] in _DANGLING and nw[-2:] != ["trở", "lên"]) or re.fullmatch(r"\d+", nw[0]):
        return True
    # "Số"/"Tỷ lệ" put before the counted phrase ("Số tiến sĩ y học") names the measure of it.
    if nw[0] == "số" and "số" not in qw[:1]:
        nw = nw[1:]
    elif nw[:2] in (["tỷ", "lệ"], ["tỉ", "lệ"]) and qw[:2] != nw[:2]:
        nw = nw[2:]
    n = len(nw)
    if n == 0:
        return True
    return not any(qw[i:i + n] == nw for i in range(len(qw) - n + 1))


def seen_texts(catalogue_path: str) -> list[Text]:
    cat = read_catalogue(catalogue_path)
    out = []
    for doc in cat.documents.values():
        entries = [i for i in cat.indicators if i.document == doc.id and not i.retired]
        numeric = [(float(i.target.value), i.unit, int(i.target.year), i.target.comparator) for i in entries if i.is_numeric]
        directions = list({normalise(i.quote): i.quote for i in entries if i.kind == "direction"}.values())
        tasks = list({normalise(i.quote): i.quote for i in entries if i.kind == "milestone"}.values())
        out.append(Text(doc.id, "seen", "seed", read_document(doc.file), numeric, directions, tasks))
    return out


def unseen_texts(part: str) -> list[Text]:
    out = []
    for note in sorted((CORPUS / "unseen" / part).glob("*.yaml")):
        spec = yaml.safe_load(note.read_text(encoding="utf-8"))
        source = next(p for p in note.parent.glob(note.stem + ".*") if p.suffix != ".yaml")
        text, problem = read_programme(source.name, source.read_bytes())
        numeric = [(float(n["value"]), n.get("unit"), int(n["year"]), n["comparator"]) for n in spec.get("numeric") or []]
        tasks = [t["text"] if isinstance(t, dict) else t for t in spec.get("tasks") or []]
        out.append(Text(source.name, part, spec["style"], text, numeric, list(spec.get("directions") or []), tasks,
                        issue=problem.code if problem else None))
    return out


def score(item: Text, verbose: bool) -> dict:
    result = propose_text(item.text) if item.issue is None else None
    proposals = result.proposals if result else []
    issues = [i.code for i in result.issues] if result else [item.issue]
    got_num = [p for p in proposals if p.kind == "numeric"]
    remaining = list(item.numeric)
    hits, extra = 0, []
    for p in got_num:
        found = next((w for w in remaining if abs(w[0] - float(p.value)) < 1e-6 and w[2] == p.year and w[3] == p.comparator
                      and (w[1] is None or p.unit is None or w[1] == p.unit)), None)
        if found:
            remaining.remove(found)
            hits += 1
        else:
            extra.append(p)
    got_dir = [p for p in proposals if p.kind == "direction"]
    got_task = [p for p in proposals if p.kind == "milestone"]
    dir_pairs = match_quotes([p.quote for p in got_dir], item.directions)
    task_pairs = match_quotes([p.quote for p in got_task], item.tasks)
    fragments = [p for p in proposals if is_fragment(p.name, p.quote)]
    silent = not proposals and not issues
    if verbose:
        print(f"--- [{item.part}/{item.style}] {item.name}" + (f"  issues: {', '.join(issues)}" if issues else ""))
        for w in remaining:
            print("  missed numeric", w)
        for p in extra:
            print("  extra numeric", p.value, p.unit, p.comparator, p.year, "|", p.quote[:100])
        matched = {j for _, j in dir_pairs}
        for j, d in enumerate(item.directions):
            if j not in matched:
                print("  missed direction |", d[:100])
        matched = {j for _, j in task_pairs}
        for j, t in enumerate(item.tasks):
            if j not in matched:
                print("  missed task |", t[:110])
        for p in fragments:
            print("  fragment name", repr(p.name), "|", p.quote[:80])
    return {"num_hit": hits, "num_want": len(item.numeric), "num_got": len(got_num),
            "dir_hit": len(dir_pairs), "dir_want": len(item.directions),
            "task_hit": len(task_pairs), "task_want": len(item.tasks), "task_got": len(got_task),
            "fragments": len(fragments), "names": len(proposals), "silent": int(silent), "texts": 1}


def ratio(a: int, b: int) -> str:
    return "  n/a" if b == 0 else f"{a / b:5.2f}".replace(".", ",")


def add(total: dict, row: dict) -> None:
    for k, v in row.items():
        total[k] = total.get(k, 0) + v


def line(label: str, s: dict) -> str:
    return (f"{label:<28} {s['texts']:>3}  {ratio(s['num_hit'], s['num_want'])} ({s['num_hit']:>3}/{s['num_want']:<3})  "
            f"{ratio(s['num_hit'], s['num_got'])} ({s['num_hit']:>3}/{s['num_got']:<3})  "
            f"{ratio(s['dir_hit'], s['dir_want'])} ({s['dir_hit']:>2}/{s['dir_want']:<2})  "
            f"{ratio(s['task_hit'], s['task_want'])} ({s['task_hit']:>2}/{s['task_want']:<2})  "
            f"{s['fragments']:>3}/{s['names']:<3}  {s['silent']:>2}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("seen", "dev", "heldout", "unseen", "all"), default="all")
    parser.add_argument("--verbose", action="store_true", help="list every miss, extra proposal and fragment name")
    parser.add_argument("--catalogue", default=str(DEFAULT_PATH))
    args = parser.parse_args(argv)
    parts = {"all": ("seen", "dev", "heldout"), "unseen": ("dev", "heldout")}.get(args.part, (args.part,))
    texts: list[Text] = []
    if "seen" in parts:
        texts += seen_texts(args.catalogue)
    for part in ("dev", "heldout"):
        if part in parts:
            texts += unseen_texts(part)
    started = time.perf_counter()
    by_part: dict[str, dict] = {}
    by_style: dict[str, dict] = {}
    whole: dict = {}
    unseen: dict = {}
    for item in texts:
        row = score(item, args.verbose)
        add(whole, row)
        add(by_part.setdefault(item.part, {}), row)
        add(by_style.setdefault(f"{item.part}/{item.style}", {}), row)
        if item.part != "seen":
            add(unseen, row)
    seconds = time.perf_counter() - started
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\npropose on {len(texts)} texts in {seconds:.1f} s (load average {load})")
    print(f"{'':<28} {'n':>3}  {'num recall':<15}  {'num precision':<15}  {'dir recall':<12}  {'task recall':<12}  "
          f"{'fragm':<7}  silent0")
    for part in ("seen", "dev", "heldout"):
        if part in by_part:
            print(line(part, by_part[part]))
    if len(parts) > 1 and unseen:
        print(line("unseen (dev + heldout)", unseen))
    print(line("whole corpus", whole))
    print("per style:")
    for style in sorted(by_style):
        print(line("  " + style, by_style[style]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
