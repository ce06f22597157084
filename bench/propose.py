"""How well `propose` finds the bundled documents' targets, scored against indicators.yaml.

    .venv/bin/python -m bench.propose [--verbose]

Per document: numeric targets match on value + comparator + year; tasks (milestones) match when
the two quotes share at least 60 % of the words of the shorter one, each catalogue task matched
by at most one proposal and each proposal counted once (one-to-one, greedy by overlap), so a long
quote cannot stand for several tasks. Retired entries are left out; catalogue entries with the
same quote (one sentence split into several indicators) count as one task to find. A document
without numeric targets has no numeric recall (n/a); its precision is n/a when nothing numeric
is proposed, else 0.
"""

from __future__ import annotations

import argparse
import re
import sys

from tracker.catalogue import read_catalogue, DEFAULT_PATH
from tracker.propose import normalise, propose_text
from tracker.sources import read_document

TASK_OVERLAP = 0.6


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", normalise(text).lower()))


def overlap(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def match_tasks(proposed: list[str], wanted: list[str]) -> list[tuple[int, int]]:
    pairs = sorted(((overlap(p, w), i, j) for i, p in enumerate(proposed) for j, w in enumerate(wanted)), reverse=True)
    used_p, used_w, out = set(), set(), []
    for score, i, j in pairs:
        if score < TASK_OVERLAP:
            break
        if i in used_p or j in used_w:
            continue
        used_p.add(i)
        used_w.add(j)
        out.append((i, j))
    return out


def ratio(a: int, b: int) -> str:
    return "n/a" if b == 0 else f"{a / b:.2f}"


def score_document(cat, doc, verbose: bool = False) -> dict:
    text = read_document(doc.file)
    result = propose_text(text)
    entries = [i for i in cat.indicators if i.document == doc.id and not i.retired]
    numeric = [i for i in entries if i.is_numeric]
    tasks = list({normalise(i.quote): i for i in entries if i.kind == "milestone"}.values())
    got_num = [p for p in result.proposals if p.kind == "numeric"]
    got_task = [p for p in result.proposals if p.kind == "milestone"]

    def key(value, comparator, year):
        return (round(float(value), 6), comparator, int(year))

    wanted = [key(i.target.value, i.target.comparator, i.target.year) for i in numeric]
    remaining = list(wanted)
    hits = 0
    unmatched_props = []
    for p in got_num:
        k = key(p.value, p.comparator, p.year)
        if k in remaining:
            remaining.remove(k)
            hits += 1
        else:
            unmatched_props.append(p)
    pairs = match_tasks([p.quote for p in got_task], [i.quote for i in tasks])
    out = {
        "document": doc.id,
        "numeric_recall": ratio(hits, len(wanted)),
        "numeric_precision": ratio(hits, len(got_num)),
        "task_recall": ratio(len(pairs), len(tasks)),
        "task_precision": ratio(len(pairs), len(got_task)),
        "counts": f"numeric {hits}/{len(wanted)} wanted, {len(got_num)} proposed; tasks {len(pairs)}/{len(tasks)} wanted, {len(got_task)} proposed",
    }
    if verbose:
        print(f"--- {doc.id}")
        for k in remaining:
            print("  missed numeric", k)
        for p in unmatched_props:
            print("  extra numeric", p.value, p.comparator, p.year, "|", p.quote[:100])
        matched_w = {j for _, j in pairs}
        matched_p = {i for i, _ in pairs}
        for j, t in enumerate(tasks):
            if j not in matched_w:
                print("  missed task", t.section, "|", t.quote[:110])
        for i, p in enumerate(got_task):
            if i not in matched_p:
                print("  extra task", p.section, "|", p.quote[:110])
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every miss and every extra proposal")
    parser.add_argument("--catalogue", default=str(DEFAULT_PATH))
    args = parser.parse_args(argv)
    cat = read_catalogue(args.catalogue)
    for doc in cat.documents.values():
        r = score_document(cat, doc, args.verbose)
        print(f"{r['document']}: propose numeric_recall={r['numeric_recall']} numeric_precision={r['numeric_precision']} "
              f"task_recall={r['task_recall']} task_precision={r['task_precision']}  ({r['counts']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
