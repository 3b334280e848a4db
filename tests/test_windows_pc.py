"""Issue 14: what an official meets on a Korean Windows PC, simulated where Windows is needed.

3: the xlwings user config written in CP949; 4: dates as Excel serials; 7: --version, units
in --help, a base install without the excel extra, workbook number formats and frozen panes,
the scenario comparison workbook's labels, scipy declared.
"""

from __future__ import annotations

import datetime as dt
import importlib.abc
import re
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner
from xlwings import XlwingsError

from sewerplan.cli import app
from sewerplan.model.errors import ModelLoadError
from sewerplan.xl_addin import functions, settings

ROOT = Path(__file__).resolve().parents[1]
MODEL_PATH = r"C:\하수도계획\모델\우리시_모델.skops"


# ---------------------------------------------------------------- 3. CP949 xlwings.conf


@pytest.fixture()
def conf(tmp_path, monkeypatch):
    path = tmp_path / ".xlwings" / "xlwings.conf"
    path.parent.mkdir()
    monkeypatch.delenv(settings.ENV_VAR, raising=False)
    monkeypatch.setattr(settings, "_conf_files", lambda: [path])
    settings.reset()
    yield path
    settings.reset()


def test_cp949_conf_as_xlwings_writes_it_on_korean_windows(conf):
    conf.write_bytes(f'"INTERPRETER_WIN","C:\\Python311\\pythonw.exe"\r\n"SEWERPLAN_MODEL","{MODEL_PATH}"\r\n'
                     .encode("cp949"))
    assert settings.configured_model_path() == MODEL_PATH


def test_utf8_conf_and_lower_case_key(conf):
    conf.write_text(f'"sewerplan_model","{MODEL_PATH}"\n', encoding="utf-8")
    assert settings.configured_model_path() == MODEL_PATH


def test_unreadable_conf_is_an_error_not_the_synthetic_model(conf):
    conf.write_bytes(b'"SEWERPLAN_MODEL","C:\\\xff\xfe\x80\x81.skops"\r\n')  # neither UTF-8 nor CP949
    with pytest.raises(ModelLoadError, match="xlwings.conf"):
        settings.configured_model_path()
    with pytest.raises(XlwingsError) as err:
        functions.SEWER_MODEL_INFO()
    assert str(conf) in str(err.value) and "SEWERPLAN_MODEL" in str(err.value)


# ---------------------------------------------------------------- 4. dates as serials


def _table(n=4):
    from sewerplan.xl_addin.template import _sample_buildings

    df = _sample_buildings().head(n)
    return [list(df.columns)] + df.astype(object).where(df.notna(), None).values.tolist()


def test_sewer_ml_accepts_date_serials_and_dates():
    rows = _table()
    col = rows[0].index("사용승인일")
    expected = functions.SEWER_ML(rows)
    rows[1][col] = 47118.0  # Excel on the web: 2028-12-31 as a number
    rows[2][col] = dt.datetime(2019, 5, 1)  # classic xlwings: a date-formatted cell
    out = functions.SEWER_ML(rows)
    assert len(out) == len(expected) and all(v == v and v >= 0 for v in out[1][:1] + out[2][:1])


def test_sewer_ml_table_error_names_the_cell_not_a_cli_flag():
    rows = _table()
    rows[3][rows[0].index("사용승인일")] = 1.5e6
    with pytest.raises(XlwingsError) as err:
        functions.SEWER_ML(rows)
    msg = str(err.value)
    assert "4번째 행" in msg and "row 4 of the range" in msg and "'사용승인일'" in msg
    assert "--" not in msg and "sewerplan " not in msg and len(msg) <= 250


def test_year_argument_accepts_dates_and_serials():
    by_number = functions.SEWER_SCENARIO_CAPACITY("sample", 2035, None, "conventional")
    assert functions.SEWER_SCENARIO_CAPACITY("sample", dt.date(2035, 6, 1), None, "conventional") == by_number
    assert functions.SEWER_SCENARIO_CAPACITY("sample", 49461.0, None, "conventional") == by_number  # 2035-06-01


def test_intake_reads_a_date_serial_as_its_year():
    import pandas as pd

    from sewerplan.model.intake.inventory import _years_from_text

    years = _years_from_text(pd.Series(["47118", "20190501", "3000", "2019-05-01", "47118.0"]))
    assert years.tolist() == [2028, 2019, 3000, 2019, 2028]


# ---------------------------------------------------------------- 7. small things


def test_version_option():
    res = CliRunner().invoke(app, ["--version"])
    from sewerplan import __version__

    assert res.exit_code == 0 and res.output.strip() == f"sewerplan {__version__}"


@pytest.mark.parametrize("args, unit", [(["estimate", "--help"], "[persons/household]"),
                                        (["scenario", "compare", "--help"], "[m3/d]"),
                                        (["train", "--help"], "[m3/month]")])
def test_units_in_help_survive(args, unit):
    res = CliRunner().invoke(app, args, terminal_width=200)
    assert res.exit_code == 0 and unit in res.output


