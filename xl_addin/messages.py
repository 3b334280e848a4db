"""Bilingual (Korean first, then English) messages for the worksheet functions.

Every expected user error in a worksheet function becomes an :class:`xlwings.XlwingsError`
whose text names the function, the argument (with its Korean label), the row inside the
range the user passed, the value found and what to do. Classic xlwings shows the text in
the cell's error pop-up; the Office.js route returns it with HTTP 400 so Excel shows it on
the cell's error flag.

All the text lives in one catalogue, :data:`CATALOGUE` (key -> Korean, English), so the
worksheet functions name a message by its key and stay thin::

    raise messages.user_error("SEWER_ML", "table_no_rows")
    read_numbers(f, "households", value, "enter.households_ge0", low=0, outside="range.ge0")

A field of a message may itself be a :class:`Pair` (e.g. an argument's label, a cell
position, a hint): the Korean text gets its Korean side and the English text its English
side. Other fields are written as given on both sides.
"""

from __future__ import annotations

from typing import NamedTuple

from xlwings import XlwingsError

__all__ = ["CATALOGUE", "ARG_LABELS", "Pair", "text", "cell_label", "label", "arg_label", "user_error",
           "blank", "not_a_number", "out_of_range", "shape_mismatch", "from_model_error", "unknown_choice",
           "table_problems",
           "where", "MAX_LISTED"]

# Korean labels of the worksheet-function arguments, shown in messages and help.
ARG_LABELS = {
    "households": "세대수",
    "persons_per_household": "세대당 인구",
    "unit_l_per_person_day": "1인1일 오수량 원단위",
    "factor": "설계 계수",
    "main_use_or_moe_code": "주용도 또는 환경부 용도코드",
    "floor_area_m2": "연면적",
    "rural": "읍·면 지역 여부",
    "building_table": "건축물 표",
    "coverage": "예측구간 포함확률",
    "population": "인구",
    "method": "산정식",
    "flows": "오수량",
    "basis": "유량 기준",
    "utilisation": "적정 가동률",
    "scenario_file": "시나리오 파일",
    "year": "연도",
    "confidence": "신뢰수준",
    "plant_capacity_m3_per_day": "처리장 용량",
}

MAX_LISTED = 5  # how many bad rows one message lists before "... and N more"

