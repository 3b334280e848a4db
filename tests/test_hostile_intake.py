"""Hostile and broken input at the intake (issue 16 intake items, issue 14 item 7).

Each test reproduces a case that release 0.2 got wrong and asserts the safe behaviour: a
non-finite or absurd number is refused with file, row, column and value; a decimal comma is not
read as another number; a file mixing encodings, a header used twice, a tab- or
semicolon-separated file, data on another sheet or under title rows are read or refused clearly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.model.errors import InputFileError, InventoryValidationError
from sewerplan.model.intake.billing import read_billing
from sewerplan.model.intake.household_composition import read_household_mix
from sewerplan.model.intake.inventory import load_buildings

runner = CliRunner()
SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sewerplan" / "sample_data"
HEADER = "building_id,district,main_use,floor_area_m2,households,observed_m3_per_day\n"
GOOD = "B1,1생활권,업무시설,1000,0,2\n"
BILL_HEADER = "수용가번호,수용가주소,업종,부과년월,사용량(㎥),가구수\n"


def _csv(tmp_path: Path, text: str, name: str = "t.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _problems(path) -> str:
    with pytest.raises(InventoryValidationError) as e:
        load_buildings(path)
    return str(e.value)


# --------------------------------------------------------------------------------------
# 5. non-finite and implausible numbers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["inf", "Infinity", "-inf", "NaN", "1e400"])
def test_register_refuses_non_finite_floor_area_naming_file_row_column_value(tmp_path, value):
    p = _csv(tmp_path, HEADER + GOOD + f"B2,1생활권,업무시설,{value},0,\n")
    msg = _problems(p)
    assert f"{p}, row 3, column 'floor_area_m2', value '{value}'" in msg
    assert "not a finite number" in msg
    assert "blank" not in msg  # NaN is not reported as blank


@pytest.mark.parametrize("row, column, words", [
    ("B2,1생활권,업무시설,1e308,0,", "floor_area_m2", "implausible floor area"),
    ("B2,1생활권,아파트,100,1000,", "households", "household per 10 m2"),
    ("B2,1생활권,업무시설,5,0,10", "observed_m3_per_day", "1,000 L per m2"),
])
def test_register_refuses_physically_implausible_numbers(tmp_path, row, column, words):
    msg = _problems(_csv(tmp_path, HEADER + GOOD + row + "\n"))
    assert f"row 3, column '{column}'" in msg and words in msg


@pytest.mark.parametrize("value", ["inf", "Infinity", "1e308", "NaN", "1e400"])
def test_billing_refuses_non_finite_and_absurd_volumes_and_never_reads_them_as_zero(tmp_path, value):
    p = _csv(tmp_path, BILL_HEADER + "1,가온시 나래동 1,가정용,202301,10,1\n"
             f"1,가온시 나래동 1,가정용,202302,{value},1\n")
    records, rejected = read_billing(p)
    assert list(records["billed_m3"]) == [10.0]  # the bad month is out, not 0 and not infinite
    assert list(rejected["source_row"]) == [3]
    reason = rejected.loc[0, "rejected_reason"]
    assert f"사용량(㎥) '{value}'" in reason
    assert ("not a finite number" in reason) or ("implausible" in reason)


def test_billing_refuses_infinite_households_on_a_meter(tmp_path):
    p = _csv(tmp_path, BILL_HEADER + "1,가온시 나래동 1,가정용,202301,10,inf\n")
    _, rejected = read_billing(p)
    assert "가구수 'inf'" in rejected.loc[0, "rejected_reason"]


def test_household_file_refuses_non_finite_counts(tmp_path):
    p = _csv(tmp_path, "building_id,1인가구,2인가구,3인가구,4인가구,5인이상가구\nB1,1,2,inf,0,0\nB2,1e308,1e308,0,0,0\n")
    records, rejected = read_household_mix(p)
    assert len(records) == 0 and list(rejected["source_row"]) == [2, 3]
    assert "not a finite number" in rejected.loc[0, "rejected_reason"]
    assert "implausible" in rejected.loc[1, "rejected_reason"]


def test_match_report_is_valid_json_with_an_infinite_bill(tmp_path):
    bills = pd.read_csv(SAMPLE_DIR / "synthetic_existing_billing.csv.gz", dtype=str, nrows=3000)
    bills.loc[5, "사용량(㎥)"] = "Infinity"
    bills.loc[6, "사용량(㎥)"] = "1e308"
    billing = tmp_path / "billing.csv"
    bills.to_csv(billing, index=False)
    out = tmp_path / "prepared"
    r = runner.invoke(app, ["prepare", "--register", str(SAMPLE_DIR / "synthetic_existing_register.csv"),
                            "--billing", str(billing), "--out", str(out)])
    assert r.exit_code == 0, r.output
    text = (out / "match_report.json").read_text(encoding="utf-8")
    json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in match_report.json"))
    rejected = pd.read_csv(out / "rejected_billing_rows.csv", dtype=str)
    assert {"7", "8"} <= set(rejected["source_row"])


# --------------------------------------------------------------------------------------
# low: decimal comma, encodings, duplicate headers, sheets, NaN
# --------------------------------------------------------------------------------------


def test_decimal_comma_is_refused_not_read_as_a_smaller_number(tmp_path):
    p = _csv(tmp_path, HEADER + 'B1,1생활권,업무시설,"1.234,5",0,\nB2,1생활권,업무시설,"1,234.5",0,\n')
    with pytest.raises(InventoryValidationError) as e:
        load_buildings(p)
    msg = str(e.value)
    assert "row 2, column 'floor_area_m2', value '1.234,5'" in msg and "decimal comma" in msg
    valid, _ = load_buildings(p, skip_invalid=True)
    assert valid["floor_area_m2"].tolist() == [1234.5]  # comma thousands still read


def test_billing_decimal_comma_is_refused(tmp_path):
    p = _csv(tmp_path, BILL_HEADER + '1,가온시 나래동 1,가정용,202301,"12,5",1\n')
    records, rejected = read_billing(p)
    assert len(records) == 0 and "decimal comma" in rejected.loc[0, "rejected_reason"]


def test_mixed_encoding_file_is_refused_naming_the_row(tmp_path):
    p = tmp_path / "mixed.csv"
    p.write_bytes((HEADER + GOOD).encode("utf-8") + "B2,2생활권,업무시설,500,0,\n".encode("cp949"))
    with pytest.raises(InputFileError, match=r"row 3: this row is CP949 but row 2 is UTF-8"):
        load_buildings(p)


def test_mixed_encoding_billing_is_refused_naming_the_row(tmp_path):
    p = tmp_path / "bills.csv"
    p.write_bytes((BILL_HEADER + "1,가온시 나래동 1,가정용,202301,10,1\n").encode("utf-8")
                  + "2,가온시 나래동 2,가정용,202301,10,1\n".encode("cp949"))
    with pytest.raises(InputFileError, match="row 3"):
        read_billing(p)


def test_cp949_file_is_still_read(tmp_path):
    p = _csv(tmp_path, HEADER + GOOD, encoding="cp949")
    valid, _ = load_buildings(p)
    assert valid.loc[0, "district"] == "1생활권"


def test_duplicate_header_is_refused_not_silently_the_first(tmp_path):
    p = _csv(tmp_path, "building_id,district,main_use,floor_area_m2,floor_area_m2\nB1,1생활권,업무시설,100,900\n")
    with pytest.raises(InputFileError, match="'floor_area_m2' is used twice"):
        load_buildings(p)


def test_two_headers_meaning_the_same_are_refused(tmp_path):
    p = _csv(tmp_path, "building_id,district,main_use,연면적,연면적(㎡)\nB1,1생활권,업무시설,100,900\n")
    with pytest.raises(InputFileError, match="both give floor_area_m2"):
        load_buildings(p)


def test_duplicate_header_in_billing_is_refused(tmp_path):
    p = _csv(tmp_path, "수용가번호,수용가주소,업종,부과년월,사용량(㎥),사용량(㎥)\n1,가온시 나래동 1,가정용,202301,10,1\n")
    with pytest.raises(InputFileError, match="used twice"):
        read_billing(p)


def _workbook(tmp_path: Path, title_rows: int, first_sheet_note: bool) -> Path:
    wb = Workbook()
    ws = wb.active
    if first_sheet_note:
        ws.title = "설명"
        ws.append(["이 통합문서는 건축물 목록입니다 (notes sheet)"])
        ws = wb.create_sheet("건축물")
    for i in range(title_rows):
        ws.append([f"가온시 건축물 목록 {i + 1}"])
    ws.append(["건물ID", "배수구역", "주용도", "연면적(㎡)", "세대수"])
    ws.append(["B1", "1생활권", "아파트", 1000, 10])
    ws.append(["B2", "1생활권", "업무시설", "inf", 0])
    p = tmp_path / "book.xlsx"
    wb.save(p)
    return p


def test_xlsx_data_on_another_sheet_under_title_rows_is_found_with_true_row_numbers(tmp_path):
    p = _workbook(tmp_path, title_rows=2, first_sheet_note=True)
    valid, rejected = load_buildings(p, skip_invalid=True)
    assert valid["building_id"].tolist() == ["B1"]
    assert rejected["source_row"].tolist() == [5]  # 2 title rows + header + B1 + B2 as Excel numbers them


def test_sheet_option_picks_the_sheet(tmp_path):
    p = _workbook(tmp_path, title_rows=0, first_sheet_note=True)
    out = tmp_path / "o.csv"
    r = runner.invoke(app, ["estimate", str(p), "--sheet", "건축물", "--out", str(out), "--skip-invalid"])
    assert r.exit_code == 0, r.output
    assert pd.read_csv(out)["building_id"].tolist() == ["B1"]
    r = runner.invoke(app, ["estimate", str(p), "--sheet", "없는시트", "--out", str(tmp_path / "x.csv")])
    assert r.exit_code == 2 and "없는시트" in r.output


# --------------------------------------------------------------------------------------
# issue 14 item 7: tab- and semicolon-separated files
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("sep", ["\t", ";", "|"])
def test_tab_and_semicolon_separated_register_is_read(tmp_path, sep):
    text = (HEADER + GOOD + "B2,2생활권,아파트,500,5,\n").replace(",", sep)
    valid, _ = load_buildings(_csv(tmp_path, text, name="t.tsv" if sep == "\t" else "t.csv"))
    assert valid["building_id"].tolist() == ["B1", "B2"] and valid["floor_area_m2"].tolist() == [1000.0, 500.0]


@pytest.mark.parametrize("sep", ["\t", ";"])
def test_tab_and_semicolon_separated_billing_is_read(tmp_path, sep):
    text = (BILL_HEADER + "1,가온시 나래동 1,가정용,202301,10,1\n").replace(",", sep)
    records, rejected = read_billing(_csv(tmp_path, text))
    assert len(rejected) == 0 and records.loc[0, "billed_m3"] == 10.0 and records.loc[0, "use_class"] == "가정용"


def test_rows_that_do_not_match_the_header_name_the_delimiter(tmp_path):
    p = _csv(tmp_path, BILL_HEADER.replace(",", ";") + "1;가온시 나래동 1;가정용;202301;10;1;extra;more\n")
    with pytest.raises(InputFileError, match="semicolon"):
        read_billing(p)


def test_sql_month_rule_is_the_python_rule():
    from sewerplan.model.intake.billing import parse_billing_month

    vals = ["202301", "2023.1", "2023-1", "2023/01", "2023년 1월", "202301.0", "2023-01-01 00:00:00", "+20231",
            "2023 1", "1e5000", "2023_1", "202313", "190001", "220012", "220101", "000000", "2023.12.31"]
    df = pd.DataFrame({"수용가번호": "1", "주소": "가온시 나래동 1", "업종": "가정용", "부과년월": vals, "사용량": "1"})
    records, rejected = read_billing(df)
    got = dict(zip(records["source_row"], records["billing_month"]))
    assert [got.get(i + 2) for i in range(len(vals))] == [parse_billing_month(v) for v in vals]


def test_cells_padded_with_korean_office_white_space_are_read_trimmed(tmp_path):
    """Spaces, tabs, no-break spaces, ideographic spaces and stray BOMs around a value are not part of it."""
    rows = [("수용가번호", "수용가주소", "업종", "부과년월", "사용량(㎥)"),
            ("\u3000C1 ", "경기도 가온시 가온동 1", "가정용\u00a0", " 202301", "\t12\ufeff"),
            ("C2", "경기도 가온시 가온동 2", "가정용", "202301", "7")]
    path = tmp_path / "bills.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    records, rejected = read_billing(path)
    assert len(rejected) == 0
    assert records["customer_id"].tolist() == ["C1", "C2"]
    assert records["billed_m3"].tolist() == [12.0, 7.0] and records["billing_month"].tolist() == ["202301", "202301"]
