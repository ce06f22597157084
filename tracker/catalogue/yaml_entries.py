"""A catalogue file's YAML cut at its entries, so that a changed file is parsed again only where it changed.

A catalogue file is a mapping of a few known keys (jurisdictions, documents, indicators, …), each a block
list whose entries start with "- " at one indentation (column 0 as yaml.safe_dump and the programme page
write them, column 2 in indicators.yaml). Each entry's text is hashed; the values parsed from an entry
whose text is unchanged are taken from the previous read, and only the others are parsed.

Cutting never changes what a file means, because nothing but a whole file is trusted when in doubt:
- a layout this does not know (another top-level key, a flow list, tabs, a line at an unexpected
  indentation) is not cut: the caller parses the whole file;
- every real entry starts a piece (its "- " is at the list's column), so a line that only looks like an
  entry's start, inside a quoted scalar, makes one piece too many, and the piece before it ends inside
  the quote. Such a piece is never kept and must be parsed: alone its parse fails, and with the pieces
  after it the count of entries is one short; either way the caller parses the whole file. A kept piece
  was parsed from an entry's start to the next one's, so it still starts and ends at one;
- changed pieces are parsed in runs of neighbours, and a run must give exactly one value a piece;
- an alias (``*name``) is parsed together with every entry back to the last one that may hold its anchor
  (``&name``: any ``*`` or ``&`` not after a letter or digit and followed by a name as YAML reads one,
  in a scalar's text too), so an entry's values never depend on text outside the entries parsed with
  it. An alias whose anchor is in no earlier entry of its list is not cut at all.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

# The top-level keys of a catalogue file (tracker.catalogue.loading.PROGRAMME_KEYS); any other is not cut.
KEYS = ("jurisdictions", "documents", "indicators", "concepts", "agencies")

# Every pattern starts with a newline, so that the search skips to the next line at C speed; the text is
# searched with one newline put before it, which puts its first line after one too.
_TOP_LINE = re.compile(r"\n(?=[^\s#])(?!-(?:[ \t]|\n|$))[^\n]*")        # a line at column 0 but no entry's: a key
_BARE_KEY = re.compile(r"([a-z]+):[ \t]*(?:#.*)?")                    # "indicators:" and nothing after
_INLINE_KEY = re.compile(r"([a-z]+):(?:[ \t].*)?")                    # "agencies: []"
_CONTENT = re.compile(r"\n( *)([^\s#][^\n]*)")                        # a line that is not blank or a comment
_TAB_INDENT = re.compile(r"\n *\t")
# An alias's or anchor's name as libyaml and PyYAML's scanner read it, and what they require after it. A
# "*" or "&" without both is text inside a scalar ("*nghiêng*", "a * b"), or an error that fails the
# piece's parse as it fails the file's.
_NAME = re.compile(r"[0-9A-Za-z_-]+(?=[\s?:,\]}%@`]|$)")


class NotCut(Exception):
    """The file is not read by entry; the caller parses it whole."""


@dataclass(frozen=True)
class Section:
    """One top-level key: ``whole`` is its text when it is parsed whole (a flow list, an empty key), else
    None and ``groups`` holds its entries' texts, entries linked by aliases joined into one group."""

    key: str
    whole: str | None
    groups: tuple[tuple[str, int], ...] = ()   # (text, how many entries it holds)


def cut(text: str) -> list[Section]:
    """The sections of ``text`` in file order (NotCut when its layout is not one this reads by entry)."""
    t = "\n" + text
    if ("\t" in t and _TAB_INDENT.search(t)) or text.startswith("\ufeff"):
        raise NotCut("tabs or a byte-order mark")
    tops = list(_TOP_LINE.finditer(t))
    if not tops or _CONTENT.search(t, 0, tops[0].start() + 1):
        raise NotCut("content before the first key")
    sections, seen = [], set()
    for n, top in enumerate(tops):
        end = tops[n + 1].start() + 1 if n + 1 < len(tops) else len(t)   # through its last line's newline
        line = top.group(0)[1:]
        bare, inline = _BARE_KEY.fullmatch(line), _INLINE_KEY.fullmatch(line)
        key = (bare or inline).group(1) if (bare or inline) else None
        if key not in KEYS or key in seen:
            raise NotCut(f"top-level line {line[:40]!r}")
        seen.add(key)
        first = _CONTENT.search(t, top.end(), end)
        if not bare or first is None or not re.match(r"-(?:[ \t]|$)", first.group(2)):
            sections.append(Section(key, t[top.start() + 1:end]))
            continue
        sections.append(Section(key, None, _groups(*_entries(t[first.start() + 1:end], len(first.group(1))))))
    return sections


