"""Billing data is personal data: no personal column survives ``prepare``, keyed pseudonyms, small cells."""

import dataclasses
import gzip
import io
import json

import pandas as pd
import pypdf
import pytest
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.model.errors import InputFileError
from sewerplan.model.intake.prepare import prepare_training_table, write_prepared
from sewerplan.model.intake.privacy import (KEY_ENV, PseudonymKey, is_personal_header, load_key, merge_small_cells,
                                            pseudonym)
from sewerplan.model.outputs.results import example_bundle
from sewerplan.recipe.sample_town import write_sample_town

SECRET_A = "a3f1c9e07b2d4c58a1e6f09d3b7c2e41"
SECRET_B = "0f9e8d7c6b5a49382716a5b4c3d2e1f0"


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    """A small synthetic town whose bills carry names, phone numbers and distinctive customer numbers."""
    base = tmp_path_factory.mktemp("privacy")
    paths = write_sample_town(base / "town", seed=5, scale=0.1)
    bills = pd.read_csv(paths["billing"], dtype=str)
    bills["수용가번호"] = "CUST-" + bills["수용가번호"]
    bills["성명"] = [f"홍길동{i % 997:03d}" for i in range(len(bills))]
    bills["전화번호"] = [f"010-5{i % 1000:03d}-{i % 9973:04d}" for i in range(len(bills))]
    bills["고지서 송달주소"] = "서울특별시 중구 세종대로 110"
    bills.loc[:30, "사용량(㎥)"] = ""  # rejected rows: written back, without the personal columns
    billing = base / "bills.csv.gz"
    with gzip.open(billing, "wt", encoding="utf-8") as fh:
        bills.to_csv(fh, index=False)
    register = pd.read_csv(paths["register"], dtype=str)
    register["소유자 성명"] = "김철수"
    register["연락처"] = "02-1234-5678"
    register.to_csv(base / "register.csv", index=False, encoding="utf-8")
    (base / "a.key").write_text(SECRET_A + "\n", encoding="utf-8")
    (base / "b.key").write_text(SECRET_B, encoding="utf-8")
    return base, base / "register.csv", billing, paths["household_mix"]


def _prepare(town, key_name, out_name):
    base, register, billing, mix = town
    prep = prepare_training_table(register, billing, household_mix=mix, pseudonym_key=load_key(base / key_name))
    return prep, write_prepared(prep, base / out_name, inputs=(register, billing, mix))


@pytest.fixture(scope="module")
def prepared_a(town):
    return _prepare(town, "a.key", "out_a")


def test_no_personal_value_survives_prepare_in_any_output_file(town, prepared_a):
    base = town[0]
    files = sorted((base / "out_a").iterdir())
    assert len(files) >= 10
    for f in files:
        text = f.read_text(encoding="utf-8-sig")
        for needle in ("CUST-", "홍길동", "010-5", "세종대로", "김철수", "02-1234", SECRET_A):
            assert needle not in text, (f.name, needle)
        if f.suffix == ".csv":  # no personal column, not even empty (the match report names them as dropped)
            header = text.splitlines()[0].split(",")
            assert not {"성명", "전화번호", "고지서 송달주소", "소유자 성명", "연락처"} & set(header), f.name
    rejected = pd.read_csv(base / "out_a" / "rejected_billing_rows.csv", dtype=str)
    assert len(rejected) >= 31 and rejected["수용가번호"].str.match(r"^P-[0-9a-f]{20}$").all()


def test_the_match_report_states_method_key_and_dropped_columns(prepared_a):
    pv = json.loads(prepared_a[1]["match_report"].read_text(encoding="utf-8"))["privacy"]
    assert pv["customer_number_column"] == "수용가번호" and "HMAC-SHA256" in pv["pseudonym_method"]
    assert pv["key_source"] == "key file a.key" and pv["key_id"] == load_key_id(SECRET_A)
    assert set(pv["billing_columns_dropped"]) == {"성명", "전화번호", "고지서 송달주소"}
    assert set(pv["register_columns_dropped"]) == {"소유자 성명", "연락처"}


def load_key_id(secret: str) -> str:
    return PseudonymKey(secret.encode(), "test").key_id


def test_pseudonyms_are_stable_under_one_key_and_differ_under_another(town, prepared_a):
    again, _ = _prepare(town, "a.key", "out_a2")
    other, _ = _prepare(town, "b.key", "out_b")
    ids_a = prepared_a[0].links["customer_id"].tolist()
    assert again.links["customer_id"].tolist() == ids_a
    assert set(other.links["customer_id"]).isdisjoint(ids_a)
    assert len(set(ids_a)) == prepared_a[0].links["customer_id"].nunique() > 50
    # whoever holds the key can recompute a pseudonym from a customer number (and nobody else can)
    assert _raw_customer(town, ids_a[0], PseudonymKey(SECRET_A.encode(), "t")).startswith("CUST-")


def _raw_customer(town, pseudo, key):
    """The raw customer number behind a pseudonym, found by recomputing (only the key holder can)."""
    bills = pd.read_csv(town[2], dtype=str)
    return next(c for c in bills["수용가번호"].unique() if pseudonym(c, key) == pseudo)


def test_key_sources_and_short_keys(tmp_path):
    assert load_key(environ={KEY_ENV: SECRET_B}).source == f"environment variable {KEY_ENV}"
    one_off = load_key(environ={})
    assert "one-off" in one_off.source and SECRET_A not in repr(one_off)
    (tmp_path / "short.key").write_text("1234", encoding="utf-8")
    with pytest.raises(InputFileError, match="at least 16"):
        load_key(tmp_path / "short.key")
    with pytest.raises(InputFileError, match="not found"):
        load_key(tmp_path / "none.key")


