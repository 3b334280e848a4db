from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.model.outputs.sheet_style import COVER_SHEET, FIRST_DATA_ROW, HEADER_ROWS, NOTES_SHEET
from sewerplan.model.outputs.workbook import SHEET_BUILDINGS, SHEET_DISTRICTS, SHEET_METHODS, SHEET_PARAMETERS

REGISTER = Path(__file__).parent / "data" / "register_sample.csv"
runner = CliRunner()


def test_csv_output_has_one_row_per_building_and_required_columns(tmp_path):
    out = tmp_path / "result.csv"
    r = runner.invoke(app, ["estimate", str(REGISTER), "--out", str(out)])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, encoding="utf-8-sig", dtype={"building_id": str})
    assert len(df) == 6
    for col in ("building_id", "district", "pilot_formula_m3_per_day", "unit_load_m3_per_day"):
        assert col in df.columns
    flats = df.set_index("building_id").loc["11000-1001"]
    assert flats["pilot_formula_m3_per_day"] == pytest.approx(85.8)  # worked example: 100 households
    districts = pd.read_csv(tmp_path / "result.districts.csv", encoding="utf-8-sig")
    assert districts["district"].iloc[-1].startswith("합계")


def test_workbook_sheets_headers_and_values_read_back(tmp_path):
    out = tmp_path / "result.xlsx"
    r = runner.invoke(app, ["estimate", str(REGISTER), "--out", str(out)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames == [COVER_SHEET, SHEET_BUILDINGS, SHEET_DISTRICTS, SHEET_METHODS, SHEET_PARAMETERS,
                             NOTES_SHEET]
    ws = wb[SHEET_BUILDINGS]
    headers = [c.value for c in ws[HEADER_ROWS[0]]]
    units = [c.value for c in ws[HEADER_ROWS[0] + 1]]
    assert "기존 방식(인구 기준) 일최대" in headers and "연면적" in headers
    col = headers.index("기존 방식(인구 기준) 일최대") + 1
    assert units[col - 1] == "㎥/일" and units[headers.index("연면적")] == "㎡"
    ids = [ws.cell(row=i, column=1).value for i in range(FIRST_DATA_ROW, ws.max_row + 1)]
    assert ws.cell(row=FIRST_DATA_ROW + ids.index("11000-1001"), column=col).value == pytest.approx(85.8)
    d = wb[SHEET_DISTRICTS]
    dh = [c.value for c in d[HEADER_ROWS[0]]]
    for basis in ("일평균", "일최대", "시간최대"):
        assert any(h and basis in h for h in dh)
    total_row = [c.value for c in d[d.max_row]]
    assert str(total_row[0]).startswith("합계")
    methods = "\n".join(str(c.value) for row in wb[SHEET_METHODS].iter_rows() for c in row if c.value)
    assert "L/(person d)" in methods
    params = "\n".join(str(c.value) for row in wb[SHEET_PARAMETERS].iter_rows() for c in row if c.value)
    assert "persons_per_household" in params and "Statistics Korea" in params and "세대당 인구" in params


def test_parameter_override_changes_result(tmp_path):
    out = tmp_path / "r.csv"
    r = runner.invoke(app, ["estimate", str(REGISTER), "--out", str(out), "--persons-per-household", "2.21"])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, encoding="utf-8-sig", dtype={"building_id": str}).set_index("building_id")
    assert df.loc["11000-1001", "pilot_formula_m3_per_day"] == pytest.approx(100 * 2.21 * 0.3 * 1.1)


def test_refuses_to_overwrite_output_without_force_and_never_the_input(tmp_path):
    out = tmp_path / "r.csv"
    out.write_text("keep me", encoding="utf-8")
    r = runner.invoke(app, ["estimate", str(REGISTER), "--out", str(out)])
    assert r.exit_code == 2 and "--force" in r.output
    assert out.read_text(encoding="utf-8") == "keep me"
    copy = tmp_path / "in.csv"
    copy.write_bytes(REGISTER.read_bytes())
    r = runner.invoke(app, ["estimate", str(copy), "--out", str(copy), "--force"])
    assert r.exit_code == 2 and "input" in r.output
    assert copy.read_bytes() == REGISTER.read_bytes()


def test_bad_rows_fail_the_run_or_go_to_rejected_file(tmp_path):
    bad = tmp_path / "bad.csv"
    df = pd.read_csv(REGISTER, dtype=str)
    df.loc[1, "연면적(㎡)"] = "-10"
    df.loc[2, "주용도코드명"] = "우주정거장"
    df.to_csv(bad, index=False)
    out = tmp_path / "r.csv"
    r = runner.invoke(app, ["estimate", str(bad), "--out", str(out)])
    assert r.exit_code == 2
    assert "row 3" in r.output and "row 4" in r.output and "-10" in r.output
    assert not out.exists()
    r = runner.invoke(app, ["estimate", str(bad), "--out", str(out), "--skip-invalid"])
    assert r.exit_code == 0, r.output
    assert len(pd.read_csv(out, encoding="utf-8-sig")) == 4
    rejected = pd.read_csv(tmp_path / "r.rejected.csv", encoding="utf-8-sig")
    assert list(rejected["source_row"]) == [3, 4]
    assert "2 row(s) rejected" in r.output


def test_uses_lists_names_and_codes():
    r = runner.invoke(app, ["uses", "업무"])
    assert r.exit_code == 0
    assert "업무시설" in r.output and "F-01-00" in r.output


def test_outputs_are_readable_by_others_like_any_file(tmp_path):
    import os
    import stat

    out = tmp_path / "r.csv"
    assert runner.invoke(app, ["estimate", str(REGISTER), "--out", str(out)]).exit_code == 0
    mode = stat.S_IMODE(os.stat(out).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask
