"""Build the template workbook ``sewerplan.xlsm`` (reproducibly, no Excel needed).

The workbook follows the xlwings project layout: an ``xlwings.conf`` sheet whose
``UDF Modules`` is ``sewerplan.xl_addin.functions``, the VBA project of xlwings'
quickstart workbook (its ``SampleCall`` macro runs ``import <workbook>; <workbook>.main()``
and it references the xlwings add-in), and, for a workbook not named ``sewerplan``, a
``<workbook>.py`` beside it that forwards ``main`` to :mod:`sewerplan.xl_addin.macros`.

Sheets
------
시작 (start)        what to do, and the two report buttons (council / hearing PDF)
건축물 (buildings)  the sample new town as the Excel table ``Buildings`` (synthetic data)
결과 (results)      per-building results as formulas: SEWER_CONVENTIONAL, SEWER_UNITLOAD, SEWER_ML
구역요약 (districts) district totals (UNIQUE/SUMIFS), peaking factor, plant capacity
시나리오 (scenario)  capacity needed by year for a planning scenario file (SEWER_SCENARIO_*);
                    the file cell says ``sample`` (the bundled sample scenario, found on any
                    machine) until the user types the full path of their own file
방법 (methods)      method notes, parameters with sources, SEWER_MODEL_INFO, settings cells
xlwings.conf        xlwings settings (UDF Modules)

Two layouts: ``dynamic_arrays=True`` (Excel 2021, 2024 and Microsoft 365: results spill,
district list by ``UNIQUE``) and ``dynamic_arrays=False`` for Excel 2016 and 2019, which have
no dynamic arrays: the per-building columns are single-cell formulas that xlwings resizes to
the result (the add-in returns with ``expand="table"`` there, see :mod:`.excel_version`), ids
and the district list are plain (array) formulas filled down with spare rows. In both, every
formula that reads a result column follows the size of the ``Buildings`` table
(``OFFSET(..., ROWS(Buildings[...]))``), never a fixed row range.

Why XlsxWriter and not openpyxl: openpyxl can keep a VBA project but cannot write form
buttons (it drops drawings and VML) nor dynamic-array formulas (Excel would open
``=SEWER_ML(...)`` as ``=@SEWER_ML(...)`` and not spill). XlsxWriter writes both and embeds
the quickstart workbook's ``vbaProject.bin`` unchanged.
"""

from __future__ import annotations

import io
import keyword
import zipfile
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from sewerplan.model.errors import InputFileError
from sewerplan.model.fileio import atomic_path, check_outputs, write_text_atomic

__all__ = ["build_template", "SHEETS", "TABLE_NAME", "UDF_MODULE", "quickstart_vba_project", "SAMPLE_FILE"]

UDF_MODULE = "sewerplan.xl_addin.functions"
TABLE_NAME = "Buildings"
SAMPLE_FILE = "sample_buildings.csv"
SHEETS = {"start": "시작", "buildings": "건축물", "results": "결과", "districts": "구역요약",
          "scenario": "시나리오", "methods": "방법", "conf": "xlwings.conf"}
SCENARIO_SAMPLE = "sample"  # what the scenario-file cell holds in the template (the bundled sample)
XLWINGS_CONF = [
    ["UDF Modules", UDF_MODULE],
    ["Use UDF Server", True],  # one Python process: the ML model loads once
    ["Show Console", False],
]
BUTTON_MACRO = "SampleCall"  # the macro in xlwings' quickstart VBA project
BUTTONS = [
    ("의회 보고 자료 PDF 만들기 (council briefing)", "council"),
    ("공청회 설명 자료 PDF 만들기 (public hearing handout)", "hearing"),
]
# Register columns the formulas refer to (the table's other columns are passed through).
ID_COL, DISTRICT_COL, USE_COL = "관리건축물대장PK", "배수구역", "주용도코드명"
AREA_COL, HH_COL = "연면적(㎡)", "세대수(세대)"
FIRST_DATA_ROW = 3  # 0-based row of the first building / district on the results and districts sheets (Excel row 4)
SPARE_ROWS = 200  # legacy layout: rows of formulas beyond the sample table, for a larger town
SPARE_DISTRICTS = 30  # legacy layout: district rows beyond the sample's
PARAMETERS_ROW = 9  # 0-based row of the parameter table's title on the methods sheet

