"""The results bundle: what a sewerplan run hands to the reports.

The demo (and any user workflow) writes one JSON file with everything a council briefing
or a public-hearing handout needs; the reports read nothing else. The schema is written
down in ``docs/reports.md``; this module is its executable form.

All flows are in [m3/d]. Day-average, day-max and hour-max are all expressed as daily
rates in [m3/d] (hour-max = hourly peak flow x 24), so they can be compared directly.
Money is in [KRW].

Public API
----------
- :class:`ResultsBundle` and its parts (:class:`Metadata`, :class:`ModelCard`,
  :class:`ParameterUsed`, :class:`Flows`, :class:`DistrictComparison`,
  :class:`DistrictForecast`, :class:`CapacityRecommendation`, the baselines' breakdown
  :class:`Baseline` / :class:`BaselineTerm`, the computed sizing :class:`Decision` /
  :class:`DecisionRow`, :class:`Attachment`, and the optional planning-scenario part
  :class:`ScenarioSection` / :class:`ScenarioCapacityYear`),
- :func:`decision_for` computes the decision from the bundle's capacities (the reports call it,
  so an edited capacity changes the wording),
- :func:`scenario_section_from_result` turns a scenario run
  (:func:`sewerplan.model.planning.scenario_run.run_scenario`) into a :class:`ScenarioSection`,
- ``ResultsBundle.to_json(path)`` / ``ResultsBundle.from_json(path)`` /
  ``ResultsBundle.from_dict(d)`` with schema validation,
- :func:`example_bundle` builds a small, realistic, clearly synthetic bundle for tests.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as _dt
import json
import math
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParameterError, ResultsBundleError
from ..fileio import INCOMPLETE_MARKER, write_text_atomic
from .local_loads_section import LocalLoadRow, LocalLoadsFlows, LocalLoadsSection  # optional part (issue 18)
from .finance_section import FinanceHeadline, FinanceSection  # optional part (issue 12)
from .briefing_section import BriefingSection, ScheduleStep  # optional part (issue 15)

__all__ = [
    "SCHEMA",
    "ResultsBundleError",
    "ParameterUsed",
    "ModelCard",
    "Metadata",
    "Flows",
    "DistrictComparison",
    "DistrictForecast",
    "CapacityRecommendation",
    "BaselineTerm",
    "Baseline",
    "DecisionRow",
    "Decision",
    "decision_for",
    "Attachment",
    "ScenarioCapacityYear",
    "ScenarioSection",
    "ResultsBundle",
    "scenario_section_from_result",
    "example_scenario_section",
    "example_bundle",
    "example_briefing_section",
    "LocalLoadRow",
    "LocalLoadsFlows",
    "LocalLoadsSection",
    "FinanceSection",
    "FinanceHeadline",
    "EXAMPLE_MONEY_INPUTS",
    "BriefingSection",
    "ScheduleStep",
]

SCHEMA = "sewerplan.results/2"
METHODS = ("pilot_formula", "master_plan", "unit_load")  # the baselines, in print order
# fields that carry a sign (everything else in the bundle is >= 0)
SIGNED_FIELDS = ("gap_m3_per_day",)

# Bounds on a bundle read from a file (docs/architecture.md, "Untrusted input").
MAX_BUNDLE_BYTES = 50_000_000  # [bytes] of results.json
MAX_ATTACHMENT_BYTES = 50_000_000  # [bytes] of one attachment
MAX_NUMBER = 1e15  # any number in a bundle; KRW amounts stay below it (Korea's budget ~ 6.6e14 KRW)
MAX_FLOW_M3_PER_DAY = 1e9  # [m3/d] every flow field (all of Korea's sewage ~ 2e7 m3/d)
MAX_WHOLE_NUMBER = 10**9  # years, counts, simulations


# --------------------------------------------------------------------------------------
# Parts of the bundle
# --------------------------------------------------------------------------------------


@dataclass
class ParameterUsed:
    """One parameter the run used, as printed in the reports' assumptions table."""

    name: str
    value: float
    unit: str
    source: str
    label_ko: str = ""
    source_ko: str = ""  # the source in Korean (the Korean briefings print this one)


@dataclass
class NewestCheck:
    """The newest-cohort check behind every forecast of new buildings (docs/ml.md, model/ml/newest.py).

    The newest buildings of the existing town were forecast by a model of the older ones; the
    errors on them, the level factor new buildings get and how much the town's interval widened.
    Ratios are forecast / observed [-]; None where the check did not run or had no value.
    """

    checked: bool  # False: too few newest buildings; factor 1, intervals widened by the prior sd
    n_buildings: int  # buildings in the newest cohort
    min_buildings: int  # the rule's minimum for a check
    first_year: int = 0  # first approval year of the cohort (0 = the data have no years)
    last_year: int = 0  # newest approval year of the training data
    n_districts: int = 0  # cohort districts with >= 5 buildings
    total_ratio: float | None = None  # ML forecast / observed on the cohort, before the level factor
    wape: float | None = None  # building WAPE on the cohort [-]
    district_median_ape: float | None = None
    per_type_total_ratio: float | None = None  # the per-type median intensity baseline on the cohort
    per_type_wape: float | None = None
    coverage_before: float | None = None  # cohort share inside the cross-validated building intervals
    coverage_after: float | None = None  # inside the new-building intervals (calibrated on the cohort)
    level_factor: float = 1.0  # applied to new buildings [-]
    level_raw: float | None = None  # observed / forecast on the cohort, before shrinkage [-]
    level_sd_log: float = 0.0  # its remaining uncertainty, ln scale [-]
    upper_widening: float = 0.0  # the town interval's upper bound raised by this check [-]


