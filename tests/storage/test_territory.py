"""A figure records the area it covers; a whole-unit figure is never judged against an old area's target."""

from __future__ import annotations

import datetime as dt

from tracker.core.observation import Observation, ParsedForm
from tracker.storage import Store


def _form(territory: str, value: float, content: bytes) -> ParsedForm:
    import hashlib

    parsed = ParsedForm(file_name="form.xlsx", sha256=hashlib.sha256(content).hexdigest(), unit="bac-ninh",
                        period="2026-Q3", form_version="2")
    parsed.observations.append(Observation("bac-giang.university-graduates", "bac-ninh", "2026-Q3", value,
                                           territory=territory))
    return parsed


def test_whole_unit_figure_is_kept_but_not_judged_against_the_old_area(tmp_path):
    with Store(tmp_path / "t.duckdb", tmp_path / "archive") as store:
        store.commit(_form("target", 85000, b"a"), b"a", user="x")
        assert store.current_values()["value"].tolist() == [85000]
        # a later upload says the old area could not be separated: the whole province's figure
        store.commit(_form("whole", 140000, b"b"), b"b", user="x")
        assert store.current_values().empty          # no figure of the old area for that quarter any more
        current = store.current_observations()
        assert current[["value", "territory"]].values.tolist() == [[140000, "whole"]]
        # and back: a corrected upload with the old area's figure counts again
        store.commit(_form("target", 86000, b"c"), b"c", user="x")
        assert store.current_values()["value"].tolist() == [86000]
    assert dt


def test_unit_page_says_where_the_series_breaks(seeded, tmp_path, monkeypatch):
    """Bắc Ninh could not separate the former Bắc Giang's figure for a quarter: the chart's target is not judged
    on it, and the page says so under the chart, with the whole unit's figure."""
    import hashlib
    import shutil
    from pathlib import Path

    from tests.support.pages import run, texts

    dest = tmp_path / "install"
    shutil.copytree(Path(seeded["TRACKER_DB"]).parent, dest)
    monkeypatch.setenv("TRACKER_DB", str(dest / "tracker.duckdb"))
    monkeypatch.setenv("TRACKER_USERS", str(dest / "users.toml"))
    monkeypatch.setenv("TRACKER_TODAY", seeded["TRACKER_TODAY"])
    parsed = ParsedForm(file_name="whole.xlsx", sha256=hashlib.sha256(b"whole").hexdigest(), unit="bac-ninh",
                        period="2026-Q3", form_version="2")
    parsed.observations.append(Observation("bac-giang.university-graduates", "bac-ninh", "2026-Q3", 140000,
                                           territory="whole"))
    with Store(dest / "tracker.duckdb", dest / "archive") as store:
        store.commit(parsed, b"whole", user="x")
    at = run("views/unit.py", params={"unit": "bac-ninh"})
    notes = [i.value for i in at.info if "không tách được" in i.value]
    assert len(notes) == 1 and "140.000" in notes[0] and "Quý III/2026" in notes[0]
    assert "140.000" not in texts(at).replace(notes[0], "")     # the chart and status never use it