# Sheet texts (Korean first). START_LINES: (text, format name).
START_LINES = [
    ("sewerplan 신도시 건축물별 오수발생량 예측 / building-by-building sewage forecast", "title"),
    ("1. 설치: 오프라인 설치 꾸러미의 install.bat (sewerplan 과 xlwings 추가 기능; 설치 안내.html, 설명서\\manual.ko.html 11절)",
     "wrap"),
    ("2. 이 통합 문서를 연 뒤 [xlwings] 탭 > Import Functions 를 한 번 누르면 SEWER_* 함수가 등록됩니다.", "wrap"),
    ("3. '건축물' 시트의 표(Buildings)를 우리 신도시 계획 건축물로 바꾸면 '결과'·'구역요약'이 다시 계산됩니다.", "wrap"),
    ("4. 아래 단추로 의회 보고·공청회 PDF를 만듭니다('방법' 시트의 ResultsBundle 경로 사용).", "wrap"),
    ("1. Install: install.bat of the offline kit (sewerplan and the xlwings add-in). 2. Open this workbook, "
     "xlwings tab > Import Functions (once). 3. Replace the Buildings table with your town. "
     "4. The buttons below write the council and hearing briefings. Manual: the kit's 설명서\\excel.ko.html / "
     "excel.en.html, or sewerplan manual --out 설명서", "wrap"),
]
SYNTHETIC_NOTE = "예시 자료는 합성 자료입니다(실제 도시 아님). / The sample town is synthetic, not a real town."
RESULT_HEADERS = ["건축물 ID", "배수구역", "주용도", "인구원단위법 일최대 (conventional day-max)",
                  "환경부 원단위 일최대 (MOE unit-load day-max)"]
DISTRICT_HEADERS = ["배수구역 (district)", "세대수 (households)", "인구원단위법 일최대", "환경부 원단위 일최대",
                    "ML 일평균", "첨두율 Harmon (peaking factor)"]
SCENARIO_HELP = (
    "시나리오 파일에 우리 시의 파일 전체 경로(예: C:\\계획\\시나리오.xlsx)를 입력하세요. "
    "sample = sewerplan에 들어 있는 합성 예시 시나리오. 새 파일: sewerplan scenario template --out 파일.xlsx "
    "/ Type the full path of your scenario file; sample = the bundled synthetic example (manual scenarios.html)."
)
# (label, value in the template, defined name, hint)
SCENARIO_INPUTS = [
    ("시나리오 파일 (scenario file)", SCENARIO_SAMPLE, "ScenarioFile", "전체 경로 또는 sample / full path or sample"),
    ("신뢰수준 (confidence) [-]", 0.9, "ScenarioConfidence", "0.9 = 필요량을 90% 확률로 감당 (P90) / covers the need with 90% probability"),
    ("연도 (year)", 2035, "ScenarioYear", "아래 한 칸 계산에 쓰는 연도 / year of the single-cell formulas below"),
    ("비교할 처리장 용량 (plant capacity) [㎥/일]", None, "ScenarioPlant", "빈칸 = 시나리오 파일의 값 / blank = the scenario file's"),
]
SCENARIO_FORMULAS = [
    ("ML 필요 처리용량 (신뢰수준) [㎥/일]", "=SEWER_SCENARIO_CAPACITY(ScenarioFile,ScenarioYear,ScenarioConfidence)"),
    ("관행 방식 필요 처리용량 [㎥/일]", "=SEWER_SCENARIO_CAPACITY(ScenarioFile,ScenarioYear,,\"conventional\")"),
    ("환경부 원단위 필요 처리용량 [㎥/일]", "=SEWER_SCENARIO_CAPACITY(ScenarioFile,ScenarioYear,,\"unit_load\")"),
]
METHOD_NOTES = [
    "인구원단위법: 일최대 오수량 = 세대수 × 세대당 인구 × 1인1일 원단위(300 L) × 계수(1.1) ÷ 1000 "
    "(통계청 2023 예시: 100세대 → 85.8 ㎥/일). Conventional method (Korean design standard).",
    "환경부 원단위: 건축물 용도별 오수발생량 고시(2025-165) L/(㎡·일), 주택은 1인 200 L(읍·면 170 L). "
    "MOE notice unit loads; design values, usually above measured use.",
    "ML: 실제 상수도 부과량으로 학습한 건축물별 일평균 예측과 예측구간(모델 카드 참조). "
    "ML day-average prediction with calibrated interval (see the model card below).",
]
PARAMETER_HEADERS = ["name", "항목", "값 (value)", "단위 (unit)", "범위 (range)", "기본값 (default)", "출처 (source)"]
SHIM = '''"""xlwings project module of {stem}.xlsm (written by `sewerplan excel template`).

The workbook's buttons run `import {stem}; {stem}.main()` (xlwings RunPython).
"""
from sewerplan.xl_addin.functions import *  # noqa: F401,F403  (UDF Modules may also name this module)
from sewerplan.xl_addin.macros import main  # noqa: F401
'''


