"""Saving a reviewed programme into the catalogue folder (settings.catalogue_dir).

One document per YAML file, with the keys of indicators.yaml, validated together with it by the
same schema before anything is written; the programme's text is kept beside it (the quotes are
checked against it), and every change is appended to ``<document>.changes.jsonl`` (who, when,
what). Ids are ``<unit>.<document-slug>-<slug>``: the schema allows one dot, so the document slug
and the entry slug are joined by a hyphen; a successor's own programme never collides with an
inherited one. Ids never change; an entry is never deleted, only retired (it may have values).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from tracker.catalogue.loading import merge_programmes, parse_catalogue
from tracker.catalogue.models import NUMERIC_KINDS, UNITS, CatalogueError
from tracker.catalogue.propose import normalise, quote_in_text
from tracker.catalogue.yaml_files import read_yaml

COMPARATORS = (">", ">=", "=", "~", "<=", "<")
LEVELS = ("province", "city", "district", "commune", "ward")


@dataclass(frozen=True)
class SaveIssue:
    code: str
    message_vi: str
    message_en: str
    row: int | None = None   # 1-based row of the review table

    def message(self, lang: str = "vi") -> str:
        text = self.message_en if lang == "en" else self.message_vi
        if self.row:
            text = (f"Row {self.row}: " if lang == "en" else f"Dòng {self.row}: ") + text
        return text


def slugify(text: str, limit: int = 40) -> str:
    """ASCII slug of Vietnamese text ("Chương trình hành động 12-CTr/TU" → "chuong-trinh-hanh-dong-12-ctr-tu")."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug or "x"


def document_slug(kind: str, number: str | None, date: dt.date | None) -> str:
    """"ctr-12-2024" from "Chương trình", "12-CTr/TU", 2024: short, stable, readable."""
    initials = "".join(w[0] for w in slugify(kind).split("-") if w) or "vb"
    num = re.match(r"\s*(\d+)", number or "")
    parts = [initials[:4]]
    if num:
        parts.append(num.group(1))
    if date:
        parts.append(str(date.year))
    return "-".join(parts)


# Ids name files (the programme's YAML and text): a file name has at most 255 bytes.
MAX_UNIT_ID = 64


def _atomic_write(path: Path, text: str) -> None:
    """Write whole or not at all: the bytes reach the disk (fsync) before the rename, as the archive's do,
    and the rename reaches it too; a failed write (a full disk) leaves no ``.part`` behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _log(folder: Path, doc_id: str, who: str, action: str, ids: list[str], reason: str | None = None,
         now: dt.datetime | None = None) -> None:
    entry = {"at": (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"), "who": who,
             "action": action, "ids": ids}
    if reason:
        entry["reason"] = reason
    with (folder / f"{doc_id}.changes.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def changes(folder: Path, doc_id: str) -> list[dict]:
    path = folder / f"{doc_id}.changes.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _num(value) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if value != value else float(value)   # NaN from an empty table cell
    try:
        return float(str(value).replace(".", "").replace(",", ".")) if re.fullmatch(r"[\d.,]+", str(value).strip()) else None
    except ValueError:
        return None


def _int(value) -> int | None:
    n = _num(value)
    return int(n) if n is not None and n == int(n) else None


def _date(value) -> dt.date | None:
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date") and callable(value.date):       # pandas Timestamp
        try:
            return value.date()
        except (ValueError, TypeError):
            return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# Control characters (ESC, NUL, …) typed or pasted into a name break every form and page of the unit
# that shows it; they carry nothing a reader sees, so they are dropped at save.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def clean_text(value) -> str:
    """User text as stored: NFC (Unikey "Unicode tổ hợp" and macOS type NFD), control characters
    dropped, whitespace folded."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def _text(value) -> str:
    return clean_text(value)


def write_failed(folder: Path, exc: OSError) -> SaveIssue:
    """A save the disk refused (full, read-only): nothing half-written is kept."""
    import errno

    if exc.errno == errno.ENOSPC:
        return _issue("disk_full", f"Ổ đĩa đầy nên chưa lưu được chương trình (thư mục {folder}); chưa có gì thay đổi. Hãy báo "
                      "quản trị hệ thống giải phóng dung lượng rồi lưu lại.",
                      f"The disk is full, so the programme was not saved (folder {folder}); nothing changed. Ask the system "
                      "administrator to free space, then save again.")
    return _issue("write_failed", f"Không ghi được chương trình vào thư mục {folder} ({exc.strerror or exc}); chưa có gì thay đổi. "
                  "Hãy báo quản trị hệ thống kiểm tra quyền ghi của thư mục.",
                  f"The programme could not be written to {folder} ({exc.strerror or exc}); nothing changed. Ask the system "
                  "administrator to check the folder's permissions.")


