"""Scenario worksheet functions (SEWER_SCENARIO_CAPACITY, _BY_YEAR) called directly, as xlwings calls them."""

import pytest
from xlwings import XlwingsError

from stubs import StubModel
from sewerplan.model.planning.scenario import scenario_from_dict, write_scenario_yaml
from sewerplan.model.planning.scenario_run import capacity_by_year, capacity_needed, run_scenario
from sewerplan.model.outputs.workbook import column_label
from sewerplan.xl_addin import functions as fx
from sewerplan.xl_addin import settings


STUB = StubModel("stub-xl")
PLAN = {
    "name": "xl-test",
    "plan": [
        {"block": "A1", "district": "north", "main_use": "아파트", "dwellings": 400, "completion_year": 2028},
        {"block": "O1", "district": "south", "main_use": "업무시설", "floor_area_m2": 20000, "completion_year": 2030},
    ],
    "settings": {"seed": 3, "n_simulations": 500, "end_year": 2031, "plant_capacity_m3_per_day": 400,
                 "confidence": 0.8},
}


@pytest.fixture()
def stub_model(monkeypatch):
    monkeypatch.setattr(settings, "get_model", lambda: STUB)
    fx._SCENARIO_CACHE.clear()
    yield STUB
    fx._SCENARIO_CACHE.clear()


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    return write_scenario_yaml(scenario_from_dict(PLAN, source="t"), tmp_path_factory.mktemp("sc") / "town.yaml")


@pytest.fixture(scope="module")
def expected(scenario_file):
    return run_scenario(scenario_file, model=STUB)


def test_single_cell_equals_capacity_needed_and_blank_confidence_is_the_scenario_s(stub_model, scenario_file, expected):
    path = str(scenario_file)
    assert fx.SEWER_SCENARIO_CAPACITY(path, 2031, 0.9) == pytest.approx(capacity_needed(expected, 2031, 0.9))
    # blank confidence -> the scenario's own (0.8 here), blank method -> ml
    assert fx.SEWER_SCENARIO_CAPACITY([[path]], [[2031]], [[None]], [[""]]) == pytest.approx(
        capacity_needed(expected, 2031, 0.8))
    assert fx.SEWER_SCENARIO_CAPACITY(path, 2030, None, "관행") == pytest.approx(
        capacity_needed(expected, 2030, method="conventional"))
    assert fx.SEWER_SCENARIO_CAPACITY(path, "2030", None, "unit_load") == pytest.approx(
        capacity_needed(expected, 2030, method="unit_load"))


def test_year_column_spills_with_trailing_blanks(stub_model, scenario_file, expected):
    out = fx.SEWER_SCENARIO_CAPACITY(str(scenario_file), [[2028], [2031], [None]], 0.9)
    assert [r[0] for r in out[:2]] == pytest.approx([capacity_needed(expected, y, 0.9) for y in (2028, 2031)])
    assert out[2] == [""]
    assert out[0][0] <= out[1][0]


def test_by_year_table_has_korean_headers_and_the_model_numbers(stub_model, scenario_file, expected):
    out = fx.SEWER_SCENARIO_CAPACITY_BY_YEAR(str(scenario_file))
    tab = capacity_by_year(expected, 0.8)
    assert out[0] == [column_label(c)[0] for c in tab.columns]
    assert "연도" in out[0] and "ML 필요 처리용량 P90 (㎥/일)" in out[0]
    assert [r[0] for r in out[1:]] == list(range(2028, 2032))
    p90 = out[0].index("ML 필요 처리용량 P90 (㎥/일)")
    assert [r[p90] for r in out[1:]] == pytest.approx(tab["ml_capacity_p90_m3_per_day"].tolist())
    # another plant capacity: exceedance columns follow it
    big = fx.SEWER_SCENARIO_CAPACITY_BY_YEAR(str(scenario_file), 0.9, 1e6)
    pe = big[0].index("처리장 용량 초과 확률 (-)")
    assert all(r[pe] == 0.0 for r in big[1:])


def test_no_plant_capacity_gives_blank_cells_not_nan(stub_model, tmp_path):
    d = {**PLAN, "settings": {k: v for k, v in PLAN["settings"].items() if k != "plant_capacity_m3_per_day"}}
    path = write_scenario_yaml(scenario_from_dict(d, source="t"), tmp_path / "noplant.yaml")
    out = fx.SEWER_SCENARIO_CAPACITY_BY_YEAR(str(path))
    col = out[0].index("처리장 용량 (㎥/일)")
    assert all(r[col] == "" for r in out[1:])


