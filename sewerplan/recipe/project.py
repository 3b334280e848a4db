"""The project file (``sewerplan run PROJECT.yaml``): one city's inputs, names and choices.

A project file is YAML with the sections of :data:`SCHEMA` (``sewerplan init`` writes a commented
starter, :data:`STARTER`). Reading it (:func:`load_project`) checks everything before a run
writes anything:

* every key is known, every value has its type and range; an error names the key and the value
  (``PROJECT.yaml: report.formats: 'docx' is not one of pdf, hwpx, html``);
* paths are relative to the project file and must stay inside the folders it names
  (``data_folders``, default the project file's own folder) after symbolic links are resolved;
  a missing input file is named with the key that points at it;
* district names, when listed, must match the districts in the data; a mapping renames them;
* the optional ``briefing:`` section holds the city's own texts for the briefings (site, process,
  receiving water, site plan, schedule, where and by when residents send opinions); a key left
  empty is left out of the briefings, never printed as a placeholder.

Every name the outputs print comes from here (``names``, the district names of the data or of
the mapping); nothing is specific to the bundled sample.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from sewerplan.model.design.parameters import DesignParameters
from sewerplan.model.errors import InputFileError, ParameterError, ResultsBundleError
from sewerplan.model.outputs.briefing_section import MAX_TEXT, SCHEDULE_STEPS, YEAR_RANGE, BriefingSection, ScheduleStep
from sewerplan.model.planning.money.inputs import MONEY_INPUTS, MoneyInputs

__all__ = ["Project", "ProjectFileError", "load_project", "write_starter", "STARTER", "SAMPLE_PROJECT",
           "FORMATS", "LANGUAGES", "FINANCE_KEYS"]

MAX_PROJECT_BYTES = 256_000
FORMATS = ("pdf", "hwpx", "html")
LANGUAGES = ("ko", "en")
PLANT_STATUS = ("planned", "existing")
CITY_PLAN_METHODS = ("master_plan", "pilot_formula", "unit_load")  # the baseline the city plans with
#: finance keys of the project file: every money input (MoneyInputs, units and sources in
#: docs/sources.md) and the return ratio (sewage / billed water, a design parameter)
FINANCE_KEYS = (*MONEY_INPUTS, "return_ratio")
LEARNERS = ("auto", "hgb_log", "ridge_log", "hgb_poisson", "blend")

# section -> key -> (kind, required); kinds: text, bool, int, number, path, districts, list
SCHEMA: dict[str, dict[str, tuple[str, bool]]] = {
    "names": {"municipality": ("text", True), "town": ("text", True), "town_en": ("text", False),
              "existing_town": ("text", True), "existing_town_en": ("text", False)},
    "existing_town": {"register": ("path", True), "billing": ("path", True), "household_mix": ("path", False),
                      "district_column": ("text", False), "districts": ("districts", False)},
    "planned_town": {"buildings": ("path", False), "scenario": ("path", False), "districts": ("districts", False)},
    "plant": {"capacity_m3_per_day": ("number", False), "status": ("text", False), "name": ("text", False),
              "city_plan": ("text", False)},
    "finance": {k: ("any", False) for k in FINANCE_KEYS},
    "model": {"train": ("bool", False), "file": ("path", False), "learner": ("text", False), "seed": ("int", False),
              "newest_years": ("list", False), "newest_min_buildings": ("int", False)},
    "report": {"language": ("text", False), "formats": ("list", False)},
    "privacy": {"key_file": ("keypath", False), "min_public_cell_buildings": ("int", False)},
    "briefing": {"site": ("text", False), "process": ("text", False), "receiving_water": ("text", False),
                 "site_plan": ("text", False), "site_plan_from_savings": ("bool", False), "schedule": ("any", False),
                 "opinion_deadline": ("any", False), "opinion_to": ("text", False), "reuse_options": ("list", False),
                 "interim": ("text", False), "interim_capacity_m3_per_day": ("number", False)},
}
TOP_LEVEL = {"sewerplan_project": "int", "synthetic": "bool", "data_folders": "list", **{s: "section" for s in SCHEMA}}


class ProjectFileError(InputFileError):
    """A project file that cannot be used: the message names the file, the key and the value."""

    def __init__(self, source, key: str, message: str):
        self.key = key
        super().__init__(f"{Path(source).name}: {key}: {message}")


@dataclass
class Project:
    """A checked project file: names, input paths (absolute), choices. Units: m3/d, KRW."""

    source: Path
    municipality: str
    town: str
    existing_town: str
    register: Path
    billing: Path
    town_en: str = ""
    existing_town_en: str = ""
    synthetic: bool = False
    household_mix: Path | None = None
    district_column: str | None = None
    existing_districts: list | dict | None = None
    planned_buildings: Path | None = None
    scenario: Path | None = None
    planned_districts: list | dict | None = None
    plant_capacity_m3_per_day: float | None = None
    plant_status: str = "planned"
    plant_name: str = ""
    city_plan_method: str = "master_plan"  # the baseline the papers lead with (plant.city_plan)
    finance: MoneyInputs = field(default_factory=MoneyInputs)  # the money inputs the project sets
    return_ratio: float | None = None  # [-] sewage / billed water; None = the design default
    train: bool = True
    model_file: Path | None = None
    learner: str = "auto"
    seed: int = 0
    newest_cohort: object = None  # the newest-cohort check's rule (ml.newest.CohortRule); None = its default
    language: str = "ko"
    formats: tuple = ("pdf", "hwpx")
    key_file: Path | None = None
    min_public_cell_buildings: int = 10
    data_folders: tuple = ()
    briefing: BriefingSection | None = None  # the city's texts for the briefings (None: none given)

    def inputs(self) -> list[Path]:
        """Every input file the run reads (never written over)."""
        return [p for p in (self.source, self.register, self.billing, self.household_mix, self.planned_buildings,
                            self.scenario, self.model_file, self.key_file) if p is not None]

    def replace(self, **changes) -> "Project":
        return dataclasses.replace(self, **changes)


# ---------------------------------------------------------------------------------------
# reading and checking
# ---------------------------------------------------------------------------------------

def _read(path: Path) -> dict:
    if not path.is_file():
        raise InputFileError(f"project file not found: {path} / 프로젝트 파일이 없습니다: {path}")
    if path.stat().st_size > MAX_PROJECT_BYTES:
        raise ProjectFileError(path, "<file>", f"larger than {MAX_PROJECT_BYTES:,} bytes / 파일이 너무 큽니다")
    data = _parse_yaml(_project_text(path), path)
    if not isinstance(data, dict):
        raise ProjectFileError(path, "<top>", "expected keys such as names:, existing_town:, planned_town: / "
                                              "프로젝트 파일 형식이 아닙니다")
    return data


def _project_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else CP949, the encoding Notepad on Korean Windows
    saves in (issue 23 finding 15); a file that is neither says to save it as UTF-8."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ProjectFileError(path, "<file>", "the text is neither UTF-8 nor CP949; save the file as UTF-8 (Notepad: "
                                           "File > Save As > Encoding UTF-8) / 인코딩을 읽을 수 없습니다. UTF-8로 "
                                           "저장하세요 (메모장: 다른 이름으로 저장 > 인코딩 UTF-8)")


def _parse_yaml(text: str, path: Path):
    """YAML with the scenario reader's bounds (aliases, expanded size); a number too long for Python is
    named by its line and key instead of a raw ValueError."""
    import re

    import yaml

    from sewerplan.model.planning.scenario import MAX_YAML_NODES, _bounded_yaml_loader, _expanded_size

    try:
        data = yaml.load(text, Loader=_bounded_yaml_loader())  # noqa: S506 - SafeLoader subclass
    except (yaml.YAMLError, RecursionError) as exc:
        raise ProjectFileError(path, "<file>", f"not valid YAML ({str(exc).splitlines()[0][:200]}) / "
                                               "YAML 형식 오류입니다") from None
    except ValueError:  # int('1' * 5000): Python refuses integers of more than 4,300 digits
        lines = text.splitlines()
        at = next((i for i, line in enumerate(lines) if re.search(r"\d{1000}", line)), 0)
        key = lines[at].split(":", 1)[0].strip() if lines else "<file>"
        raise ProjectFileError(path, key or "<file>", f"line {at + 1}: a number with thousands of digits; give a "
                                                      "whole number of at most 15 digits / 숫자가 너무 깁니다") from None
    if _expanded_size(data) > MAX_YAML_NODES:
        raise ProjectFileError(path, "<file>", f"more than {MAX_YAML_NODES:,} values once YAML aliases are expanded / "
                                               "YAML 별칭을 펼치면 값이 너무 많습니다")
    return data


#: whole-number keys with bounds of their own (every other number: at most MAX_NUMBER in size)
INT_BOUNDS = {"sewerplan_project": (1, 1), "model.seed": (0, 2**32 - 1),
              "privacy.min_public_cell_buildings": (1, 10_000)}
MAX_NUMBER = 1e15  # any number in a project file (KRW amounts stay far below; Korea's budget ~ 6.6e14 KRW)
_LONG_TEXT = ("briefing.",)  # keys whose text may hold line breaks and tabs


def check_project_values(data, source: Path, key: str = "") -> None:
    """Every value of the file as loaded, before any is used (issue 23 findings 6 and 9).

    Text holds no control character (a town named ``새빛\\x01`` stopped the run at step 6 in the
    workbook writer; briefing texts may hold line breaks); every number is finite and at most
    :data:`MAX_NUMBER` in size; the whole numbers of :data:`INT_BOUNDS` stay in their ranges (a
    20-digit ``model.seed`` failed at step 2). Errors name the key and the value as written.
    """
    from sewerplan.model.fileio import control_characters, shown

    if isinstance(data, dict):
        for k, v in data.items():
            check_project_values(k, source, key or "<key>")
            check_project_values(v, source, f"{key}.{k}" if key else str(k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            check_project_values(v, source, f"{key}[{i}]")
    elif isinstance(data, str):
        bad = control_characters(data, layout=key.startswith(_LONG_TEXT))
        if bad:
            raise ProjectFileError(source, key, f"'{shown(data)[:80]}' holds the control character {', '.join(bad)}; "
                                                "remove it / 제어 문자가 들어 있습니다")
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        _check_number(data, source, key)


def _check_number(value, source: Path, key: str) -> None:
    import math

    text = f"{value:.6g}" if isinstance(value, float) else str(value) if abs(value) < 10**18 else (
        f"a {len(str(value))}-digit number")
    if isinstance(value, float) and not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise ProjectFileError(source, key, f"{text} is not a finite number of at most {MAX_NUMBER:.0e} / "
                                            "값이 너무 크거나 유한한 수가 아닙니다")
    low, high = INT_BOUNDS.get(key, (None, None))
    if low is not None and isinstance(value, int) and not low <= value <= high:
        raise ProjectFileError(source, key, f"{text} is not a whole number in [{low}, {high}] / 범위를 벗어난 값입니다")


def _check_keys(data: dict, allowed, source: Path, where: str) -> None:
    for key in data:
        if key not in allowed:
            name = f"{where}.{key}" if where else str(key)
            raise ProjectFileError(source, name, f"unknown key {key!r}; valid: {', '.join(allowed)} / "
                                                 f"알 수 없는 항목입니다")


def _typed(kind: str, value, source: Path, key: str):
    """The value checked against its kind ('text', 'bool', 'int', 'number', 'list'); None stays None."""
    if value is None or kind in ("any", "path", "keypath", "districts"):
        return value
    ok = {"text": isinstance(value, (str, int, float)) and not isinstance(value, bool),
          "bool": isinstance(value, bool),
          "int": isinstance(value, int) and not isinstance(value, bool),
          "number": isinstance(value, (int, float)) and not isinstance(value, bool),
          "list": isinstance(value, (list, str))}[kind]
    if not ok:
        expected = {"text": "text", "bool": "true or false", "int": "a whole number", "number": "a number",
                    "list": "a list"}[kind]
        raise ProjectFileError(source, key, f"expected {expected}, got {value!r} / 값의 형식이 맞지 않습니다")
    if kind == "text":
        return str(value).strip()
    if kind == "list":
        return [value] if isinstance(value, str) else list(value)
    return value


def _sections(data: dict, source: Path) -> dict:
    """{section: {key: typed value}} with required keys present."""
    _check_keys(data, TOP_LEVEL, source, "")
    out = {}
    for section, spec in SCHEMA.items():
        raw = data.get(section) or {}
        if not isinstance(raw, dict):
            raise ProjectFileError(source, section, f"expected keys under {section}:, got {raw!r} / 하위 항목이 필요합니다")
        _check_keys(raw, spec, source, section)
        out[section] = {}
        for key, (kind, required) in spec.items():
            value = _typed(kind, raw.get(key), source, f"{section}.{key}")
            if required and (value is None or value == ""):
                raise ProjectFileError(source, f"{section}.{key}", "missing; this key is required / 필수 항목이 없습니다")
            out[section][key] = value
    return out


def _data_folders(data: dict, source: Path) -> tuple[Path, ...]:
    folders = _typed("list", data.get("data_folders"), source, "data_folders") or ["."]
    out = []
    for i, f in enumerate(folders):
        p = (source.parent / str(f)).resolve()
        if not p.is_dir():
            raise ProjectFileError(source, f"data_folders[{i}]", f"{f!r} is not a folder / 폴더가 없습니다")
        out.append(p)
    return tuple(out)


def _input_path(value, key: str, source: Path, folders, inside: bool = True) -> Path | None:
    """An input path relative to the project file; must exist and (``inside``) stay inside ``folders``."""
    if value is None or str(value).strip() == "":
        return None
    if not isinstance(value, str):
        raise ProjectFileError(source, key, f"expected a file path, got {value!r} / 파일 경로가 필요합니다")
    path = (source.parent / value).resolve()
    if inside and not any(path.is_relative_to(f) for f in folders):
        raise ProjectFileError(source, key, f"{value!r} is outside the data folders "
                                            f"({', '.join(str(f) for f in folders)}) / 자료 폴더 밖의 파일입니다")
    if not path.is_file():
        raise ProjectFileError(source, key, f"file not found: {value!r} ({path}) / 파일이 없습니다")
    return path


def _districts(value, key: str, source: Path):
    """A list of district names (checked against the data) or a mapping data name -> printed name."""
    if value is None:
        return None
    if isinstance(value, dict):
        bad = [k for k, v in value.items() if not isinstance(v, (str, int)) or str(v).strip() == ""]
        if bad:
            raise ProjectFileError(source, f"{key}.{bad[0]}", f"expected a district name, got {value[bad[0]]!r}")
        return {str(k): str(v).strip() for k, v in value.items()}
    if isinstance(value, list) and value and all(isinstance(v, (str, int)) for v in value):
        return [str(v).strip() for v in value]
    raise ProjectFileError(source, key, f"expected a list of names or a mapping 'name in data: printed name', "
                                        f"got {value!r} / 구역 이름 목록 또는 대응표가 필요합니다")


def _choice(value, allowed, key: str, source: Path, default):
    if value is None or value == "":
        return default
    if value not in allowed:
        raise ProjectFileError(source, key, f"{value!r} is not one of {', '.join(allowed)} / 허용되지 않는 값입니다")
    return value


def _finance(raw: dict, source: Path) -> dict:
    """The finance block -> ``finance`` (MoneyInputs, each value checked against its range) and ``return_ratio``."""
    given = {k: v for k, v in raw.items() if v is not None}
    ratio = given.pop("return_ratio", None)
    if ratio is not None:
        low, high = DesignParameters.__dataclass_fields__["return_ratio"].metadata["range"]
        if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or not low <= ratio <= high:
            raise ProjectFileError(source, "finance.return_ratio", f"{ratio!r} is not a number in [{low:g}, {high:g}] / "
                                                                  f"범위를 벗어난 값입니다")
    try:
        inputs = MoneyInputs.from_mapping(given)
    except ParameterError as exc:
        raise ProjectFileError(source, f"finance.{exc.name.removeprefix('finance.')}",
                               f"{exc.value!r}: expected {exc.allowed} / 값이 맞지 않습니다") from None
    return {"finance": inputs, "return_ratio": None if ratio is None else float(ratio)}


def _formats(value, source: Path) -> tuple:
    formats = value or ["pdf", "hwpx"]
    for i, f in enumerate(formats):
        _choice(f, FORMATS, f"report.formats[{i}]", source, None)
    return tuple(dict.fromkeys(formats))


def _model_choice(m: dict, source: Path, folders) -> dict:
    model_file = _input_path(m["file"], "model.file", source, folders)
    train = m["train"] if m["train"] is not None else model_file is None
    if train and model_file is not None:
        raise ProjectFileError(source, "model.train", "true together with model.file; give one: train a model "
                                                      "(train: true) or use a model file / 둘 중 하나만 지정하세요")
    if not train and model_file is None:
        raise ProjectFileError(source, "model.file", "missing; with model.train: false a model file is needed / "
                                                     "모델 파일이 필요합니다")
    seed = m["seed"] if m["seed"] is not None else 0
    return {"train": train, "model_file": model_file, "seed": seed,
            "learner": _choice(m["learner"], LEARNERS, "model.learner", source, "auto"),
            "newest_cohort": _newest_rule(m, source)}


def _newest_rule(m: dict, source: Path):
    """The newest-cohort rule from model.newest_share / newest_years / newest_min_buildings (docs/ml.md)."""
    from sewerplan.model.errors import ParameterError
    from sewerplan.model.ml.newest import DEFAULT_RULE, CohortRule

    given = {k: m[key] for k, key in (("years", "newest_years"), ("min_buildings", "newest_min_buildings"))
             if m[key] is not None}
    if "years" in given and not all(isinstance(k, int) and not isinstance(k, bool) for k in given["years"]):
        raise ProjectFileError(source, "model.newest_years", f"{given['years']!r}: expected whole numbers of years, "
                                                             "e.g. [15, 10, 5] / 연수는 [15, 10, 5]처럼 씁니다")
    try:
        return CohortRule(**given) if given else DEFAULT_RULE
    except ParameterError as exc:
        key = "newest_min_buildings" if exc.name.endswith("min_buildings") else "newest_years"
        raise ProjectFileError(source, f"model.{key}", f"{exc.value!r}: expected {exc.allowed} / 값이 맞지 않습니다") from None


def _planned(p: dict, source: Path, folders) -> dict:
    buildings = _input_path(p["buildings"], "planned_town.buildings", source, folders)
    scenario = _input_path(p["scenario"], "planned_town.scenario", source, folders)
    if buildings is None and scenario is None:
        raise ProjectFileError(source, "planned_town.buildings", "missing; give the planned buildings table or "
                                                                 "planned_town.scenario (a block plan) / 계획 건축물 표 "
                                                                 "또는 단계별 개발 계획 파일이 필요합니다")
    return {"planned_buildings": buildings, "scenario": scenario,
            "planned_districts": _districts(p["districts"], "planned_town.districts", source)}


def _privacy(pv: dict, source: Path) -> dict:
    key_file = _input_path(pv["key_file"], "privacy.key_file", source, (), inside=False)
    minimum = pv["min_public_cell_buildings"] if pv["min_public_cell_buildings"] is not None else 10
    if not 1 <= minimum <= 10_000:
        raise ProjectFileError(source, "privacy.min_public_cell_buildings", f"{minimum!r} is not in [1, 10000]")
    return {"key_file": key_file, "min_public_cell_buildings": minimum}


def _years(value, key: str, source: Path) -> tuple[int, int]:
    """A schedule entry: a year (2027), [start, end] or 'start-end' -> (start, end) calendar years."""
    items = value.replace("–", "-").split("-") if isinstance(value, str) else value
    items = items if isinstance(items, list) else [items]

    def whole(v) -> bool:
        return (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, str) and v.strip().isdigit())
    years = [int(str(v).strip()) for v in items] if 1 <= len(items) <= 2 and all(map(whole, items)) else []
    if not years or not YEAR_RANGE[0] <= years[0] <= years[-1] <= YEAR_RANGE[1]:
        raise ProjectFileError(source, key, f"{value!r}: expected a year or 'start-end' years ({YEAR_RANGE[0]}-"
                                            f"{YEAR_RANGE[1]}, start <= end) / 연도 또는 '시작-끝' 연도가 필요합니다")
    return years[0], years[-1]


def _schedule(value, source: Path) -> list[ScheduleStep]:
    """``briefing.schedule``: step -> year(s), steps in :data:`SCHEDULE_STEPS`."""
    if value is None:
        return []
    if not isinstance(value, dict):
        raise ProjectFileError(source, "briefing.schedule", f"expected 'step: year' lines, got {value!r} / "
                                                            "'단계: 연도' 형식이 필요합니다")
    _check_keys(value, SCHEDULE_STEPS, source, "briefing.schedule")
    return [ScheduleStep(k, *_years(v, f"briefing.schedule.{k}", source)) for k, v in value.items() if v is not None]


def _deadline(value, source: Path) -> str:
    """``briefing.opinion_deadline`` as an ISO date (YAML reads an unquoted date as a date)."""
    import datetime as _dt

    if value is None or value == "":
        return ""
    try:
        return (value if isinstance(value, _dt.date) else _dt.date.fromisoformat(str(value).strip())).isoformat()
    except ValueError:
        raise ProjectFileError(source, "briefing.opinion_deadline", f"{value!r} is not a date YYYY-MM-DD / "
                                                                    "날짜(YYYY-MM-DD)가 필요합니다") from None


def _interim_capacity(value, source: Path) -> float | None:
    """``briefing.interim_capacity_m3_per_day``: what takes the sewage before the plant opens [m3/d]."""
    if value is None:
        return None
    if not 0 <= value <= 1e9:
        raise ProjectFileError(source, "briefing.interim_capacity_m3_per_day", f"{value!r} is not in [0, 1e9] m3/d")
    return float(value)


def _briefing(b: dict, source: Path) -> BriefingSection | None:
    """The ``briefing:`` section -> :class:`BriefingSection` (None when every key is empty)."""
    texts = {k: b[k] or "" for k in ("site", "process", "receiving_water", "site_plan", "opinion_to", "interim")}
    options = [str(o).strip() for o in (b["reuse_options"] or []) if str(o).strip()]
    for key, value in [*texts.items(), *((f"reuse_options[{i}]", o) for i, o in enumerate(options))]:
        if len(value) > MAX_TEXT:
            raise ProjectFileError(source, f"briefing.{key}", f"{len(value)} characters, at most {MAX_TEXT} / "
                                                              "글이 너무 깁니다")
    section = BriefingSection(**texts, site_plan_from_savings=bool(b["site_plan_from_savings"]),
                              schedule=_schedule(b["schedule"], source),
                              opinion_deadline=_deadline(b["opinion_deadline"], source), reuse_options=options,
                              interim_capacity_m3_per_day=_interim_capacity(b["interim_capacity_m3_per_day"], source))
    try:
        section.validate(str(source))
    except ResultsBundleError as exc:
        raise ProjectFileError(source, "briefing.schedule", str(exc).split(": ", 1)[-1]) from None
    return None if section == BriefingSection() else section


def load_project(path) -> Project:
    """Read and check a project file; raise :class:`ProjectFileError` naming the key and the value."""
    source = Path(path).resolve()
    data = _read(source)
    check_project_values(data, source)
    version = data.get("sewerplan_project", 1)
    if version != 1:
        raise ProjectFileError(source, "sewerplan_project", f"{version!r}: this sewerplan reads format 1")
    s = _sections(data, source)
    folders = _data_folders(data, source)
    names, ex, plant, report = s["names"], s["existing_town"], s["plant"], s["report"]
    if plant["capacity_m3_per_day"] is not None and not 0 < plant["capacity_m3_per_day"] <= 1e9:
        raise ProjectFileError(source, "plant.capacity_m3_per_day", f"{plant['capacity_m3_per_day']!r} is not in "
                                                                    "(0, 1e9] m3/d")
    return Project(
        source=source, municipality=names["municipality"], town=names["town"], existing_town=names["existing_town"],
        town_en=names["town_en"] or "", existing_town_en=names["existing_town_en"] or "",
        synthetic=bool(_typed("bool", data.get("synthetic"), source, "synthetic") or False),
        register=_input_path(ex["register"], "existing_town.register", source, folders),
        billing=_input_path(ex["billing"], "existing_town.billing", source, folders),
        household_mix=_input_path(ex["household_mix"], "existing_town.household_mix", source, folders),
        district_column=ex["district_column"] or None,
        existing_districts=_districts(ex["districts"], "existing_town.districts", source),
        **_planned(s["planned_town"], source, folders),
        plant_capacity_m3_per_day=plant["capacity_m3_per_day"],
        plant_status=_choice(plant["status"], PLANT_STATUS, "plant.status", source, "planned"),
        plant_name=plant["name"] or "", **_finance(s["finance"], source),
        city_plan_method=_choice(plant["city_plan"], CITY_PLAN_METHODS, "plant.city_plan", source, "master_plan"),
        **_model_choice(s["model"], source, folders),
        language=_choice(report["language"], LANGUAGES, "report.language", source, "ko"),
        formats=_formats(report["formats"], source), **_privacy(s["privacy"], source), data_folders=folders,
        briefing=_briefing(s["briefing"], source),
    )


def apply_districts(table, spec, key: str, source: Path, what: str):
    """District names of ``table`` checked against the project's list, or renamed by its mapping."""
    if spec is None:
        return table
    found = sorted(set(table["district"].astype(str)))
    known = set(spec) if isinstance(spec, dict) else set(spec)
    missing = [d for d in found if d not in known]
    if missing:
        raise ProjectFileError(source, key, f"district {missing[0]!r} of the {what} is not listed "
                                            f"({len(missing)} not listed) / 자료의 구역 '{missing[0]}'이(가) 목록에 없습니다")
    if isinstance(spec, dict):
        return table.assign(district=table["district"].astype(str).map(spec))
    return table


