"""The Office.js route, called with TestClient the way the Office.js client calls it."""

import warnings

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from sewerplan.xl_addin import functions as fx

TOKEN = "test-token-0123456789"


@pytest.fixture(scope="module")
def client():
    mp = pytest.MonkeyPatch()
    mp.setenv("XLWINGS_LICENSE_KEY", "noncommercial")  # PolyForm Noncommercial (government use)
    from sewerplan.xl_addin.server import create_app

    yield TestClient(create_app(tokens=[TOKEN], base_url="https://sewer.example.go.kr"))
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
    r = call(client, "SEWER_CAPACITY", [[100], [200]], None, None)
    assert r.json()["result"] == [[fx.SEWER_CAPACITY([[100], [200]])]]
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