_SHIM_MARK = "(written by `sewerplan excel template`)"


def quickstart_vba_project() -> bytes:
    """The ``vbaProject.bin`` of the quickstart workbook shipped inside the xlwings package."""
    import xlwings

    path = Path(xlwings.__file__).with_name("quickstart.xlsm")
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


def _sample_buildings() -> pd.DataFrame:
    with resources.files("sewerplan").joinpath("sample_data", SAMPLE_FILE).open("rb") as fh:
        return pd.read_csv(fh, dtype={"관리건축물대장PK": str, "사용승인일": str}, encoding="utf-8")


def _cell(v):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def build_template(out, buildings: pd.DataFrame | None = None, force: bool = False, write_shim: bool = True,
                   dynamic_arrays: bool = True) -> Path:
    """Write the template workbook; return its path.

    Parameters
    ----------
    out : path
        Target ``.xlsm`` file. Its stem must be a Python identifier (it is imported by the
        buttons' ``RunPython``).
    buildings : DataFrame, optional
        Building table with register headers (default: the bundled synthetic sample town).
    force : bool
        Overwrite an existing file.
    write_shim : bool
        Write ``<stem>.py`` beside the workbook (not for ``sewerplan.xlsm``, whose stem is the
        package itself).
    dynamic_arrays : bool
        ``True`` for Excel 2021 / 2024 / Microsoft 365 (spilled results); ``False`` for Excel
        2016 / 2019 (no ``UNIQUE``, ``ANCHORARRAY`` or spills).
    """
    out = _checked_target(out, force, write_shim)
    synthetic = buildings is None
    df = _sample_buildings() if synthetic else buildings.reset_index(drop=True)
    _check_columns(df)
    n_buildings, n_districts = len(df), df[DISTRICT_COL].nunique()

    with atomic_path(out) as tmp:
        _write_workbook(tmp, df, synthetic, n_buildings, n_districts, dynamic_arrays)
    if write_shim and out.stem != "sewerplan":
        write_text_atomic(out.with_suffix(".py"), SHIM.format(stem=out.stem))
    return out


def _write_workbook(tmp: Path, df: pd.DataFrame, synthetic: bool, n_buildings: int, n_districts: int,
                    dynamic_arrays: bool) -> None:
    """Every sheet of the template, written to ``tmp``."""
    wb = _new_workbook(tmp, dynamic_arrays)
    fmt = _add_formats(wb)
    ws = _add_sheets(wb)
    _write_start_sheet(ws["start"], fmt, synthetic)
    _write_buildings_sheet(ws["buildings"], fmt, df, synthetic)
    _write_results_sheet(ws["results"], fmt, n_buildings, dynamic_arrays)
    _write_district_summary_sheet(ws["districts"], fmt, n_buildings, n_districts, dynamic_arrays)
    _write_scenario_sheet(wb, ws["scenario"], fmt, dynamic_arrays)
    _write_methods_sheet(wb, ws["methods"], fmt, dynamic_arrays)
    _write_conf_sheet(ws["conf"])
    wb.close()


def _spilled(ws, first_row: int, first_col: int, last_row: int, last_col: int, formula: str, fmt, dynamic: bool):
    """A formula whose result is a column or table: spilled (dynamic arrays) or, for Excel
    2016/2019, one cell that xlwings resizes to the result (``expand="table"``)."""
    if dynamic:
        ws.write_dynamic_array_formula(first_row, first_col, last_row, last_col, formula, fmt)
    else:
        ws.write_formula(first_row, first_col, formula, fmt)


# --------------------------------------------------------------------------------------
# Checks and the empty workbook
# --------------------------------------------------------------------------------------