def _issue(code, vi, en, row=None) -> SaveIssue:
    return SaveIssue(code, vi, en, row)


def build_entries(rows: list[dict], text: str, unit: str, doc_id: str, doc_slug: str,
                  taken_ids: set[str]) -> tuple[list[dict], list[SaveIssue]]:
    """Catalogue entries (plain dicts, the YAML) for the accepted rows of the review table.

    Each accepted row: its quote must still stand verbatim in ``text``; a numeric one needs its
    measure and unit confirmed (``confirmed``), a value, a comparator and a year.
    """
    entries, issues = [], []
    used = set(taken_ids)
    for n, row in enumerate(rows, start=1):
        if not row.get("accept"):
            continue
        kind = _text(row.get("kind"))
        quote = normalise(_text(row.get("quote")))
        name = _text(row.get("name"))
        if not quote_in_text(quote, text):
            issues.append(_issue("quote_changed", "trích dẫn không còn đúng nguyên văn trong văn bản (đã bị sửa?). "
                                 "Hãy chép lại đúng câu trong văn bản.",
                                 "the quote no longer stands verbatim in the text; copy the sentence exactly.", n))
            continue
        if len(name) < 3:
            issues.append(_issue("no_name", "chưa có tên chỉ tiêu.", "the entry has no name.", n))
            continue
        entry: dict = {"jurisdiction": unit, "document": doc_id, "section": _text(row.get("section")) or "—",
                       "quote": quote, "name": {"vi": name, "en": _text(row.get("name_en")) or name}}
        if kind == "numeric":
            measure, unit_key = _text(row.get("measure")), _text(row.get("unit"))
            if not row.get("confirmed"):
                issues.append(_issue("unconfirmed", "chưa xác nhận cách đo (tồn tại/trong kỳ/tỷ lệ…) và đơn vị: "
                                     "cách đo quyết định cộng dồn hay lấy số cuối kỳ, nên phải do người duyệt chọn.",
                                     "measure and unit are not confirmed: the measure decides sum vs last value.", n))
                continue
            value, cmp, year = _num(row.get("value")), _text(row.get("comparator")), _int(row.get("year"))
            if measure not in NUMERIC_KINDS or unit_key not in UNITS:
                issues.append(_issue("measure_unit", f"cách đo phải là một trong {', '.join(NUMERIC_KINDS)} và đơn vị một trong "
                                     f"{', '.join(UNITS)}.", "choose a measure and a unit from the lists.", n))
                continue
            if value is None or cmp not in COMPARATORS or year is None:
                issues.append(_issue("target", "thiếu giá trị, phép so sánh hoặc năm.", "value, comparator or year is missing.", n))
                continue
            target = {"comparator": cmp, "value": value, "year": year}
            if row.get("average"):
                target["average"] = True
            if _int(row.get("from_year")):
                target["from_year"] = _int(row.get("from_year"))
            entry.update(kind=measure, unit=unit_key, target=target)
        elif kind == "direction":
            unit_key, year = _text(row.get("unit")), _int(row.get("year"))
            if unit_key not in UNITS or year is None or not row.get("confirmed"):
                issues.append(_issue("direction", "định hướng cần đơn vị đã xác nhận và năm.",
                                     "a direction needs a confirmed unit and a year.", n))
                continue
            entry.update(kind="direction", unit=unit_key,
                         target={"direction": _text(row.get("direction")) or "increase", "year": year})
        elif kind == "milestone":
            target: dict = {}
            due, start = _date(row.get("due")), _date(row.get("start"))
            if due:
                target["due"] = due
            if _text(row.get("due_text")):
                target["due_text"] = _text(row.get("due_text"))
            if row.get("recurring"):
                target["recurring"] = True
                target.pop("due", None)
                if start:
                    target["start"] = start
            if not target:
                target["due"] = None    # a task without a deadline ("không ghi thời hạn")
            entry.update(kind="milestone", unit="task", target=target)
        else:
            issues.append(_issue("kind", f"loại '{kind}' không hợp lệ.", f"unknown kind '{kind}'.", n))
            continue
        if kind == "numeric" and _text(row.get("sector")):
            # "mỗi ngành (giáo dục và đào tạo, y tế, …) có …": one target per sector named.
            names = [x.strip(" .") for x in _text(row.get("sector")).split(",") if x.strip(" .")]
            sectors = {slugify(x, 30): x for x in names}
            entry["sectors"] = [{"id": k, "name": {"vi": v, "en": v}} for k, v in sectors.items()]
        if _text(row.get("agency")):
            entry["agency"] = {"vi": _text(row.get("agency")), "en": _text(row.get("agency"))}
        if _int(row.get("horizon")) == 2045:
            entry["note"] = {"vi": "Thuộc Tầm nhìn đến năm 2045, không phải mục tiêu cụ thể đến năm 2030.",
                             "en": "Part of the vision to 2045, not of the specific goals for 2030."}
        base = f"{unit}.{doc_slug}.{slugify(name, 32)}"
        ident, k = base, 2
        while ident in used:
            ident, k = f"{base}-{k}", k + 1
        used.add(ident)
        entries.append({"id": ident, **entry})
    return entries, issues