def test_the_scenario_runs_once_per_file_version(stub_model, scenario_file, monkeypatch):
    calls = []
    import sewerplan.model.planning.scenario_run as sr

    real = sr.run_scenario
    monkeypatch.setattr(sr, "run_scenario", lambda *a, **k: calls.append(1) or real(*a, **k))
    for y in (2028, 2029, 2030):
        fx.SEWER_SCENARIO_CAPACITY(str(scenario_file), y)
    fx.SEWER_SCENARIO_CAPACITY_BY_YEAR(str(scenario_file))
    assert len(calls) == 1


@pytest.mark.parametrize("args, match", [
    (("/no/such/town.xlsx", 2030), r"scenario_file\(시나리오 파일\) 파일을 찾을 수 없습니다.*file not found.*sample"),
    ((None, 2030), r"scenario_file\(시나리오 파일\).*빈 칸.*blank"),
    (("{file}", 2050), r"year\(연도\).*2050.*2028~2031.*not a year of scenario 'xl-test'"),
    (("{file}", 2030.5), r"year\(연도\).*not a year"),
    (("{file}", "내년"), r"year\(연도\).*숫자가 아닙니다.*not a number"),
    (("{file}", None), r"year\(연도\).*빈 칸"),
    (("{file}", 2030, 1.5), r"confidence\(신뢰수준\).*허용 범위.*out of range"),
    (("{file}", 2030, 0), r"confidence\(신뢰수준\).*out of range"),
    (("{file}", 2030, "90%"), r"confidence\(신뢰수준\).*not a number"),
    (("{file}", 2030, None, "harmon"), r"method\(산정식\).*알 수 없습니다.*unknown value"),
])
def test_user_errors_are_bilingual_and_name_the_argument(stub_model, scenario_file, args, match):
    args = tuple(str(scenario_file) if a == "{file}" else a for a in args)
    with pytest.raises(XlwingsError, match=f"SEWER_SCENARIO_CAPACITY: {match}"):
        fx.SEWER_SCENARIO_CAPACITY(*args)


def test_by_year_errors(stub_model, scenario_file, tmp_path):
    with pytest.raises(XlwingsError, match=r"SEWER_SCENARIO_CAPACITY_BY_YEAR: confidence\(신뢰수준\)"):
        fx.SEWER_SCENARIO_CAPACITY_BY_YEAR(str(scenario_file), 2)
    with pytest.raises(XlwingsError, match=r"plant_capacity_m3_per_day\(처리장 용량\).*out of range"):
        fx.SEWER_SCENARIO_CAPACITY_BY_YEAR(str(scenario_file), None, -5)
    with pytest.raises(XlwingsError, match="file not found"):
        fx.SEWER_SCENARIO_CAPACITY_BY_YEAR(str(tmp_path / "missing.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nplan:\n- {district: a, main_use: 아파트, dwellings: -3, completion_year: 2030}\n",
                   encoding="utf-8")
    with pytest.raises(XlwingsError, match=r"SEWER_SCENARIO_CAPACITY_BY_YEAR: .*bad\.yaml.*dwellings"):
        fx.SEWER_SCENARIO_CAPACITY_BY_YEAR(str(bad))
    txt = tmp_path / "plan.txt"
    txt.write_text("x", encoding="utf-8")
    with pytest.raises(XlwingsError, match=r"\.xlsx 또는 \.yaml"):
        fx.SEWER_SCENARIO_CAPACITY_BY_YEAR(str(txt))


def test_without_a_model_design_methods_still_work(monkeypatch, scenario_file):
    from sewerplan.model.errors import ModelLoadError

    def no_model():
        raise ModelLoadError("no bundled model / 모델 없음")

    monkeypatch.setattr(settings, "get_model", no_model)
    monkeypatch.delenv(settings.ENV_VAR, raising=False)
    monkeypatch.setattr(settings, "_conf_files", lambda: [])
    fx._SCENARIO_CACHE.clear()
    try:
        assert fx.SEWER_SCENARIO_CAPACITY(str(scenario_file), 2031, None, "conventional") > 0
        with pytest.raises(XlwingsError, match="SEWER_SCENARIO_CAPACITY: .*ML"):
            fx.SEWER_SCENARIO_CAPACITY(str(scenario_file), 2031)
    finally:
        fx._SCENARIO_CACHE.clear()


def test_sample_keyword_runs_the_bundled_sample_scenario():
    settings.get_model()  # the package ships a model; a load failure is a real failure here
    p90 = fx.SEWER_SCENARIO_CAPACITY("sample", 2035)
    p50 = fx.SEWER_SCENARIO_CAPACITY("예시", 2035, 0.5)
    conv = fx.SEWER_SCENARIO_CAPACITY("sample", 2035, None, "conventional")
    assert p90 > p50 > 0 and conv > 0
    tab = fx.SEWER_SCENARIO_CAPACITY_BY_YEAR("sample")
    assert tab[-1][0] == 2035 and len(tab[0]) == len(tab[1])