#: key -> (Korean, English); ``{name}`` fields are filled by :func:`text`.
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- argument problems (cells.py); {label}: the argument, {where}: the cells, {hint}: what to do
    "blank": ("{label}의 {where}: 빈 칸입니다. {hint}", "{label}, {where} of the range: blank cell. {hint}"),
    "not_a_number": ("{label}의 {where} 값 {value}은(는) 숫자가 아닙니다. {hint}",
                     "{label}, {where} of the range: {value} is not a number. {hint}"),
    "out_of_range": ("{label}의 {where} 값({value})이 허용 범위를 벗어났습니다. {allowed}",
                     "{label}, {where} of the range: {value} is out of range. {allowed}"),
    "shape_mismatch": ("인수 범위의 크기가 맞지 않습니다 ({shapes}). 각 인수에 셀 하나 또는 같은 행 수의 열을 지정하세요.",
                       "the argument ranges do not line up ({shapes}); give each argument one cell or a "
                       "column with the same number of rows."),
    "unknown_choice": ("{label} 값 {value}을(를) 알 수 없습니다. 다음 중 하나를 쓰세요: {choices}",
                       "{label}: unknown value {value}; use one of {choices}."),
    "single_cell": ("{label}은(는) 셀 하나로 지정하세요.", "{label} must be a single cell."),
    # --- cell positions inside the range the user passed (1-based)
    "cell.row": ("{row}번째 행", "row {row}"),
    "cell.column": ("{column}번째 열", "column {column}"),
    "cell.row_column": ("{row}행 {column}열", "row {row} column {column}"),
    "cell.more": (" 외 {more}곳", " and {more} more"),
    # --- what to enter: shown after "not a number" (enter.*_number) or "blank cell"
    "enter.value": ("값을 입력하세요.", "Enter a value."),
    "enter.households_ge0": ("0 이상의 세대수를 입력하세요.", "Enter households >= 0."),
    "enter.households_or_0": ("세대수를 입력하세요(없으면 0).", "Enter the number of households (0 if none)."),
    "enter.households_number": ("세대수를 숫자로 입력하세요.", "Enter households as a number."),
    "enter.persons_per_household": ("세대당 인구를 입력하세요(예: 2.6 계획 상수, 2.21 2023년 통계).",
                                    "Enter persons per household (e.g. 2.6 planning constant, 2.21 census 2023)."),
    "enter.persons_per_household_number": ("세대당 인구를 숫자로 입력하세요(예: 2.6).",
                                           "Enter persons per household as a number (e.g. 2.6)."),
    "enter.unit_l_per_person_day_number": ("L/(인·일) 단위 숫자를 입력하세요(예: 300).",
                                           "Enter L/(person d) as a number (e.g. 300)."),
    "enter.factor_number": ("계수를 숫자로 입력하세요(예: 1.1).", "Enter the factor as a number (e.g. 1.1)."),
    "enter.main_use_or_moe_code": ("주용도(예: 업무시설) 또는 환경부 용도코드(예: F-01-00)를 입력하세요.",
                                   "Enter a main use (e.g. 업무시설) or an MOE code (e.g. F-01-00)."),
    "enter.floor_area": ("연면적(㎡)을 입력하세요.", "Enter the gross floor area in m2."),
    "enter.floor_area_number": ("연면적(㎡)을 숫자로 입력하세요.", "Enter the gross floor area in m2 as a number."),
    "enter.occupants_number": ("이용인원을 숫자로 입력하세요.", "Enter occupants as a number."),
    "enter.population": ("인구를 입력하세요.", "Enter the population."),
    "enter.population_number": ("인구를 숫자로 입력하세요.", "Enter the population as a number."),
    "enter.flows": ("오수량이 있는 범위를 지정하세요.", "Select cells with flows."),
    "enter.flows_number": ("오수량(㎥/일)을 숫자로 입력하세요.", "Enter flows in m3/d as numbers."),
    "enter.capex": ("시설비(원)를 입력하세요.", "Enter the capital cost in KRW."),
    "enter.capex_number": ("시설비(원)를 숫자로 입력하세요.", "Enter the cost in KRW as a number."),
    "enter.billed_volume": ("부과 수량(㎥/일)을 입력하세요.", "Enter the billed volume in m3/d."),
    "enter.billed_volume_number": ("부과 수량(㎥/일)을 숫자로 입력하세요.", "Enter the billed volume in m3/d as a number."),
    "enter.household_size_number": ("가구원수(1~6)를 입력하세요.", "Enter a household size 1-6."),
    "enter.discount_rate_number": ("할인율을 숫자로 입력하세요(예: 0.045).",
                                   "Enter the discount rate as a number (e.g. 0.045)."),
    "enter.asset_life_number": ("내용연수(년)를 숫자로 입력하세요.", "Enter the asset life in years as a number."),
    "enter.coverage_number": ("포함확률을 숫자로 입력하세요(예: 0.9).", "Enter coverage as a number (e.g. 0.9)."),
    "enter.scenario_file": ("시나리오 파일의 전체 경로(.xlsx/.yaml) 또는 sample(번들 예시)을 입력하세요.",
                            "Enter the full path of a scenario file (.xlsx/.yaml), or sample for the bundled example."),
    "enter.year": ("연도를 입력하세요(예: 2035).", "Enter a year (e.g. 2035)."),
    "enter.year_number": ("연도를 숫자로 입력하세요(예: 2035).", "Enter the year as a number (e.g. 2035)."),
    "enter.confidence_number": ("신뢰수준을 0과 1 사이 숫자로 입력하세요(예: 0.9 = 90%).",
                                "Enter the confidence as a number between 0 and 1 (e.g. 0.9 = 90%)."),
    "enter.plant_capacity_number": ("처리장 용량(㎥/일)을 숫자로 입력하세요.",
                                    "Enter the plant capacity in m3/d as a number."),
    # --- allowed ranges: shown after "out of range"
    "range.ge0": ("0 이상이어야 합니다.", "Must be >= 0."),
    "range.absurd": ("{limit:g} 이하의 값이어야 합니다(입력 오류로 보입니다).",
                     "Must be at most {limit:g} (this looks like an input error)."),
    "result_not_finite": ("{where}의 결과가 유한한 수가 아닙니다(입력값이 너무 큽니다). 입력 셀을 확인하세요.",
                          "{where} of the range: the result is not a finite number (inputs too large); check the cells."),
    "range.gt0": ("0보다 커야 합니다.", "Must be > 0."),
    "range.floor_area": ("음수가 아닌 연면적(㎡)을 입력하세요.", "Enter an area >= 0 m2."),
    "range.population": ("인구는 0보다 커야 합니다.", "Population must be > 0."),
    "range.flows": ("오수량은 0 이상이어야 합니다.", "Flows must be >= 0."),
    "range.household_size": ("1~6인 가구만 실측 사용량이 있습니다.", "Measured use exists for 1-6 person households."),
    "range.discount_rate": ("0 이상 1 미만이어야 합니다.", "Must be in [0, 1)."),
    "range.coverage": ("0과 1 사이여야 합니다.", "Must be between 0 and 1."),
    "range.year": ("1900~2200 사이 연도를 입력하세요.", "Enter a year between 1900 and 2200."),
    "range.confidence": ("0 초과 1 미만이어야 합니다(예: 0.9).", "Must be in (0, 1), e.g. 0.9."),
    # --- one cell expected (labels as the messages have always read)
    "single_cell.basis": ("basis(유량 기준)는 셀 하나로 지정하세요.", "basis must be a single cell."),
    "single_cell.coverage": ("coverage(포함확률)는 셀 하나로 지정하세요.", "coverage must be a single cell."),
    "single_cell.method": ("method(산정식)는 셀 하나로 지정하세요.", "method must be a single cell."),
    "single_cell.scenario_file": ("scenario_file(시나리오 파일)은 셀 하나로 지정하세요.",
                                  "scenario_file must be a single cell."),
    # --- the accepted words listed by "unknown value" (same on both sides)
    "choices.peak_method": ("harmon, babbitt, gifft, korean", "harmon, babbitt, gifft, korean"),
    "choices.basis": ("day_max(일최대), day_average(일평균, ML), pilot(기존방식: ×1.1 포함)",
                      "day_max(일최대), day_average(일평균, ML), pilot(기존방식: x1.1 included)"),
    "choices.scenario_method": ("ml, pilot_formula(기존방식), master_plan(기본계획), unit_load(환경부 원단위)",
                                "ml, pilot_formula, master_plan, unit_load"),
    # --- function-specific messages (functions.py)
    "basis_required": ("basis(유량 기준)를 입력하세요: 일최대(설계 방식), 일평균(SEWER_ML 결과) 또는 기존방식. 빈칸이면 "
                       "일평균을 일최대로 잘못 읽어 용량이 25% 작게 나옵니다.",
                       "Enter basis: day_max (design methods), day_average (SEWER_ML output) or pilot. A blank would "
                       "read a day average as a day max and give a capacity 25% too small."),
    "basis_conflict": ("basis {basis}와 범위 머리글의 기준 {header}이(가) 다릅니다.",
                       "basis {basis} differs from the basis in the range's header, {header}."),
    "utilisation_not_divisor": ("처리용량은 계획 일최대 오수량이며 가동률로 나누지 않습니다. 가동률 80%는 증설 검토 기준입니다; "
                                "세 번째 인수를 비우세요.",
                                "Capacity is the design day max and is not divided by a utilisation; 80% is the "
                                "point to review expansion. Leave the third argument blank."),
    "rural_unknown": ("{label} {row}번째 값 {value}을(를) 알 수 없습니다. 읍·면이면 TRUE(예), 동이면 FALSE(아니오) 또는 빈칸.",
                      "{label}, row {row}: unknown value {value}; use TRUE for 읍·면 areas, FALSE or blank otherwise."),
    "per_person_use": ("이 용도는 인원 기준이므로 occupants(이용인원)를 입력하세요.", "This use is per person: give occupants."),
    "household_size_whole": ("household_size(가구원수)는 1~6의 정수여야 합니다.", "household_size must be a whole number 1-6."),
    "table_shape": ("building_table(건축물 표)에는 머리글 행과 건축물 행이 있는 표 전체를 지정하세요(예: 건축물[#모두]).",
                    "building_table must be the whole table with its header row and at least one building "
                    "(e.g. Buildings[#All])."),
    "table_header_blank": ("건축물 표의 머리글에 빈 칸이 있습니다. 표의 첫 행이 머리글인지 확인하세요.",
                           "the table header has blank cells; make sure the first row of the range is the header."),
    "table_no_rows": ("건축물 표에 행이 없습니다.", "the building table has no rows."),
    "table_cell": ("{label}의 {row}번째 행(머리글=1행), '{column}' 열의 값 {value}: {problem}{more} 셀을 고치세요.",
                   "{label}, row {row} of the range (header = row 1), column '{column}', value {value}: "
                   "{problem}{more} Correct the cell."),
    "table_more": (" (다른 문제 {more}건)", " ({more} more problems)"),
    "coverage_calibrated": ("이 모델의 예측구간은 포함확률 {coverage:g}로 보정되어 있습니다. coverage를 비우거나 "
                            "{coverage:g}로 두세요. 다른 값은 그 포함확률로 학습한 모델이 필요합니다.",
                            "this model's intervals are calibrated for coverage {coverage:g}; leave coverage blank or "
                            "set {coverage:g}; another coverage needs a model trained for it."),
    "scenario_not_found": ("{label} 파일을 찾을 수 없습니다: {path}. 전체 경로(예: C:\\계획\\시나리오.xlsx)를 "
                           "입력하거나, 번들 예시는 sample 을 입력하세요.",
                           "{label}: file not found: {path}. Give the full path (e.g. C:\\plans\\town.xlsx), or sample "
                           "for the bundled example."),
    "scenario_outside_folder": ("{label} {path}: 이 서버에서는 시나리오 폴더 안의 파일 이름(예: 우리시.xlsx)이나 "
                                "sample 만 쓸 수 있습니다. 관리자에게 파일을 시나리오 폴더에 넣어 달라고 하세요.",
                                "{label} {path}: on this server give the name of a file in the scenario folder "
                                "(e.g. town.xlsx) or sample; ask the administrator to put the file there."),
    "scenario_unreadable": ("{label} {name} 을(를) 쓸 수 없습니다({kind}). 자세한 내용은 서버 기록에 있습니다.",
                            "{label} {name} cannot be used ({kind}); the details are in the server log."),
    "scenario_suffix": ("{label}은 .xlsx 또는 .yaml 파일이어야 합니다: {name}",
                        "{label} must be an .xlsx or .yaml file, not {name}."),
    "year_not_in_scenario": ("{label}의 {where} 값 {year:g}은(는) 시나리오 '{name}'의 연도가 아닙니다. "
                             "{first}~{last} 사이 정수 연도를 입력하세요.",
                             "{label}, {where} of the range: {year:g} is not a year of scenario '{name}'; "
                             "enter a whole year {first}-{last}."),
    # --- cells of the model card (settings.py), shown as "Korean (English)"
    "card.item": ("항목", "item"),
    "card.value": ("값", "value"),
    "card.model_id": ("모델 ID", "model id"),
    "card.created": ("작성일", "created"),
    "card.trained_on": ("학습 자료", "trained on"),
    "card.region": ("지역", "region"),
    "card.synthetic": ("합성 자료 여부", "synthetic"),
    "card.training_data_sha256": ("학습 자료 해시", "training data sha256"),
    "card.rows_used": ("사용 행 수", "rows used"),
    "card.learner": ("학습 방법", "learner"),
    "card.cross_validation": ("교차검증", "cross-validation"),
    "card.cv_metric": ("검증 지표", "CV metric"),
    "card.interval_coverage": ("예측구간 포함확률", "interval coverage"),
    "card.code_revision": ("코드 버전", "code revision"),
    "card.model_file": ("모델 파일", "model file"),
    "card.note": ("주의", "note"),
    "yes": ("예", "yes"),
    "no": ("아니오", "no"),
    "bundled_model": ("기본 내장 모델", "bundled default"),
    # --- settings (settings.py)
    "conf_unreadable": ("xlwings 설정 파일 {path} 을(를) 읽을 수 없어 SEWERPLAN_MODEL 설정을 알 수 없습니다({detail}). "
                        "xlwings 탭 > 설정에서 다시 저장하거나 파일을 지우세요.",
                        "cannot read the xlwings config file {path} ({detail}), so the SEWERPLAN_MODEL setting is "
                        "unknown; save the settings again (xlwings tab) or delete the file."),
}