def _plain(obj):
    """YAML-safe: dates as ISO strings, tuples as lists."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    return obj


@dataclass
class SaveResult:
    path: Path | None
    ids: list[str]
    issues: list[SaveIssue]


def _validate(main_path: Path, folder: Path, doc_id: str, new: dict) -> list[str]:
    """Problems of the catalogue with ``new`` as ``doc_id``'s file (others unchanged)."""
    main = read_yaml(main_path)
    target = folder / f"{doc_id}.yaml"
    extras = [read_yaml(p) for p in sorted(folder.glob("*.yaml")) if p != target]
    try:
        parse_catalogue(merge_programmes(main, extras + [new]), target)
    except CatalogueError as exc:
        return exc.problems
    return []


def save_programme(*, main_path: Path, folder: Path, text: str, rows: list[dict], who: str,
                   unit: str, new_unit: dict | None, document: dict, audit=None) -> SaveResult:
    """Write a new programme (or add accepted rows to one saved before) after validating all of it.

    ``document``: issuer, kind, number, date, title. ``new_unit``: a Jurisdiction mapping when the
    issuing unit is not in the catalogue yet. Nothing is written when anything is wrong.
    """
    if not text.strip():
        return SaveResult(None, [], [_issue("no_text", "Chưa có văn bản chương trình.", "No programme text.")])
    text = unicodedata.normalize("NFC", text)
    if new_unit:
        new_unit = dict(new_unit, name={k: clean_text(v) for k, v in new_unit["name"].items()})
    unit = clean_text(unit)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", unit or "") or len(unit) > MAX_UNIT_ID:
        return SaveResult(None, [], [_issue("bad_unit_id", f"Mã đơn vị “{(unit or '')[:40]}…” không hợp lệ: tối đa {MAX_UNIT_ID} ký tự, chỉ "
                                            "chữ thường không dấu, số và dấu “-” (ví dụ: khanh-hoa).",
                                            f"Unit id “{(unit or '')[:40]}…” is not valid: at most {MAX_UNIT_ID} characters, lower-case "
                                            "letters without accents, digits and “-” (e.g. khanh-hoa).")])
    doc_date = _date(document.get("date"))
    doc_slug = document_slug(_text(document.get("kind")) or "Chương trình", _text(document.get("number")), doc_date)
    doc_id = f"{unit}-{doc_slug}"
    path = folder / f"{doc_id}.yaml"
    existing = read_yaml(path) if path.exists() else None
    from tracker.catalogue.loading import load_catalogue

    taken = {i.id for i in load_catalogue().indicators}
    entries, issues = build_entries(rows, text, unit, doc_id, doc_slug, taken)
    if issues:
        return SaveResult(None, [], issues)
    if not entries:
        return SaveResult(None, [], [_issue("nothing_accepted", "Chưa nhận đề xuất nào: đánh dấu cột «Nhận» ở các dòng cần lưu.",
                                            "No proposal accepted: tick «Nhận» on the rows to save.")])
    if existing:
        data = existing
        saved_text = (folder / existing["documents"][0]["file"]).read_text(encoding="utf-8")
        if normalise(saved_text) != normalise(text):
            return SaveResult(None, [], [_issue("other_text", f"Đã có văn bản {doc_id} với nội dung khác: kiểm tra số và ngày văn bản.",
                                                f"{doc_id} is already saved with another text; check its number and date.")])
        data["indicators"].extend(entries)
        action = "add"
    else:
        doc = {"id": doc_id, "jurisdiction": unit, "issuer": _text(document.get("issuer")) or unit,
               "kind": _text(document.get("kind")) or "Chương trình",
               "title": _text(document.get("title")) or "Chương trình thực hiện Nghị quyết số 45-NQ/TW",
               "file": doc_id.replace("-", "_") + ".txt"}
        if _text(document.get("number")):
            doc["number"] = _text(document.get("number"))
        if doc_date:
            doc["date"] = doc_date
        data = {"jurisdictions": [new_unit] if new_unit else [], "documents": [doc], "indicators": entries}
        action = "create"
    data = _plain(data)
    problems = _validate(main_path, folder, doc_id, data)
    if problems and not existing and any("territory" in p for p in problems):
        # The unit's area changed after the document: its targets cover the area as it was then.
        when = doc_date.strftime("%d/%m/%Y") if doc_date else "khi ban hành"
        name = (new_unit or {}).get("name", {}).get("vi") or load_catalogue().name(unit)
        data["documents"][0]["territory"] = {"name": {"vi": f"{name} theo địa giới ngày {when}", "en": f"{name} as of {when}"},
                                             "label": {"vi": f"địa bàn {name} ngày {when}", "en": f"area of {name} as of {when}"}}
        problems = _validate(main_path, folder, doc_id, data)
    if problems:
        return SaveResult(None, [], [_issue("invalid", p, p) for p in problems])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not existing:
            _atomic_write(folder / data["documents"][0]["file"], text)
        _atomic_write(path, "# Added on the «Thêm chương trình» page; ids never change, entries are retired, not deleted.\n"
                      + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110))
    except OSError as exc:
        return SaveResult(None, [], [write_failed(folder, exc)])
    ids = [e["id"] for e in entries]
    _log(folder, doc_id, who, action, ids)
    if audit:
        audit("programme_add" if existing else "programme_create", who, f"{doc_id}: {', '.join(ids)}")
    return SaveResult(path, ids, [])