def _checked_target(out, force: bool, write_shim: bool = True) -> Path:
    """The target path, checked (``.xlsm``, importable stem, not overwritten); its folder made.

    The workbook and its ``<stem>.py`` pass the one output check (:func:`check_outputs`): no
    standard-module name, nothing replaced without ``force``; a ``<stem>.py`` that sewerplan did
    not write is never replaced.
    """
    out = Path(out)
    if out.suffix.lower() != ".xlsm":
        raise ValueError(f"the template must be an .xlsm file, got {out.name} / 파일 확장자는 .xlsm 이어야 합니다")
    stem = out.stem
    if not stem.isidentifier() or keyword.iskeyword(stem):
        raise ValueError(
            f"workbook name '{stem}' must be a Python identifier (letters, digits, _) because the buttons "
            f"import it / 통합 문서 이름 '{stem}'은(는) 영문·숫자·_ 로만 지어야 합니다(단추가 같은 이름의 모듈을 불러옵니다)"
        )
    shim = out.with_suffix(".py")
    write_shim = write_shim and stem != "sewerplan"
    check_outputs([out, *([shim] if write_shim else [])], force=force)
    if write_shim and shim.exists() and _SHIM_MARK not in shim.read_text(encoding="utf-8", errors="replace"):
        raise InputFileError(
            f"{shim} exists and was not written by sewerplan; it is never replaced. Choose another workbook name / "
            f"{shim} 은(는) sewerplan 이 만든 파일이 아니라 덮어쓰지 않습니다. 다른 통합 문서 이름을 쓰세요."
        )
    return out


def _check_columns(df: pd.DataFrame) -> None:
    """The register columns the formulas refer to must be in the building table."""
    missing = [c for c in (ID_COL, DISTRICT_COL, USE_COL, AREA_COL, HH_COL) if c not in df.columns]
    if missing:
        raise ValueError(f"building table lacks columns {missing} / 건축물 표에 필요한 열이 없습니다: {missing}")


def _new_workbook(path: Path, dynamic_arrays: bool = True):
    """An XlsxWriter workbook (with dynamic-array functions if asked) and xlwings' quickstart VBA project."""
    import xlsxwriter

    # strings are always text: a building id like "=HYPERLINK(...)" must not become a formula
    wb = xlsxwriter.Workbook(str(path), {"use_future_functions": dynamic_arrays, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.add_vba_project(io.BytesIO(quickstart_vba_project()), is_stream=True)
    wb.set_vba_name("ThisWorkbook")
    return wb


def _add_formats(wb) -> SimpleNamespace:
    """The cell formats of every sheet (title, header, wrapped text, note, numbers, input cell)."""
    return SimpleNamespace(
        title=wb.add_format({"bold": True, "font_size": 14}),
        bold=wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1}),
        wrap=wb.add_format({"text_wrap": True, "valign": "top"}),
        note=wb.add_format({"italic": True, "font_color": "#9C0006"}),
        num=wb.add_format({"num_format": "#,##0.0"}),
        num3=wb.add_format({"num_format": "0.000"}),
        inp=wb.add_format({"bg_color": "#FFF2CC", "border": 1}),
    )


def _add_sheets(wb) -> dict:
    """All sheets in tab order (key of :data:`SHEETS` -> worksheet), with VBA code names."""
    sheets = {key: wb.add_worksheet(name) for key, name in SHEETS.items()}
    for i, ws in enumerate(wb.worksheets()):
        ws.set_vba_name(f"Sheet{i + 1}")
    return sheets


def _ref(column: str) -> str:
    """Structured reference to a column of the buildings table, e.g. ``Buildings[배수구역]``."""
    return f"{TABLE_NAME}[{column}]"


def _result_column(column: str) -> str:
    """A per-building column of the results sheet, as long as the ``Buildings`` table is.

    ``OFFSET(결과!$F$4,0,0,ROWS(Buildings[관리건축물대장PK]),1)``: follows the table when rows
    are added or deleted, in every Excel version (a spill reference would need dynamic arrays,
    and the SEWER_ML spill starts with its header row).
    """
    return f"OFFSET({SHEETS['results']}!${column}${FIRST_DATA_ROW + 1},0,0,ROWS({_ref(ID_COL)}),1)"


# --------------------------------------------------------------------------------------
# 시작 (start), 건축물 (buildings), 결과 (results)
# --------------------------------------------------------------------------------------


