"""Worksheet functions called directly, as xlwings calls them (cells and ranges as lists of rows)."""

import numpy as np
import pandas as pd
import pytest
from xlwings import XlwingsError

from sewerplan.model.design import conventional, peaking, unit_loads
from sewerplan.xl_addin import functions as fx
from sewerplan.xl_addin import settings


def col(*values):
    return [[v] for v in values]


# --- SEWER_CONVENTIONAL -----------------------------------------------------------------

def test_conventional_statistics_korea_worked_example():
    assert fx.SEWER_CONVENTIONAL(100, 2.6) == pytest.approx(85.8)
    assert fx.SEWER_CONVENTIONAL([[100]], [[2.6]], [[300]], [[1.1]]) == pytest.approx(85.8)


def test_conventional_column_spills_with_blank_optional_defaults():
    out = fx.SEWER_CONVENTIONAL(col(100, 200, 0), 2.6, col(None, 200, ""), col(1.0, None, None))
    expected = conventional.domestic_day_max(np.array([100, 200, 0]), 2.6, np.array([300, 200, 300]), np.array([1.0, 1.1, 1.1]))
    assert [r[0] for r in out] == pytest.approx(expected.tolist())


def test_conventional_accepts_numpy_series_and_text_numbers():
    s = pd.Series([100.0, 200.0])
    assert [r[0] for r in fx.SEWER_CONVENTIONAL(s, 2.6)] == pytest.approx([85.8, 171.6])
    assert fx.SEWER_CONVENTIONAL("1,000", "2.6") == pytest.approx(858.0)


def test_conventional_trailing_blank_rows_are_left_empty():
    out = fx.SEWER_CONVENTIONAL(col(100, None, None), 2.6)
    assert out[0][0] == pytest.approx(85.8) and out[1:] == [[""], [""]]


@pytest.mark.parametrize("args, match", [
    ((col(1, None, 3), 2.6), r"households\(세대수\)의 2번째 행: 빈 칸.*row 2 of the range: blank"),
    (("abc", 2.6), r"'abc'은\(는\) 숫자가 아닙니다.*not a number"),
    ((-1, 2.6), r"허용 범위.*out of range"),
    ((10, None), r"persons_per_household\(세대당 인구\).*2\.6"),
    ((True, 2.6), r"숫자가 아닙니다"),
    ((col(1, 2), col(1, 2, 3)), r"크기가 맞지 않습니다.*do not line up"),
])
def test_conventional_user_errors_are_bilingual_xlwings_errors(args, match):
    with pytest.raises(XlwingsError, match=match):
        fx.SEWER_CONVENTIONAL(*args)


# --- SEWER_UNITLOAD ---------------------------------------------------------------------

def test_unitload_moe_notice_office_15_l_per_m2():
    assert fx.SEWER_UNITLOAD("업무시설", 1000) == pytest.approx(15.0)
    assert fx.SEWER_UNITLOAD("F-01-00", 1000, None) == pytest.approx(15.0)


def test_unitload_column_matches_model_and_rural_flag():
    uses, areas, hh = col("아파트", "F-01-00", "공장"), col(12000, 1000, 500), col(100, None, None)
    out = [r[0] for r in fx.SEWER_UNITLOAD(uses, areas, hh)]
    expected = [unit_loads.unit_load_flow("아파트", 12000, 100), 15.0, unit_loads.unit_load_flow("공장", 500)]
    assert out == pytest.approx(expected)
    rural = fx.SEWER_UNITLOAD("아파트", 12000, 100, "예")
    assert rural == pytest.approx(unit_loads.unit_load_flow("아파트", 12000, 100, rural=True))


@pytest.mark.parametrize("args, match", [
    (("업무시섭", 100), r"1번째 행 / row 1.*알 수 없는 건축물 용도.*업무시설"),
    (("업무시설", -5), r"floor_area_m2\(연면적\).*out of range"),
    ((None, 100), r"main_use_or_moe_code.*빈 칸"),
    (("업무시설", "넓음"), r"not a number"),
    (("업무시설", 100, None, "maybe"), r"rural.*TRUE"),
])
def test_unitload_user_errors(args, match):
    with pytest.raises(XlwingsError, match=match):
        fx.SEWER_UNITLOAD(*args)