class Pair(NamedTuple):
    """A Korean text and its English counterpart."""

    ko: str
    en: str

    def __str__(self) -> str:
        return f"{self.ko} / {self.en}"


def text(key: str, **fields) -> Pair:
    """The catalogue entry ``key`` with its fields filled (a :class:`Pair` field gives each side its own)."""
    ko, en = CATALOGUE[key]
    return Pair(
        ko.format(**{k: v.ko if isinstance(v, Pair) else v for k, v in fields.items()}),
        en.format(**{k: v.en if isinstance(v, Pair) else v for k, v in fields.items()}),
    )


def cell_label(key: str) -> str:
    """A worksheet label, ``'모델 ID (model id)'``."""
    ko, en = CATALOGUE[key]
    return f"{ko} ({en})"


def label(arg: str) -> str:
    """``'households'`` -> ``'households(세대수)'``."""
    ko = ARG_LABELS.get(arg)
    return f"{arg}({ko})" if ko else arg


def arg_label(arg: str) -> Pair:
    """An argument as messages name it: ``households(세대수)`` in Korean, ``households`` in English."""
    return Pair(label(arg), arg)


def user_error(func: str, key: str, **fields) -> XlwingsError:
    """An XlwingsError ``'<func>: <Korean> / <English>'`` with the catalogue message ``key``."""
    return XlwingsError(f"{func}: {text(key, **fields)}")


