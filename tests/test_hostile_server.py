"""Hostile input to the add-in server, round two (issue 23, findings 1, 12 and 13).

Each test holds one attack of the second red-team pass as its docstring and asserts the safe
behaviour: no argument is expanded and no file outside the configured folders is read or
probed over the server, a malformed call is a 400 with a message (never a 500), and a client
that sends its body slowly is cut off instead of holding a connection for ever.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from server_helpers import PATH, TOKEN, TestClient, asgi_post, asgi_request
from server_helpers import body as _body
from server_helpers import make_app as _app
from server_helpers import post as _post

from sewerplan.xl_addin import functions as fx
from sewerplan.xl_addin.server import ServerLimits

SECRET = "tok-secret-DO-NOT-ECHO-4f1c"


def _training_table(path):
    """A small training table: eight offices with observed sewage (enough for min_buildings 6)."""
    rows = ["building_id,district,main_use,floor_area_m2,households,observed_m3_per_day"]
    rows += [f"B{i},D1,업무시설,{1000 + 100 * i},0,{2.0 + 0.1 * i}" for i in range(8)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- finding 1: secrets and files


@pytest.fixture()
def data_client(tmp_path, monkeypatch):
    """A server with a data folder; a secret in the environment and a training table outside the folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    _training_table(folder / "training_table.csv")
    _training_table(tmp_path / "outside.csv")
    monkeypatch.setenv("SEWERPLAN_SERVER_TOKENS", SECRET)
    monkeypatch.setenv("SEWERPLAN_PSEUDONYM_KEY", SECRET + "-key")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SEWERPLAN_DATA_DIR", str(folder))  # what `sewerplan excel serve --data-dir` sets too
    return TestClient(_app(monkeypatch), raise_server_exceptions=False), tmp_path


def test_server_never_expands_an_argument_into_a_secret(data_client):
    """Attack: SEWER_LOCAL_UNITLOADS("$SEWERPLAN_SERVER_TOKENS") through the Office.js route answered
    'training_file not found: tok-...' with the expanded value (every token, $PATH, the pseudonym key)."""
    client, _ = data_client
    for arg in ("$SEWERPLAN_SERVER_TOKENS", "${SEWERPLAN_PSEUDONYM_KEY}", "%SEWERPLAN_SERVER_TOKENS%", "$PATH",
                "~/outside.csv", "$HOME/outside.csv"):
        r = _post(client, "SEWER_LOCAL_UNITLOADS", [[arg]])
        assert r.status_code == 400, r.text
        assert SECRET not in r.text and "/usr/" not in r.text and str(data_client[1]) not in r.text, r.text
        assert arg in r.text  # the path only as given


def test_server_reads_no_file_outside_its_data_folder_and_is_no_existence_oracle(data_client):
    """Attack: the same argument read any .csv/.xlsx/.parquet on the server by path and answered whether
    a path exists."""
    client, tmp = data_client
    answers = {}
    for name in (str(tmp / "outside.csv"), str(tmp / "missing.csv"), "../outside.csv", "../missing.csv",
                 "/etc/passwd", "/etc/hostname.csv"):
        r = _post(client, "SEWER_LOCAL_UNITLOADS", [[name]])
        assert r.status_code == 400, r.text
        answers[name] = r.text.replace(name, "<path>")
    assert len(set(answers.values())) == 1, answers
    assert "data folder" in next(iter(answers.values()))
    r = _post(client, "SEWER_LOCAL_UNITLOADS", [["training_table.csv"]], [[6]])
    assert r.status_code == 200, r.text
    assert r.json()["result"][0][0] == "용도 (use)"


def test_server_without_a_data_folder_reads_no_training_file(monkeypatch, tmp_path):
    """Attack: with no data folder configured the server read whatever path a cell named."""
    monkeypatch.delenv("SEWERPLAN_DATA_DIR", raising=False)
    client = TestClient(_app(monkeypatch), raise_server_exceptions=False)
    path = _training_table(tmp_path / "training_table.csv")
    r = _post(client, "SEWER_LOCAL_UNITLOADS", [[str(path)]], [[6]])
    assert r.status_code == 400 and "data folder" in r.text


def test_server_training_file_errors_do_not_echo_the_file(data_client):
    """Attack: a file in the folder whose cells hold a secret: the loader's message quoted its values."""
    client, tmp = data_client
    (tmp / "data" / "broken.csv").write_text("building_id,district,main_use,floor_area_m2\n"
                                             f"B1,D1,업무시설,{SECRET}\n", encoding="utf-8")
    r = _post(client, "SEWER_LOCAL_UNITLOADS", [["broken.csv"]])
    assert r.status_code == 400 and "broken.csv" in r.text and "server log" in r.text
    assert SECRET not in r.text


def test_model_info_over_the_server_names_the_model_file_only(monkeypatch, tmp_path):
    """Attack: SEWER_MODEL_INFO() over the server printed the server's full model path (SEWERPLAN_MODEL)."""
    from sewerplan.xl_addin import settings

    class Stub:
        card = {"model_id": "m1"}

    monkeypatch.setenv(settings.ENV_VAR, str(tmp_path / "secret-folder" / "m.skops"))
    monkeypatch.setattr(settings, "get_model", lambda: Stub())
    client = TestClient(_app(monkeypatch), raise_server_exceptions=False)
    r = _post(client, "SEWER_MODEL_INFO")
    assert r.status_code == 200 and "m.skops" in r.text and "secret-folder" not in r.text