# --- SEWER_PEAK / SEWER_CAPACITY -------------------------------------------------------------

def test_peak_methods_match_model():
    assert fx.SEWER_PEAK(10000) == pytest.approx(peaking.harmon(10000))
    out = fx.SEWER_PEAK(col(1000, 10000), col("babbitt", "한국"))
    assert out[0][0] == pytest.approx(peaking.babbitt(1000)) and out[1][0] == pytest.approx(peaking.korean_hourly())
    with pytest.raises(XlwingsError, match="method.*harmon"):
        fx.SEWER_PEAK(1000, "magic")
    with pytest.raises(XlwingsError, match="population"):
        fx.SEWER_PEAK(0)


def test_capacity_is_design_day_max_with_infiltration_once_and_an_explicit_basis():
    assert fx.SEWER_CAPACITY(col(100, 200, None), "일최대") == pytest.approx(300 * 1.1)
    assert fx.SEWER_CAPACITY(col(75), "일평균") == pytest.approx(100 * 1.1)
    assert fx.SEWER_CAPACITY(col(85.8), "기존방식") == pytest.approx(85.8)  # the pilot's x1.1 is its only allowance
    # the example: SEWER_ML output (a day average) must not be read as a day max
    ml_spill = [[fx.ML_HEADERS[0]], [9998.2]]  # read as a day max it gave 10,998 instead of 14,665
    assert fx.SEWER_CAPACITY(ml_spill) == pytest.approx(9998.2 / 0.75 * 1.1)
    with pytest.raises(XlwingsError, match="basis.*25%"):
        fx.SEWER_CAPACITY(col(9998.2))
    with pytest.raises(XlwingsError, match="basis"):
        fx.SEWER_CAPACITY(100, "weekly")
    with pytest.raises(XlwingsError, match="differs"):
        fx.SEWER_CAPACITY(ml_spill, "일최대")
    with pytest.raises(XlwingsError, match="not divided"):
        fx.SEWER_CAPACITY(100, "일최대", 0.8)


# --- SEWER_FEE_IMPACT -------------------------------------------------------------------

def test_fee_impact_matches_finance_model():
    from sewerplan.model.planning.money.fees import fee_effect

    # the city's share repaid at the financing rate (2.5% default, not the 4.5% social discount rate)
    expected = fee_effect(1e10, 0.0, 50000 * 365, financing_rate=0.025, years=30).household(4)
    assert fx.SEWER_FEE_IMPACT(1e10, 50000) == pytest.approx(expected)
    with_om = fee_effect(1e10, 2e9, 50000 * 365, financing_rate=0.035, years=20).household(4)
    assert fx.SEWER_FEE_IMPACT(1e10, 50000, 4, 0.035, 20, 2e9) == pytest.approx(with_om)
    out = fx.SEWER_FEE_IMPACT(col(1e10, 2e10), 50000, col(1, None))
    assert out[1][0] == pytest.approx(2 * expected)
    with pytest.raises(XlwingsError, match="household_size"):
        fx.SEWER_FEE_IMPACT(1e10, 50000, 9)
    with pytest.raises(XlwingsError, match="billed_volume"):
        fx.SEWER_FEE_IMPACT(1e10, 0)


# --- SEWER_ML / SEWER_MODEL_INFO --------------------------------------------------------

@pytest.fixture(scope="module")
def sample_table():
    df = pd.read_csv(
        __import__("importlib.resources").resources.files("sewerplan").joinpath("sample_data", "sample_buildings.csv"),
        dtype=str,
    ).head(40)
    rows = [list(df.columns)] + df.where(df.notna(), None).values.tolist()
    return df, rows


