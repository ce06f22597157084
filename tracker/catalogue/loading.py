"""Reading the catalogue: indicators.yaml and the saved programmes parsed, validated and cross-checked into
a Catalogue, cached in this process per version of every file (load_catalogue) and on disk per file
(tracker.catalogue.yaml_files)."""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

from pydantic import ValidationError

from tracker.core import collector
from tracker.catalogue.catalogue import Catalogue
from tracker.catalogue.models import Agency, CatalogueError, CatalogueFile, Document, Jurisdiction
from tracker.catalogue.yaml_files import ROOT, drop_unused_copies, read_yaml, yaml_values

DEFAULT_PATH = ROOT / "indicators.yaml"


def _place(raw: dict, loc: tuple) -> str:
    """Turn a pydantic location into 'indicators[3] (bac-giang.x) → target.value'."""
    if len(loc) >= 2 and loc[0] in ("jurisdictions", "documents", "indicators", "concepts", "agencies") \
            and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        entry = raw.get(section, [])[index] if isinstance(raw.get(section), list) else None
        ident = entry.get("id") if isinstance(entry, dict) else None
        keys = [str(k) for k in loc[2:] if not (loc[2:3] == ("target",) and k in ("number", "direction", "milestone"))]
        where = f"{section}[{index}]" + (f" (id: {ident})" if ident else "")
        return where + (f" → {'.'.join(keys)}" if keys else "")
    return ".".join(str(k) for k in loc) or "(top level)"


def parse_catalogue(raw: object, path: Path | str = "indicators.yaml") -> Catalogue:
    """Validate already-parsed YAML; raise CatalogueError naming every problem."""
    if not isinstance(raw, dict):
        raise CatalogueError(path, ["the file must hold a mapping with jurisdictions, documents, indicators"])
    try:
        data = CatalogueFile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "missing required key"
            elif err["type"] == "extra_forbidden":
                msg = "unknown key"
            problems.append(f"{_place(raw, err['loc'])}: {msg}")
        raise CatalogueError(path, problems) from None

    problems: list[str] = []
    # Sets and dicts only: membership in a list made these checks grow with the square of the units.
    jur_ids = {j.id for j in data.jurisdictions}
    doc_ids = {d.id for d in data.documents}
    for label, ids in (("jurisdictions", [j.id for j in data.jurisdictions]), ("documents", [d.id for d in data.documents]),
                       ("indicators", [i.id for i in data.indicators])):
        seen = set()
        for n, ident in enumerate(ids):
            if ident in seen:
                problems.append(f"{label}[{n}] (id: {ident}) → id: duplicate id")
            seen.add(ident)
    for n, j in enumerate(data.jurisdictions):
        for key in ("parent", "successor"):
            ref = getattr(j, key)
            if ref and ref not in jur_ids:
                problems.append(f"jurisdictions[{n}] (id: {j.id}) → {key}: unknown jurisdiction {ref!r}")
        for ref in j.split_into:
            if ref not in jur_ids:
                problems.append(f"jurisdictions[{n}] (id: {j.id}) → split_into: unknown jurisdiction {ref!r}")
    jurs = {j.id: j for j in data.jurisdictions}
    merged_into: dict[str, list[Jurisdiction]] = {}
    for j in data.jurisdictions:
        if j.successor and j.valid_to:
            merged_into.setdefault(j.successor, []).append(j)
    for n, d in enumerate(data.documents):
        if d.jurisdiction not in jur_ids:
            problems.append(f"documents[{n}] (id: {d.id}) → jurisdiction: unknown jurisdiction {d.jurisdiction!r}")
        elif d.territory is None and _area_changed(jurs, d, merged_into):
            problems.append(f"documents[{n}] (id: {d.id}) → territory: {d.jurisdiction}'s area changed after the "
                            "document was issued; say which territory its targets were set for")
    concept_ids = {c.id for c in data.concepts}
    seen = set()
    for n, c in enumerate(data.concepts):
        if c.id in seen:
            problems.append(f"concepts[{n}] (id: {c.id}) → id: duplicate id")
        seen.add(c.id)
    agency_table: dict[tuple[str, str], Agency] = {}
    for n, a in enumerate(data.agencies):
        if a.jurisdiction not in jur_ids:
            problems.append(f"agencies[{n}] (id: {a.id}) → jurisdiction: unknown jurisdiction {a.jurisdiction!r}")
        if (a.jurisdiction, a.id) in agency_table:
            problems.append(f"agencies[{n}] (id: {a.id}) → id: duplicate id for {a.jurisdiction}")
        agency_table[(a.jurisdiction, a.id)] = a
    with_agency = []
    for n, i in enumerate(data.indicators):
        if i.agency_id is None:
            continue
        a = agency_table.get((i.jurisdiction, i.agency_id))
        if a is None:
            problems.append(f"indicators[{n}] (id: {i.id}) → agency_id: {i.agency_id!r} is not in the agencies table "
                            f"of {i.jurisdiction}")
        elif i.agency is not None and i.agency != a.name:
            problems.append(f"indicators[{n}] (id: {i.id}) → agency: differs from agencies table entry {a.id!r} "
                            "(give agency_id alone)")
        else:
            with_agency.append((n, a))
    if with_agency and not problems:
        # The agency's names come from the table, so a page never shows two spellings of one department.
        indicators = list(data.indicators)
        for n, a in with_agency:
            indicators[n] = indicators[n].model_copy(update={"agency": a.name})
        data = data.model_copy(update={"indicators": indicators})
    by_id = {i.id: i for i in data.indicators}
    concept_units: dict[str, tuple[str, str, str]] = {}
    for n, i in enumerate(data.indicators):
        if i.jurisdiction not in jur_ids:
            problems.append(f"indicators[{n}] (id: {i.id}) → jurisdiction: unknown jurisdiction {i.jurisdiction!r}")
        if i.document not in doc_ids:
            problems.append(f"indicators[{n}] (id: {i.id}) → document: unknown document {i.document!r}")
        sector_ids = [s.id for s in i.sectors]
        if len(set(sector_ids)) != len(sector_ids):
            problems.append(f"indicators[{n}] (id: {i.id}) → sectors: duplicate sector id")
        if i.concept is not None:
            if i.concept not in concept_ids:
                problems.append(f"indicators[{n}] (id: {i.id}) → concept: unknown concept {i.concept!r}")
            else:
                # Same thing measured means the same unit of measure and the same rollup.
                first = concept_units.setdefault(i.concept, (i.id, i.unit, i.rollup_kind))
                if (first[1], first[2]) != (i.unit, i.rollup_kind):
                    problems.append(f"indicators[{n}] (id: {i.id}) → concept: {i.concept!r} is measured in "
                                    f"{first[1]} ({first[2]}) by {first[0]}, not {i.unit} ({i.rollup_kind})")
        if i.replaced_by is not None:
            new = by_id.get(i.replaced_by)
            if new is None:
                problems.append(f"indicators[{n}] (id: {i.id}) → replaced_by: unknown indicator {i.replaced_by!r}")
            elif new.retired or new.id == i.id:
                problems.append(f"indicators[{n}] (id: {i.id}) → replaced_by: {new.id} is retired itself")
    if problems:
        raise CatalogueError(path, problems)
    return Catalogue(data)