@pytest.mark.parametrize("header, personal", [
    ("성명", True), ("수용가명", True), ("휴대폰번호", True), ("E-mail", True), ("customer_name", True),
    ("Phone", True), ("주민등록번호", True), ("건물명", False), ("building_name", False), ("수용가번호", False),
    ("대지위치", False), ("주용도코드명", False), ("mainPurpsCdNm", False), ("customer_id", False)])
def test_personal_headers(header, personal):
    assert is_personal_header(header) is personal


def test_small_cells_merge_until_no_cell_is_below_the_minimum():
    t = pd.DataFrame({"d": ["a", "b", "c", "e"], "n": [3, 40, 4, 25], "v": [1.0, 2.0, 3.0, 4.0]})
    out, merged = merge_small_cells(t, "n", ["v"], 10, "d", "other")
    assert merged == ["a", "c", "e"]  # 3 + 4 < 10: the smallest large district joins them
    assert out["d"].tolist() == ["b", "other"] and out["n"].tolist() == [40, 32] and out["v"].sum() == 10.0
    tiny, _ = merge_small_cells(t.assign(n=[1, 2, 1, 2]), "n", ["v"], 10, "d", "other")
    assert tiny["v"].isna().all()
    same, none = merge_small_cells(t.assign(n=[10, 40, 11, 25]), "n", ["v"], 10, "d", "other")
    assert none == [] and len(same) == 4


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_hearing_handout_suppresses_small_cells_and_says_so():
    from sewerplan.reporting import build_context, render_pdf_bytes

    bundle = example_bundle()
    bundle.existing[4] = dataclasses.replace(bundle.existing[4], district="외딴마을", n_buildings=4,
                                             observed_m3_per_day=123.0)
    ctx = build_context("hearing", bundle, "ko")
    shown = [r["district"] for r in ctx["existing_rows"]]
    assert "외딴마을" not in shown and "기타 구역 합산 (2곳)" in shown
    assert all(int(r["buildings"].replace(",", "")) >= 10 for r in ctx["existing_rows"])
    assert "10동 미만" in ctx["existing_notes"][0] and "2곳" in ctx["existing_notes"][0]
    assert "외딴마을" not in " ".join(ctx["existing_notes"])  # merged districts are not named (issue 23)
    text = _pdf_text(render_pdf_bytes("hearing", bundle, "ko"))
    assert "123" not in text and "기타 구역 합산" in text and "가명처리" in text and "외딴마을" not in text
    assert len(pypdf.PdfReader(io.BytesIO(render_pdf_bytes("hearing", bundle, "en"))).pages) == 4  # docs/reports.md


def test_a_higher_minimum_from_the_project_merges_more():
    from sewerplan.reporting import build_context

    bundle = example_bundle()
    bundle.metadata.min_public_cell_buildings = 350
    ctx = build_context("hearing", bundle, "en")
    assert ctx["existing_merged"] == 2  # 4동 산업단지 (95) and 5동 단독주택지 (300), unnamed
    assert not {"4동 산업단지", "5동 단독주택지"} & {r["district"] for r in ctx["existing_rows"]}
    assert "350 buildings" in " ".join(ctx["existing_notes"])


def test_prepare_cli_takes_a_key_file_and_prints_what_it_dropped(town, tmp_path):
    base, register, billing, _ = town
    result = CliRunner().invoke(app, ["prepare", "--register", str(register), "--billing", str(billing),
                                      "--out", str(tmp_path / "p"), "--key-file", str(base / "a.key")])
    assert result.exit_code == 0, result.output
    assert "pseudonymised" in result.output and load_key_id(SECRET_A) in result.output
    assert "전화번호" in result.output  # listed as dropped


def test_pseudonym_is_the_documented_hmac_of_the_customer_number():
    """'P-' + the first 20 hex digits of HMAC-SHA256(key, number): a city can recompute it with its key."""
    import hashlib
    import hmac

    from sewerplan.model.intake.privacy import PseudonymKey, pseudonym

    key = PseudonymKey(b"a-city-key-of-32-bytes-0123456789", "test")
    expected = "P-" + hmac.new(key.secret, "1000724".encode(), hashlib.sha256).hexdigest()[:20]
    assert pseudonym(" 1000724 ", key) == expected and pseudonym("", key) == ""


@pytest.mark.parametrize("secret", [b"a-city-key-of-32-bytes-0123456789", bytes(range(200))])  # long keys are hashed
def test_the_engine_computes_the_same_pseudonyms_as_python(secret):
    """prepare pseudonymises the meters in SQL (issue 25); every value, odd ones included, gets pseudonym()."""
    import duckdb

    from sewerplan.model.intake.privacy import PseudonymKey, pseudonym, pseudonym_table

    key = PseudonymKey(secret, "test")
    values = ["1000724", "0-1002589", "수용가 123", " lead", "trail ", "nan", "NaN", "x\u3000", "\u2003y", "a\x1fb",
              "", "é" * 50, "tab\t", "\x85z", "'; DROP TABLE meters; --", "NANA", *(f"id{i}" for i in range(300))]
    con = duckdb.connect()
    con.register("v", pd.DataFrame({"raw": values}))
    pseudonym_table(con, "ps", "SELECT raw FROM v", key)
    got = dict(con.execute("SELECT raw, pseudonym FROM ps").fetchall())
    assert got == {v: pseudonym(v, key) for v in values}