def test_ml_spills_header_and_three_columns_matching_model(sample_table):
    from sewerplan.model.intake.inventory import load_buildings

    df, rows = sample_table
    out = fx.SEWER_ML(rows)
    assert out[0] == fx.ML_HEADERS and len(out) == len(df) + 1
    valid, _ = load_buildings(df)
    expected = settings.get_model().predict(valid)[["ml_m3_per_day", "ml_lower_m3_per_day", "ml_upper_m3_per_day"]].to_numpy()
    assert np.allclose(np.array(out[1:], dtype=float), expected)
    assert all(lo <= est <= hi for est, lo, hi in out[1:])


def test_ml_trailing_blank_rows_and_errors(sample_table):
    _, rows = sample_table
    padded = rows[:3] + [[None] * len(rows[0])] * 2
    out = fx.SEWER_ML(padded)
    assert out[-2:] == [["", "", ""], ["", "", ""]]
    with pytest.raises(XlwingsError, match="머리글"):
        fx.SEWER_ML(rows[0])
    bad = [rows[0], list(rows[1])]
    bad[1][rows[0].index("연면적(㎡)")] = "-3"
    with pytest.raises(XlwingsError, match="SEWER_ML.*building_table"):
        fx.SEWER_ML(bad)
    with pytest.raises(XlwingsError, match="coverage"):
        fx.SEWER_ML(rows, 0.5)


def test_model_loads_once_from_setting(monkeypatch, tmp_path):
    settings.reset()
    m1 = settings.get_model()
    assert settings.get_model() is m1
    monkeypatch.setenv(settings.ENV_VAR, str(tmp_path / "missing.skops"))
    with pytest.raises(XlwingsError, match="SEWER_MODEL_INFO.*not found"):
        fx.SEWER_MODEL_INFO()
    monkeypatch.delenv(settings.ENV_VAR)
    info = dict((r[0], r[1]) for r in fx.SEWER_MODEL_INFO()[1:])
    assert info["모델 ID (model id)"] == m1.model_id


def test_every_function_has_bilingual_help():
    for name, f in fx.UDFS.items():
        assert any("\uac00" <= ch <= "\ud7a3" for ch in f.__doc__), name
        assert len(f.__doc__) <= 255, name
        for arg, doc in f.__sewerplan_args__.items():
            assert any("\uac00" <= ch <= "\ud7a3" for ch in doc) and len(doc) <= 255, (name, arg)


# --- message catalogue ------------------------------------------------------------------

def _catalogue_keys_used_in_the_add_in():
    """Catalogue keys named in the add-in's code: dotted keys anywhere, and the key argument
    of ``messages.user_error`` / ``text`` / ``cell_label`` (position 1, 0, 0)."""
    import ast
    import re
    from pathlib import Path

    import sewerplan.xl_addin as pkg

    key_arg = {"user_error": 1, "text": 0, "cell_label": 0}
    used = set()
    for path in Path(pkg.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(
                    r"(enter|range|single_cell|choices|card|cell)\.[a-z0-9_]+", node.value):
                used.add(node.value)
            name = getattr(node.func, "attr", getattr(node.func, "id", None)) if isinstance(node, ast.Call) else None
            if name in key_arg and len(node.args) > key_arg[name]:
                for c in ast.walk(node.args[key_arg[name]]):
                    if isinstance(c, ast.Constant) and isinstance(c.value, str):
                        used.add(c.value)
    return used


def test_every_message_key_used_by_the_add_in_is_in_the_catalogue():
    # A misspelt key would surface as a Python KeyError in the cell instead of the message.
    from sewerplan.xl_addin import messages

    used = _catalogue_keys_used_in_the_add_in()
    assert len(used) > 60
    missing = sorted(k for k in used if k not in messages.CATALOGUE)
    assert missing == []


def test_catalogue_entries_are_bilingual_with_the_same_fields():
    import string

    from sewerplan.xl_addin import messages

    for key, (ko, en) in messages.CATALOGUE.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in (ko, en)]
        assert fields[0] == fields[1], key
        if not key.startswith(("choices.", "cell.")):
            assert any("\uac00" <= ch <= "\ud7a3" for ch in ko), key
            assert not any("\uac00" <= ch <= "\ud7a3" for ch in en.replace("읍·면", "").replace("업무시설", "")
                           .replace("일최대", "").replace("일평균", "")), key


