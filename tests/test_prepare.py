"""``prepare``: register (API names or Korean headers, UTF-8/CP949) + billing -> training table + report."""

import json

import pytest
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.model.errors import InputFileError
from sewerplan.model.intake.prepare import prepare_training_table, write_prepared

REGISTER_API = (
    "mgmBldrgstPk,platPlc,sigunguCd,bjdongCd,platGbCd,bun,ji,mainPurpsCdNm,totArea,hhldCnt,hoCnt,grndFlrCnt,useAprDay\n"
    "P1,경기도 가온시 나래동 100번지,41990,10200,0,0100,0000,아파트,8000,100,0,20,20100101\n"
    "P2,경기도 가온시 나래동 100번지,41990,10200,0,0100,0000,아파트,4000,50,0,15,20100101\n"
    "P3,경기도 가온시 나래동 200-1번지,41990,10200,0,0200,0001,단독주택,150,1,0,2,19990505\n"
    "P4,경기도 가온시 나래동 300번지,41990,10200,0,0300,0000,제1종근린생활시설,,0,0,3,20050101\n"
)
REGISTER_KO = REGISTER_API.replace(
    "mgmBldrgstPk,platPlc,sigunguCd,bjdongCd,platGbCd,bun,ji,mainPurpsCdNm,totArea,hhldCnt,hoCnt,grndFlrCnt,useAprDay",
    "관리건축물대장PK,대지위치,시군구코드,법정동코드,대지구분코드,번,지,주용도코드명,연면적(㎡),세대수(세대),호수(호),지상층수,사용승인일")
BILLING = "수용가번호,수용가주소,필지고유번호(PNU),업종,가구수,부과년월,사용량(㎥)\n" + "".join(
    f"M1,,4199010200101000000,가정용,150,2023{m:02d},{30 * 31 if m == 1 else 30 * 28}\n" for m in (1, 2)
) + "".join(
    f"H1,가온시 나래동 200-1,,가정용,1,2023{m:02d},{31 if m == 1 else 28}\n" for m in (1, 2)
) + "X1,가온시 외곽동 5,,가정용,1,202301,10\nX2,가온시 나래동 300,,일반용,0,202301,\n"


@pytest.mark.parametrize("header", ["api", "korean"])
@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
def test_prepare_register_and_billing(tmp_path, header, encoding):
    reg = tmp_path / "register.csv"
    reg.write_bytes((REGISTER_API if header == "api" else REGISTER_KO).encode(encoding))
    bill = tmp_path / "billing.csv"
    bill.write_bytes(BILLING.encode(encoding))
    p = prepare_training_table(reg, bill)
    t = p.training_table.set_index("building_id")
    assert list(t.index) == ["P1", "P2", "P3"]
    assert t.loc["P1", "observed_m3_per_day"] == pytest.approx(30 * 0.85 * 100 / 150)
    assert t.loc["P3", "observed_m3_per_day"] == pytest.approx(0.85)
    assert t.loc["P1", "district"] == "나래동"
    r = p.report
    assert r["register"] == {"rows_read": 4, "rows_rejected": 1, "buildings": 3}  # P4 has no floor area
    assert r["billing"]["rows_rejected"] == 1  # X2: blank volume
    assert r["match"]["meters_unmatched"] == 1  # X1: parcel not in the register
    assert r["match"]["buildings_without_meters"] == 0

    paths = write_prepared(p, tmp_path / "out", inputs=(reg, bill))
    report = json.loads(paths["match_report"].read_text(encoding="utf-8"))
    assert report["match"]["meters_total"] == 3
    unmatched = paths["unmatched_meters"].read_text(encoding="utf-8-sig")
    assert "외곽동" in unmatched and "X1" not in unmatched  # customer numbers are pseudonymised (intake.privacy)
    assert "P4" in paths["rejected_register"].read_text(encoding="utf-8-sig")
    with pytest.raises(InputFileError, match="--force"):
        write_prepared(p, tmp_path / "out")


def test_prepare_cli(tmp_path):
    reg = tmp_path / "register.csv"
    reg.write_text(REGISTER_KO, encoding="utf-8")
    bill = tmp_path / "billing.csv"
    bill.write_text(BILLING, encoding="utf-8")
    out = tmp_path / "prep"
    res = CliRunner().invoke(app, ["prepare", "--register", str(reg), "--billing", str(bill), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "training_table.csv").is_file() and (out / "match_report.json").is_file()
    res = CliRunner().invoke(app, ["prepare", "--register", str(reg), "--billing", str(bill), "--out", str(out)])
    assert res.exit_code == 2
    res = CliRunner().invoke(app, ["prepare", "--register", str(tmp_path / "nope.csv"), "--billing", str(bill)])
    assert res.exit_code == 2