@dataclass
class ModelCard:
    """Summary of the ML model card (the full card stays with the model file)."""

    model_id: str
    trained_on: str  # plain description: town, years, number of buildings, data holder
    n_training_buildings: int
    metrics: dict[str, float]  # e.g. {"mae_m3_per_day": .., "r2": .., "interval_coverage": ..}
    limits: list[str]  # plain-language limits, one sentence each
    interval_level: float = 0.9  # nominal coverage of ml_lower..ml_upper [-]
    trained_on_ko: str = ""
    limits_ko: list[str] = field(default_factory=list)
    newest_check: NewestCheck | None = None  # None: a model without the check (older model files)


@dataclass
class Metadata:
    town_name: str  # the planned town
    existing_town_name: str  # the town with observed data the model was checked against
    created: str  # ISO date, YYYY-MM-DD
    synthetic: bool  # True when the input is the bundled synthetic sample
    data_source: str  # one line printed in the report footer (Korean for the Korean briefings)
    model_card: ModelCard
    parameters: list[ParameterUsed] = field(default_factory=list)
    sewerplan_version: str = ""
    municipality: str = ""  # who decides (e.g. 가상시); printed in the summary
    town_name_en: str = ""
    existing_town_name_en: str = ""
    # public outputs show no existing-town value that covers fewer buildings (intake.privacy; the run's project)
    min_public_cell_buildings: int = 10
    data_source_en: str = ""  # the footer line in English (falls back to data_source)


@dataclass
class Flows:
    """One method's flow for one district or the town [m3/d] (all as daily rates)."""

    day_average_m3_per_day: float
    day_max_m3_per_day: float
    hour_max_m3_per_day: float


@dataclass
class DistrictComparison:
    """Existing town: observed vs each method, day-average [m3/d] without infiltration.

    Design methods are converted from day-max with ``day_average_to_day_max`` (the pilot
    formula keeps its x1.1). ``ml_m3_per_day`` is the held-out (cross-validated) prediction,
    never a fit to the same rows. Signed errors (observed - method, the pilot's form) are
    computed by the reports.
    """

    district: str
    n_buildings: int
    observed_m3_per_day: float
    pilot_formula_m3_per_day: float
    master_plan_m3_per_day: float
    unit_load_m3_per_day: float
    ml_m3_per_day: float


@dataclass
class DistrictForecast:
    """Planned town: each method's forecast for one district (or the town total).

    ``population`` [persons] = households x the run's ``persons_per_household``.
    """

    district: str
    n_buildings: int
    households: float
    population: float
    pilot_formula: Flows
    master_plan: Flows
    unit_load: Flows
    ml: Flows
    ml_lower: Flows
    ml_upper: Flows


@dataclass
class CapacityRecommendation:
    """Treatment capacity of the planned town by method [m3/d] = design day-max, infiltration once.

    One recommendation (``recommended_m3_per_day``, default the ML upper bound) on one stated
    ``basis``. The 80% utilisation is ``review_trigger``: a figure to compare expected inflow /
    capacity with, never a divisor. ``plant_m3_per_day`` is the existing or planned plant the
    need is compared with, and ``plant_origin`` says where that number came from (an input).
    """

    pilot_formula_m3_per_day: float
    master_plan_m3_per_day: float
    unit_load_m3_per_day: float
    p50_m3_per_day: float  # ML central day-max incl. infiltration
    lower_m3_per_day: float
    upper_m3_per_day: float  # ML upper bound (the interval's top)
    recommended_m3_per_day: float = 0.0  # 0 = the upper bound
    basis: str = "design day-max incl. infiltration once; recommended = ML upper bound"
    review_trigger: float = 0.8  # [-] utilisation at which expansion is reviewed
    interval_level: float = 0.9  # [-] two-sided level the ML interval attains
    n_calibration_districts: int = 0  # held-out districts the interval rests on (0 = not known)
    plant_m3_per_day: float | None = None
    plant_origin: str = ""
    plant_origin_ko: str = ""  # the same in Korean words (the Korean briefings print this one)


@dataclass
class BaselineTerm:
    """One term of a baseline's breakdown (e.g. domestic sewage, factory wastewater)."""

    name: str
    label_ko: str
    label_en: str
    value: float
    unit: str


@dataclass
class Baseline:
    """One method's town total [m3/d] with the terms it is made of (the breakdown table)."""

    method: str  # pilot_formula, master_plan, unit_load or ml
    label_ko: str
    label_en: str
    day_max_m3_per_day: float  # the plant capacity this method gives
    terms: list[BaselineTerm] = field(default_factory=list)
    note_ko: str = ""
    note_en: str = ""


@dataclass
class DecisionRow:
    """One baseline plant against the ML need (:mod:`sewerplan.model.planning.decision`)."""

    method: str
    capacity_m3_per_day: float
    need_p50_m3_per_day: float
    gap_m3_per_day: float  # capacity - need P50, signed (= t/d)
    direction: str  # under, about_right, over
    probability_too_small: float
    probability_too_large: float
    expected_expansion_krw: float
    expansion_m3_per_day: float
    stranded_capital_krw: float
    stranded_fee_krw_per_m3: float
    stranded_fee_4p_krw_per_month: float
    expansion_year: int | None = None


