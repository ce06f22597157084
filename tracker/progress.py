"""Re-exports of tracker.assess, where the progress code now lives, one job per module (see its
docstring); callers and tests of before import from here unchanged while they move. Private names
are re-exported too: other modules still read some of them (summaries: _rate_words)."""

from tracker.assess.assessment import (_NOTE_TUPLES, _PLANS, Assessment, _assessments, _floats, _ints,
                                       _normalise, _note_tuple, _Plan, _plan, _rows_to_groups, _shown_periods,
                                       _static, assess, assess_all, yearly)
from tracker.assess.explain import (_PROGRESS_WORDS, _explain, _explain_milestone, _explain_yearly, _missing,
                                    _partial_note, _period_words, _projection_words, _rate_words, _target_words,
                                    _tr, _unassessed_words, _verb, _year_words, pace)
from tracker.assess.judge import (_APPROX, _ASSESSED, _COMPARATORS, _EQ, _GE, _GT, _LE, _LT, _S, ACCELERATION,
                                  DIRECTION_STATUSES, METHOD_NAMES, MILESTONE_STATUSES, MIN_PROJECTION_POINTS,
                                  NOTE_NAMES, NUMERIC_STATUSES, ON_TRACK, STATUSES, UNASSESSED_STATUSES, Method,
                                  Note, _at, _first, _judge, _last, _meets, _Targets, _target_row, status_counts,
                                  status_label)
from tracker.assess.judge import METHOD_NAMES as _METHODS
from tracker.assess.judge import NOTE_NAMES as _NOTES
from tracker.assess.milestones import (MilestoneAssessment, _as_date, _assess_yearly, _latest_updates,
                                       assess_milestone, due_quarter, overdue_units)
from tracker.assess.rollup import (_FLOW, _RANK, _ROLLUP_CODE, _SHARE, _STOCK, YearValue, _columns, _json_number,
                                   _period_parts, _rollup, _Years)
