"""The parts of the results bundle: metadata, flows, districts, capacity, baselines, attachments.

Plain dataclasses (the schema of ``results.json``, ``docs/reports.md``); :mod:`.bundle` puts them
together in :class:`~.bundle.ResultsBundle`. Flows [m3/d] (day-average, day-max and hour-max all
as daily rates), money [KRW].
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ResultsBundleError

__all__ = ["METHODS", "MAX_ATTACHMENT_BYTES", "ParameterUsed", "ModelCard", "Metadata", "Flows", "DistrictComparison",
           "DistrictForecast", "CapacityRecommendation", "BaselineTerm", "Baseline", "Attachment"]

METHODS = ("pilot_formula", "master_plan", "unit_load")  # the baselines, in print order
MAX_ATTACHMENT_BYTES = 50_000_000  # [bytes] of one attachment


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

    The newest buildings of the existing town were forecast by models of the older ones; the
    errors on them, the level factor new buildings get and how much the town's interval widened.
    Ratios are forecast / observed [-]; None where the check did not run or had no value.
    """

    checked: bool  # False: too few newest buildings; factor 1, intervals widened by the fallback sd
    n_buildings: int  # buildings checked (completed after the earliest origin that ran)
    min_buildings: int  # the rule's minimum per check
    first_year: int = 0  # first approval year checked (0 = no check ran)
    last_year: int = 0  # newest approval year of the training data (0 = the data have no years)
    n_districts: int = 0  # districts with >= 5 checked buildings
    total_ratio: float | None = None  # ML forecast / observed over the checks, before the level factor
    wape: float | None = None  # building WAPE over the checks [-]
    district_median_ape: float | None = None
    per_type_total_ratio: float | None = None  # the per-type median intensity baseline on the same buildings
    per_type_wape: float | None = None
    coverage_before: float | None = None  # share inside the cross-validated building intervals
    coverage_after: float | None = None  # inside the new-building intervals (calibrated on the checks)
    level_factor: float = 1.0  # applied to new buildings [-]
    level_raw: float | None = None  # observed / forecast over the checks, before shrinkage [-]
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
    city_plan_method: str = "master_plan"  # the baseline the city plans with (the papers lead with it)


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

