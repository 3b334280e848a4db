import pytest

from sewerplan.model import unit_load_flow
from sewerplan.model import units as u


def test_conversions_round_trip():
    assert u.litres_per_day_to_m3_per_day(85_800) == pytest.approx(85.8)
    assert u.m3_per_day_to_litres_per_day(85.8) == pytest.approx(85_800)
    assert u.m3_per_month_to_m3_per_day(u.m3_per_day_to_m3_per_month(3.0)) == pytest.approx(3.0)
    assert u.krw_to_100m_krw(u.hundred_million_krw_to_krw(1670)) == pytest.approx(1670)


def test_nyc_water_conversion_matches_published_column():
    # shared/README: water_m3_per_day = kgal/yr x 3.785411784 / 365
    assert u.kgal_per_year_to_m3_per_day(7684.7) == pytest.approx(79.6979559904241)


def test_same_building_in_two_units_gives_same_flow():
    area_ft2 = 10_000.0
    assert unit_load_flow("업무시설", u.ft2_to_m2(area_ft2)) == pytest.approx(unit_load_flow("업무시설", 929.0304))
    assert unit_load_flow("업무시설", u.pyeong_to_m2(100)) == pytest.approx(15 * 330.578512 / 1000, rel=1e-6)