def _write_start_sheet(ws, fmt, synthetic: bool) -> None:
    """What to do, in four steps; the synthetic-data note; the two report buttons."""
    ws.set_column(0, 0, 100)
    for r, (text, style) in enumerate(START_LINES):
        ws.write(r, 0, text, getattr(fmt, style))
    if synthetic:
        ws.write(len(START_LINES), 0, SYNTHETIC_NOTE, fmt.note)
    _add_buttons(ws, first_row=len(START_LINES) + 2)


def _add_buttons(ws, first_row: int) -> None:
    """One form button per report; each runs the quickstart ``SampleCall`` macro."""
    for i, (caption, _kind) in enumerate(BUTTONS):
        ws.insert_button(first_row + 3 * i, 0, {
            "macro": BUTTON_MACRO, "caption": caption, "width": 420, "height": 36,
            "description": caption,
        })


def _write_buildings_sheet(ws, fmt, df: pd.DataFrame, synthetic: bool) -> None:
    """The building table as the Excel table ``Buildings`` (header on row 3)."""
    cols = list(df.columns)
    ws.write(0, 0, "건축물 입력 (building table)" + (" - 합성 예시 자료 / synthetic sample data" if synthetic else ""),
             fmt.title)
    data = [[_cell(v) for v in row] for row in df.itertuples(index=False, name=None)]
    ws.add_table(2, 0, 2 + len(df), len(cols) - 1, {
        "name": TABLE_NAME, "style": "Table Style Medium 2",
        "columns": [{"header": c} for c in cols], "data": data,
    })
    ws.set_column(0, len(cols) - 1, 14)
    ws.freeze_panes(3, 1)


def _write_results_sheet(ws, fmt, n_buildings: int, dynamic: bool = True) -> None:
    """Per-building results: ids, conventional, unit load, ML with interval (spilled or resized)."""
    last = FIRST_DATA_ROW + n_buildings - 1
    ws.write(0, 0, "건축물별 결과 (per-building results) [㎥/일 = m3/d]", fmt.title)
    for c, h in enumerate(RESULT_HEADERS):
        ws.write(2, c, h, fmt.bold)
    for c, col in enumerate((ID_COL, DISTRICT_COL, USE_COL)):
        if dynamic:
            ws.write_dynamic_array_formula(3, c, last, c, f"={_ref(col)}")
        else:  # no spills: one INDEX per row, blank past the end of the table
            for r in range(FIRST_DATA_ROW, last + 1 + SPARE_ROWS):
                ws.write_formula(r, c, f'=IFERROR(INDEX({_ref(col)},ROW()-{FIRST_DATA_ROW}),"")')
    _spilled(ws, 3, 3, last, 3, f"=SEWER_CONVENTIONAL({_ref(HH_COL)},PersonsPerHousehold)", fmt.num, dynamic)
    _spilled(ws, 3, 4, last, 4, f"=SEWER_UNITLOAD({_ref(USE_COL)},{_ref(AREA_COL)},{_ref(HH_COL)})", fmt.num, dynamic)
    # SEWER_ML returns its own header row (row 3), aligned with the building rows below it.
    _spilled(ws, 2, 5, last, 7, f"=SEWER_ML({TABLE_NAME}[#All])", fmt.num, dynamic)
    ws.write(1, 5, "ML 일평균 예측: 추정값, 하한, 상한 (ML day-average: estimate, lower, upper)", fmt.wrap)
    ws.set_column(0, 2, 14)
    ws.set_column(3, 7, 18)
    ws.freeze_panes(3, 1)


# --------------------------------------------------------------------------------------
# 구역요약 (districts)
# --------------------------------------------------------------------------------------


def _write_district_summary_sheet(ws, fmt, n_buildings: int, n_districts: int, dynamic: bool = True) -> None:
    """District totals of every method, the peaking factor, and the plant capacity block."""
    ws.write(0, 0, "배수구역별 합계 (district totals) [㎥/일]", fmt.title)
    for c, h in enumerate(DISTRICT_HEADERS):
        ws.write(2, c, h, fmt.bold)
    if dynamic:
        _write_district_totals(ws, fmt, FIRST_DATA_ROW + n_districts - 1)
    else:
        _write_district_totals_legacy(ws, fmt, FIRST_DATA_ROW + n_districts - 1 + SPARE_DISTRICTS)
    _write_plant_capacity(ws, fmt)
    ws.set_column(0, 5, 18)
    ws.set_column(7, 7, 40)
    ws.set_column(8, 8, 16)