def _area_changed(jurs: dict[str, Jurisdiction], doc: Document, merged_into: dict[str, list[Jurisdiction]]) -> bool:
    """Whether the issuing unit was merged away or absorbed others after the document's date
    (``merged_into``: successor id -> the units that merged into it, each with its valid_to)."""
    j = jurs[doc.jurisdiction]
    if j.valid_to is not None and (doc.date is None or j.valid_to >= doc.date):
        return True
    return any(doc.date is None or o.valid_to >= doc.date for o in merged_into.get(j.id, ()))


def read_catalogue(path: Path | str = DEFAULT_PATH) -> Catalogue:
    """The catalogue of one file, read from its YAML (nothing kept on disk: parse_once does that)."""
    path = Path(path)
    return parse_catalogue(read_yaml(path), path)


def parse_once(paths: list[Path]) -> Catalogue:
    """The catalogue made of ``paths`` (indicators.yaml first, then the programmes), each file's YAML read
    from its copy kept on disk when that matches its bytes, and everything validated. Broken files raise
    CatalogueError exactly as parsing does (a damaged programme is left out and named); nothing is kept
    for them."""
    main, *extra = paths
    used: set[Path] = set()
    with collector.paused():
        if extra:
            catalogue = read_with_programmes(main, extra, read=lambda p: yaml_values(p, used))
        else:
            catalogue = parse_catalogue(yaml_values(main, used), main)
    drop_unused_copies(used)
    return catalogue


@functools.lru_cache(maxsize=2)   # this process's catalogue, and one other (a CLI's --catalogue)
def _cached(key: tuple) -> Catalogue:
    return parse_once([Path(p) for p, _ in key])


# One parse at a time: the server's warm-up and a first visitor asking at once share one result.
_loading = threading.Lock()


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """The catalogue at ``path`` (default: indicators.yaml, or $TRACKER_CATALOGUE) with the programmes
    added through the dashboard (data/catalogue/*.yaml), cached per version of every one of those files:
    in this process by their names, modification times and sizes (catalogue_key: a programme saved by
    any process is seen at this process's next call), on disk by their bytes (parse_once)."""
    key = catalogue_key(path)
    with _loading:
        return _cached(key)


# --- Programmes added through the "Thêm chương trình" page --------------------------------------
# Each is one YAML file in the catalogue folder (settings.catalogue_dir) with the same keys as
# indicators.yaml, its source text beside it; loaded together with indicators.yaml.

PROGRAMME_KEYS = ("jurisdictions", "documents", "indicators", "concepts", "agencies")


