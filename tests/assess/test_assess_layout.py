"""tracker.assess, the progress code split by job: the named method and note constants of the judge, and
tracker.progress re-exporting the very same objects for the callers of before. What the judge decides with
them is pinned by tests/assess/test_progress.py."""

from __future__ import annotations

from tracker import progress
from tracker.assess import assessment, explain, judge, milestones, rollup
from tracker.assess.judge import METHOD_NAMES, NOTE_NAMES, Method, Note


def test_every_note_is_one_bit_and_its_name_sits_at_that_bit():
    bits = [int(n) for n in Note]
    assert bits == [1 << k for k in range(len(bits))]          # one bit each, none skipped
    assert len(set(NOTE_NAMES)) == len(NOTE_NAMES)
    for k, note in enumerate(Note):
        assert NOTE_NAMES[k] == note.name.lower()
    # The whole mask turns back into every name, in bit order (what Assessment.notes carries).
    assert assessment._note_tuple(sum(bits)) == NOTE_NAMES


def test_method_names_are_the_strings_results_carry():
    assert METHOD_NAMES[Method.NONE] == ""
    assert METHOD_NAMES[Method.RANK] == "rank" and METHOD_NAMES[Method.DIRECTION] == "direction"
    assert [int(m) for m in Method] == list(range(len(METHOD_NAMES)))


def test_progress_re_exports_the_split_modules_objects():
    for module in (rollup, judge, explain, milestones, assessment):
        for name, value in vars(module).items():
            if getattr(value, "__module__", None) == module.__name__:
                assert getattr(progress, name) is value, f"tracker.progress.{name}"
    assert progress._METHODS is METHOD_NAMES and progress._NOTES is NOTE_NAMES


def test_a_pickle_naming_the_classes_of_before_the_split_still_loads():
    """Snapshots saved before the split name tracker.progress.Assessment and tracker.progress._Years; while
    tracker.progress re-exports them those load as today's classes (after that, see
    tests/storage/test_postgres_snapshot_moved.py: ignored, one full assessment)."""
    import pickle

    import numpy as np

    from tracker.assess.assessment import Assessment
    from tracker.assess.rollup import _rollup, _Years

    grid = _rollup(np.array([0], dtype=np.int8), np.zeros(1, dtype=np.int64), np.array([1]), np.array([3.0]),
                   np.array([2026]))
    item = Assessment("x.y", "khanh-hoa", "", "too_little_data", _grid=grid)
    was = [(cls, cls.__module__) for cls in (Assessment, _Years)]
    try:
        for cls, _ in was:
            cls.__module__ = "tracker.progress"
        data = pickle.dumps(item)
    finally:
        for cls, module in was:
            cls.__module__ = module
    assert b"tracker.progress" in data and b"tracker.assess" not in data
    back = pickle.loads(data)
    assert type(back) is Assessment and type(back._grid) is _Years
    assert back.series == item.series and back.series[0].period == "2026-Q1"