def _write_district_totals(ws, fmt, last: int) -> None:
    """One spilled row per district: households, the three methods' sums, Harmon peaking."""
    r0, districts = FIRST_DATA_ROW, "ANCHORARRAY(A4)"
    in_district = f"{_result_column('B')},{districts}"
    ws.write_dynamic_array_formula(r0, 0, last, 0, f"=UNIQUE({_ref(DISTRICT_COL)})")
    ws.write_dynamic_array_formula(
        r0, 1, last, 1, f"=SUMIFS({_ref(HH_COL)},{_ref(DISTRICT_COL)},{districts})", fmt.num)
    for c, column in ((2, "D"), (3, "E"), (4, "F")):
        ws.write_dynamic_array_formula(r0, c, last, c, f"=SUMIFS({_result_column(column)},{in_district})", fmt.num)
    ws.write_dynamic_array_formula(
        r0, 5, last, 5, "=SEWER_PEAK(ANCHORARRAY(B4)*PersonsPerHousehold,\"harmon\")", fmt.num3)


def _write_district_totals_legacy(ws, fmt, last: int) -> None:
    """Excel 2016/2019: the same table without dynamic arrays, one formula per district row.

    The district list is the classic unique-list array formula (INDEX/MATCH/COUNTIF); rows
    past the last district stay blank.
    """
    for r in range(FIRST_DATA_ROW, last + 1):
        a = f"$A{r + 1}"
        ws.write_array_formula(r, 0, r, 0, f'{{=IFERROR(INDEX({_ref(DISTRICT_COL)},MATCH(0,COUNTIF($A$3:A{r},'
                                            f'{_ref(DISTRICT_COL)}),0)),"")}}')
        ws.write_formula(r, 1, f'=IF({a}="","",SUMIFS({_ref(HH_COL)},{_ref(DISTRICT_COL)},{a}))', fmt.num)
        for c, column in ((2, "D"), (3, "E"), (4, "F")):
            ws.write_formula(r, c, f'=IF({a}="","",SUMIFS({_result_column(column)},{_result_column("B")},{a}))',
                             fmt.num)
        ws.write_formula(r, 5, f'=IF({a}="","",SEWER_PEAK(B{r + 1}*PersonsPerHousehold,"harmon"))', fmt.num3)


def _write_plant_capacity(ws, fmt) -> None:
    """Treatment-plant capacity of the whole town by each method (SEWER_CAPACITY)."""
    ws.write(2, 7, "처리장 시설용량 (plant capacity) [㎥/일]", fmt.bold)
    ws.write(2, 8, "값 (value)", fmt.bold)
    rows = [
        ("기존 방식 (pilot formula, ×1.1 포함)", f"=SEWER_CAPACITY({_result_column('D')},\"기존방식\")"),
        ("환경부 원단위 (MOE unit load, day-max)", f"=SEWER_CAPACITY({_result_column('E')},\"일최대\")"),
        ("ML (일평균 기준 / day-average basis)", f"=SEWER_CAPACITY({_result_column('F')},\"day_average\")"),
    ]
    for i, (label, formula) in enumerate(rows):
        ws.write(3 + i, 7, label)
        ws.write_formula(3 + i, 8, formula, fmt.num)
    ws.write(7, 7, "용량 = 일최대 합계 + 침입수 10% (한 번; 기존 방식은 ×1.1만). 가동률 80%는 증설 검토 기준 / "
             "capacity = day-max + 10% infiltration once (pilot formula: its x1.1); 80% utilisation is a review trigger",
             fmt.wrap)


# --------------------------------------------------------------------------------------
# 시나리오 (scenario)
# --------------------------------------------------------------------------------------


def _write_scenario_sheet(wb, ws, fmt, dynamic: bool = True) -> None:
    """Capacity needed by year for a scenario file: named input cells, then the formulas."""
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 44)
    ws.set_column(2, 12, 16)
    ws.write(0, 0, "계획 시나리오: 연도별 필요 처리용량 (planning scenario: capacity needed by year) [㎥/일]", fmt.title)
    ws.write(1, 0, SCENARIO_HELP, fmt.wrap)
    _write_scenario_inputs(wb, ws, fmt)
    _write_scenario_formulas(ws, fmt, dynamic)


