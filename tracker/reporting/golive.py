"""Going live: the demo data out in one step (issue 20). What goes is said before it goes; the store
withdraws every demo submission in one audited transaction (Store.golive), keeping files and rows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GoLivePlan:
    submissions: int
    values: int
    milestones: int
    units: list[str]

    @property
    def nothing_to_do(self) -> bool:
        return self.submissions == 0

    def describe(self, unit_name=lambda u: u, lang: str = "vi") -> str:
        if self.nothing_to_do:
            return ("There is no demo data left; the installation is already live." if lang == "en" else
                    "Không còn dữ liệu minh họa; hệ thống đã ở chế độ sử dụng thật.")
        names = ", ".join(unit_name(u) for u in self.units)
        if lang == "en":
            return (f"{self.submissions} demo submissions ({self.values} values, {self.milestones} task updates) of "
                    f"{names} will be withdrawn and no longer shown anywhere (pages, deck, CSV, status). The files stay "
                    "in the archive and the withdrawal is in the audit log; real submissions are not touched.")
        return (f"Sẽ rút {self.submissions} lần nộp minh họa ({self.values} số liệu, {self.milestones} cập nhật nhiệm vụ) "
                f"của {names}; các số này không còn hiện ở đâu nữa (các trang, bản trình chiếu, CSV, status). Tệp gốc vẫn "
                "được lưu trong kho và việc rút được ghi vào nhật ký; số liệu thật không bị động đến.")


def golive_plan(store) -> GoLivePlan:
    demo = [s for s in store.submissions(include_withdrawn=False) if s.is_demo]
    return GoLivePlan(len(demo), sum(s.observation_count for s in demo), sum(s.milestone_count for s in demo),
                      sorted({s.unit for s in demo}))


def done_message(count: int, lang: str = "vi") -> str:
    if lang == "en":
        return f"Live: {count} demo submissions withdrawn." if count else "Already live: nothing withdrawn."
    return (f"Đã bắt đầu sử dụng thật: rút {count} lần nộp minh họa." if count else
            "Hệ thống đã ở chế độ sử dụng thật; không có gì để rút.")
