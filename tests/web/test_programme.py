"""The programme page's decisions (tracker.web.programme), without Streamlit running."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tracker.core.i18n import t
from tracker.web import programme as prog


def test_the_success_line_counts_what_was_proposed_by_kind():
    rows = [{"kind": "numeric"}, {"kind": "milestone"}, {"kind": "numeric"}, {"kind": "direction"}]
    assert prog.found_counts(rows) == {"n": 4, "num": 2, "dir": 1, "ms": 1}
    assert prog.found_counts([]) == {"n": 0, "num": 0, "dir": 0, "ms": 0}


def test_a_new_unit_needs_an_id_and_a_vietnamese_name_and_writes_only_what_was_chosen():
    assert prog.new_unit_record("  ", "Tỉnh Mới", "", "province") is None
    assert prog.new_unit_record("tinh-moi", "   ", "New", "province") is None
    plain = prog.new_unit_record(" tinh-moi ", " Tỉnh Mới ", "", "province")
    assert plain == {"id": "tinh-moi", "name": {"vi": "Tỉnh Mới", "en": "Tỉnh Mới"}, "level": "province"}
    full = prog.new_unit_record("xa-a", "Xã A", "Commune A", "commune", parent="tinh-b", successor=prog.NONE,
                                valid_from=dt.date(2025, 7, 1), valid_to=None)
    assert full == {"id": "xa-a", "name": {"vi": "Xã A", "en": "Commune A"}, "level": "commune", "parent": "tinh-b",
                    "valid_from": dt.date(2025, 7, 1)}


def test_a_sentence_is_offered_with_its_line_and_its_first_words():
    pick = {"line": 12, "text": "Đến năm 2030, " + "x" * 300}
    label = prog.sentence_label(pick)
    assert label.startswith("[12] Đến năm 2030, ") and len(label) == len("[12] ") + prog.SENTENCE_SHOWN


def test_saved_entries_are_listed_in_the_page_language_with_retired_ones_marked():
    entries = [{"id": "a", "name": {"vi": "Chi R&D", "en": "R&D spending"}, "kind": "stock",
                "agency": {"vi": "Sở KH&CN", "en": "DOST"}},
               {"id": "b", "name": {"vi": "Ban hành đề án", "en": "Issue the scheme"}, "kind": "milestone", "retired": True}]
    name, kind, agency, retired = (t(k, "vi") for k in ("prog.col.name", "prog.col.kind", "prog.col.agency", "prog.retire"))
    vi = prog.entry_rows(entries, "vi")
    assert vi[0] == {"id": "a", name: "Chi R&D", kind: t("kind.stock", "vi"), agency: "Sở KH&CN", retired: ""}
    assert vi[1][retired] == "✓" and vi[1][agency] == ""          # no agency: an empty cell, not "None"
    en = prog.entry_rows(entries, "en")
    assert en[0][t("prog.col.name", "en")] == "R&D spending" and en[0][t("prog.col.agency", "en")] == "DOST"


def test_the_change_log_reads_date_and_time_who_what_and_why():
    log = [{"at": "2026-03-05T14:07:59", "who": "quantri", "action": "retire", "ids": ["a", "b"], "reason": "trùng"},
           {"at": "2026-03-06T08:00:00", "who": "quantri", "action": "edit", "ids": ["c"]}]
    rows = prog.change_rows(log, "vi")
    assert rows[0] == {"at": "05/03/2026 14:07", "who": "quantri", "action": "retire", "ids": "a, b", "reason": "trùng"}
    assert rows[1]["reason"] == "" and rows[1]["ids"] == "c"


class Store:
    def __init__(self, values: dict, done: list[str]):
        self.values, self.done = values, done

    def value_history(self, ident):
        return pd.DataFrame({"value": self.values.get(ident, [])})

    def current_milestones(self):
        return pd.DataFrame({"indicator_id": self.done})


def test_an_entry_has_values_when_a_figure_or_a_task_update_was_reported():
    store = Store({"rd": [1.5]}, ["plan"])
    assert prog.has_values(store, "rd") and prog.has_values(store, "plan")
    assert not prog.has_values(store, "other")
    assert not prog.has_values(Store({}, []), "plan")
