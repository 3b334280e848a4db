"""The template workbook builder, checked with openpyxl."""

import zipfile

import openpyxl
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
