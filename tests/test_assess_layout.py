"""tracker.assess, the progress code split by job: the named method and note constants of the judge, and
tracker.progress re-exporting the very same objects for the callers of before. What the judge decides with
them is pinned by tests/test_progress.py."""

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
