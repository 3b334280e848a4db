"""Billing import: headers (Korean / English), encodings, rejected rows, observed sewage."""

import gzip

import pandas as pd
import pytest

from sewerplan.model.intake.billing import (meter_day_averages, parse_billing_month, read_billing,
                                     screen_meter_months)
from sewerplan.model.errors import InputFileError

KOREAN = (
    "수용가번호,수용가주소,필지고유번호(PNU),업종,구경(mm),가구수,부과년월,사용량(㎥)\n"
    "1001,경기도 가온시 나래동 123-4번지,,가정용,20,1,202301,31\n"
    "1001,경기도 가온시 나래동 123-4번지,,가정용,20,1,202302,28\n"
    "1002,,4199010200101230004,일반용,25,0,2023-01,62\n"
    "1003,가온시 나래동 12,,욕탕용,50,0,2023년 1월,\n"
    "1004,가온시 나래동 13,,공업용,50,0,202301,-5\n"
    "1005,가온시 나래동 14,,수도용,50,0,202301,5\n"
    "1006,가온시 나래동 15,,공공용,50,0,2023-13,5\n"
)
ENGLISH = (
    "customer_no,address,pnu,use_class,households,billing_month,billed_m3\n"
    "1001,가온시 나래동 123-4,,household,1,202301,31\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
def test_korean_headers_in_both_encodings(tmp_path, encoding):
    path = tmp_path / "billing.csv"
    path.write_bytes(KOREAN.encode(encoding))
    records, rejected = read_billing(path)
    assert len(records) == 3
    assert len(rejected) == 4  # blank, negative, unknown use class, impossible month: kept, not dropped
    assert list(rejected["source_row"]) == [5, 6, 7, 8]
    reasons = " ".join(rejected["rejected_reason"])
    for word in ("blank", "negative", "unknown use class", "not a billing month"):
        assert word in reasons
    assert records.loc[2, "pnu"] == "4199010200101230004"
    assert records.loc[2, "billing_month"] == "202301"


def test_english_headers_and_gzip(tmp_path):
    path = tmp_path / "billing.csv.gz"
    path.write_bytes(gzip.compress(ENGLISH.encode("utf-8")))
    records, rejected = read_billing(path)
    assert len(records) == 1 and len(rejected) == 0
    assert records.loc[0, "use_class"] == "가정용"


def test_missing_required_column_names_it():
    df = pd.DataFrame({"수용가번호": ["1"], "주소": ["가온시 나래동 1"], "부과년월": ["202301"], "업종": ["가정용"]})
    with pytest.raises(InputFileError, match="billed_m3"):
        read_billing(df)


@pytest.mark.parametrize("text", ["202301", "2023-01", "2023.1", "2023/01", "2023년 1월", "2023-01-01 00:00:00",
                                  "202301.0"])
def test_parse_billing_month(text):
    assert parse_billing_month(text) == "202301"


def test_observed_sewage_is_billed_over_days_times_return_ratio(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(KOREAN, encoding="utf-8")
    records, _ = read_billing(path)
    meters = meter_day_averages(records).set_index("customer_id")
    # 31 m3 in January (31 d) + 28 m3 in February (28 d) = 1 m3/d water -> 0.85 m3/d sewage
    assert meters.loc["1001", "water_m3_per_day"] == pytest.approx(1.0)
    assert meters.loc["1001", "sewage_m3_per_day"] == pytest.approx(0.85)
    assert meters.loc["1001", "months_billed"] == 2
    assert bool(meters.loc["1001", "short_record"])


def test_misread_month_is_flagged_not_averaged():
    rows = [("9", "가온시 나래동 1", "", "가정용", 0.0, f"2023{m:02d}", 30.0, 30.0, m + 1) for m in range(1, 13)]
    records = pd.DataFrame(rows, columns=["customer_id", "address", "pnu", "use_class", "households",
                                          "billing_month", "billed_m3", "days", "source_row"])
    records["meter_size_mm"] = 20.0
    records.loc[5, "billed_m3"] = 300.0  # misread x10
    kept, flagged = screen_meter_months(records)
    assert len(flagged) == 1 and flagged.loc[0, "billing_month"] == "202306"
    assert meter_day_averages(kept)["water_m3_per_day"].iloc[0] == pytest.approx(1.0)
