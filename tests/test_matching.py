"""Join rules: PNU first, then normalised lot address; many-to-one and one-to-many meters."""

import pandas as pd
import pytest

from sewerplan.model.intake.matching import lot_address_key, match_meters, normalise_pnu


@pytest.mark.parametrize("address", [
    "경기도 가온시 나래동 123-4", "가온시 나래동 0123-0004", "가온시 나래동 123-4번지", "경기 가온시  나래동 123 - 4",
    "가온시 나래동 123번지 4호", "가온시 나래동123-4", "가온시 나래동 123-4 가온빌딩 3층",
])
def test_lot_address_variants_share_one_key(address):
    assert lot_address_key(address) == "가온시|나래동||123|4"


def test_mountain_lot_and_ri_addresses():
    assert lot_address_key("경기 가온시 나래동 산12-3") == "가온시|나래동|산|12|3"
    assert lot_address_key("부산광역시 기장군 기장읍 대라리 12") == "기장군|기장읍 대라리||12|0"
    assert lot_address_key("가온시 가온로 12") == ""  # road-name address: not parsed
    assert normalise_pnu("41990-10200-1-0123-0004") == "4199010200101230004"
    assert normalise_pnu("123") == ""


def _buildings():
    return pd.DataFrame({
        "building_id": ["A101", "A102", "SHOP", "HOUSE", "EMPTY"],
        "main_use": ["아파트", "아파트", "제1종근린생활시설", "단독주택", "단독주택"],
        "category": ["residential", "residential", "commercial", "residential", "residential"],
        "floor_area_m2": [8000.0, 4000.0, 1000.0, 150.0, 120.0],
        "households": [100.0, 50.0, 0.0, 1.0, 1.0],
        "pnu": ["4199010200101000000"] * 3 + ["", ""],
        "address": ["경기도 가온시 나래동 100번지"] * 3 + ["경기도 가온시 나래동 200-1번지", "경기도 가온시 나래동 300번지"],
    })


def _meters(rows):
    df = pd.DataFrame(rows, columns=["customer_id", "pnu", "address", "use_class", "sewage_m3_per_day"])
    df["water_m3_per_day"] = df["sewage_m3_per_day"] / 0.85
    df["months_billed"] = 24
    df["short_record"] = False
    return df


def test_one_meter_several_buildings_split_by_households_and_floor_area():
    meters = _meters([
        ("M1", "4199010200101000000", "", "가정용", 30.0),  # bulk meter of the complex
        ("M2", "", "가온시 나래동 100", "일반용", 2.0),  # shop tenant, matched by address
        ("M3", "", "가온시 나래동 100", "일반용", 1.0),  # second shop tenant
    ])
    r = match_meters(_buildings(), meters)
    obs = r.buildings.set_index("building_id")["observed_m3_per_day"]
    assert obs["A101"] == pytest.approx(20.0)  # 100 of 150 households
    assert obs["A102"] == pytest.approx(10.0)
    assert obs["SHOP"] == pytest.approx(3.0)  # many meters -> one building: summed
    assert r.counts["meters_split_over_several_buildings"] == 1
    assert r.counts["meters_matched_by_pnu"] == 1 and r.counts["meters_matched_by_address"] == 2
    assert r.links.groupby("customer_id")["share"].sum().tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_counts_unmatched_meters_and_buildings_without_meters():
    meters = _meters([
        ("M1", "4199010200101000000", "", "가정용", 30.0),
        ("H1", "", "가온시 나래동 200-1", "가정용", 0.4),
        ("X1", "", "가온시 나레동 200-1", "가정용", 0.5),  # typo in the dong: not in the register
        ("X2", "", "가온시 가온로 5", "일반용", 0.7),  # road-name address: unreadable
    ])
    r = match_meters(_buildings(), meters)
    c = r.counts
    assert c["meters_total"] == 4 and c["meters_matched"] == 2 and c["meters_unmatched"] == 2
    assert c["meters_unmatched_by_reason"] == {"no_key": 0, "address_unreadable": 1, "not_in_register": 1}
    assert set(r.unmatched_meters["customer_id"]) == {"X1", "X2"}
    # SHOP has no non-household meter and EMPTY no meter at all: both listed, observed blank (not 0)
    assert set(r.buildings_without_meters["building_id"]) == {"SHOP", "EMPTY"}
    assert c["buildings_without_meters"] == 2
    assert r.buildings.set_index("building_id")["observed_m3_per_day"].isna().sum() == 2
    assert c["sewage_m3_per_day_unmatched"] == pytest.approx(1.2)
