"""The Office.js route, called with TestClient the way the Office.js client calls it."""

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from sewerplan.xl_addin import functions as fx

TOKEN = "test-token-0123456789"


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("scenarios")


@pytest.fixture(scope="module")
def client(scenario_dir):
    mp = pytest.MonkeyPatch()
    mp.setenv("XLWINGS_LICENSE_KEY", "noncommercial")  # PolyForm Noncommercial (government use)
    from sewerplan.xl_addin.server import create_app

    yield TestClient(create_app(tokens=[TOKEN], base_url="https://sewer.example.go.kr", scenario_dir=scenario_dir))
    mp.undo()


def call(client, name, *args, token=TOKEN):
    body = {"client": "Office.js", "func_name": name, "args": list(args), "caller_address": "[Book1]Sheet1!B2",
            "session_id": "s1", "culture_info_name": "ko-KR", "date_format": None, "version": "0.37.8",
            "runtime": "1.4"}
    headers = {"Authorization": token} if token is not None else {}
    return client.post("/xlwings/custom-functions-call", json=body, headers=headers)


def test_metadata_lists_every_function_with_korean_description(client):
    meta = client.get("/xlwings/custom-functions-meta.json").json()
    by_name = {f["name"]: f for f in meta["functions"]}
    assert set(by_name) == set(fx.UDFS)
    for name, f in by_name.items():
        assert f["description"] == fx.UDFS[name].__doc__
        assert any("\uac00" <= ch <= "\ud7a3" for ch in f["description"])
        assert [p["name"] for p in f["parameters"]] == list(fx.UDFS[name].__sewerplan_args__)
        for p in f["parameters"]:
            assert p["description"] == fx.UDFS[name].__sewerplan_args__[p["name"]]
    optional = [p["name"] for p in by_name["SEWER_CONVENTIONAL"]["parameters"] if p.get("optional")]
    assert optional == ["unit_l_per_person_day", "factor"]
    sc = by_name["SEWER_SCENARIO_CAPACITY"]
    assert "필요 처리용량" in sc["description"]
    assert [p["name"] for p in sc["parameters"]] == ["scenario_file", "year", "confidence", "method"]
    assert [p["name"] for p in sc["parameters"] if p.get("optional")] == ["confidence", "method"]
    assert "시나리오 파일" in sc["parameters"][0]["description"]
    by_year = by_name["SEWER_SCENARIO_CAPACITY_BY_YEAR"]
    assert "연도별" in by_year["description"] and "신뢰수준" in by_year["parameters"][1]["description"]