# ---------------------------------------------------------------------------------------
# the starter file (sewerplan init) and the bundled sample project
# ---------------------------------------------------------------------------------------

SAMPLE_PROJECT = "sample_project.yaml"  # in sewerplan/sample_data

_STARTER_TEMPLATE = """\
# sewerplan 프로젝트 파일 (project file, format 1)
# 실행: sewerplan run 이파일.yaml --out 결과폴더
# 경로는 이 파일이 있는 폴더 기준입니다. 입력 파일은 data_folders 에 적은 폴더 안에 있어야 합니다.
# 값을 비워 두면(예: household_mix:) 쓰지 않거나 기본값을 씁니다.
sewerplan_project: 1

# 입력 파일을 둘 수 있는 폴더 (이 파일 기준). 그 밖의 파일은 읽지 않습니다.
data_folders: [.]

# 합성(가상) 자료로 연습할 때만 true. true 이면 모든 결과물에 '합성 예시 자료'라고 표시됩니다.
synthetic: false

names:
  municipality: ○○시                 # 보고서의 결정 주체 (시·군)
  town: ○○시 ○○지구                 # 계획 신도시 이름 (모든 보고서 제목에 쓰임)
  town_en: ""                         # 영문 보고서용 이름 (비우면 한글 이름)
  existing_town: ○○시 기존 시가지     # 요금 자료로 모델을 검증한 기존 시가지 이름
  existing_town_en: ""

existing_town:                        # 기존 시가지: 학습·검증 자료
  register: data/건축물대장_표제부.csv      # 건축물대장 표제부 (건축과)
  billing: data/상수도_요금부과.csv         # 상수도 요금 부과자료 24개월 (상수도사업소)
  household_mix:                      # 건축물별 가구원수 구성 (통계청 승인 경로로 받은 경우, 없으면 비움)
  district_column:                    # 배수구역으로 쓸 건축물대장 열 이름 (비우면 배수구역 열, 없으면 법정동)
  districts:                          # 구역 이름 확인 목록 또는 '자료의 이름: 보고서 이름' 대응표 (선택)

planned_town:                         # 계획 신도시: 둘 중 가진 것 (둘 다 가능)
  buildings: data/계획_건축물.csv      # 건축물별 계획표 (건축물대장 형식, 배수구역 열 포함)
  scenario:                           # 블록 단위 토지이용·단계 계획 (sewerplan scenario 형식 .yaml/.xlsx)
  districts:                          # 계획 구역 이름 목록 또는 대응표 (선택)

plant:                                # 비교할 하수처리시설 (선택)
  capacity_m3_per_day:                # 처리용량 [m3/일]; 비우면 시나리오 파일의 값
  status: planned                     # planned (계획) 또는 existing (기존)
  name: ""                            # 처리시설 이름
  city_plan: master_plan              # 시가 계획에 쓰는 방식: master_plan (하수도정비기본계획, 기본값), pilot_formula, unit_load

finance:                              # 재정 가정 (비우면 기본값과 그 출처: docs/sources.md)
{finance_lines}

model:
  train: true                         # true: 이 자료로 모델을 학습. false: file 의 모델 사용
  file:                               # 사용할 모델 파일 (.skops, 카드 .card.json 이 옆에 있어야 함)
  learner: auto                       # auto, hgb_log, ridge_log, hgb_poisson, blend
  seed: 0
  newest_years: [15, 10, 5]           # 최근 준공 건물 검증: 가장 최근 사용승인 연도보다 15·10·5년 앞선 해까지의 건물로 학습해 그 뒤 준공 건물을 예측·보정
  newest_min_buildings: 30            # 검증마다 필요한 뒤 건물 수 (모두 모자라면 검증하지 않고 예측 범위를 넓힘)

report:
  language: ko                        # ko 또는 en
  formats: [pdf, hwpx]                # pdf, hwpx(한글), html 중 하나 이상 (PDF와 한글 파일을 나란히)

briefing:                             # 보고서에 싣는 사업 설명 (선택). 비운 항목은 보고서에서 빠집니다
  site:                               # 사업 위치, 예: ○○동 ○○번지 일원
  process:                            # 처리 공정, 예: 생물학적 고도처리 (질소·인 제거)
  receiving_water:                    # 방류 수역, 예: ○○천
  site_plan:                          # 부지 활용 계획, 예: 처리시설을 지하에 짓고 지상에 공원 조성
  site_plan_from_savings: false       # true: 그 비용을 기존 방식보다 덜 드는 돈으로 마련 (그런 돈이 계산될 때만 표시)
  schedule:                           # 추진 일정 [연도 또는 시작-끝 연도]
    master_plan_change:               # 하수도정비기본계획 변경·승인, 예: 2026
    investment_review:                # 지방재정 투자심사, 예: 2027
    design:                           # 설계, 예: 2027-2028
    construction:                     # 공사, 예: 2029-2031 (연차별 투자계획에 씀)
    operation:                        # 운영 시작, 예: 2032
  opinion_deadline:                   # 주민 의견 마감일, 예: 2026-12-20
  opinion_to:                         # 의견 보낼 곳과 방법 (주소·전자우편·전화)
  reuse_options: []                   # 덜 드는 돈의 쓰임새로 주민에게 묻는 선택지 (비우면 기본 선택지)
  interim:                            # 처리장 개통 전 신도시 하수를 어디서 처리하는지, 예: 기존 ○○ 처리장으로 연계 처리
  interim_capacity_m3_per_day:        # 그 시설이 받을 수 있는 여유 용량 [m3/일]

privacy:                              # 개인정보 보호 (docs/manual.ko.md '요금 자료와 개인정보')
  key_file:                           # 가명처리 키 파일 (결과 폴더 밖에 보관; 비우면 환경변수
                                      # SEWERPLAN_PSEUDONYM_KEY, 그것도 없으면 1회용 키)
  min_public_cell_buildings: 10       # 공개 자료에서 한 칸이 대표해야 하는 최소 건축물 수
"""


def _starter_finance_lines() -> str:
    """One commented line per money input (Korean label, unit, default), then the return ratio."""
    lines = []
    for name, spec in MONEY_INPUTS.items():
        default = "입력 필요(기본값 없음)" if spec.default is None and not spec.computed else (
            f"기본 {spec.default:g}" if isinstance(spec.default, (int, float)) else
            f"기본 {spec.default}" if spec.default is not None else "기본: 자료에서 계산")
        lines.append(f"  {name + ':':<36}# {spec.label_ko} [{spec.unit}], {default}")
    lines.append(f"  {'return_ratio:':<36}# 오수 전환율(하수량/급수량) [-], 기본 0.85")
    return "\n".join(lines)


STARTER = _STARTER_TEMPLATE.replace("{finance_lines}", _starter_finance_lines())


def write_starter(path, force: bool = False) -> Path:
    """Write the commented starter project file (refuses to replace a file without ``force``)."""
    from sewerplan.model.fileio import check_output_path, write_text_atomic

    out = check_output_path(path, force=force)
    return write_text_atomic(out, STARTER)
