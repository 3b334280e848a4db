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

import pandas as pd

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
SHIM = '''"""xlwings project module of {stem}.xlsm (written by `sewerplan excel template`).

The workbook's buttons run `import {stem}; {stem}.main()` (xlwings RunPython).
"""
from sewerplan.xl_addin.functions import *  # noqa: F401,F403  (UDF Modules may also name this module)
from sewerplan.xl_addin.macros import main  # noqa: F401
'''


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


def build_template(out, buildings: pd.DataFrame | None = None, force: bool = False, write_shim: bool = True) -> Path:
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
    """
    import xlsxwriter

    from sewerplan.model.design.parameters import parameter_table

    out = Path(out)
    if out.suffix.lower() != ".xlsm":
        raise ValueError(f"the template must be an .xlsm file, got {out.name} / 파일 확장자는 .xlsm 이어야 합니다")
    stem = out.stem
    if not stem.isidentifier() or keyword.iskeyword(stem):
        raise ValueError(
            f"workbook name '{stem}' must be a Python identifier (letters, digits, _) because the buttons "
            f"import it / 통합 문서 이름 '{stem}'은(는) 영문·숫자·_ 로만 지어야 합니다(단추가 같은 이름의 모듈을 불러옵니다)"
        )
    if out.exists() and not force:
        raise FileExistsError(f"{out} exists; use --force to overwrite / 파일이 이미 있습니다 (--force 로 덮어쓰기)")
    out.parent.mkdir(parents=True, exist_ok=True)
    df = _sample_buildings() if buildings is None else buildings.reset_index(drop=True)
    synthetic = buildings is None
    n = len(df)
    cols = list(df.columns)

    def col(name):
        return f"{TABLE_NAME}[{name}]"

    id_col, district_col, use_col = "관리건축물대장PK", "배수구역", "주용도코드명"
    area_col, hh_col = "연면적(㎡)", "세대수(세대)"
    missing = [c for c in (id_col, district_col, use_col, area_col, hh_col) if c not in cols]
    if missing:
        raise ValueError(f"building table lacks columns {missing} / 건축물 표에 필요한 열이 없습니다: {missing}")

    tmp = out.with_name(out.name + ".tmp")
    wb = xlsxwriter.Workbook(str(tmp), {"use_future_functions": True})
    wb.add_vba_project(io.BytesIO(quickstart_vba_project()), is_stream=True)
    wb.set_vba_name("ThisWorkbook")
    title = wb.add_format({"bold": True, "font_size": 14})
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    note = wb.add_format({"italic": True, "font_color": "#9C0006"})
    num = wb.add_format({"num_format": "#,##0.0"})
    num3 = wb.add_format({"num_format": "0.000"})
    inp = wb.add_format({"bg_color": "#FFF2CC", "border": 1})

    ws_start = wb.add_worksheet(SHEETS["start"])
    ws_b = wb.add_worksheet(SHEETS["buildings"])
    ws_r = wb.add_worksheet(SHEETS["results"])
    ws_d = wb.add_worksheet(SHEETS["districts"])
    ws_s = wb.add_worksheet(SHEETS["scenario"])
    ws_m = wb.add_worksheet(SHEETS["methods"])
    ws_c = wb.add_worksheet(SHEETS["conf"])
    for i, ws in enumerate(wb.worksheets()):
        ws.set_vba_name(f"Sheet{i + 1}")

    # --- 시작 (start)
    ws_start.set_column(0, 0, 100)
    lines = [
        ("sewerplan 신도시 건축물별 오수발생량 예측 / building-by-building sewage forecast", title),
        ("1. xlwings 추가 기능 설치: 명령 프롬프트에서 pip install sewerplan[excel] 후 xlwings addin install", wrap),
        ("2. 이 통합 문서를 연 뒤 [xlwings] 탭 > Import Functions 를 한 번 누르면 SEWER_* 함수가 등록됩니다.", wrap),
        ("3. '건축물' 시트의 표(Buildings)를 우리 신도시 계획 건축물로 바꾸면 '결과'·'구역요약'이 다시 계산됩니다.", wrap),
        ("4. 아래 단추로 의회 보고·공청회 PDF를 만듭니다('방법' 시트의 ResultsBundle 경로 사용).", wrap),
        ("1. Install the add-in: pip install sewerplan[excel], then xlwings addin install. 2. Open this workbook, "
         "xlwings tab > Import Functions (once). 3. Replace the Buildings table with your town. "
         "4. The buttons below write the council and hearing PDFs. Manual: docs/excel.ko.md / docs/excel.en.md", wrap),
    ]
    for r, (text, fmt) in enumerate(lines):
        ws_start.write(r, 0, text, fmt)
    if synthetic:
        ws_start.write(len(lines), 0, "예시 자료는 합성 자료입니다(실제 도시 아님). / The sample town is synthetic, not a real town.", note)
    for i, (caption, _kind) in enumerate(BUTTONS):
        ws_start.insert_button(len(lines) + 2 + 3 * i, 0, {
            "macro": BUTTON_MACRO, "caption": caption, "width": 420, "height": 36,
            "description": caption,
        })

    # --- 건축물 (buildings): an Excel table
    ws_b.write(0, 0, "건축물 입력 (building table)" + (" - 합성 예시 자료 / synthetic sample data" if synthetic else ""), title)
    data = [[_cell(v) for v in row] for row in df.itertuples(index=False, name=None)]
    ws_b.add_table(2, 0, 2 + n, len(cols) - 1, {
        "name": TABLE_NAME, "style": "Table Style Medium 2",
        "columns": [{"header": c} for c in cols], "data": data,
    })
    ws_b.set_column(0, len(cols) - 1, 14)
    ws_b.freeze_panes(3, 1)

    # --- 결과 (results): formulas that spill
    last = 3 + n - 1  # 0-based last data row (data from row index 3 = Excel row 4)
    ws_r.write(0, 0, "건축물별 결과 (per-building results) [㎥/일 = m3/d]", title)
    heads = ["건축물 ID", "배수구역", "주용도", "인구원단위법 일최대 (conventional day-max)",
             "환경부 원단위 일최대 (MOE unit-load day-max)"]
    for c, h in enumerate(heads):
        ws_r.write(2, c, h, bold)
    ws_r.write_dynamic_array_formula(3, 0, last, 0, f"={col(id_col)}")
    ws_r.write_dynamic_array_formula(3, 1, last, 1, f"={col(district_col)}")
    ws_r.write_dynamic_array_formula(3, 2, last, 2, f"={col(use_col)}")
    ws_r.write_dynamic_array_formula(3, 3, last, 3, f"=SEWER_CONVENTIONAL({col(hh_col)},PersonsPerHousehold)", num)
    ws_r.write_dynamic_array_formula(
        3, 4, last, 4, f"=SEWER_UNITLOAD({col(use_col)},{col(area_col)},{col(hh_col)})", num)
    # SEWER_ML spills its own header row (row 3), aligned with the building rows below it.
    ws_r.write_dynamic_array_formula(2, 5, last, 7, f"=SEWER_ML({TABLE_NAME}[#All])", num)
    ws_r.write(1, 5, "ML 일평균 예측: 추정값, 하한, 상한 (ML day-average: estimate, lower, upper)", wrap)
    ws_r.set_column(0, 2, 14)
    ws_r.set_column(3, 7, 18)
    ws_r.freeze_panes(3, 1)

    # --- 구역요약 (districts)
    r0 = 3
    dh = ["배수구역 (district)", "세대수 (households)", "인구원단위법 일최대", "환경부 원단위 일최대",
          "ML 일평균", "첨두율 Harmon (peaking factor)"]
    ws_d.write(0, 0, "배수구역별 합계 (district totals) [㎥/일]", title)
    for c, h in enumerate(dh):
        ws_d.write(2, c, h, bold)
    res = SHEETS["results"]
    k = df[district_col].nunique()
    dlast = r0 + k - 1
    ml_rng = f"{res}!$F$4:$F${last + 1}"
    ws_d.write_dynamic_array_formula(r0, 0, dlast, 0, f"=UNIQUE({col(district_col)})")
    ws_d.write_dynamic_array_formula(r0, 1, dlast, 1, f"=SUMIFS({col(hh_col)},{col(district_col)},ANCHORARRAY(A4))", num)
    ws_d.write_dynamic_array_formula(
        r0, 2, dlast, 2, f"=SUMIFS(ANCHORARRAY({res}!D4),ANCHORARRAY({res}!B4),ANCHORARRAY(A4))", num)
    ws_d.write_dynamic_array_formula(
        r0, 3, dlast, 3, f"=SUMIFS(ANCHORARRAY({res}!E4),ANCHORARRAY({res}!B4),ANCHORARRAY(A4))", num)
    ws_d.write_dynamic_array_formula(
        r0, 4, dlast, 4, f"=SUMIFS({ml_rng},ANCHORARRAY({res}!B4),ANCHORARRAY(A4))", num)
    ws_d.write_dynamic_array_formula(
        r0, 5, dlast, 5, "=SEWER_PEAK(ANCHORARRAY(B4)*PersonsPerHousehold,\"harmon\")", num3)
    ws_d.write(2, 7, "처리장 시설용량 (plant capacity) [㎥/일]", bold)
    ws_d.write(2, 8, "값 (value)", bold)
    cap = [
        ("인구원단위법 (conventional, day-max)", f"=SEWER_CAPACITY(ANCHORARRAY({res}!D4))"),
        ("환경부 원단위 (MOE unit load, day-max)", f"=SEWER_CAPACITY(ANCHORARRAY({res}!E4))"),
        ("ML (일평균 기준 / day-average basis)", f"=SEWER_CAPACITY({ml_rng},\"day_average\")"),
    ]
    for i, (lab, formula) in enumerate(cap):
        ws_d.write(3 + i, 7, lab)
        ws_d.write_formula(3 + i, 8, formula, num)
    ws_d.write(7, 7, "용량 = (일최대 합계 + 침입수 10%) ÷ 적정 가동률 0.8 / capacity = (day-max + 10% infiltration) / 0.8", wrap)
    ws_d.set_column(0, 5, 18)
    ws_d.set_column(7, 7, 40)
    ws_d.set_column(8, 8, 16)

    # --- 시나리오 (scenario): capacity needed by year for a scenario file
    ws_s.set_column(0, 0, 34)
    ws_s.set_column(1, 1, 44)
    ws_s.set_column(2, 12, 16)
    ws_s.write(0, 0, "계획 시나리오: 연도별 필요 처리용량 (planning scenario: capacity needed by year) [㎥/일]", title)
    ws_s.write(1, 0, "시나리오 파일에 우리 시의 파일 전체 경로(예: C:\\계획\\시나리오.xlsx)를 입력하세요. "
                     "sample = sewerplan에 들어 있는 합성 예시 시나리오. 새 파일: sewerplan scenario template --out 파일.xlsx "
                     "/ Type the full path of your scenario file; sample = the bundled synthetic example (docs/scenarios.md).", wrap)
    s_inputs = [
        ("시나리오 파일 (scenario file)", SCENARIO_SAMPLE, "ScenarioFile", "전체 경로 또는 sample / full path or sample"),
        ("신뢰수준 (confidence) [-]", 0.9, "ScenarioConfidence", "0.9 = 필요량을 90% 확률로 감당 (P90) / covers the need with 90% probability"),
        ("연도 (year)", 2035, "ScenarioYear", "아래 한 칸 계산에 쓰는 연도 / year of the single-cell formulas below"),
        ("비교할 처리장 용량 (plant capacity) [㎥/일]", None, "ScenarioPlant", "빈칸 = 시나리오 파일의 값 / blank = the scenario file's"),
    ]
    for i, (lab, value, name, hint) in enumerate(s_inputs):
        ws_s.write(3 + i, 0, lab, bold)
        if value is None:
            ws_s.write_blank(3 + i, 1, None, inp)
        elif isinstance(value, str):
            ws_s.write_string(3 + i, 1, value, inp)
        else:
            ws_s.write_number(3 + i, 1, value, inp)
        ws_s.write(3 + i, 2, hint)
        wb.define_name(name, f"={SHEETS['scenario']}!$B${4 + i}")
    s_cells = [
        ("ML 필요 처리용량 (신뢰수준) [㎥/일]", "=SEWER_SCENARIO_CAPACITY(ScenarioFile,ScenarioYear,ScenarioConfidence)"),
        ("관행 방식 필요 처리용량 [㎥/일]", "=SEWER_SCENARIO_CAPACITY(ScenarioFile,ScenarioYear,,\"conventional\")"),
        ("환경부 원단위 필요 처리용량 [㎥/일]", "=SEWER_SCENARIO_CAPACITY(ScenarioFile,ScenarioYear,,\"unit_load\")"),
    ]
    for i, (lab, formula) in enumerate(s_cells):
        ws_s.write(8 + i, 0, lab, bold)
        ws_s.write_formula(8 + i, 1, formula, num)
    ws_s.write(12, 0, "연도별 표 (by year) = SEWER_SCENARIO_CAPACITY_BY_YEAR(ScenarioFile, ScenarioConfidence, ScenarioPlant)", bold)
    ws_s.write_dynamic_array_formula(
        13, 0, 13, 0, "=SEWER_SCENARIO_CAPACITY_BY_YEAR(ScenarioFile,ScenarioConfidence,ScenarioPlant)", num)

    # --- 방법 (methods): notes, settings, parameters, model card
    ws_m.set_column(0, 0, 34)
    ws_m.set_column(1, 1, 16)
    ws_m.set_column(2, 5, 18)
    ws_m.set_column(6, 6, 90)
    ws_m.write(0, 0, "방법 설명 (method notes)", title)
    notes = [
        "인구원단위법: 일최대 오수량 = 세대수 × 세대당 인구 × 1인1일 원단위(300 L) × 계수(1.1) ÷ 1000 "
        "(통계청 2023 예시: 100세대 → 85.8 ㎥/일). Conventional method (Korean design standard).",
        "환경부 원단위: 건축물 용도별 오수발생량 고시(2025-165) L/(㎡·일), 주택은 1인 200 L(읍·면 170 L). "
        "MOE notice unit loads; design values, usually above measured use.",
        "ML: 실제 상수도 부과량으로 학습한 건축물별 일평균 예측과 예측구간(모델 카드 참조). "
        "ML day-average prediction with calibrated interval (see the model card below).",
    ]
    for i, t in enumerate(notes):
        ws_m.write(1 + i, 0, t)
    ws_m.write(5, 0, "설정 (settings)", bold)
    ws_m.write(6, 0, "세대당 인구 (persons per household) [인/세대]")
    ws_m.write_number(6, 1, 2.6, inp)
    ws_m.write(6, 2, "2.6 = 계획 상수; 2023년 통계 평균 2.21 / planning constant; census 2023 mean 2.21")
    ws_m.write(7, 0, "결과 묶음 JSON (ResultsBundle, PDF 단추용)")
    ws_m.write_string(7, 1, "sewerplan-output/results.json", inp)
    ws_m.write(7, 2, "sewerplan 실행이 만든 결과 파일 경로(통합 문서 폴더 기준) / results bundle path, relative to this workbook")
    wb.define_name("PersonsPerHousehold", f"={SHEETS['methods']}!$B$7")
    wb.define_name("ResultsBundle", f"={SHEETS['methods']}!$B$8")
    ws_m.write(9, 0, "매개변수 (parameters)", bold)
    ph = ["name", "항목", "값 (value)", "단위 (unit)", "범위 (range)", "기본값 (default)", "출처 (source)"]
    for c, h in enumerate(ph):
        ws_m.write(10, c, h, bold)
    rows = parameter_table()
    for i, p in enumerate(rows):
        ws_m.write_row(11 + i, 0, [p["name"], p["label_ko"], p["value"], p["unit"],
                                  f"{p['range'][0]} - {p['range'][1]}", p["default"], p["source"]])
    r_card = 12 + len(rows)
    ws_m.write(r_card, 0, "ML 모델 카드 (model card) = SEWER_MODEL_INFO()", bold)
    ws_m.write_dynamic_array_formula(r_card + 1, 0, r_card + 24, 1, "=SEWER_MODEL_INFO()")

    # --- xlwings.conf
    for i, (key, value) in enumerate(XLWINGS_CONF):
        ws_c.write(i, 0, key)
        ws_c.write(i, 1, value)

    wb.close()
    tmp.replace(out)
    if write_shim and stem != "sewerplan":
        out.with_suffix(".py").write_text(SHIM.format(stem=stem), encoding="utf-8")
    return out
