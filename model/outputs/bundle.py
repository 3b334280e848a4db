"""The results bundle: what a sewerplan run hands to the reports (``results.json``).

:class:`ResultsBundle` holds the parts (:mod:`.bundle_parts`), the decision
(:mod:`.decision_section`) and the optional parts (:mod:`.scenario_section`,
:mod:`.local_loads_section`, :mod:`.finance_section`, :mod:`.briefing_section`); it writes
itself as JSON and reads and checks a file (:mod:`.bundle_json`).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ResultsBundleError
from ..fileio import INCOMPLETE_MARKER, write_text_atomic
from .briefing_section import BriefingSection
from .bundle_json import build, refuse_constant
from .bundle_parts import (Attachment, Baseline, CapacityRecommendation, DistrictComparison, DistrictForecast,
                           Metadata)
from .decision_section import Decision
from .finance_section import FinanceSection
from .local_loads_section import LocalLoadsSection
from .scenario_section import ScenarioSection

__all__ = ["SCHEMA", "MAX_BUNDLE_BYTES", "ResultsBundle"]

SCHEMA = "sewerplan.results/2"
MAX_BUNDLE_BYTES = 50_000_000  # [bytes] of results.json


@dataclass
class ResultsBundle:
    """Everything the reports need from one sewerplan run.

    Attributes
    ----------
    metadata : Metadata
    existing : list of DistrictComparison
        Existing-town districts, observed vs methods, day-average [m3/d].
    existing_total : DistrictComparison
        Existing-town total (district name e.g. "합계").
    planned : list of DistrictForecast
        Planned-town forecast per district [m3/d].
    planned_total : DistrictForecast
        Planned-town total. The ML interval of the total is supplied by the producer
        (quantiles do not add), not summed here.
    capacity : CapacityRecommendation
    baselines : list of Baseline
        Each method's town total with its breakdown (pilot formula, master plan, MOE, ML).
    decision : Decision or None
        The sizing decision as the producer computed it (:func:`decision_for`); the reports
        compute it again from ``capacity`` so that wording always follows the numbers.
    households_by_size : dict
        Planned-town households by size {"1": n, "2": n, "3": n, "4": n, "5+": n} [households]
        at the census trend of ``households_by_size_year``.
    households_by_size_year : int
        The forecast year of that mix (0 = not stated).
    billed_volume_m3_per_day : float
        Day-average billed sewage volume of the tariff area the fee is spread over [m3/d];
        0 = use the planned town's ML day-average.
    attachments : list of Attachment
    scenario : ScenarioSection or None
        Optional planning scenario (capacity needed by year with P10/P50/P90); the council
        briefing prints a scenario section when present. Bundles without it stay valid.
    local_loads : LocalLoadsSection or None
        Optional: the city's own unit loads beside the notice's and what they change
        (``sewerplan unitloads``); the council briefing prints a block when present.
    finance : FinanceSection or None
        Optional: the money inputs, their data basis (causer-charge flow, treated inflow, fee
        base) and the producer's headline money figures (:mod:`.finance_section`).
    briefing : BriefingSection or None
        Optional: the city's texts (site, process, receiving water, site plan, schedule, how
        residents send opinions) from the project file's ``briefing:`` section (:mod:`.briefing_section`).
    """

    metadata: Metadata
    existing: list[DistrictComparison]
    existing_total: DistrictComparison
    planned: list[DistrictForecast]
    planned_total: DistrictForecast
    capacity: CapacityRecommendation
    baselines: list[Baseline] = field(default_factory=list)
    decision: Decision | None = None
    households_by_size: dict[str, float] = field(default_factory=dict)
    households_by_size_year: int = 0
    billed_volume_m3_per_day: float = 0.0
    attachments: list[Attachment] = field(default_factory=list)
    scenario: ScenarioSection | None = None
    local_loads: LocalLoadsSection | None = None
    finance: FinanceSection | None = None
    briefing: BriefingSection | None = None
    schema: str = SCHEMA
    # directory the bundle was read from (relative attachment paths resolve against it)
    base_dir: str = field(default="", compare=False, repr=False)
    source_path: str = field(default="", compare=False, repr=False)

    # ---------------- serialisation ----------------
    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d.pop("base_dir", None)
        d.pop("source_path", None)
        return d

    def to_json(self, path, *, force: bool = True) -> Path:
        """Write the bundle as UTF-8 JSON atomically (temp file + os.replace)."""
        path = Path(path)
        if path.exists() and not force:
            raise FileExistsError(
                f"{path} exists; pass force=True to overwrite / {path} 파일이 이미 있습니다."
            )
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False)
        write_text_atomic(path, text)
        return path

    @classmethod
    def from_json(cls, path) -> "ResultsBundle":
        """Read and validate a bundle; errors name the file and the field."""
        path = Path(path)
        if not path.is_file():
            raise ResultsBundleError("file not found / 파일이 없습니다", source=str(path))
        if (path.parent / INCOMPLETE_MARKER).exists():
            raise ResultsBundleError(f"the run that wrote this folder did not finish ({INCOMPLETE_MARKER}); run it "
                                     "again / 이 폴더를 쓴 실행이 끝나지 않았습니다. 다시 실행하세요", source=str(path))
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise ResultsBundleError(f"larger than {MAX_BUNDLE_BYTES:,} bytes", source=str(path))
        try:
            data = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise ResultsBundleError(f"not valid UTF-8 JSON ({str(exc)[:200]})", source=str(path)) from None
        bundle = cls.from_dict(data, source=str(path))
        bundle.base_dir = str(path.resolve().parent)
        bundle.source_path = str(path.resolve())
        return bundle

    @classmethod
    def from_dict(cls, data: dict, source: str = "results bundle") -> "ResultsBundle":
        if not isinstance(data, dict):
            raise ResultsBundleError("top level must be a JSON object", source=source)
        schema = data.get("schema", SCHEMA)
        if schema != SCHEMA:
            raise ResultsBundleError(f"unsupported schema {schema!r}, expected {SCHEMA!r}", source, "schema")
        bundle = build(cls, data, "", source)
        bundle.validate(source)
        return bundle

    # ---------------- checks beyond types ----------------
    def validate(self, source: str = "results bundle") -> None:
        """Check consistency: non-negative flows, lower <= central <= upper, a valid date."""
        try:
            _dt.date.fromisoformat(self.metadata.created)
        except ValueError:
            raise ResultsBundleError(
                f"{self.metadata.created!r} is not an ISO date YYYY-MM-DD", source, "metadata.created"
            ) from None
        if not self.planned:
            raise ResultsBundleError("no planned-town districts", source, "planned")
        rows = [(f"planned[{i}]", r) for i, r in enumerate(self.planned)] + [("planned_total", self.planned_total)]
        for where, r in rows:
            for level in ("day_average_m3_per_day", "day_max_m3_per_day", "hour_max_m3_per_day"):
                lo, mid, hi = (getattr(getattr(r, m), level) for m in ("ml_lower", "ml", "ml_upper"))
                tol = 1e-6 * max(1.0, abs(mid))
                if not (lo - tol <= mid <= hi + tol):
                    raise ResultsBundleError(
                        f"ML interval not ordered: lower {lo} <= central {mid} <= upper {hi} expected",
                        source,
                        f"{where}.ml.{level}",
                    )
        c = self.capacity
        if not (c.lower_m3_per_day <= c.p50_m3_per_day * (1 + 1e-9) <= c.upper_m3_per_day * (1 + 2e-9)):
            raise ResultsBundleError("lower <= p50 <= upper expected", source, "capacity.p50_m3_per_day")
        from .bundle_parts import METHODS

        if c.city_plan_method not in METHODS:
            raise ResultsBundleError(f"{c.city_plan_method!r} is not one of {', '.join(METHODS)}", source,
                                     "capacity.city_plan_method")
        if not 0 < c.review_trigger <= 1:
            raise ResultsBundleError(f"{c.review_trigger} outside (0, 1]", source, "capacity.review_trigger")
        if not 1 <= self.metadata.min_public_cell_buildings <= 10_000:
            raise ResultsBundleError(f"{self.metadata.min_public_cell_buildings} outside [1, 10000]", source,
                                     "metadata.min_public_cell_buildings")
        if not 0 < c.interval_level < 1:
            raise ResultsBundleError(f"{c.interval_level} outside (0, 1)", source, "capacity.interval_level")
        _validate_newest(self.metadata.model_card.newest_check, source)
        if self.scenario is not None:
            self.scenario.validate(source)
        if self.local_loads is not None:
            self.local_loads.validate(source)
        if self.briefing is not None:
            self.briefing.validate(source)

    # ---------------- convenience ----------------
    @property
    def recommended_capacity_m3_per_day(self) -> float:
        c = self.capacity
        return c.recommended_m3_per_day or c.upper_m3_per_day

    def attachment_files(self) -> list[tuple[str, str, bytes]]:
        """(name, description, bytes) for each attachment, read now."""
        base = Path(self.base_dir) if self.base_dir else None
        return [(a.name, a.description, a.read_bytes(base)) for a in self.attachments]


def _validate_newest(nc, source: str) -> None:
    """A newest-cohort record whose numbers could not come from a run is refused (the field named)."""
    if nc is None:
        return
    where = "metadata.model_card.newest_check"
    if not 0.2 <= nc.level_factor <= 5.0:
        raise ResultsBundleError(f"{nc.level_factor} outside [0.2, 5]", source, f"{where}.level_factor")
    for name in ("total_ratio", "per_type_total_ratio", "level_raw"):
        v = getattr(nc, name)
        if v is not None and not 0 < v <= 100:
            raise ResultsBundleError(f"{v} outside (0, 100]", source, f"{where}.{name}")
    for name in ("coverage_before", "coverage_after"):
        v = getattr(nc, name)
        if v is not None and not 0 <= v <= 1:
            raise ResultsBundleError(f"{v} outside [0, 1]", source, f"{where}.{name}")
    if not (0 <= nc.level_sd_log <= 2 and 0 <= nc.upper_widening <= 10 and nc.n_buildings >= 0):
        raise ResultsBundleError("level_sd_log in [0, 2], upper_widening in [0, 10], n_buildings >= 0 expected",
                                 source, where)
