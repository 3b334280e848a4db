"""Optional part of the results bundle: the city's own words about the project (issue 15).

``ResultsBundle.briefing`` (:class:`BriefingSection`) carries what only the city can say and the
briefings print as given: where the plant goes, its treatment process and receiving water, the
plan for the site, the schedule (master-plan change and approval, 투자심사, design, construction,
start of operation) and how residents send their opinions, by when. It comes from the project
file's ``briefing:`` section (``sewerplan/recipe/project.py``). Every field is optional: a
briefing leaves out what is not given, it never prints a placeholder.

Years are calendar years; ``opinion_deadline`` an ISO date YYYY-MM-DD.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ..errors import ResultsBundleError

__all__ = ["ScheduleStep", "BriefingSection", "SCHEDULE_STEPS", "MAX_TEXT"]

#: schedule steps in the order a project goes through them (labels in the report catalogues)
SCHEDULE_STEPS = ("master_plan_change", "investment_review", "design", "construction", "operation")
MAX_TEXT = 500  # characters of one text field (a sentence or two, not a document)
YEAR_RANGE = (1900, 2200)


@dataclass
class ScheduleStep:
    """One step of the schedule: ``start``..``end`` calendar years (equal for a single year)."""

    step: str  # one of SCHEDULE_STEPS
    start: int
    end: int


@dataclass
class BriefingSection:
    """The city's texts for the briefings; an empty field is left out of the documents."""

    site: str = ""  # 사업 위치, e.g. "새빛동 산 12 일원"
    process: str = ""  # 처리 공정
    receiving_water: str = ""  # 방류 수역
    site_plan: str = ""  # the plan for the site, e.g. underground plant with a park on top
    site_plan_from_savings: bool = False  # the site plan is to be paid from money the sizing avoids
    schedule: list[ScheduleStep] = field(default_factory=list)
    opinion_deadline: str = ""  # ISO date by which residents send opinions
    opinion_to: str = ""  # where and how: address, e-mail, phone
    reuse_options: list[str] = field(default_factory=list)  # choices offered for money the sizing avoids
    interim: str = ""  # where the new town's sewage goes before the plant opens (existing plant, temporary)
    interim_capacity_m3_per_day: float | None = None  # [m3/d] what that interim can take

    def step(self, name: str) -> ScheduleStep | None:
        """The schedule step ``name`` (None when not given)."""
        return next((s for s in self.schedule if s.step == name), None)

    def validate(self, source: str = "results bundle", path: str = "briefing") -> None:
        """Known steps, each once, years in range with start <= end, an ISO deadline, texts not too long."""
        for name in ("site", "process", "receiving_water", "site_plan", "opinion_to", "interim"):
            _check_text(getattr(self, name), source, f"{path}.{name}")
        for i, text in enumerate(self.reuse_options):
            _check_text(text, source, f"{path}.reuse_options[{i}]")
        seen = set()
        for i, s in enumerate(self.schedule):
            where = f"{path}.schedule[{i}]"
            if s.step not in SCHEDULE_STEPS:
                raise ResultsBundleError(f"{s.step!r} is not one of {', '.join(SCHEDULE_STEPS)}", source, f"{where}.step")
            if s.step in seen:
                raise ResultsBundleError(f"{s.step!r} given twice", source, f"{where}.step")
            seen.add(s.step)
            if not (YEAR_RANGE[0] <= s.start <= s.end <= YEAR_RANGE[1]):
                raise ResultsBundleError(f"years {s.start}-{s.end}: expected {YEAR_RANGE[0]} <= start <= end <= "
                                         f"{YEAR_RANGE[1]}", source, where)
        build, opening = self.step("construction"), self.step("operation")
        if build is not None and opening is not None and opening.start <= build.end:
            raise ResultsBundleError(f"operation {opening.start} must come after construction ends ({build.end}): a "
                                     "plant opens when it is built / 운영 시작은 공사가 끝난 뒤여야 합니다", source,
                                     f"{path}.schedule")
        if self.interim_capacity_m3_per_day is not None and not 0 <= self.interim_capacity_m3_per_day <= 1e9:
            raise ResultsBundleError(f"{self.interim_capacity_m3_per_day} outside [0, 1e9] m3/d", source,
                                     f"{path}.interim_capacity_m3_per_day")
        if self.opinion_deadline:
            try:
                _dt.date.fromisoformat(self.opinion_deadline)
            except ValueError:
                raise ResultsBundleError(f"{self.opinion_deadline!r} is not an ISO date YYYY-MM-DD", source,
                                         f"{path}.opinion_deadline") from None


def _check_text(value: str, source: str, where: str) -> None:
    if len(value) > MAX_TEXT:
        raise ResultsBundleError(f"{len(value)} characters, at most {MAX_TEXT}", source, where)
