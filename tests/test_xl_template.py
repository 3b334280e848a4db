"""The template workbook builder, checked with openpyxl."""

import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sewerplan.xl_addin import template


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("tpl") / "sewerplan_town.xlsm"
    template.build_template(out)
    return out


def _text(v):
    return getattr(v, "text", v)


def test_sheets_table_and_conf(built):
    wb = openpyxl.load_workbook(built, keep_vba=True)
    assert wb.sheetnames == list(template.SHEETS.values())
    table = wb[template.SHEETS["buildings"]].tables[template.TABLE_NAME]
    assert table.ref.startswith("A3:")
    n_rows = int(table.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) - 3
    assert n_rows > 100
    conf = {r[0].value: r[1].value for r in wb["xlwings.conf"].iter_rows()}
    assert conf["UDF Modules"] == "sewerplan.xl_addin.functions"
    assert "합성" in wb[template.SHEETS["buildings"]]["A1"].value


def test_results_use_the_worksheet_functions_as_spilled_formulas(built):
    wb = openpyxl.load_workbook(built)
    ws = wb[template.SHEETS["results"]]
    assert _text(ws["D4"].value) == "=SEWER_CONVENTIONAL(Buildings[세대수(세대)],PersonsPerHousehold)"
    assert _text(ws["E4"].value).startswith("=SEWER_UNITLOAD(Buildings[주용도코드명],Buildings[연면적(㎡)]")
    assert _text(ws["F3"].value) == "=SEWER_ML(Buildings[#All])"
    d = wb[template.SHEETS["districts"]]
    assert "UNIQUE" in _text(d["A4"].value) and "SEWER_PEAK" in _text(d["F4"].value)
    assert [_text(d[f"I{r}"].value).split("(")[0] for r in (4, 5, 6)] == ["=SEWER_CAPACITY"] * 3
    m = wb[template.SHEETS["methods"]]
    assert any(_text(c.value) == "=SEWER_MODEL_INFO()" for row in m.iter_rows() for c in row)
    assert {"PersonsPerHousehold", "ResultsBundle"} <= set(wb.defined_names.keys())


def test_scenario_sheet_points_at_the_bundled_sample_and_uses_the_scenario_functions(built):
    wb = openpyxl.load_workbook(built)
    ws = wb[template.SHEETS["scenario"]]
    names = wb.defined_names
    assert {"ScenarioFile", "ScenarioConfidence", "ScenarioYear", "ScenarioPlant"} <= set(names.keys())
    assert names["ScenarioFile"].attr_text == "시나리오!$B$4"
    assert ws["B4"].value == template.SCENARIO_SAMPLE == "sample"  # works on any machine until the user edits it
    assert ws["B5"].value == 0.9 and ws["B6"].value == 2035
    formulas = [_text(c.value) for row in ws.iter_rows() for c in row if isinstance(_text(c.value), str)]
    assert "=SEWER_SCENARIO_CAPACITY(ScenarioFile,ScenarioYear,ScenarioConfidence)" in formulas
    assert "=SEWER_SCENARIO_CAPACITY_BY_YEAR(ScenarioFile,ScenarioConfidence,ScenarioPlant)" in formulas


def test_vba_project_buttons_and_dynamic_array_metadata(built):
    with zipfile.ZipFile(built) as z:
        names = set(z.namelist())
        assert "xl/vbaProject.bin" in names and "xl/metadata.xml" in names
        assert z.read("xl/vbaProject.bin") == template.quickstart_vba_project()
        vml = z.read("xl/drawings/vmlDrawing1.vml").decode("utf-8")
    assert vml.count('ObjectType="Button"') == 2 and vml.count("SampleCall") == 2
    shim = built.with_suffix(".py").read_text(encoding="utf-8")
    assert "from sewerplan.xl_addin.macros import main" in shim


def test_builder_refuses_overwrite_and_bad_names(built, tmp_path):
    with pytest.raises(FileExistsError):
        template.build_template(built)
    with pytest.raises(ValueError, match="identifier"):
        template.build_template(tmp_path / "my town.xlsm")


def test_button_dispatch_by_caption():
    from sewerplan.xl_addin.macros import kind_for_caption

    assert [kind_for_caption(c) for c, _ in template.BUTTONS] == [k for _, k in template.BUTTONS]


# --------------------------------------------------------------------------------------
# Issue 14.5 / 14.10: formulas follow the table size; a layout for Excel 2016/2019
# --------------------------------------------------------------------------------------

FIXED_RANGE = re.compile(r"\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+")