class _NoXlwings(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "xlwings" or name.startswith("xlwings."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None


def test_excel_template_on_a_base_install_names_the_extra(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "xlwings" else real(n, *a))
    for name in [m for m in sys.modules if m == "xlwings" or m.startswith("xlwings.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_NoXlwings(), *sys.meta_path])
    res = CliRunner().invoke(app, ["excel", "template", "--out", str(tmp_path / "t.xlsm")])
    assert res.exit_code == 2 and '--find-links' in res.output and '"sewerplan[excel]"' in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def _write_results(path, synthetic):
    import pandas as pd

    from sewerplan.model.outputs.workbook import write_results_workbook

    b = pd.DataFrame({"building_id": ["A", "B"], "district": ["1", "2"], "households": [10.0, 20.0],
                      "approval_year": [2019.0, 2020.0], "floor_area_m2": [1234.5, 99.0],
                      "pilot_formula_m3_per_day": [1.25, 2.5]})
    d = pd.DataFrame({"district": ["1", "2"], "buildings": [1, 1], "households": [10.0, 20.0]})
    return write_results_workbook(path, b, d, synthetic=synthetic)


@pytest.mark.parametrize("synthetic", [False, True])
def test_workbook_counts_and_years_formatted_as_whole_numbers_and_panes_kept(tmp_path, synthetic):
    from sewerplan.model.outputs.sheet_style import COVER_SHEET, FIRST_DATA_ROW, HEADER_ROWS

    wb = openpyxl.load_workbook(_write_results(tmp_path / "r.xlsx", synthetic))
    assert wb.sheetnames[0] == COVER_SHEET and wb.active.title == COVER_SHEET
    ws = wb.worksheets[1]
    en_row = HEADER_ROWS[1]  # Korean header, unit row, English name row, then the data
    fmt = {ws.cell(en_row, c).value: ws.cell(FIRST_DATA_ROW, c).number_format for c in range(1, ws.max_column + 1)}
    assert fmt["households"] == "#,##0" and fmt["approval year"] == "0"
    assert fmt["floor area [m2]"] == "#,##0.0" and fmt["pilot formula, day max [m3/d]"] == "#,##0.0"
    assert [ws.cell(HEADER_ROWS[0] + 1, c).value for c in range(1, 4)] == [None, None, "세대"]  # the unit row
    assert ws.freeze_panes == f"B{FIRST_DATA_ROW}"
    assert ws.column_dimensions["A"].width >= 6
    assert ("합성" in str(ws["A2"].value)) is synthetic
    d = wb.worksheets[2]
    assert d.cell(FIRST_DATA_ROW, 2).number_format == "#,##0"  # buildings


def test_scenario_comparison_workbook_has_korean_headers_and_synthetic_label(tmp_path):
    import pandas as pd

    from sewerplan.model.outputs.scenario_outputs import write_comparison
    from sewerplan.model.outputs.sheet_style import FIRST_DATA_ROW

    by_year = pd.DataFrame({"year": [2030, 2031], "scenario": ["기본", "기본"],
                            "pilot_formula_capacity_m3_per_day": [100.0, 110.0]})
    summary = pd.DataFrame({"scenario": ["기본"], "households": [1000.0], "year_exceeded_ml_p50": [2033.0]})
    out = write_comparison(by_year, summary, tmp_path / "compare.xlsx", synthetic=True)
    wb = openpyxl.load_workbook(out)
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows(max_row=5) for c in row if c.value]
    assert any("합성" in c and "synthetic" in c for c in cells)
    assert {"연도", "시나리오", "기존 방식 처리용량", "㎥/일", "처리장 초과 연도: ML P50"} <= set(cells)
    by_year_sheet = wb["연도별 비교 (by year)"]
    assert by_year_sheet.freeze_panes == f"B{FIRST_DATA_ROW}" and by_year_sheet[f"A{FIRST_DATA_ROW}"].number_format == "0"
    assert wb["비교 요약 (summary)"][f"C{FIRST_DATA_ROW}"].number_format == "0"  # a year, not 2,033.00


def test_scipy_is_declared():
    spec = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    deps = spec.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert re.search(r'"scipy[><=]', deps)


# ---------------------------------------------------------------- 2/6. the workbook's report buttons


class _FakeBook:
    def __init__(self, bundle_path):
        self.alerts = []
        self.fullname = str(bundle_path.parent / "town.xlsm")
        app = type("App", (), {"alert": lambda _self, msg, title=None: self.alerts.append(msg)})()
        self.app = app
        rng = type("Rng", (), {"value": str(bundle_path)})()
        self.names = {"ResultsBundle": type("Name", (), {"refers_to_range": rng})()}


def test_report_button_shows_why_the_file_was_not_written(tmp_path, monkeypatch):
    from sewerplan.xl_addin import macros

    book = _FakeBook(tmp_path / "results.json")
    monkeypatch.setattr(macros, "_book", lambda: book)

    def held_open(*a, **k):  # what Windows raises when Excel or a PDF viewer holds the file
        raise PermissionError(13, "The process cannot access the file", str(tmp_path / "council_ko.pdf"))

    monkeypatch.setattr(macros, "report_pdf", held_open)
    assert macros.council_pdf() is None
    assert len(book.alerts) == 1 and "council_ko.pdf" in book.alerts[0] and "보고서를 만들지 못했습니다" in book.alerts[0]


def test_report_button_without_pango_writes_html_and_says_how_to_get_the_pdf(tmp_path, monkeypatch):
    from sewerplan.model.outputs.results import example_bundle
    from sewerplan.reporting import render
    from sewerplan.xl_addin import macros

    bundle_path = example_bundle().to_json(tmp_path / "results.json")
    book = _FakeBook(Path(bundle_path))
    monkeypatch.setattr(macros, "_book", lambda: book)
    monkeypatch.setattr(render, "weasyprint_problem", lambda: "OSError: cannot load library 'libgobject-2.0-0'")
    written = macros.hearing_pdf()
    assert written.suffix == ".html" and written.is_file()
    assert "WEASYPRINT_DLL_DIRECTORIES" in book.alerts[0] and str(written) in book.alerts[0]