def _show(value) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _position(r: int, c: int, shape) -> Pair:
    nrows, ncols = shape
    if ncols == 1:
        return text("cell.row", row=r + 1)
    if nrows == 1:
        return text("cell.column", column=c + 1)
    return text("cell.row_column", row=r + 1, column=c + 1)


def where(positions) -> Pair:
    """Korean and English text for a list of cell positions.

    A position is ``(row, col, shape)`` with 0-based row/col inside the range the user
    passed; a single column reports rows, a single row reports columns.
    """
    listed = [_position(r, c, shape) for r, c, shape in positions]
    ko = ", ".join(p.ko for p in listed[:MAX_LISTED])
    en = ", ".join(p.en for p in listed[:MAX_LISTED])
    more = len(listed) - MAX_LISTED
    if more > 0:
        tail = text("cell.more", more=more)
        ko, en = ko + tail.ko, en + tail.en
    return Pair(ko, en)


def blank(func: str, arg: str, positions, hint: str) -> XlwingsError:
    """A required cell is empty; ``hint`` is the catalogue key of what to enter."""
    return user_error(func, "blank", label=arg_label(arg), where=where(positions), hint=text(hint))


def not_a_number(func: str, arg: str, position, value, hint: str) -> XlwingsError:
    """Text (or TRUE/FALSE) where a number belongs."""
    return user_error(func, "not_a_number", label=arg_label(arg), where=where([position]), value=_show(value),
                      hint=text(hint))