def _entries(body: str, indent: int) -> tuple[str, list[int]]:
    """(``body``, where each of its entries starts) for the text of a block list from its first item, whose
    items start at ``indent``."""
    if indent:   # at column 0 every other line is a key, and outside the body already
        if re.search(r"\n {0,%d}[^\s#]" % (indent - 1), body):
            raise NotCut("a line left of the list's entries")
        if re.search(r"\n {%d}(?!-(?:[ \t]|\n|$))[^\s#]" % indent, body):
            raise NotCut("a line at the entries' indentation that starts no entry")
    return body, [0] + [m.start() + 1 for m in re.finditer(r"\n {%d}-(?=[ \t\n]|$)" % indent, body)]


def _groups(body: str, starts: list[int]) -> tuple[tuple[str, int], ...]:
    """The entries of ``body`` (starting at ``starts``), joined where an alias may point into an earlier
    entry: from the entry of its anchor to the alias's."""
    anchors: dict[str, int] = {}
    first = list(range(len(starts)))      # per entry, the earliest entry it must be parsed with
    for at, kind, name in _marks(body):
        entry = bisect.bisect_right(starts, at) - 1
        if kind == "&":
            anchors[name] = entry
        elif name in anchors:
            first[entry] = min(first[entry], anchors[name])
        else:
            raise NotCut(f"alias *{name} with no anchor before it in its list")
    ranges: list[list[int]] = []
    for i in range(len(starts)):
        low = first[i]
        while ranges and ranges[-1][1] >= low:   # overlapping a group before: one group
            low = min(low, ranges.pop()[0])
        ranges.append([low, i])
    bounds = starts + [len(body)]
    return tuple((body[bounds[a]:bounds[b + 1]], b + 1 - a) for a, b in ranges)


def _marks(body: str):
    """(position, "*" or "&", name) of every character that may start an alias or an anchor, in order: one
    not after an ASCII letter or digit, followed by a name, on a line that does not start with "#" (a
    comment, or the inside of a scalar)."""
    found = []
    for mark in "*&":
        i = body.find(mark)
        while i != -1:
            before = body[i - 1] if i else "\n"
            if not (before.isascii() and before.isalnum()):
                line = body.rfind("\n", 0, i) + 1
                name = _NAME.match(body, i + 1)
                if name and not body[line:i].lstrip(" ").startswith("#"):
                    found.append((i, mark, name.group(0)))
            i = body.find(mark, i + 1)
    return sorted(found)


def entry_key(section: str, text: str) -> bytes:
    return hashlib.blake2b(f"{section}\0".encode() + text.encode("utf-8"), digest_size=16).digest()


def read(text: str, kept: dict, parse: Callable[[list[str]], list]) -> tuple[dict, dict]:
    """(the file's values, what to keep for the next read), parsing only the sections and entry groups whose
    text is not a key of ``kept`` (what the last read kept): ``parse`` gets their texts, in one call, and
    gives back their values. NotCut when the file is not read by entry; whatever ``parse`` raises is raised
    (the caller then parses the whole file)."""
    sections = cut(text)
    plan: list[tuple[Section, list]] = []     # per section: its parts, each (kept keys, or a text to parse)
    texts: list[str] = []
    keys_of: dict[str, list[bytes]] = {}
    for section in sections:
        if section.whole is not None:
            k = entry_key(section.key, section.whole)
            plan.append((section, [([k], None) if k in kept else ([k], _queue(texts, section.whole))]))
            continue
        keys = keys_of[section.key] = [entry_key(section.key, g) for g, _ in section.groups]
        parts, i = [], 0
        while i < len(keys):
            j = i
            while j < len(keys) and (keys[j] in kept) == (keys[i] in kept):
                j += 1
            if keys[i] in kept:
                parts.append((keys[i:j], None))
            else:   # the changed groups in a row: one text
                parts.append((keys[i:j], _queue(texts, "".join(g for g, _ in section.groups[i:j]))))
            i = j
        plan.append((section, parts))
    parsed = parse(texts) if texts else []
    values: dict = {}
    keep: dict = {}
    for section, parts in plan:
        if section.whole is not None:
            [(keys, at)] = parts
            found = kept[keys[0]] if at is None else parsed[at]
            if not (isinstance(found, dict) and list(found) == [section.key]):
                raise NotCut(f"{section.key} did not parse as that one key")
            values[section.key] = found[section.key]
            keep[keys[0]] = found
            continue
        counts = dict(zip(keys_of[section.key], (n for _, n in section.groups)))
        items: list = []
        for keys, at in parts:
            if at is None:
                for k in keys:
                    keep[k] = kept[k]
                    items.extend(kept[k])
                continue
            run = parsed[at]
            if not (isinstance(run, list) and len(run) == sum(counts[k] for k in keys)):
                raise NotCut(f"{section.key}: the entries cut and those parsed differ in number")
            pos = 0
            for k in keys:
                keep[k] = run[pos:pos + counts[k]]
                pos += counts[k]
            items.extend(run)
        values[section.key] = items
    return values, keep


def _queue(texts: list[str], text: str) -> int:
    texts.append(text)
    return len(texts) - 1