def retire_entries(*, main_path: Path, folder: Path, doc_id: str, ids: list[str], reason: str, who: str,
                   replaced_by: str | None = None, has_values=None, audit=None) -> SaveResult:
    """Retire entries of a saved programme (kept with their values, never deleted), with the reason.

    ``has_values(id)``: whether any value was stored for the entry; one retired with none is also
    hidden (no history to show). ``audit(event, username, detail)``: the store's audit log."""
    reason = clean_text(reason)
    path = folder / f"{doc_id}.yaml"
    if not path.exists():
        return SaveResult(None, [], [_issue("no_document", f"Không có chương trình {doc_id}.", f"No programme {doc_id}.")])
    if len(reason.strip()) < 5:
        return SaveResult(None, [], [_issue("no_reason", "Hãy ghi lý do ngừng theo dõi (ít nhất 5 ký tự).",
                                            "Give the reason (at least 5 characters).")])
    data = read_yaml(path)
    done = []
    for entry in data["indicators"]:
        if entry["id"] in ids and not entry.get("retired"):
            entry["retired"] = True
            entry["note"] = {"vi": f"Ngừng theo dõi: {reason.strip()}", "en": f"Retired: {reason.strip()}"}
            if replaced_by:
                entry["replaced_by"] = replaced_by
            if has_values is not None and not has_values(entry["id"]):
                entry["hidden"] = True
            done.append(entry["id"])
    if not done:
        return SaveResult(None, [], [_issue("nothing_retired", "Không có chỉ tiêu nào để ngừng theo dõi.", "Nothing to retire.")])
    problems = _validate(main_path, folder, doc_id, data)
    if problems:
        return SaveResult(None, [], [_issue("invalid", p, p) for p in problems])
    _atomic_write(path, "# Added on the «Thêm chương trình» page; ids never change, entries are retired, not deleted.\n"
                  + yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False, width=110))
    _log(folder, doc_id, who, "retire", done, reason.strip())
    if audit:
        audit("programme_retire", who, f"{doc_id}: {', '.join(done)} — {reason.strip()}")
    return SaveResult(path, done, [])


EDITABLE = ("name_vi", "name_en", "agency", "due_text")


