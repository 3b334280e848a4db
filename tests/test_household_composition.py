"""Household composition per building: import (Korean headers, CP949, bad values), join, prepare."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.model.errors import InputFileError
from sewerplan.model.intake.household_composition import join_household_mix, read_household_mix
from sewerplan.model.intake.prepare import prepare_training_table, write_prepared

from test_prepare import BILLING, REGISTER_KO

MIX_KO = (
    "관리건축물대장PK,대지위치,1인가구,2인가구,3인가구,4인가구,5인이상가구\n"
    "P2,,10,10,10,10,10\n"                                     # by building id
    ",경기도 가온시 나래동 200-1번지,0,1,0,-,0\n"                 # by address; '-' = 0
    "P4,,1,1,1,1,1\n"                                          # rejected in the register: unmatched
    "P9,,abc,1,1,1,1\n"                                        # not a number
    "P8,,X,1,1,1,1\n"                                          # suppressed
    "Q1,경기도 가온시 외곽동 5번지,1,0,0,0,0\n"                   # not in the register
)


def _write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
def test_read_household_mix_korean_headers_and_bad_values(tmp_path, encoding):
    recs, rej = read_household_mix(_write(tmp_path, "mix.csv", MIX_KO, encoding))
    assert list(recs["building_id"]) == ["P2", "", "P4", "Q1"]
    assert recs.loc[0, ["hh_share_1", "hh_share_5plus"]].tolist() == pytest.approx([0.2, 0.2])
    assert recs.loc[1, "hh_share_2"] == pytest.approx(1.0)
    assert recs.loc[0, "households"] == 50
    assert list(rej["source_row"]) == [5, 6]
    r9 = rej.loc[0, "rejected_reason"]
    assert "row 5" in r9 and "column '1인가구'" in r9 and "value 'abc'" in r9 and "not a number" in r9
    assert "suppressed" in rej.loc[1, "rejected_reason"]


def test_read_household_mix_shares_percent_and_errors(tmp_path):
    text = ("pnu,hh_share_1,hh_share_2,hh_share_3,hh_share_4,hh_share_5plus\n"
            "4199010200101000000,40,30,20,10,0\n"
            "4199010200101000000,0.4,0.3,0.2,0.1,0\n"      # duplicate key
            "4199010200102000000,0.5,0.5,0.5,0,0\n"        # sums to 1.5
            "4199010200103000000,0.5,0.5,,0,0\n")          # blank share
    recs, rej = read_household_mix(_write(tmp_path, "mix.csv", text))
    assert len(recs) == 1 and recs.loc[0, "hh_share_1"] == pytest.approx(0.4)
    reasons = list(rej["rejected_reason"])
    assert "same building/parcel as row 2" in reasons[0]
    assert "sum to 1.5" in reasons[1] and "value '0.5'" in reasons[1]
    assert "blank" in reasons[2]
    with pytest.raises(InputFileError, match="1인가구"):
        read_household_mix(_write(tmp_path, "bad.csv", "관리건축물대장PK,1인가구\nP1,3\n"))
    with pytest.raises(InputFileError, match="관리건축물대장PK"):
        read_household_mix(_write(tmp_path, "bad2.csv", "1인가구,2인가구,3인가구,4인가구,5인이상가구\n1,1,1,1,1\n"))


def test_parcel_row_goes_to_every_residential_building_of_the_parcel():
    import pandas as pd

    b = pd.DataFrame({"building_id": ["A", "B", "C"], "category": ["residential", "residential", "commercial"],
                      "pnu": ["4199010200101000000"] * 3, "address": [""] * 3})
    recs, _ = read_household_mix(pd.DataFrame({"PNU": ["4199010200101000000"], "1인가구": ["3"], "2인가구": ["1"],
                                               "3인가구": ["0"], "4인가구": ["0"], "5인이상가구": ["0"]}))
    out, unmatched, counts = join_household_mix(b, recs)
    assert out["hh_share_1"].tolist()[:2] == [0.75, 0.75] and np.isnan(out["hh_share_1"].iloc[2])
    assert counts["rows_matched_by_pnu"] == 1 and counts["residential_buildings_without_mix"] == 0
    assert len(unmatched) == 0


def test_prepare_with_household_mix(tmp_path):
    reg = _write(tmp_path, "register.csv", REGISTER_KO, "cp949")
    bill = _write(tmp_path, "billing.csv", BILLING, "cp949")
    mix = _write(tmp_path, "mix.csv", MIX_KO, "cp949")
    p = prepare_training_table(reg, bill, household_mix=mix)
    t = p.training_table.set_index("building_id")
    assert t.loc["P2", "hh_share_3"] == pytest.approx(0.2)
    assert t.loc["P3", "hh_share_2"] == pytest.approx(1.0)
    assert t.loc["P1", ["hh_share_1"]].isna().all()  # no composition: NaN, counted
    hm = p.report["household_mix"]
    assert hm["rows_read"] == 6 and hm["rows_rejected"] == 2
    assert hm["rows_matched"] == 2 and hm["rows_unmatched"] == 2  # P4 (rejected register row), Q1
    assert hm["residential_buildings_without_mix"] == 1
    paths = write_prepared(p, tmp_path / "out", inputs=(reg, bill, mix))
    assert "Q1" in paths["unmatched_household_mix"].read_text(encoding="utf-8-sig")
    assert "abc" in paths["rejected_household_mix"].read_text(encoding="utf-8-sig")
    # without a composition file nothing changes: no extra files
    paths2 = write_prepared(prepare_training_table(reg, bill), tmp_path / "out2")
    assert "rejected_household_mix" not in paths2


def test_prepare_cli_household_mix(tmp_path):
    reg = _write(tmp_path, "register.csv", REGISTER_KO)
    bill = _write(tmp_path, "billing.csv", BILLING)
    mix = _write(tmp_path, "mix.csv", MIX_KO)
    r = CliRunner().invoke(app, ["prepare", "--register", str(reg), "--billing", str(bill),
                                 "--household-mix", str(mix), "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    rep = json.loads((tmp_path / "o" / "match_report.json").read_text(encoding="utf-8"))
    assert rep["household_mix"]["residential_buildings_with_mix"] == 2