def _write_scenario_inputs(wb, ws, fmt) -> None:
    """The four input cells (file, confidence, year, plant), each a defined name."""
    for i, (label, value, name, hint) in enumerate(SCENARIO_INPUTS):
        ws.write(3 + i, 0, label, fmt.bold)
        if value is None:
            ws.write_blank(3 + i, 1, None, fmt.inp)
        elif isinstance(value, str):
            ws.write_string(3 + i, 1, value, fmt.inp)
        else:
            ws.write_number(3 + i, 1, value, fmt.inp)
        ws.write(3 + i, 2, hint)
        wb.define_name(name, f"={SHEETS['scenario']}!$B${4 + i}")


def _write_scenario_formulas(ws, fmt, dynamic: bool = True) -> None:
    """Single-year capacity by each method, then the spilled by-year table."""
    for i, (label, formula) in enumerate(SCENARIO_FORMULAS):
        ws.write(8 + i, 0, label, fmt.bold)
        ws.write_formula(8 + i, 1, formula, fmt.num)
    ws.write(12, 0, "연도별 표 (by year) = SEWER_SCENARIO_CAPACITY_BY_YEAR(ScenarioFile, ScenarioConfidence, ScenarioPlant)",
             fmt.bold)
    _spilled(ws, 13, 0, 13, 0, "=SEWER_SCENARIO_CAPACITY_BY_YEAR(ScenarioFile,ScenarioConfidence,ScenarioPlant)",
             fmt.num, dynamic)


# --------------------------------------------------------------------------------------
# 방법 (methods), xlwings.conf
# --------------------------------------------------------------------------------------


def _write_methods_sheet(wb, ws, fmt, dynamic: bool = True) -> None:
    """Method notes, the settings cells, the parameter table and the model card."""
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 5, 18)
    ws.set_column(6, 6, 90)
    ws.write(0, 0, "방법 설명 (method notes)", fmt.title)
    for i, text in enumerate(METHOD_NOTES):
        ws.write(1 + i, 0, text)
    _write_settings_cells(wb, ws, fmt)
    n_parameters = _write_parameter_table(ws, fmt, first_row=PARAMETERS_ROW)
    r_card = PARAMETERS_ROW + 3 + n_parameters  # one blank row after the table
    ws.write(r_card, 0, "ML 모델 카드 (model card) = SEWER_MODEL_INFO()", fmt.bold)
    _spilled(ws, r_card + 1, 0, r_card + 24, 1, "=SEWER_MODEL_INFO()", None, dynamic)


def _write_settings_cells(wb, ws, fmt) -> None:
    """Persons per household and the results-bundle path, as defined names."""
    ws.write(5, 0, "설정 (settings)", fmt.bold)
    ws.write(6, 0, "세대당 인구 (persons per household) [인/세대]")
    ws.write_number(6, 1, 2.6, fmt.inp)
    ws.write(6, 2, "2.6 = 계획 상수; 2023년 통계 평균 2.21 / planning constant; census 2023 mean 2.21")
    ws.write(7, 0, "결과 묶음 JSON (ResultsBundle, PDF 단추용)")
    ws.write_string(7, 1, "sewerplan-output/results.json", fmt.inp)
    ws.write(7, 2, "sewerplan 실행이 만든 결과 파일 경로(통합 문서 폴더 기준) / results bundle path, relative to this workbook")
    wb.define_name("PersonsPerHousehold", f"={SHEETS['methods']}!$B$7")
    wb.define_name("ResultsBundle", f"={SHEETS['methods']}!$B$8")


def _write_parameter_table(ws, fmt, first_row: int) -> int:
    """Every design parameter with unit, range, default and source; return the row count."""
    from sewerplan.model.design.parameters import parameter_table

    ws.write(first_row, 0, "매개변수 (parameters)", fmt.bold)
    for c, h in enumerate(PARAMETER_HEADERS):
        ws.write(first_row + 1, c, h, fmt.bold)
    rows = parameter_table()
    for i, p in enumerate(rows):
        ws.write_row(first_row + 2 + i, 0, [p["name"], p["label_ko"], p["value"], p["unit"],
                                            f"{p['range'][0]} - {p['range'][1]}", p["default"], p["source"]])
    return len(rows)


def _write_conf_sheet(ws) -> None:
    """The ``xlwings.conf`` sheet: key / value rows read by the xlwings add-in."""
    for i, (key, value) in enumerate(XLWINGS_CONF):
        ws.write(i, 0, key)
        ws.write(i, 1, value)
