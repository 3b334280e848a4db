from pathlib import Path

import pandas as pd
import pytest

from sewerplan.model import InputFileError, InventoryValidationError, load_buildings, read_table
from sewerplan.model.intake.inventory import district_from_address

DATA = Path(__file__).parent / "data"
REGISTER = DATA / "register_sample.csv"

API_ROWS = pd.DataFrame(
    {
        "mgmBldrgstPk": ["A1", "A2"],
        "platPlc": ["경기도 시흥시 정왕동 1801-1", "경기도 시흥시 배곧동 22"],
        "mainPurpsCdNm": ["아파트", "업무시설"],
        "totArea": ["12000.5", "4200"],
        "hhldCnt": ["100", "0"],
        "hoCnt": ["100", "0"],
        "grndFlrCnt": ["15", "8"],
        "useAprDay": ["20190501", "20211130"],
        "sigunguCd": ["41390", "41390"],
        "bjdongCd": ["13200", "13300"],
        "platGbCd": ["0", "1"],
        "bun": ["1801", "22"],
        "ji": ["1", "0"],
    }
)


def _write(tmp_path, name, df, encoding="utf-8"):
    p = tmp_path / name
    df.to_csv(p, index=False, encoding=encoding)
    return p


def test_korean_register_headers_map_to_canonical_columns():
    valid, rejected = load_buildings(REGISTER)
    assert len(valid) == 6 and len(rejected) == 0
    first = valid.iloc[0]
    assert first["building_id"] == "11000-1001"
    assert first["main_use"] == "아파트"
    assert first["floor_area_m2"] == pytest.approx(12000.5)
    assert first["households"] == 100
    assert first["approval_year"] == 2019
    assert first["district"] == "정왕동"  # 법정동 of 대지위치
    assert set(valid["category"]) == {"residential", "commercial", "industrial", "public_other"}


def test_api_field_names_map_and_build_the_pnu(tmp_path):
    valid, _ = load_buildings(_write(tmp_path, "api.csv", API_ROWS))
    assert list(valid["building_id"]) == ["A1", "A2"]
    assert valid.loc[0, "pnu"] == "4139013200" + "1" + "1801" + "0001"
    assert valid.loc[1, "pnu"] == "4139013300" + "2" + "0022" + "0000"  # platGbCd 1 = 산 -> 2
    assert valid.loc[1, "floors_above"] == 8


def test_cp949_csv_is_read(tmp_path):
    src = pd.read_csv(REGISTER, dtype=str)
    p = _write(tmp_path, "cp949.csv", src, encoding="cp949")
    with pytest.raises(UnicodeDecodeError):
        p.read_text(encoding="utf-8")
    valid, _ = load_buildings(p)
    assert list(valid["main_use"]) == list(src["주용도코드명"])


def test_xlsx_is_read(tmp_path):
    src = pd.read_csv(REGISTER, dtype=str)
    src["연면적(㎡)"] = src["연면적(㎡)"].astype(float)
    p = tmp_path / "register.xlsx"
    src.to_excel(p, index=False)
    valid, _ = load_buildings(p)
    assert valid["floor_area_m2"].sum() == pytest.approx(src["연면적(㎡)"].sum())


def _bad_table():
    return pd.DataFrame(
        {
            "building_id": ["b1", "", "b3", "b4", "b5", "b1", "b7"],
            "district": ["A", "A", "A", "A", "A", "A", "A"],
            "main_use": ["아파트", "아파트", "업무시설", "업무시썰", "공장", "공장", "공장"],
            "floor_area_m2": ["1000", "1000", "-5", "100", "abc", "100", "100"],
            "households": ["10", "10", "", "", "", "", ""],
            "approval_year": ["2019", "2019", "2019", "2019", "2019", "2019", "1750"],
        }
    )


@pytest.mark.parametrize(
    "row, column, value, words",
    [
        (3, "building_id", "", "blank"),
        (4, "floor_area_m2", "-5", "greater than 0"),
        (5, "main_use", "업무시썰", "업무시설"),  # closest valid name offered
        (6, "floor_area_m2", "abc", "not a number"),
        (7, "building_id", "b1", "duplicate id; first used in row 2"),
        (8, "approval_year", "1750", "impossible year"),
    ],
)
def test_each_bad_value_is_reported_with_file_row_column_value(tmp_path, row, column, value, words):
    p = _write(tmp_path, "bad.csv", _bad_table())
    with pytest.raises(InventoryValidationError) as info:
        load_buildings(p)
    hits = [pr for pr in info.value.problems if pr.row == row and pr.column == column]
    assert hits, info.value.problems
    assert hits[0].value == value and words in hits[0].message
    assert hits[0].file == str(p)
    assert f"row {row}" in str(info.value)