def _table(n):
    df = template._sample_buildings()
    big = pd.concat([df] * (n // len(df) + 1), ignore_index=True).head(n).copy()
    big[template.ID_COL] = [f"B{i:06d}" for i in range(n)]
    return big


def _formulas(path):
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = _text(c.value)
                if isinstance(v, str) and v.startswith(("=", "{=")):
                    out[(ws.title, c.coordinate)] = v
    return out


@pytest.mark.parametrize("dynamic", [True, False], ids=["dynamic", "legacy"])
def test_every_formula_follows_the_table_size(tmp_path, dynamic):
    small = _formulas(template.build_template(tmp_path / "small.xlsm", _table(40), dynamic_arrays=dynamic))
    large = _formulas(template.build_template(tmp_path / "large.xlsm", _table(3000), dynamic_arrays=dynamic))
    # the same formula in every cell both workbooks have: nothing depends on the row count
    common = set(small) & set(large)
    assert len(common) >= 20
    assert {k: small[k] for k in common} == {k: large[k] for k in common}
    assert set(small) <= set(large)  # the larger table only adds rows of the same formulas
    for key, f in large.items():  # no fixed A1:B2 ranges (but the unique list's growing $A$3:A<row>)
        growing = f"$A$3:A{int(key[1][1:]) - 1}" if key[1].startswith("A") else "-"
        assert not FIXED_RANGE.search(f.replace(growing, "")), (key, f)
    # every results-column reference follows the Buildings table
    d = {k[1]: v for k, v in large.items() if k[0] == template.SHEETS["districts"]}
    offsets = [v for v in d.values() if "OFFSET(" in v]
    assert offsets and all("ROWS(Buildings[관리건축물대장PK])" in v for v in offsets)
    assert all("결과!" not in v or "OFFSET(결과!" in v or "ANCHORARRAY(결과!" in v for v in d.values())


def test_legacy_layout_has_no_dynamic_array_functions_or_spills(tmp_path):
    out = template.build_template(tmp_path / "old_excel.xlsm", _table(60), dynamic_arrays=False)
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert "xl/metadata.xml" not in z.namelist()  # no dynamic-array cell metadata
    xml = "".join(sheets)
    for token in ("_xlfn", "ANCHORARRAY", "UNIQUE(", ' cm="'):
        assert token not in xml, token
    assert 't="array"' in xml  # the district list: classic array formulas
    f = _formulas(out)
    res, dis = template.SHEETS["results"], template.SHEETS["districts"]
    assert f[(res, "D4")] == "=SEWER_CONVENTIONAL(Buildings[세대수(세대)],PersonsPerHousehold)"
    assert (res, "D5") not in f  # one cell: xlwings resizes it to the result (expand="table")
    assert f[(res, "A63")].startswith("=IFERROR(INDEX(Buildings[관리건축물대장PK],ROW()-3)")
    assert "COUNTIF($A$3:A3,Buildings[배수구역])" in f[(dis, "A4")]


def test_dynamic_layout_is_the_default_and_spills(built):
    with zipfile.ZipFile(built) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert "_xlfn.UNIQUE" in xml and "_xlfn.ANCHORARRAY" in xml and ' cm="1"' in xml


def test_excel_version_rules_and_override(monkeypatch):
    from sewerplan.xl_addin import excel_version as ev

    assert ev.dynamic_arrays_from_release("O365ProPlusRetail", True, "16.0") is True
    assert ev.dynamic_arrays_from_release("ProPlus2021Volume", True, "16.0") is True
    assert ev.dynamic_arrays_from_release("ProPlus2019Volume", True, "16.0") is False
    assert ev.dynamic_arrays_from_release("ProPlusRetail", True, "16.0") is None
    assert ev.dynamic_arrays_from_release(None, False, "16.0") is False  # MSI Office 2016
    assert ev.dynamic_arrays_from_release(None, False, "15.0") is False
    monkeypatch.setenv(ev.ENV_VAR, "0")
    assert ev.dynamic_arrays() is False
    monkeypatch.setenv(ev.ENV_VAR, "1")
    assert ev.dynamic_arrays() is True


def test_functions_return_resizing_arrays_without_dynamic_arrays(monkeypatch):
    from sewerplan.xl_addin import functions

    for g in functions.UDFS.values():  # what classic xlwings registers on Windows
        monkeypatch.setattr(g, "__xlfunc__", {"ret": {"options": {}}}, raising=False)
    functions.configure_returns(False)
    assert all(g.__xlfunc__["ret"]["options"]["expand"] == "table" for g in functions.UDFS.values())
    functions.configure_returns(True)
    assert all("expand" not in g.__xlfunc__["ret"]["options"] for g in functions.UDFS.values())


def test_cli_template_layout_option(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from sewerplan.cli import app

    monkeypatch.setenv("SEWERPLAN_DYNAMIC_ARRAYS", "0")
    res = CliRunner().invoke(app, ["excel", "template", "--out", str(tmp_path / "t.xlsm")])
    assert res.exit_code == 0 and "legacy" in res.output
    with zipfile.ZipFile(tmp_path / "t.xlsm") as z:
        assert "xl/metadata.xml" not in z.namelist()


# --------------------------------------------------------------------------------------
# Issue 14.9: the .xlam add-in route
# --------------------------------------------------------------------------------------


def test_addin_has_xlwings_vba_and_an_active_config_sheet(tmp_path):
    import xlwings

    from sewerplan.xl_addin import addin

    out = addin.build_addin(tmp_path / "sewerplan_addin.xlam")
    with zipfile.ZipFile(out) as z, zipfile.ZipFile(Path(xlwings.__file__).with_name("quickstart_addin.xlam")) as q:
        assert z.read("xl/vbaProject.bin") == q.read("xl/vbaProject.bin")  # ImportPythonUDFsToAddin inside
        types = z.read("[Content_Types].xml").decode("utf-8")
        book = z.read("xl/workbook.xml").decode("utf-8")
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types
    assert 'name="myaddin.conf"' in book and "_myaddin.conf" not in book
    conf = dict(re.findall(r"<t>([^<]+)</t></is></c><c r=\"B\d+\" t=\"inlineStr\"><is><t>([^<]+)</t>", sheet))
    assert conf["UDF Modules"] == "sewerplan.xl_addin.functions"
    assert conf["Interpreter_Win"].startswith("%LOCALAPPDATA%\\sewerplan\\venv")
    assert '<c r="B3" t="b"><v>1</v></c>' in sheet  # Use UDF Server
    with pytest.raises(FileExistsError):
        addin.build_addin(out)
