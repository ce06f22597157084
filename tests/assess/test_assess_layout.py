"""tracker.assess, the progress code split by job: the named method and note constants of the judge. What
the judge decides with them is pinned by tests/assess/test_progress.py; a snapshot saved while the classes
lived in tracker.progress is ignored and made again (tests/storage/test_postgres_snapshot_moved.py)."""

from __future__ import annotations

from tracker.assess import assessment
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