def test_code_associates_every_function(client):
    js = client.get("/xlwings/custom-functions-code.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    for name in fx.UDFS:
        assert f'CustomFunctions.associate("{name}", {name});' in js.text
    assert "placeholder_" not in js.text


def test_calls_return_the_same_numbers_as_python(client):
    r = call(client, "SEWER_CONVENTIONAL", [[100], [200]], [[2.6]], [[None]], None)
    assert r.status_code == 200, r.text
    assert r.json()["result"] == fx.SEWER_CONVENTIONAL([[100], [200]], 2.6)
    r = call(client, "SEWER_UNITLOAD", [["업무시설"]], [[1000]], None, None, None)
    assert r.json()["result"] == [[fx.SEWER_UNITLOAD("업무시설", 1000)]]
    r = call(client, "SEWER_PEAK", [[10000]], [["babbitt"]])
    assert r.json()["result"] == [[fx.SEWER_PEAK(10000, "babbitt")]]
    r = call(client, "SEWER_CAPACITY", [[100], [200]], [["일최대"]], None)
    assert r.json()["result"] == [[fx.SEWER_CAPACITY([[100], [200]], "일최대")]]
    r = call(client, "SEWER_FEE_IMPACT", [[1e10]], [[50000]], None, None, None)
    assert r.json()["result"] == [[fx.SEWER_FEE_IMPACT(1e10, 50000)]]
    info = call(client, "SEWER_MODEL_INFO").json()["result"]
    assert info[1] == fx.SEWER_MODEL_INFO()[1]


def test_ml_over_a_table(client):
    rows = [["관리건축물대장PK", "배수구역", "주용도코드명", "연면적(㎡)", "세대수(세대)"],
            ["B1", "1생활권", "아파트", 8734.0, 100], ["B2", "1생활권", "업무시설", 1200.0, 0]]
    r = call(client, "SEWER_ML", rows, None)
    assert r.status_code == 200
    assert r.json()["result"] == fx.SEWER_ML(rows)


def test_bad_argument_returns_400_with_readable_message(client):
    r = call(client, "SEWER_UNITLOAD", [["업무시설"]], [[-5]], None, None, None)
    assert r.status_code == 400
    assert "연면적" in r.text and "out of range" in r.text
    r = call(client, "SEWER_CONVENTIONAL", [["abc"]], [[2.6]], None, None)
    assert r.status_code == 400 and "숫자가 아닙니다" in r.text
    r = call(client, "NOT_A_FUNCTION")
    assert r.status_code == 400


def test_token_is_required(client):
    assert call(client, "SEWER_PEAK", [[1000]], None, token=None).status_code == 401
    assert call(client, "SEWER_PEAK", [[1000]], None, token="wrong").status_code == 401
    assert call(client, "SEWER_PEAK", [[1000]], None, token=f"Bearer {TOKEN}").status_code == 200


def test_manifest_and_taskpane(client):
    xml = client.get("/manifest.xml").text
    assert "https://sewer.example.go.kr/xlwings/custom-functions-meta.json" in xml
    assert "BASE_URL" not in xml and "MANIFEST_ID" not in xml
    assert client.get("/taskpane.html").status_code == 200
    assert client.get("/office/icon-32.png").content.startswith(b"\x89PNG")


def test_app_refuses_to_start_without_tokens(monkeypatch):
    from sewerplan.xl_addin.server import TOKENS_ENV, create_app

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.delenv(TOKENS_ENV, raising=False)
    with pytest.raises(RuntimeError, match=TOKENS_ENV):
        create_app()


@pytest.fixture()
def scenario_file(scenario_dir, monkeypatch):
    """A scenario file in the server's scenario folder; calls name it relative to the folder."""
    from sewerplan.model.planning.scenario import scenario_from_dict, write_scenario_yaml
    from sewerplan.xl_addin import settings

    from test_xl_scenario import PLAN, STUB

    monkeypatch.setattr(settings, "get_model", lambda: STUB)
    fx._SCENARIO_CACHE.clear()
    path = write_scenario_yaml(scenario_from_dict(PLAN, source="t"), scenario_dir / "town.yaml", force=True)
    monkeypatch.setenv(settings.SCENARIO_DIR_ENV, str(scenario_dir))  # the same name in direct Python calls
    yield path.name
    fx._SCENARIO_CACHE.clear()


def test_scenario_functions_through_the_server(client, scenario_file):
    r = call(client, "SEWER_SCENARIO_CAPACITY", [[scenario_file]], [[2031]], [[0.9]], None)
    assert r.status_code == 200, r.text
    assert r.json()["result"] == [[fx.SEWER_SCENARIO_CAPACITY(scenario_file, 2031, 0.9)]]
    r = call(client, "SEWER_SCENARIO_CAPACITY", [[scenario_file]], [[2029], [2030]], None, [["관행"]])
    assert r.json()["result"] == fx.SEWER_SCENARIO_CAPACITY(scenario_file, [[2029], [2030]], None, "관행")
    r = call(client, "SEWER_SCENARIO_CAPACITY_BY_YEAR", [[scenario_file]], None, None)
    assert r.status_code == 200, r.text
    table = r.json()["result"]
    assert table == fx.SEWER_SCENARIO_CAPACITY_BY_YEAR(scenario_file)
    assert table[0][0] == "연도" and table[-1][0] == 2031


def test_scenario_bad_arguments_return_400(client, scenario_file):
    r = call(client, "SEWER_SCENARIO_CAPACITY", [[scenario_file]], [[2050]], None, None)
    assert r.status_code == 400 and "연도" in r.text and "not a year" in r.text
    r = call(client, "SEWER_SCENARIO_CAPACITY", [["nosuch.yaml"]], [[2030]], None, None)
    assert r.status_code == 400 and "시나리오 파일" in r.text and "file not found" in r.text
    r = call(client, "SEWER_SCENARIO_CAPACITY_BY_YEAR", [[scenario_file]], [[1.5]], None)
    assert r.status_code == 400 and "신뢰수준" in r.text