def edit_entry(*, main_path: Path, folder: Path, doc_id: str, ident: str, changes: dict, who: str,
               audit=None) -> SaveResult:
    """Change a saved entry's name (vi/en), agency or deadline wording; its id stays. Each field
    changed is written to the programme's change log (before → after) and to the audit log."""
    path = folder / f"{doc_id}.yaml"
    if not path.exists():
        return SaveResult(None, [], [_issue("no_document", f"Không có chương trình {doc_id}.", f"No programme {doc_id}.")])
    data = read_yaml(path)
    entry = next((e for e in data["indicators"] if e["id"] == ident), None)
    if entry is None:
        return SaveResult(None, [], [_issue("no_entry", f"Không có chỉ tiêu {ident} trong {doc_id}.", f"No entry {ident} in {doc_id}.")])
    before = {"name_vi": entry["name"]["vi"], "name_en": entry["name"]["en"],
              "agency": (entry.get("agency") or {}).get("vi", ""), "due_text": (entry.get("target") or {}).get("due_text", "")}
    after = dict(before)
    for key in EDITABLE:
        if key in changes and changes[key] is not None:
            after[key] = clean_text(changes[key])
    if len(after["name_vi"]) < 3:
        return SaveResult(None, [], [_issue("no_name", "Tên chỉ tiêu phải có ít nhất 3 ký tự.", "The name needs at least 3 characters.")])
    changed = [k for k in EDITABLE if after[k] != before[k]]
    if not changed:
        return SaveResult(None, [], [_issue("unchanged", "Không có gì thay đổi.", "Nothing changed.")])
    if "due_text" in changed and entry["kind"] != "milestone":
        return SaveResult(None, [], [_issue("due_text", "Chỉ nhiệm vụ mới có thời hạn.", "Only a task has a deadline.")])
    entry["name"] = {"vi": after["name_vi"], "en": after["name_en"] or after["name_vi"]}
    if after["agency"]:
        entry["agency"] = {"vi": after["agency"], "en": (entry.get("agency") or {}).get("en") if "agency" not in changed
                           else after["agency"]}
    else:
        entry.pop("agency", None)
    if entry["kind"] == "milestone":
        if after["due_text"]:
            entry["target"]["due_text"] = after["due_text"]
        else:
            entry["target"].pop("due_text", None)
            if not entry["target"]:
                entry["target"]["due"] = None
    problems = _validate(main_path, folder, doc_id, _plain(data))
    if problems:
        return SaveResult(None, [], [_issue("invalid", p, p) for p in problems])
    _atomic_write(path, "# Added on the «Thêm chương trình» page; ids never change, entries are retired, not deleted.\n"
                  + yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False, width=110))
    detail = "; ".join(f"{k}: «{before[k]}» → «{after[k]}»" for k in changed)
    _log(folder, doc_id, who, "edit", [ident], detail)
    if audit:
        audit("programme_edit", who, f"{ident}: {detail}")
    return SaveResult(path, [ident], [])


def add_entries(*, main_path: Path, folder: Path, doc_id: str, rows: list[dict], who: str, audit=None) -> SaveResult:
    """Add accepted rows to a saved programme; their quotes must stand in its saved text."""
    path = folder / f"{doc_id}.yaml"
    if not path.exists():
        return SaveResult(None, [], [_issue("no_document", f"Không có chương trình {doc_id}.", f"No programme {doc_id}.")])
    data = read_yaml(path)
    doc = data["documents"][0]
    text = (folder / doc["file"]).read_text(encoding="utf-8")
    from tracker.catalogue.loading import load_catalogue

    taken = {i.id for i in load_catalogue().indicators} | {e["id"] for e in data["indicators"]}
    slug = doc_id[len(doc["jurisdiction"]) + 1:]
    entries, issues = build_entries(rows, text, doc["jurisdiction"], doc_id, slug, taken)
    if issues:
        return SaveResult(None, [], issues)
    if not entries:
        return SaveResult(None, [], [_issue("nothing_accepted", "Chưa nhận dòng nào: đánh dấu cột «Nhận» ở các dòng cần lưu.",
                                            "No row accepted: tick «Nhận» on the rows to save.")])
    data["indicators"].extend(entries)
    problems = _validate(main_path, folder, doc_id, _plain(data))
    if problems:
        return SaveResult(None, [], [_issue("invalid", p, p) for p in problems])
    _atomic_write(path, "# Added on the «Thêm chương trình» page; ids never change, entries are retired, not deleted.\n"
                  + yaml.safe_dump(_plain(data), allow_unicode=True, sort_keys=False, width=110))
    ids = [e["id"] for e in entries]
    _log(folder, doc_id, who, "add", ids)
    if audit:
        audit("programme_add", who, f"{doc_id}: {', '.join(ids)}")
    return SaveResult(path, ids, [])


def saved_programmes(folder: Path) -> list[dict]:
    """Each saved programme: its document mapping and its entries (for the page's list)."""
    out = []
    for p in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            data = read_yaml(p)
        except CatalogueError:
            continue
        if isinstance(data, dict) and data.get("documents"):
            out.append({"path": p, "document": data["documents"][0], "indicators": data.get("indicators") or []})
    return out