@dataclass
class Decision:
    """The sizing decision for every baseline, and the distribution it was computed under."""

    distribution: str  # district_total_interval (log-normal) or scenario_simulation
    level: float  # [-] attained two-sided level of the interval
    n_calibration_districts: int
    need_p50_m3_per_day: float
    need_lower_m3_per_day: float
    need_upper_m3_per_day: float
    review_trigger: float
    curve_name: str
    rows: list[DecisionRow] = field(default_factory=list)
    lead_method: str = "pilot_formula"  # the baseline the summary leads with

    def row(self, method: str) -> DecisionRow | None:
        return next((r for r in self.rows if r.method == method), None)


@dataclass
class Attachment:
    """An input file to attach to the PDF/A-3 (the briefing carries its own evidence).

    Give ``path`` (absolute, or relative to the bundle JSON file) or ``content_base64``.
    """

    name: str  # file name shown in the PDF viewer
    description: str = ""
    path: str = ""
    content_base64: str = ""

    def read_bytes(self, base_dir: Path | None = None) -> bytes:
        """The attachment's bytes: embedded base64, or a file inside the bundle's own folder.

        A ``path`` must be relative and stay inside ``base_dir`` (the folder of the bundle: the
        run's output folder) after symbolic links are resolved; absolute paths, ``..`` escapes and
        anything that is not a regular file are refused, so a bundle cannot pull local files
        (``/etc/passwd``, ``/proc/self/environ``) into a public PDF.
        """
        where = f"attachments.{self.name}"
        if self.content_base64:
            return _decode_base64(self.content_base64, where)
        if not self.path:
            raise ResultsBundleError("attachment has neither path nor content_base64", field_path=where)
        p = _attachment_file(self.path, base_dir, where)
        if p.stat().st_size > MAX_ATTACHMENT_BYTES:
            raise ResultsBundleError(f"attachment larger than {MAX_ATTACHMENT_BYTES:,} bytes: {self.path}", field_path=where)
        return p.read_bytes()


def _decode_base64(text: str, where: str) -> bytes:
    if len(text) > MAX_ATTACHMENT_BYTES * 4 // 3 + 4:
        raise ResultsBundleError(f"attachment larger than {MAX_ATTACHMENT_BYTES:,} bytes", field_path=where)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ResultsBundleError(f"content_base64 is not valid base64 ({exc})", field_path=where) from None


def _attachment_file(path: str, base_dir: Path | None, where: str) -> Path:
    """The attachment's file, refused unless it is a regular file inside ``base_dir``."""
    p = Path(path)
    if p.is_absolute() or p.drive or base_dir is None:
        raise ResultsBundleError(
            f"attachment path {path!r} must be relative to the bundle's folder; absolute paths are never attached "
            f"/ 첨부 파일은 결과 파일 폴더 안의 상대 경로만 쓸 수 있습니다", field_path=where)
    root = Path(base_dir).resolve()
    full = (root / p).resolve()
    if not full.is_relative_to(root):
        raise ResultsBundleError(
            f"attachment path {path!r} leaves the bundle's folder {root}; only files of the run are attached "
            f"/ 첨부 파일이 결과 폴더 밖에 있습니다", field_path=where)
    if not full.is_file():
        raise ResultsBundleError(f"attachment file not found (or not a regular file): {full}", field_path=where)
    return full


@dataclass
class ScenarioCapacityYear:
    """Treatment capacity needed in one year of a scenario's build-out [m3/d].

    Capacity needed = design day-max incl. infiltration (once). The ML fields are quantiles of
    the simulated need (docs/scenarios.md, "Uncertainty") and ``None`` when the run had no ML
    model; the probabilities and ``utilisation_p50`` (ML P50 need / plant [-]) are ``None``
    without a plant capacity.
    """

    year: int
    pilot_formula_m3_per_day: float
    master_plan_m3_per_day: float
    unit_load_m3_per_day: float
    ml_p10_m3_per_day: float | None = None
    ml_p50_m3_per_day: float | None = None
    ml_p90_m3_per_day: float | None = None
    ml_at_confidence_m3_per_day: float | None = None  # at ScenarioSection.confidence
    probability_exceeded: float | None = None  # P(ML need > plant) in this year [-]
    probability_exceeded_by_year: float | None = None  # ... in this year or earlier [-]
    utilisation_p50: float | None = None  # ML P50 need / plant capacity [-]


@dataclass
class ScenarioSection:
    """A planning scenario's capacity needed by year, for the briefing's scenario section."""

    name: str
    capacity_by_year: list[ScenarioCapacityYear]
    confidence: float = 0.9  # [-] of ml_at_confidence_m3_per_day
    plant_capacity_m3_per_day: float | None = None  # existing or planned plant compared with
    review_trigger: float = 0.8  # [-] utilisation at which expansion is reviewed
    description: str = ""
    source: str = ""  # scenario file name
    n_simulations: int = 0
    ml_available: bool = True
    synthetic: bool = False

    def validate(self, source: str = "results bundle", path: str = "scenario") -> None:
        """Years increasing, P10 <= P50 <= P90, probabilities in [0, 1]; errors name the field."""
        if not self.capacity_by_year:
            raise ResultsBundleError("no years / 연도별 자료가 없습니다", source, f"{path}.capacity_by_year")
        if not 0 < self.confidence < 1:
            raise ResultsBundleError(f"{self.confidence} outside (0, 1)", source, f"{path}.confidence")
        if not 0 < self.review_trigger <= 1:
            raise ResultsBundleError(f"{self.review_trigger} outside (0, 1]", source, f"{path}.review_trigger")
        ml_fields = ("ml_p10_m3_per_day", "ml_p50_m3_per_day", "ml_p90_m3_per_day", "ml_at_confidence_m3_per_day")
        prev = None
        for i, r in enumerate(self.capacity_by_year):
            where = f"{path}.capacity_by_year[{i}]"
            if prev is not None and r.year <= prev:
                raise ResultsBundleError(f"year {r.year} not after {prev} (years must increase)", source, f"{where}.year")
            prev = r.year
            given = [getattr(r, k) is not None for k in ml_fields]
            if self.ml_available and not all(given):
                missing = [k for k, g in zip(ml_fields, given) if not g][0]
                raise ResultsBundleError("missing (ml_available is true) / ML 값 누락", source, f"{where}.{missing}")
            if all(given):
                lo, mid, hi = r.ml_p10_m3_per_day, r.ml_p50_m3_per_day, r.ml_p90_m3_per_day
                tol = 1e-6 * max(1.0, abs(mid))
                if not lo - tol <= mid <= hi + tol:
                    raise ResultsBundleError(f"P10 {lo} <= P50 {mid} <= P90 {hi} expected", source,
                                             f"{where}.ml_p50_m3_per_day")
            for k in ("probability_exceeded", "probability_exceeded_by_year"):
                v = getattr(r, k)
                if v is not None and not 0 <= v <= 1:
                    raise ResultsBundleError(f"{v} outside [0, 1]", source, f"{where}.{k}")


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
            data = json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
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
        bundle = _build(cls, data, "", source)
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


