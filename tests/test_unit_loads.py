import pytest

from sewerplan.model import UnknownBuildingUse, lookup_use, persons_per_dwelling, unit_load_flow, unit_load_table
from sewerplan.model.design.unit_loads import rooms_from_area


def test_moe_table_ships_all_254_rows():
    t = unit_load_table()
    assert len(t) == 254
    assert t["code"].is_unique
    assert set(t["basis"]) == {"m2", "person"}


@pytest.mark.parametrize(
    "use, litres",
    [
        ("F-01-00", 15.0),  # office
        ("사무소", 15.0),
        ("업무시설", 15.0),
        ("소매점", 15.0),  # retail
        ("한식,분식점", 60.0),  # Korean restaurant
        ("휴게음식점", 35.0),  # cafe
        ("F-18-01", 20.0),  # hotel
        ("초등학교", 6.0),
        ("고등학교", 8.0),
        ("기숙사", 7.5),
        ("종합병원", 20.0),  # halved from 40 in 2024
        ("공장", 5.0),
    ],
)
def test_moe_notice_sample_values_l_per_m2(use, litres):
    row = lookup_use(use)
    assert row.basis == "m2"
    assert row.litres_per_unit_day == litres


def test_moe_notice_office_15_l_per_m2_gives_m3_per_day():
    assert unit_load_flow("업무시설", 1000.0) == pytest.approx(15.0)


def test_lookup_ignores_spaces_and_dots():
    assert lookup_use("문화 및 집회시설").code == lookup_use("문화및집회시설").code


def test_unknown_use_lists_closest_valid_names():
    with pytest.raises(UnknownBuildingUse, match="업무시설") as info:
        lookup_use("업무시썰")
    assert "업무시설" in info.value.suggestions
    assert isinstance(info.value, KeyError)


def test_unknown_moe_code_is_an_error():
    with pytest.raises(UnknownBuildingUse):
        lookup_use("Z-99-99")


def test_housing_persons_per_dwelling_rule():
    assert persons_per_dwelling(3, multi_unit=True) == pytest.approx(3.2)
    assert persons_per_dwelling(3, multi_unit=False) == pytest.approx(2.5)
    assert persons_per_dwelling(1, multi_unit=False) == pytest.approx(1.5)


def test_housing_200_l_in_dong_and_170_l_in_eup_myeon():
    # 100 flats of 120 m2 gross -> 3 rooms -> 3.2 persons each
    assert rooms_from_area(120.0) == 3
    urban = unit_load_flow("아파트", 12000.0, households=100)
    rural = unit_load_flow("아파트", 12000.0, households=100, rural=True)
    assert urban == pytest.approx(100 * 3.2 * 0.200)
    assert rural == pytest.approx(100 * 3.2 * 0.170)


def test_per_person_row_needs_occupants():
    from sewerplan.model import ParameterError

    with pytest.raises(ParameterError, match="occupants"):
        unit_load_flow("J-06-00", 500.0)
    assert unit_load_flow("J-06-00", 500.0, occupants=100) == pytest.approx(30.0)