def programme_files() -> list[Path]:
    """The saved programmes' YAML files, in name order (none when the folder does not exist)."""
    from tracker.core.settings import SettingsError, catalogue_dir

    try:
        folder = catalogue_dir()
    except SettingsError:
        return []
    if not folder.is_dir():
        return []
    _clean_parts(folder)
    return sorted(folder.glob("*.yaml"))


_cleaned: set[str] = set()


def _clean_parts(folder: Path) -> None:
    """Once per process: remove the ``.part`` files a save cut short (a full disk, a power cut) left."""
    if str(folder) in _cleaned:
        return
    _cleaned.add(str(folder))
    for part in folder.glob("*.part"):
        try:
            part.unlink()
        except OSError:
            pass


def catalogue_key(path: Path | str | None = None) -> tuple:
    """((file, (mtime, size)), …) of every catalogue file: what caches and snapshots are keyed on. Read
    afresh on each call (a stat per file), so a programme saved, edited or removed by any process, or a
    file put back from a backup with its old time but other bytes, changes the key at the next call."""
    main = Path(path or os.environ.get("TRACKER_CATALOGUE") or DEFAULT_PATH)
    key = []
    for f in [main, *programme_files()]:
        try:
            st = f.stat()
        except FileNotFoundError:
            raise CatalogueError(f, ["file not found"]) from None
        key.append((str(f), (st.st_mtime_ns, st.st_size)))
    return tuple(key)


def merge_programmes(main: dict, extras: list[dict]) -> dict:
    merged = {k: list(main.get(k) or []) for k in PROGRAMME_KEYS}
    for extra in extras:
        for k in PROGRAMME_KEYS:
            merged[k].extend(extra.get(k) or [])
    return merged


def _programme_values(path: Path, read) -> dict:
    raw = read(path)
    if not isinstance(raw, dict) or set(raw) - set(PROGRAMME_KEYS):
        raise CatalogueError(path, [f"a programme file holds only {', '.join(PROGRAMME_KEYS)}"])
    return raw


def read_with_programmes(main_path: Path, extra_paths: list[Path], read=None) -> Catalogue:
    """indicators.yaml and the saved programmes validated as one catalogue; a broken programme
    file is named in the error (each is checked with indicators.yaml alone first). ``read`` gives a
    file's YAML (default: read from the file; parse_once passes its kept copies)."""
    read = read or read_yaml
    try:
        # Usually every file is sound: one validation of the whole, instead of one per programme.
        main = read(main_path)
        extras = [_programme_values(p, read) for p in extra_paths]
        catalogue = parse_catalogue(merge_programmes(main, extras), extra_paths[-1] if extras else main_path)
        catalogue.skipped_programmes = []
        return catalogue
    except (CatalogueError, OSError, UnicodeDecodeError):
        pass   # something is wrong: find what, file by file, as below
    main = read(main_path)
    parse_catalogue(main, main_path)
    extras, skipped = [], []
    for p in extra_paths:
        # A damaged programme (a file cut short by a power cut, edited by hand) is left out and named;
        # indicators.yaml and every other programme stay up. A broken indicators.yaml still raises.
        try:
            raw = _programme_values(p, read)
            parse_catalogue(merge_programmes(main, extras + [raw]), p)
        except CatalogueError as exc:
            skipped.append((str(p), list(exc.problems)))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            skipped.append((str(p), [f"{type(exc).__name__}: {exc}"]))
            continue
        extras.append(raw)
    catalogue = parse_catalogue(merge_programmes(main, extras), extra_paths[-1] if extras else main_path)
    catalogue.skipped_programmes = skipped
    return catalogue


def skipped_programme_notice(catalogue: "Catalogue", lang: str = "vi") -> str | None:
    """A sentence naming the programme files left out because they are damaged, and what to do."""
    skipped = getattr(catalogue, "skipped_programmes", None) or []
    if not skipped:
        return None
    names = "; ".join(f"{Path(p).name} ({problems[0] if problems else '?'})" for p, problems in skipped)
    if lang == "en":
        return (f"Programme file(s) damaged and left out: {names}. The rest of the site works. An administrator should "
                "restore the file from the backup (or remove it and add the programme again on the «Thêm chương trình» page).")
    return (f"Tệp chương trình bị hỏng nên tạm không dùng: {names}. Các phần khác vẫn hoạt động bình thường. Quản trị viên "
            "hãy khôi phục tệp từ bản sao lưu (hoặc xóa tệp và thêm lại chương trình ở trang «Thêm chương trình»).")


# A verbatim copy of ../shared/seeds, so that a clone on its own can still check every quote.
BUNDLED_SEEDS = ROOT / "seeds"


def shared_seeds_dir() -> Path:
    return ROOT.parent / "shared" / "seeds"


def seeds_dir() -> Path:
    """Where the source documents are: $TRACKER_SEEDS, else ../shared/seeds beside the repo, else seeds/."""
    env = os.environ.get("TRACKER_SEEDS")
    if env:
        return Path(env)
    shared = shared_seeds_dir()
    return shared if shared.exists() else BUNDLED_SEEDS