def test_classic_excel_does_not_expand_a_training_file_either(tmp_path, monkeypatch):
    """On the user's own PC a cell is not expanded either; the error names the path as typed."""
    from xlwings import XlwingsError

    monkeypatch.setenv("SECRET_VALUE", SECRET)
    monkeypatch.delenv("SEWERPLAN_DATA_DIR", raising=False)
    with pytest.raises(XlwingsError) as err:
        fx.SEWER_LOCAL_UNITLOADS([["$SECRET_VALUE.csv"]])
    assert SECRET not in str(err.value) and "$SECRET_VALUE.csv" in str(err.value)


# ---------------------------------------------------------------- finding 12: 400, never 500


@pytest.mark.parametrize("content, text", [
    ('{"func_name": "SEWER_PEAK", "args": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested"),
    (json.dumps(_body("SEWER_PEAK", [[1]], [[2]], [[3]], [[4]], [[5]], [[6]], [[7]])), "argument"),
    (json.dumps(_body("SEWER_PEAK")), "argument"),
    (json.dumps(_body("SEWER_ML", [["a", "b"], ["c", "d"]])), "building_table"),
    (json.dumps(_body("SEWER_ML", [["main_use", "floor_area_m2"], ["업무시설", "x"]])), "building_table"),
    (json.dumps(_body("SEWER_ML", "text")), "building_table"),
])
def test_malformed_calls_are_400_with_a_message_not_500(monkeypatch, content, text):
    """Attack: deeply nested JSON, a wrong argument count, or text cells to SEWER_ML over the server gave
    500 (RecursionError / TypeError / InputFileError)."""
    client = TestClient(_app(monkeypatch), raise_server_exceptions=False)
    r = client.post(PATH, content=content.encode("utf-8"), headers={"Authorization": TOKEN})
    assert r.status_code == 400 and text in r.text, (r.status_code, r.text[:300])
    assert "/" in r.text  # bilingual: Korean / English


# ---------------------------------------------------------------- finding 13: slow bodies


def test_a_body_sent_too_slowly_is_cut_off_with_408(monkeypatch):
    """Attack: 200 slow-body connections were held open indefinitely (a client that sends a few bytes of
    its body and then nothing kept its connection and its handler for ever)."""
    app = _app(monkeypatch, limits=ServerLimits(body_timeout_s=0.3))
    status, body, _ = asgi_post(app, {"authorization": TOKEN, "content-type": "application/json"},
                                [b'{"func_name": ', b'"SEWER_PEAK"', b"}"], stall_after=1, timeout=30)
    assert status == 408 and "slow" in body


def test_serve_options_bound_connections_and_idle_time():
    """Attack: nothing capped the number of connections uvicorn accepts or how long one may idle."""
    from sewerplan.xl_addin.server import uvicorn_options

    opts = uvicorn_options(ServerLimits())
    assert opts["limit_concurrency"] == ServerLimits().max_connections > 200
    assert 0 < opts["timeout_keep_alive"] <= 10 and opts["h11_max_incomplete_event_size"] <= 64 * 1024


def test_a_body_trickled_a_byte_at_a_time_is_cut_off(monkeypatch):
    """Attack: a slow client that never stalls (a byte a second) evaded the idle timeout; a body declared
    with Content-Length must arrive at a real link's pace."""
    app = _app(monkeypatch, limits=ServerLimits(body_timeout_s=0.2, min_body_rate=100.0))

    chunks = {"n": 0}

    async def receive():
        await asyncio.sleep(0.05)  # never stalls for body_timeout_s ...
        chunks["n"] += 1
        return {"type": "http.request", "body": b" ", "more_body": True}  # ... but 20 bytes a second

    status, _ = asyncio.run(asgi_request(app, {"authorization": TOKEN, "content-length": "100"}, receive, 30))
    assert status == 408 and chunks["n"] < 100  # cut off at 0.2 + 100 / 100 s, before the 100 bytes came


def test_a_broken_server_model_does_not_name_its_path(monkeypatch, tmp_path):
    """Attack: with a misconfigured SEWERPLAN_MODEL, SEWER_ML over the server answered with the model's full
    path on the server."""
    from sewerplan.xl_addin import settings

    monkeypatch.setenv(settings.ENV_VAR, str(tmp_path / "secret-folder" / "missing.skops"))
    settings.reset()
    client = TestClient(_app(monkeypatch), raise_server_exceptions=False)
    table = [["building_id", "district", "main_use", "floor_area_m2"], ["B1", "D1", "업무시설", 1000]]
    r = _post(client, "SEWER_ML", table)
    settings.reset()
    assert r.status_code == 400 and "server log" in r.text and "secret-folder" not in r.text


def test_a_scenario_whose_model_cannot_load_does_not_name_the_server_path(monkeypatch, tmp_path):
    """Attack: a scenario file in the server's folder naming a model file answered with the model's resolved
    path on the server when it could not be loaded."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "town.yaml").write_text(
        "name: t\nsettings:\n  end_year: 2030\n  synthetic: true\n  model: ../secret-folder/m.skops\nplan:\n"
        "- block: A\n  district: D1\n  main_use: 아파트\n  dwellings: 100\n  completion_year: 2028\n", encoding="utf-8")
    fx._SCENARIO_CACHE.clear()
    client = TestClient(_app(monkeypatch, scenario_dir=folder), raise_server_exceptions=False)
    r = _post(client, "SEWER_SCENARIO_CAPACITY", [["town.yaml"]], [[2030]])
    fx._SCENARIO_CACHE.clear()
    assert r.status_code == 400 and "town.yaml" in r.text and "secret-folder" not in r.text, r.text
