"""Figures are checked before leaders see them (issue 21): a submission is 'submitted' → 'approved' or
'returned' (with a reason the uploader sees). Only approved submissions are current (tracker.storage).

One module decides, the page ("Duyệt số liệu", views/approval.py) and the command line (`approve`,
`return`) both call it: who may decide (the four-eyes rule), what is waiting for whom, and the decision
itself, whose refusals are values with a code and a Vietnamese / English sentence, never exceptions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from tracker.accounts.permissions import Decision

from tracker.accounts.users import User
from tracker.core.observation import MilestoneUpdate, Observation, ParsedForm, Submission
from tracker.core.report import ValidationReport
from tracker.storage import BULK, StoreError

APPROVER_ROLES = ("approver", "admin")
# The words a submission's state is shown with (the uploader's list, the history, the CLI).
STATE_WORDS = {
    "submitted": ("chờ duyệt", "awaiting approval"),
    "approved": ("đã duyệt", "approved"),
    "returned": ("bị trả lại", "returned"),
}


def initial_state(settings, *, is_demo: bool = False) -> str:
    """The state an upload is stored in: 'submitted' while the installation asks for approval
    (settings.approval, on by default), 'approved' when it does not, and always for demo data."""
    return "submitted" if getattr(settings, "approval", True) and not is_demo else "approved"


def state_label(submission: Submission, lang: str = "vi") -> str:
    """'chờ duyệt', 'đã duyệt' or 'bị trả lại: <reason>' (a withdrawn one says so first)."""
    vi, en = STATE_WORDS.get(submission.approval, (submission.approval, submission.approval))
    word = en if lang == "en" else vi
    if submission.approval == "returned" and submission.decision_reason:
        word += f": {submission.decision_reason}"
    if submission.status == "withdrawn":
        word = ("withdrawn" if lang == "en" else "đã rút") + f" ({word})"
    return word


def admin_count(users) -> int:
    """Enabled admin accounts among ``users`` (tracker.accounts.users.User records)."""
    return sum(1 for u in users if u.role == "admin" and not u.disabled)


def _refuse(code: str, vi: str, en: str) -> Decision:
    return Decision(False, code, vi, en)


def submission_units(store, submission: Submission) -> set[str]:
    """The units a submission carries figures for (a bulk file may carry several)."""
    if submission.unit != BULK:
        return {submission.unit}
    rows = store.pending_observations(submission_id=submission.id)
    tasks = store.pending_milestones(submission_id=submission.id)
    return set(rows["unit"]) | set(tasks["unit"])


def may_decide(user: User | None, submission: Submission, *, admins: int | Collection,
               units: Collection[str] | None = None) -> Decision:
    """Whether ``user`` may approve or return ``submission``.

    An approver of every unit the submission carries (``units``; default: the submission's unit), or an
    admin; never one's own upload (four eyes), except an admin on an installation with a single admin
    (``admins``: how many admin accounts there are, or the accounts) — allowed with code
    "sole_admin_own", whose message the page shows. Only a submission awaiting approval is decided."""
    count = admins if isinstance(admins, int) else admin_count(admins)
    if user is None:
        return _refuse("not_signed_in", "Hãy đăng nhập để duyệt số liệu.", "Sign in to approve figures.")
    if user.role not in APPROVER_ROLES:
        return _refuse("not_approver", "Chỉ người duyệt (approver) của đơn vị hoặc quản trị viên mới được duyệt số liệu.",
                       "Only an approver of the unit or an administrator may approve figures.")
    if submission.status == "withdrawn":
        return _refuse("withdrawn", f"Lần nộp #{submission.id} đã được rút; không còn gì để duyệt.",
                       f"Submission #{submission.id} was withdrawn; there is nothing to decide.")
    if submission.approval != "submitted":
        vi, en = {"approved": ("đã được duyệt", "already approved"),
                  "returned": ("đã bị trả lại", "already returned")}.get(submission.approval,
                                                                          (submission.approval, submission.approval))
        return _refuse("not_pending", f"Lần nộp #{submission.id} {vi}; chỉ lần nộp đang chờ duyệt mới được duyệt hoặc trả lại.",
                       f"Submission #{submission.id} is {en}; only a submission awaiting approval can be decided.")
    wanted = set(units) if units is not None else {submission.unit}
    if user.role == "approver" and not wanted <= set(user.units):
        others = ", ".join(sorted(wanted - set(user.units)))
        return _refuse("other_unit", f"Bạn chỉ duyệt số liệu của đơn vị mình ({', '.join(user.units)}); lần nộp "
                                     f"#{submission.id} có số liệu của {others}.",
                       f"You approve figures of your own units only ({', '.join(user.units)}); submission "
                       f"#{submission.id} carries figures of {others}.")
    if submission.uploaded_by == user.username:
        if user.role == "admin" and count <= 1:
            return Decision(True, "sole_admin_own",
                            "Bạn là quản trị viên duy nhất nên được duyệt lần nộp của chính mình (ngoại lệ của nguyên tắc "
                            "«bốn mắt»); quyết định được ghi vào nhật ký kiểm tra.",
                            "You are the only administrator, so you may decide on your own upload (the exception to the "
                            "four-eyes rule); the decision is written to the audit log.")
        return _refuse("own_submission", f"Lần nộp #{submission.id} do chính bạn nộp; theo nguyên tắc «bốn mắt», "
                                         "người khác (người duyệt của đơn vị hoặc quản trị viên) phải duyệt.",
                       f"You uploaded submission #{submission.id} yourself; by the four-eyes rule someone else (an "
                       "approver of the unit or an administrator) must decide on it.")
    return Decision(True, "ok")


def sees_pending(user: User | None, unit: str | None) -> bool:
    """Whether ``user`` sees figures not (yet) approved of ``unit`` — pending ones, marked "chờ duyệt", and
    returned ones in the history: an admin any unit, the unit's uploaders and approvers theirs; leaders,
    viewers and the public never (they see approved figures only)."""
    if user is None:
        return False
    if user.role == "admin":
        return True
    return user.role in ("uploader", "approver") and unit is not None and unit in user.units


def pending_for(user: User | None, store) -> list[Submission]:
    """The submissions awaiting approval that ``user`` sees: an admin all of them, an approver or an
    uploader those of their units, anyone else none. Oldest first."""
    if user is None or user.role not in ("uploader", "approver", "admin"):
        return []
    return store.pending_submissions(None if user.role == "admin" else list(user.units))


@dataclass(frozen=True)
class Outcome:
    """What a decision came to: ``ok`` with the submission as it now stands, or a refusal (code, vi, en)."""
    ok: bool
    code: str
    message_vi: str
    message_en: str
    submission: Submission | None = None

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


def decide(store, user: User | None, submission_id: int, decision: str, *, admins: int | Collection,
           reason: str | None = None, now: dt.datetime | None = None) -> Outcome:
    """Approve (``decision`` "approved") or return ("returned", with ``reason``) one submission, if
    ``user`` may (may_decide); the store records it, counts the change and audits it."""
    if decision not in ("approved", "returned"):
        return Outcome(False, "bad_decision", f"Quyết định không hợp lệ: {decision!r}", f"Unknown decision: {decision!r}")
    submission = store.submission(int(submission_id))
    if submission is None:
        return Outcome(False, "missing", f"Không có lần nộp #{submission_id}.", f"No submission #{submission_id}.")
    allowed = may_decide(user, submission, admins=admins, units=submission_units(store, submission))
    if not allowed.allowed:
        return Outcome(False, allowed.code, allowed.message_vi, allowed.message_en, submission)
    why = (reason or "").strip()
    if decision == "returned" and not why:
        return Outcome(False, "reason_required", "Cần ghi lý do trả lại để người nộp biết cần sửa gì.",
                       "A reason for returning is required, so that the uploader knows what to fix.", submission)
    try:
        done = store.decide(submission.id, decision, user=user.username, reason=why or None, now=now)
    except StoreError as exc:
        return Outcome(False, exc.code, exc.message_vi, exc.message_en, submission)
    except ValueError as exc:   # decided meanwhile by someone else, or withdrawn
        vi, _, en = str(exc).partition(" / ")
        return Outcome(False, "refused", vi, en or vi, store.submission(submission.id))
    if decision == "approved":
        return Outcome(True, "approved", f"Đã duyệt lần nộp #{done.id}; số liệu đã hiện trên các trang.",
                       f"Submission #{done.id} approved; its figures now appear on the pages.", done)
    return Outcome(True, "returned", f"Đã trả lại lần nộp #{done.id}; người nộp thấy lý do: {why}",
                   f"Submission #{done.id} returned; the uploader sees the reason: {why}", done)


def submitted_form(store, submission: Submission) -> ParsedForm:
    """A pending submission's stored rows as the form they came from, with its report: what the
    approval page previews against the current (approved) values with tracker.ingest.preview."""
    rows = store.pending_observations(submission_id=submission.id)
    tasks = store.pending_milestones(submission_id=submission.id)
    observations = [Observation(r["indicator_id"], r["unit"], r["period"], float(r["value"]), sector=r["sector"] or "",
                                note=r["note"] or "", source=r["source"] or "", territory=r["territory"] or "target",
                                value_status=r["value_status"] or "official")
                    for r in rows.to_dict("records")]
    milestones = [MilestoneUpdate(r["indicator_id"], r["unit"], r["period"], r["status"], r["completed_on"],
                                  r["evidence"] or "") for r in tasks.to_dict("records")]
    try:
        report = ValidationReport.from_json(submission.report_json or "{}")
    except Exception:   # a report that cannot be read back is shown as none, the figures still are
        report = ValidationReport()
    return ParsedForm(submission.file_name, submission.sha256, submission.unit, submission.period,
                      observations=observations, milestones=milestones, report=report, agency=submission.agency)