def _validate_newest(nc: NewestCheck | None, source: str) -> None:
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


# --------------------------------------------------------------------------------------
# Typed construction from plain JSON with field paths in errors
# --------------------------------------------------------------------------------------

_MISSING = object()


def _refuse_constant(name: str):
    """``NaN``, ``Infinity`` and ``-Infinity`` are not JSON; a bundle holding them is refused."""
    raise ValueError(f"{name} is not a number JSON allows")


def _build(tp, value, path: str, source: str):
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ResultsBundleError(f"expected an object, got {type(value).__name__}", source, path or "<top>")
        hints = typing.get_type_hints(tp)
        kwargs = {}
        known = set()
        for f in dataclasses.fields(tp):
            if f.name in ("base_dir", "source_path"):
                continue
            known.add(f.name)
            sub = f"{path}.{f.name}" if path else f.name
            raw = value.get(f.name, _MISSING)
            if raw is _MISSING:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    raise ResultsBundleError("missing required field / 필수 필드 누락", source, sub)
                continue
            kwargs[f.name] = _build(hints[f.name], raw, sub, source)
        unknown = set(value) - known
        if unknown:
            raise ResultsBundleError(
                f"unknown field(s) {sorted(unknown)}; valid: {sorted(known)}", source, path or "<top>"
            )
        try:
            return tp(**kwargs)
        except ParameterError as exc:  # a dataclass that checks its own values (MoneyInputs)
            raise ResultsBundleError(exc.allowed and f"{exc.value!r} outside {exc.allowed}", source,
                                     f"{path}.{exc.name}" if path else str(exc.name)) from None
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise ResultsBundleError(f"expected a list, got {type(value).__name__}", source, path)
        return [_build(item_tp, v, f"{path}[{i}]", source) for i, v in enumerate(value)]
    if origin is dict:
        _, val_tp = typing.get_args(tp)
        if not isinstance(value, dict):
            raise ResultsBundleError(f"expected an object, got {type(value).__name__}", source, path)
        return {str(k): _build(val_tp, v, f"{path}.{k}", source) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) != 1:
            raise TypeError("only optional (X | None) unions are used in the bundle schema")
        return None if value is None else _build(args[0], value, path, source)
    if tp is bool:
        if not isinstance(value, bool):
            raise ResultsBundleError(f"expected true/false, got {value!r}", source, path)
        return value
    if tp is int:
        return _whole_number(value, path, source)
    if tp is float:
        return _bounded_number(value, path, source)
    if tp is str:
        if not isinstance(value, str):
            raise ResultsBundleError(f"expected text, got {value!r}", source, path)
        return value
    raise TypeError(f"unsupported type in schema: {tp!r}")


def _whole_number(value, path: str, source: str) -> int:
    ok = not isinstance(value, bool) and isinstance(value, (int, float))
    if not ok or isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise ResultsBundleError(f"expected a whole number, got {_short(value)}", source, path)
    if abs(value) > MAX_WHOLE_NUMBER:
        raise ResultsBundleError(f"{_short(value)} is beyond {MAX_WHOLE_NUMBER:,}", source, path)
    return int(value)