@pytest.mark.parametrize("call, expected", [
    (lambda: fx.SEWER_CONVENTIONAL(col(1, None, 3), 2.6),
     "SEWER_CONVENTIONAL: households(세대수)의 2번째 행: 빈 칸입니다. 세대수를 입력하세요(없으면 0). / "
     "households, row 2 of the range: blank cell. Enter the number of households (0 if none)."),
    (lambda: fx.SEWER_FEE_IMPACT(col(*[-1] * 7), 50000),
     "SEWER_FEE_IMPACT: capex_krw의 1번째 행, 2번째 행, 3번째 행, 4번째 행, 5번째 행 외 2곳 값(-1.0)이 허용 범위를 "
     "벗어났습니다. 0 이상이어야 합니다. / capex_krw, row 1, row 2, row 3, row 4, row 5 and 2 more of the range: "
     "-1.0 is out of range. Must be >= 0."),
    (lambda: fx.SEWER_UNITLOAD("업무시설", 100, None, "maybe"),
     "SEWER_UNITLOAD: rural(읍·면 지역 여부) 1번째 값 'maybe'을(를) 알 수 없습니다. 읍·면이면 TRUE(예), 동이면 "
     "FALSE(아니오) 또는 빈칸. / rural, row 1: unknown value 'maybe'; use TRUE for 읍·면 areas, FALSE or blank otherwise."),
    (lambda: fx.SEWER_CAPACITY(100),
     "SEWER_CAPACITY: basis(유량 기준)를 입력하세요: 일최대(설계 방식), 일평균(SEWER_ML 결과) 또는 기존방식. 빈칸이면 "
     "일평균을 일최대로 잘못 읽어 용량이 25% 작게 나옵니다. / Enter basis: day_max (design methods), day_average "
     "(SEWER_ML output) or pilot. A blank would read a day average as a day max and give a capacity 25% too small."),
    (lambda: fx.SEWER_PEAK(1000, "magic"),
     "SEWER_PEAK: method(산정식) 값 'magic'을(를) 알 수 없습니다. 다음 중 하나를 쓰세요: harmon, babbitt, gifft, korean "
     "/ method: unknown value 'magic'; use one of harmon, babbitt, gifft, korean."),
    (lambda: fx.SEWER_SCENARIO_CAPACITY("/no/such/file.yaml", 2030),
     "SEWER_SCENARIO_CAPACITY: scenario_file(시나리오 파일) 파일을 찾을 수 없습니다: /no/such/file.yaml. 전체 경로"
     "(예: C:\\계획\\시나리오.xlsx)를 입력하거나, 번들 예시는 sample 을 입력하세요. / scenario_file: file not found: "
     "/no/such/file.yaml. Give the full path (e.g. C:\\plans\\town.xlsx), or sample for the bundled example."),
    (lambda: fx.SEWER_SCENARIO_CAPACITY("sample", 2030, None, col("ml", "ml")),
     "SEWER_SCENARIO_CAPACITY: method(산정식)는 셀 하나로 지정하세요. / method must be a single cell."),
])
def test_messages_read_word_for_word(call, expected):
    with pytest.raises(XlwingsError) as err:
        call()
    assert str(err.value) == expected


def test_model_card_labels_and_default_model_text(monkeypatch):
    rows = settings.card_rows({"model_id": "m1", "synthetic": False, "cross_validation": {"chosen": {"mae": 1.5}}})
    assert rows[0] == ["항목 (item)", "값 (value)"]
    assert ["모델 ID (model id)", "m1"] in rows and ["합성 자료 여부 (synthetic)", "아니오 (no)"] in rows
    assert ["검증 지표 (CV metric) mae", 1.5] in rows
    monkeypatch.delenv(settings.ENV_VAR, raising=False)
    monkeypatch.setattr(settings, "_conf_files", lambda: [])
    assert settings.model_path_text() == "bundled default / 기본 내장 모델"
