"""Statuses: one enumeration with, per member, its group, its place in the attention order, colour, icon
and vi/en label. Pages, figures, the deck and the CLI read them from here, so a status means one thing."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    # numeric targets
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    ACCELERATION = "acceleration"
    OFF_TRACK = "off_track"
    MOVING_AWAY = "moving_away"
    TOO_LITTLE_DATA = "too_little_data"
    NO_DATA = "no_data"
    # direction-only goals ("increase", "decrease"): no distance to a number, only a way of moving
    RIGHT_WAY = "right_way"
    NO_CHANGE = "no_change"
    WRONG_WAY = "wrong_way"
    # milestones (tasks)
    DONE = "done"
    NOT_YET_DUE = "not_yet_due"
    OVERDUE = "overdue"
    RECURRING = "recurring"
    NO_DEADLINE = "no_deadline"
    # listed, never assessed: a goal no statistic measures; a retired entry (kept with its values)
    UNMEASURED = "unmeasured"
    REPLACED = "replaced"


@dataclass(frozen=True)
class Look:
    vi: str
    en: str
    colour: str
    icon: str
    outlined: bool = False   # direction chips: an outline, never the filled red/green of a numeric target


# Colour-blind safe-ish: green → amber → orange → red, greys for missing data; every mark carries its label.
LOOKS: dict[Status, Look] = {
    Status.ACHIEVED: Look("Đã đạt", "Achieved", "#1a7f37", "✔"),
    Status.ON_TRACK: Look("Đúng tiến độ", "On track", "#4cae4f", "●"),
    Status.ACCELERATION: Look("Cần tăng tốc", "Needs acceleration", "#e3a008", "▲"),
    Status.OFF_TRACK: Look("Chậm tiến độ", "Off track", "#e8590c", "◆"),
    Status.MOVING_AWAY: Look("Đi ngược mục tiêu", "Moving away", "#c92a2a", "▼"),
    Status.TOO_LITTLE_DATA: Look("Chưa đủ số liệu", "Too little data", "#9aa5b1", "?"),
    Status.NO_DATA: Look("Chưa có số liệu", "No data", "#ced4da", "–"),
    Status.RIGHT_WAY: Look("Đúng hướng", "Right way", "#2f6f3e", "↗", outlined=True),
    Status.NO_CHANGE: Look("Chưa chuyển hướng", "No change", "#616e7c", "→", outlined=True),
    Status.WRONG_WAY: Look("Ngược hướng", "Wrong way", "#9c4221", "↘", outlined=True),
    Status.DONE: Look("Hoàn thành", "Done", "#1a7f37", ""),
    Status.NOT_YET_DUE: Look("Chưa đến hạn", "Not yet due", "#1c7ed6", ""),
    Status.OVERDUE: Look("Quá hạn", "Overdue", "#c92a2a", ""),
    Status.RECURRING: Look("Thường xuyên", "Ongoing", "#7048e8", ""),
    Status.NO_DEADLINE: Look("Không thời hạn", "No deadline", "#9aa5b1", ""),
    Status.UNMEASURED: Look("Chưa có thước đo", "No measure yet", "#adb5bd", "∅"),
    Status.REPLACED: Look("Chỉ tiêu đã thay thế", "Replaced target", "#868e96", "↻"),
}

# Groups, each in the enumeration's order.
NUMERIC = (Status.ACHIEVED, Status.ON_TRACK, Status.ACCELERATION, Status.OFF_TRACK, Status.MOVING_AWAY,
           Status.TOO_LITTLE_DATA, Status.NO_DATA)
DIRECTION = (Status.RIGHT_WAY, Status.NO_CHANGE, Status.WRONG_WAY)
MILESTONE = (Status.DONE, Status.NOT_YET_DUE, Status.OVERDUE, Status.RECURRING, Status.NO_DEADLINE)
UNASSESSED = (Status.UNMEASURED, Status.REPLACED)
# What the judge can return for a numeric or direction-only target.
ASSESSED = NUMERIC + DIRECTION

# Numeric targets behind their pace, worst first; their sum is the "needs attention" count.
BEHIND = (Status.MOVING_AWAY, Status.OFF_TRACK, Status.ACCELERATION)
# Numeric targets on pace or reached: the green chips, counted as such.
GOOD = (Status.ON_TRACK, Status.ACHIEVED)
# Higher is better, for "improved / worsened since"; no judgement (too little data, no data) is not ranked.
GOODNESS = {Status.MOVING_AWAY: 0, Status.OFF_TRACK: 1, Status.ACCELERATION: 2, Status.ON_TRACK: 3,
            Status.ACHIEVED: 4}
DIRECTION_GOODNESS = {Status.WRONG_WAY: 0, Status.NO_CHANGE: 1, Status.RIGHT_WAY: 2}

# Order in which statuses are listed: the ones a leader must act on first.
NUMERIC_ORDER = (Status.MOVING_AWAY, Status.OFF_TRACK, Status.ACCELERATION, Status.WRONG_WAY, Status.NO_CHANGE,
                 Status.TOO_LITTLE_DATA, Status.NO_DATA, Status.RIGHT_WAY, Status.ON_TRACK, Status.ACHIEVED,
                 Status.UNMEASURED, Status.REPLACED)
MILESTONE_ORDER = (Status.OVERDUE, Status.NOT_YET_DUE, Status.RECURRING, Status.NO_DEADLINE, Status.DONE,
                   Status.REPLACED)


def look(status: str) -> Look:
    return LOOKS[Status(status)]


def label(status: str, lang: str = "vi") -> str:
    lk = look(status)
    return lk.en if lang == "en" else lk.vi


def colour(status: str, default: str = "#52606d") -> str:
    try:
        return LOOKS[Status(status)].colour
    except ValueError:
        return default


def icon(status: str) -> str:
    try:
        return LOOKS[Status(status)].icon
    except ValueError:
        return ""