def _bounded_number(value, path: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ResultsBundleError(f"expected a finite number, got {_short(value)}", source, path)
    try:
        x = float(value)
    except OverflowError:  # an integer with hundreds of digits
        x = math.inf
    if not math.isfinite(x):
        raise ResultsBundleError(f"expected a finite number, got {_short(value)}", source, path)
    signed = path.endswith(SIGNED_FIELDS) or path.endswith("metrics") or ".metrics." in path
    if x < 0 and not signed:
        raise ResultsBundleError(f"expected a number >= 0, got {_short(value)}", source, path)
    limit = MAX_FLOW_M3_PER_DAY if "m3_per_day" in path else MAX_NUMBER
    if abs(x) > limit:
        raise ResultsBundleError(f"{_short(value)} is beyond the plausible {limit:g}", source, path)
    return x


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --------------------------------------------------------------------------------------
# Scenario section from a scenario run
# --------------------------------------------------------------------------------------


def _opt(v, digits=1):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return None if not math.isfinite(v) else round(v, digits)


def scenario_section_from_result(result, confidence: float | None = None,
                                 plant_capacity_m3_per_day: float | None = None) -> ScenarioSection:
    """The briefing's scenario section from a scenario run.

    Parameters
    ----------
    result : ScenarioResult
        From :func:`sewerplan.model.planning.scenario_run.run_scenario`.
    confidence : float, optional
        Confidence [-] of the "at confidence" capacity; default the scenario's setting (0.9).
    plant_capacity_m3_per_day : float, optional
        Plant to compare with [m3/d]; default the scenario's ``plant_capacity_m3_per_day``.

    Returns
    -------
    ScenarioSection
        Capacities rounded to 0.1 m3/d, probabilities to 0.001.
    """
    from ..planning.scenario_run import capacity_by_year

    st = result.scenario.settings
    conf = float(confidence if confidence is not None else st.confidence)
    tab = capacity_by_year(result, conf, plant_capacity_m3_per_day)
    ml = bool(result.ml_available)

    def col(row, name, digits=1):
        return _opt(row[name], digits) if name in row.index else None

    rows = []
    for _, r in tab.iterrows():
        rows.append(ScenarioCapacityYear(
            year=int(r["year"]),
            pilot_formula_m3_per_day=_opt(r["pilot_formula_capacity_m3_per_day"]),
            master_plan_m3_per_day=_opt(r["master_plan_capacity_m3_per_day"]),
            unit_load_m3_per_day=_opt(r["unit_load_capacity_m3_per_day"]),
            ml_p10_m3_per_day=col(r, "ml_capacity_p10_m3_per_day"),
            ml_p50_m3_per_day=col(r, "ml_capacity_p50_m3_per_day"),
            ml_p90_m3_per_day=col(r, "ml_capacity_p90_m3_per_day"),
            ml_at_confidence_m3_per_day=col(r, "ml_capacity_at_confidence_m3_per_day"),
            probability_exceeded=col(r, "probability_exceeded", 3),
            probability_exceeded_by_year=col(r, "probability_exceeded_by_year", 3),
            utilisation_p50=col(r, "utilisation_p50", 3),
        ))
    plant = _opt(tab["plant_capacity_m3_per_day"].iloc[0]) if len(tab) else None
    source = result.scenario.source
    section = ScenarioSection(
        name=result.name,
        description=result.scenario.description or "",
        source=Path(source).name if source else "",
        capacity_by_year=rows,
        confidence=conf,
        plant_capacity_m3_per_day=plant,
        review_trigger=float(result.utilisation),
        n_simulations=int(result.town_day_max_samples.shape[1]) if ml else 0,
        ml_available=ml,
        synthetic=bool(st.synthetic),
    )
    section.validate("scenario run")
    return section


# --------------------------------------------------------------------------------------
# The decision, from the bundle's own numbers
# --------------------------------------------------------------------------------------


def decision_for(bundle: "ResultsBundle", *, curve=None, billed_m3_per_day: float | None = None,
                 discount_rate: float | None = None, asset_life_years: float | None = None,
                 budget=None) -> Decision:
    """The sizing decision for every baseline in ``bundle.capacity`` against the ML need.

    With a ``budget`` (:func:`~sewerplan.model.planning.budget.council_budget`) the money is on
    its basis: its cost curve at the price year, and the stranded capital's fee effect as the
    city's fraction of it, at the financing rate, over the billed sewage volume.

    The need is log-normal through the capacity's P50 and upper bound at the interval level it
    attains (``capacity.interval_level``, with ``capacity.n_calibration_districts`` districts);
    the year an expansion is forced comes from the scenario's P50 need by year when the bundle
    has a scenario with ML. See :mod:`sewerplan.model.planning.decision`.
    """
    from ..planning.decision import NeedDistribution, decide_all

    c = bundle.capacity
    need = NeedDistribution(c.p50_m3_per_day, c.lower_m3_per_day, c.upper_m3_per_day, c.interval_level,
                            c.n_calibration_districts)
    years = by_year = None
    sc = bundle.scenario
    if sc is not None and sc.ml_available:
        years = [r.year for r in sc.capacity_by_year]
        by_year = [r.ml_p50_m3_per_day for r in sc.capacity_by_year]
    baselines = {m: getattr(c, f"{m}_m3_per_day") for m in METHODS}
    from ..design.parameters import DEFAULT_PARAMETERS
    from ..planning import finance

    fraction = 1.0
    if budget is not None:
        curve, billed_m3_per_day = budget.curve, budget.billed_m3_per_year / 365.0
        discount_rate, asset_life_years = budget.financing_rate, budget.inputs.value("asset_life_years")
        fraction = budget.funding.city_fraction_of_public
    rows = decide_all(baselines, need, curve=curve, billed_m3_per_day=billed_m3_per_day or None, years=years,
                      need_by_year_m3_per_day=by_year, discount_rate=discount_rate, asset_life_years=asset_life_years,
                      params=DEFAULT_PARAMETERS.replace(plant_utilisation=c.review_trigger), city_fraction=fraction)

    return Decision(
        distribution=need.source, level=need.level, n_calibration_districts=need.n_calibration_districts,
        need_p50_m3_per_day=need.p50_m3_per_day, need_lower_m3_per_day=need.lower_m3_per_day,
        need_upper_m3_per_day=need.upper_m3_per_day, review_trigger=c.review_trigger,
        curve_name=finance._resolve_curve(curve).name,
        rows=[DecisionRow(**{f.name: getattr(r, f.name) for f in dataclasses.fields(DecisionRow)}) for r in rows],
    )


def example_scenario_section(final_p50: float = 11730.0, plant: float | None = 8500.0,
                             years: range = range(2027, 2035)) -> ScenarioSection:
    """A synthetic scenario section consistent with :func:`example_bundle` (tests, previews).

    Build-out shares per year, ML P10/P90 at /1.15 and x1.15 of P50 (log-normal); pilot formula,
    master plan and unit loads at 0.72, 0.90 and 1.37 x the P50 (the ratios of the example
    bundle); the plant is the pilot formula's plan.
    """
    from statistics import NormalDist

    shares = [0.1, 0.25, 0.45, 0.65, 0.8, 0.92, 1.0, 1.0, 1.0, 1.0][: len(years)]
    sigma = math.log(1.15) / NormalDist().inv_cdf(0.9)
    rows, p_by = [], 0.0
    for y, sh in zip(years, shares):
        p50 = final_p50 * sh
        p_ex = None
        if plant is not None:
            p_ex = round(1 - NormalDist().cdf(math.log(plant / p50) / sigma), 3)
            p_by = max(p_by, p_ex)
        rows.append(ScenarioCapacityYear(
            year=y, pilot_formula_m3_per_day=round(0.72 * p50, 1), master_plan_m3_per_day=round(0.90 * p50, 1),
            unit_load_m3_per_day=round(1.37 * p50, 1),
            ml_p10_m3_per_day=round(p50 / 1.15, 1), ml_p50_m3_per_day=round(p50, 1),
            ml_p90_m3_per_day=round(p50 * 1.15, 1), ml_at_confidence_m3_per_day=round(p50 * 1.15, 1),
            probability_exceeded=p_ex, probability_exceeded_by_year=None if plant is None else round(p_by, 3),
            utilisation_p50=None if plant is None else round(p50 / plant, 3),
        ))
    return ScenarioSection(
        name="기본안 (base plan)", description="합성 예시 단계별 준공 / synthetic sample build-out",
        source="sample_town_base.yaml", capacity_by_year=rows, confidence=0.9, plant_capacity_m3_per_day=plant,
        review_trigger=0.8, n_simulations=4000, ml_available=True, synthetic=True,
    )


# --------------------------------------------------------------------------------------
# Example bundle (synthetic) for tests and previews
# --------------------------------------------------------------------------------------


def _flows(day_average: float, day_average_to_day_max: float = 0.75, hourly_max_factor: float = 1.5,
           infiltration: float = 0.10) -> Flows:
    """Flows of a day-average sewage [m3/d]: day-max = day-average / r, infiltration added once."""
    day_max = day_average / day_average_to_day_max
    inf = infiltration * day_max
    return Flows(round(day_average + inf, 1), round(day_max + inf, 1), round(day_max * hourly_max_factor + inf, 1))


def _flows_from_day_max(day_max: float, day_average_to_day_max: float = 0.75, hourly_max_factor: float = 1.5,
                        infiltration: float = 0.10) -> Flows:
    inf = infiltration * day_max
    return Flows(round(day_max * day_average_to_day_max + inf, 1), round(day_max + inf, 1),
                 round(day_max * hourly_max_factor + inf, 1))


_PERSONS_PER_HOUSEHOLD = 2.6
# Planned-town districts of the example: households, master-plan day-max, MOE unit-load day-max
# [m3/d] (both before infiltration), ML day-average [m3/d], relative interval half-width [-].
# The pilot formula is households x 2.6 x 300 L x 1.1. B has officetels (no 세대수 in the register).
_EXAMPLE_PLANNED = [
    (5200, 4654.0, 4300.0, 2180.0, 0.22),
    (4100, 3670.0, 3400.0, 1690.0, 0.24),
    (600, 537.0, 4800.0, 2260.0, 0.35),
    (0, 750.0, 2100.0, 1870.0, 0.45),
]
_EXAMPLE_BUILDINGS = [310, 265, 140, 58]
# Existing-town districts: name, buildings, observed, pilot formula, master plan, unit load, ML
# [m3/d] day-average: the pilot formula short in the mixed districts and over in the low-density one.
_EXAMPLE_EXISTING = [
    ("1동", 820, 2410.0, 1980.0, 2050.0, 3150.0, 2480.0),
    ("2동", 640, 1980.0, 1610.0, 1690.0, 2560.0, 1890.0),
    ("3동 상업지역", 410, 2130.0, 410.0, 520.0, 3540.0, 2010.0),
    ("4동 산업단지", 95, 1940.0, 0.0, 560.0, 2120.0, 2010.0),
    ("5동 단독주택지", 300, 520.0, 690.0, 720.0, 610.0, 540.0),
]
_EXAMPLE_INTERVAL = (0.86, 1.15)  # town-total ML interval as multiples of the P50


def _pilot_day_max(households: float) -> float:
    return households * _PERSONS_PER_HOUSEHOLD * 0.300 * 1.1


def _example_forecast(name, n, hh, mp, ul, ml, lo, hi) -> DistrictForecast:
    return DistrictForecast(
        district=name, n_buildings=n, households=float(hh), population=float(hh * _PERSONS_PER_HOUSEHOLD),
        pilot_formula=_flows_from_day_max(_pilot_day_max(hh), infiltration=0.0),
        master_plan=_flows_from_day_max(mp), unit_load=_flows_from_day_max(ul), ml=_flows(ml),
        ml_lower=_flows(ml * lo), ml_upper=_flows(ml * hi))


def _example_planned(names: list[str]) -> tuple[list, DistrictForecast]:
    """The four planned districts and their total (town interval narrower than the districts')."""
    spec = _EXAMPLE_PLANNED
    planned = [_example_forecast(name, n, hh, mp, ul, ml, 1 - hw, 1 + hw)
               for name, n, (hh, mp, ul, ml, hw) in zip(names, _EXAMPLE_BUILDINGS, spec)]
    total = _example_forecast("합계", sum(_EXAMPLE_BUILDINGS), *(sum(s[i] for s in spec) for i in range(4)),
                              *_EXAMPLE_INTERVAL)
    return planned, total


def _example_capacity(total: DistrictForecast) -> CapacityRecommendation:
    """Capacity [m3/d] = design day-max incl. infiltration once, rounded to 10."""
    return CapacityRecommendation(
        pilot_formula_m3_per_day=round(total.pilot_formula.day_max_m3_per_day, -1),
        master_plan_m3_per_day=round(total.master_plan.day_max_m3_per_day, -1),
        unit_load_m3_per_day=round(total.unit_load.day_max_m3_per_day, -1),
        p50_m3_per_day=round(total.ml.day_max_m3_per_day, -1),
        lower_m3_per_day=round(total.ml_lower.day_max_m3_per_day, -1),
        upper_m3_per_day=round(total.ml_upper.day_max_m3_per_day, -1),
        interval_level=round(7 / 9, 4), n_calibration_districts=8,
        plant_m3_per_day=8500.0, plant_origin="예시 입력: 기존 방식(인구 기준)으로 계획한 처리장 / example input: "
                                              "the plant planned by the pilot formula",
    )


def _example_baselines(total: DistrictForecast, cap: CapacityRecommendation) -> list[Baseline]:
    """The breakdown of each method's town total [m3/d] (synthetic example)."""
    hh = total.households
    mp_domestic = sum(s[1] for s in _EXAMPLE_PLANNED[:3])
    t = BaselineTerm
    return [
        Baseline("pilot_formula", "기존 방식 (인구 기준)", "pilot formula", cap.pilot_formula_m3_per_day, [
            t("households", "세대수", "households", hh, "households"),
            t("persons_per_household", "세대당 인구", "persons per household", _PERSONS_PER_HOUSEHOLD, "persons/household"),
            t("per_capita", "1인1일 원단위", "per-capita unit", 300.0, "L/(person d)"),
            t("factor", "계수 (침입수 포함)", "factor (its only infiltration allowance)", 1.1, "-")]),
        Baseline("master_plan", "하수도정비기본계획 방식", "master-plan method", cap.master_plan_m3_per_day, [
            t("domestic", "생활오수", "domestic sewage", mp_domestic, "m3/d"),
            t("factory", "공장폐수", "factory wastewater", _EXAMPLE_PLANNED[3][1], "m3/d"),
            t("infiltration", "지하수 (1회)", "groundwater infiltration (once)",
              round(cap.master_plan_m3_per_day - mp_domestic - _EXAMPLE_PLANNED[3][1], 1), "m3/d")]),
        Baseline("unit_load", "환경부 고시 원단위", "MOE notice unit loads", cap.unit_load_m3_per_day, [
            t("unit_loads", "건축물 용도별 오수발생량", "sewage by building use", sum(s[2] for s in _EXAMPLE_PLANNED), "m3/d")]),
        Baseline("ml", "실측 기반 예측 (ML)", "ML from water bills", cap.p50_m3_per_day, [
            t("day_average", "일평균 (요금 자료)", "day average (bills)", sum(s[3] for s in _EXAMPLE_PLANNED), "m3/d"),
            t("day_average_to_day_max", "일평균/일최대 비", "day-average / day-max", 0.75, "-")]),
    ]


def _example_existing() -> tuple[list, DistrictComparison]:
    """The existing-town districts of the comparison and their total."""
    rows = _EXAMPLE_EXISTING
    existing = [DistrictComparison(*r) for r in rows]
    total = DistrictComparison("합계", sum(r[1] for r in rows), *(round(sum(r[i] for r in rows), 1) for i in range(2, 7)))
    return existing, total


def _example_model_card() -> ModelCard:
    return ModelCard(
        model_id="sewerplan-ml-synthetic-0001",
        trained_on="Synthetic existing town (1,965 buildings, 2021-2023 water bills x 0.85), bundled sample",
        trained_on_ko="합성 기존 도시 (2021-2023 상수도 요금 자료 × 0.85), 번들 표본",
        n_training_buildings=1965,
        metrics={"mae_m3_per_day": 1.9, "r2": 0.81, "interval_coverage": 0.88, "town_total_error_pct": 4.2},
        limits=[
            "Trained on one existing town; a planned town with a very different building mix is outside its experience.",
            "Predicts day-average flow; peaks use the design-standard ratios.",
            "Synthetic sample data: the numbers illustrate the method, they are not a forecast for a real town.",
        ],
        limits_ko=[
            "한 기존 도시 자료로 학습하였으므로 건축물 구성이 크게 다른 신도시에는 맞지 않을 수 있습니다.",
            "일평균 유량을 예측하며, 최대값은 설계기준 비율로 환산합니다.",
            "합성 표본 자료로, 실제 도시의 예측이 아닌 방법 설명용 수치입니다.",
        ],
        interval_level=0.9,
    )


def _example_metadata(created: str) -> Metadata:
    params = [
        ParameterUsed("persons_per_household", 2.6, "persons/household",
                      "Pilot formula planning constant (Statistics Korea 2023 pilot worked example)", "세대당 인구",
                      "시범사업(통계청 2023) 계산 예시의 계획 상수"),
        ParameterUsed("per_capita_l_per_day", 300.0, "L/(person d)",
                      "Worked example; national water supply per person ~302-306 L (MOE)", "1인1일 오수량 원단위",
                      "시범사업 계산 예시; 전국 1인당 급수량 약 302–306 L (환경부)"),
        ParameterUsed("day_average_to_day_max", 0.75, "-", "Korean design standard 0.7-0.8 (midpoint)", "일평균/일최대 비",
                      "하수도 시설기준 0.7–0.8의 가운데 값"),
        ParameterUsed("hourly_max_factor", 1.5, "-", "Korean design standard 1.3-1.8", "시간최대 계수",
                      "하수도 시설기준 1.3–1.8"),
        ParameterUsed("plant_utilisation", 0.8, "-", "Utilisation at which expansion is reviewed (80%), not a divisor",
                      "처리장 가동률 증설 검토 기준", "증설을 검토하는 가동률 (80%), 나누는 값이 아님"),
    ]
    return Metadata(
        town_name="가상 신도시", town_name_en="Sample New Town",
        existing_town_name="가상 기존시가지", existing_town_name_en="Sample Existing Town",
        municipality="가상시", created=created, synthetic=True,
        data_source="합성 표본 자료 (프로그램에 들어 있는 예시)",
        data_source_en="synthetic sample data bundled with sewerplan",
        model_card=_example_model_card(), parameters=params, sewerplan_version="0.1.0",
    )


def example_briefing_section() -> BriefingSection:
    """The city's texts of the synthetic example (site, process, receiving water, schedule, opinions)."""
    return BriefingSection(
        site="가상 신도시 남쪽 하천변 공공시설 용지 (합성 예시)", process="생물학적 고도처리 (질소·인 제거)",
        receiving_water="가상천", site_plan="처리시설을 지하에 짓고 지상에는 공원을 만듭니다.",
        site_plan_from_savings=True,
        schedule=[ScheduleStep("master_plan_change", 2025, 2025), ScheduleStep("investment_review", 2026, 2026),
                  ScheduleStep("design", 2026, 2027), ScheduleStep("construction", 2028, 2030),
                  ScheduleStep("operation", 2031, 2031)],
        opinion_deadline="2025-02-14", opinion_to="가상시청 하수도과 (우편·방문·전자우편)",
    )


def _example_households_by_size(households: float) -> dict:
    """Households by size 1..5+ at census-trend shares for 2031 (synthetic example)."""
    shares = {"1": 0.395, "2": 0.296, "3": 0.172, "4": 0.111, "5+": 0.026}
    return {k: float(round(households * v)) for k, v in shares.items()}


def _example_attachments(names: list[str]) -> list[Attachment]:
    """An excerpt of a synthetic planned-town building table, attached to the PDF."""
    sample_csv = "building_id,district,main_use,floor_area_m2,households\n" + "\n".join(
        f"P{i:04d},{names[i % 4]},아파트,{8000 + 13 * i},{60 + i % 40}" for i in range(20)
    ) + "\n"
    return [Attachment(
        name="planned_buildings_sample.csv",
        description="Synthetic planned-town building table (excerpt) / 합성 신도시 건축물 표 (일부)",
        content_base64=base64.b64encode(sample_csv.encode("utf-8")).decode("ascii"),
    )]


def _example_money_inputs():
    from ..planning.money_inputs import MoneyInputs

    # Example inputs, not a statutory rate: national 50% as observed for a 시 outside the Paldang area,
    # provincial 10% near 파주 적성's 9% (kr_sewerage_subsidy_shares.csv); every other money input keeps its
    # default or prints as "입력 필요"
    return MoneyInputs(national_share=0.5, provincial_share=0.1)


EXAMPLE_MONEY_INPUTS = _example_money_inputs()


def example_bundle(*, district_names: list[str] | None = None, created: str = "2025-01-15",
                   scenario: bool | ScenarioSection = False, briefing: bool = False) -> ResultsBundle:
    """A small, realistic results bundle built from synthetic numbers (for tests and previews).

    Labelled ``synthetic=True``. As in the 2023 pilot, the pilot formula comes out below the
    need (the commercial and industrial districts add nothing to it), the master-plan method
    inside the ML interval and the MOE unit loads above it, so all three directions occur.

    Parameters
    ----------
    district_names : list of str, optional
        Names for the four planned-town districts (tests pass hostile names here).
    created : str
        ISO date printed on the report.
    scenario : bool or ScenarioSection
        True adds :func:`example_scenario_section` (a synthetic build-out); a section is used as given.
    briefing : bool
        True adds :func:`example_briefing_section` (the city's texts: site, schedule, opinions).
    """
    names = district_names or ["A-1 주거지구", "A-2 주거지구", "B 상업지구 (오피스텔)", "C 산업지구"]
    if len(names) != 4:
        raise ValueError("district_names must have 4 names")
    planned, planned_total = _example_planned(names)
    capacity = _example_capacity(planned_total)
    existing, existing_total = _example_existing()
    bundle = ResultsBundle(
        metadata=_example_metadata(created),
        existing=existing,
        existing_total=existing_total,
        planned=planned,
        planned_total=planned_total,
        capacity=capacity,
        baselines=_example_baselines(planned_total, capacity),
        households_by_size=_example_households_by_size(planned_total.households),
        households_by_size_year=2031,
        billed_volume_m3_per_day=0.0,
        attachments=_example_attachments(names),
        scenario=(scenario if isinstance(scenario, ScenarioSection)
                  else example_scenario_section(capacity.p50_m3_per_day,
                                                plant=capacity.plant_m3_per_day) if scenario else None),
        briefing=example_briefing_section() if briefing else None,
    )
    bundle.decision = decision_for(bundle)
    from .finance_section import finance_section

    bundle.finance = finance_section(bundle, EXAMPLE_MONEY_INPUTS,
                                     fee_base_m3_per_year=round(existing_total.observed_m3_per_day * 365.0, 1),
                                     fee_base_origin="existing_billed_water")
    return bundle