def test_all_problems_are_listed_at_once(tmp_path):
    p = _write(tmp_path, "bad.csv", _bad_table())
    with pytest.raises(InventoryValidationError) as info:
        load_buildings(p)
    assert {pr.row for pr in info.value.problems} == {3, 4, 5, 6, 7, 8}
    assert "--skip-invalid" in str(info.value)


def test_skip_invalid_keeps_every_row_accounted_for(tmp_path):
    p = _write(tmp_path, "bad.csv", _bad_table())
    valid, rejected = load_buildings(p, skip_invalid=True)
    assert len(valid) + len(rejected) == 7
    assert list(valid["building_id"]) == ["b1"]
    assert list(rejected["source_row"]) == [3, 4, 5, 6, 7, 8]
    assert rejected["rejected_reason"].str.len().min() > 0


def test_household_shares_must_add_up(tmp_path):
    df = pd.DataFrame({"building_id": ["x"], "district": ["A"], "main_use": ["아파트"], "floor_area_m2": ["900"],
                       "households": ["10"], "hh_share_1": ["0.5"], "hh_share_2": ["0.2"]})
    with pytest.raises(InventoryValidationError, match="add up to 1"):
        load_buildings(_write(tmp_path, "s.csv", df))


def test_district_column_option_and_missing_columns(tmp_path):
    df = pd.DataFrame({"building_id": ["x"], "처리분구": ["P1"], "main_use": ["업무시설"], "floor_area_m2": ["900"]})
    p = _write(tmp_path, "d.csv", df)
    with pytest.raises(InputFileError, match="district"):
        load_buildings(p)
    valid, _ = load_buildings(p, district_column="처리분구")
    assert valid.loc[0, "district"] == "P1"
    with pytest.raises(InputFileError, match="no column 'nope'"):
        load_buildings(p, district_column="nope")


def test_unreadable_inputs_give_clear_errors(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        read_table(tmp_path / "missing.csv")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputFileError, match="unsupported"):
        read_table(tmp_path / "x.pdf")
    (tmp_path / "empty.csv").write_text("building_id,district,main_use,floor_area_m2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no rows"):
        load_buildings(tmp_path / "empty.csv")


def test_district_from_address():
    assert district_from_address("경기도 시흥시 정왕동 1801-1") == "정왕동"
    assert district_from_address("충청남도 홍성군 홍북읍 신경리 1") == "홍북읍"
    assert district_from_address("") == ""


def test_coordinates_are_optional_and_range_checked(tmp_path):
    df = pd.DataFrame({"building_id": ["a", "b"], "district": ["A", "A"], "main_use": ["업무시설", "업무시설"],
                       "floor_area_m2": ["100", "100"], "위도": ["37.38", "137.0"], "경도": ["-73.9", "126.7"]})
    with pytest.raises(InventoryValidationError) as info:
        load_buildings(_write(tmp_path, "c.csv", df))
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "위도")]
    valid, _ = load_buildings(_write(tmp_path, "c.csv", df.iloc[:1]))
    assert valid.loc[0, "longitude"] == pytest.approx(-73.9)


def test_a_users_own_source_row_column_is_kept_not_clobbered(tmp_path):
    df = pd.DataFrame({"building_id": ["a"], "district": ["A"], "main_use": ["공장"], "floor_area_m2": ["100"],
                       "source_row": ["77"]})
    valid, _ = load_buildings(_write(tmp_path, "s.csv", df))
    assert valid.loc[0, "source_row"] == 2


def test_multi_unit_housing_without_households_or_dwellings_is_an_error(tmp_path):
    df = pd.DataFrame({"building_id": ["a", "b", "c"], "district": ["A"] * 3, "main_use": ["아파트", "아파트", "단독주택"],
                       "floor_area_m2": ["5000", "5000", "120"], "households": ["", "40", ""]})
    with pytest.raises(InventoryValidationError) as info:
        load_buildings(_write(tmp_path, "h.csv", df))
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "households")]
    assert "세대수" in info.value.problems[0].message