def out_of_range(func: str, arg: str, positions, first_value, allowed: str, **fields) -> XlwingsError:
    """Numbers outside the allowed range (e.g. a negative area); ``allowed`` is a ``range.*`` key."""
    return user_error(func, "out_of_range", label=arg_label(arg), where=where(positions),
                      value=_show(first_value), allowed=text(allowed, **fields))


def shape_mismatch(func: str, shapes: dict) -> XlwingsError:
    """Arguments whose ranges cannot be lined up row by row."""
    desc = Pair(", ".join(f"{label(a)} {r}x{c}" for a, (r, c) in shapes.items()),
                ", ".join(f"{a} {r}x{c}" for a, (r, c) in shapes.items()))
    return user_error(func, "shape_mismatch", shapes=desc)


def unknown_choice(func: str, arg: str, value, choices: str) -> XlwingsError:
    """A text argument that is none of the accepted words (``choices``: a ``choices.*`` key)."""
    return user_error(func, "unknown_choice", label=arg_label(arg), value=_show(value), choices=text(choices))


def table_problems(func: str, arg: str, problems) -> XlwingsError:
    """Bad cells of a table argument (intake :class:`Problem` rows): the first one by row and
    column of the range, with the count of the others. No command-line advice: this is a cell."""
    first = problems[0]
    en, _, ko = str(first.message).partition(" / ")
    more = text("table_more", more=len(problems) - 1) if len(problems) > 1 else Pair("", "")
    return user_error(func, "table_cell", label=arg_label(arg), row=first.row, column=first.column,
                      value=_show(first.value), problem=Pair((ko or en).rstrip(".") + ".", en.rstrip(".") + "."),
                      more=more)


def from_model_error(func: str, exc, position=None) -> XlwingsError:
    """Wrap a model-layer error (already bilingual) with the function name and the cell.

    ``position`` is ``(row, col, shape)`` as in :func:`where`.
    """
    prefix = f"{where([position])}: " if position is not None else ""
    return XlwingsError(f"{func}: {prefix}{exc}")
