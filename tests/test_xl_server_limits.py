"""Issue 16 (server and worksheet-function items): no request takes the server down.

3: token before body, body cap, cells cap; 5: non-finite and absurd arguments named by cell;
6: calls in a worker pool with a timeout, /health answers during a long call; 8: scenario_file
only inside the scenario folder, no ~ expansion, no existence oracle, no echo of YAML;
12: 4xx with a message (never a generic 500) for bad headers, dict arguments, NaN/Infinity.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from server_helpers import PATH, TOKEN, TestClient, asgi_post
from server_helpers import body as _body
from server_helpers import make_app as _app

from sewerplan.xl_addin import functions as fx
from sewerplan.xl_addin.server import ServerLimits


# ---------------------------------------------------------------- 3. token first, caps


def test_unauthenticated_large_body_is_refused_before_it_is_read(monkeypatch):
    app = _app(monkeypatch)
    chunks = [b"[" + b"1," * 500_000] * 140  # a 70 MB body, never sent in full
    status, body, read = asgi_post(app, {"content-length": str(70 * 1024 * 1024),
                                          "content-type": "application/json"}, chunks)
    assert status == 401 and "토큰" in body and read == 0


def test_body_cap_by_header_and_by_stream(monkeypatch):
    app = _app(monkeypatch, limits=ServerLimits(max_body_bytes=1024 * 1024))
    auth = {"authorization": TOKEN, "content-type": "application/json"}
    status, body, read = asgi_post(app, {**auth, "content-length": str(5 * 1024 * 1024)}, [b"{}"])
    assert status == 413 and "too large" in body and read == 0
    status, body, read = asgi_post(app, auth, [b" " * 300_000] * 10)  # no Content-Length: counted while read
    assert status == 413 and read == 4


def test_cells_per_call_cap(monkeypatch):
    client = TestClient(_app(monkeypatch, limits=ServerLimits(max_cells=1000)))
    r = client.post(PATH, json=_body("SEWER_CONVENTIONAL", [[10]] * 2000, [[2.6]]), headers={"Authorization": TOKEN})
    assert r.status_code == 413 and "1,000" in r.text and "split the range" in r.text
    r = client.post(PATH, json=_body("SEWER_CONVENTIONAL", [[10]] * 500, [[2.6]]), headers={"Authorization": TOKEN})
    assert r.status_code == 200 and len(r.json()["result"]) == 500


# ---------------------------------------------------------------- 12. 4xx, never a generic 500


@pytest.mark.parametrize("headers, content, status, text", [
    ({"Authorization": "토큰"}, json.dumps(_body("SEWER_PEAK", [[1000]])), 401, "token"),
    ({"Authorization": TOKEN}, json.dumps(_body("SEWER_PEAK", [[{"a": 1}]])), 400, "not a cell value"),
    ({"Authorization": TOKEN}, json.dumps(_body("SEWER_PEAK", {"population": 1000})), 400, "not a cell value"),
    ({"Authorization": TOKEN}, '{"func_name": "SEWER_PEAK", "args": {"a": 1}}', 400, "args must be a list"),
    ({"Authorization": TOKEN}, '{"func_name": "SEWER_PEAK", "args": [[[Infinity]]]}', 400, "not valid JSON"),
    ({"Authorization": TOKEN}, '{"func_name": "SEWER_PEAK", "args": [[[NaN]]]}', 400, "not valid JSON"),
    ({"Authorization": TOKEN}, "[1, 2]", 400, "JSON object"),
    ({"Authorization": TOKEN}, b"\xff\xfe garbage", 400, "not valid JSON"),
    ({"Authorization": TOKEN}, json.dumps(_body("SEWER_PEAK", [[1e308]])), 400, "row 1"),
])
def test_malformed_calls_get_a_4xx_with_a_message(monkeypatch, headers, content, status, text):
    client = TestClient(_app(monkeypatch), raise_server_exceptions=False)
    if isinstance(content, str):
        content = content.encode("utf-8")
    hdrs = {k: v.encode("utf-8") if not v.isascii() else v for k, v in headers.items()}
    r = client.post(PATH, content=content, headers=hdrs)
    assert r.status_code == status and text in r.text, r.text


# ---------------------------------------------------------------- 6. worker pool, timeout


def _held_unitload(monkeypatch):
    """SEWER_UNITLOAD made to wait for a release: a long call without depending on machine speed."""
    import inspect
    import threading

    original = inspect.unwrap(fx.UDFS["SEWER_UNITLOAD"])
    release = threading.Event()

    def held(*args):
        release.wait(30)
        return original(*args)

    held.__doc__ = original.__doc__
    held.__signature__ = inspect.signature(original)
    held.__sewerplan_args__ = getattr(original, "__sewerplan_args__", {})
    monkeypatch.setitem(fx.UDFS, "SEWER_UNITLOAD", held)
    return release


def test_health_answers_while_a_long_call_runs_and_the_long_call_times_out(monkeypatch):
    release = _held_unitload(monkeypatch)
    app = _app(monkeypatch, limits=ServerLimits(timeout_s=1.0, max_cells=1_000_000))
    body = _body("SEWER_UNITLOAD", [["업무시설"]], [[1000.0]])

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as c:
            big = asyncio.create_task(c.post(PATH, json=body, headers={"Authorization": TOKEN}))
            await asyncio.sleep(0.1)
            answered_during_call = []
            for _ in range(3):
                answered_during_call.append((await c.get("/health")).status_code == 200 and not big.done())
            return await big, answered_during_call

    try:
        response, answered_during_call = asyncio.run(scenario())
    finally:
        release.set()
    assert answered_during_call == [True, True, True]
    assert response.status_code == 504 and "split the range" in response.text


def test_busy_server_answers_503(monkeypatch):
    release = _held_unitload(monkeypatch)
    app = _app(monkeypatch, limits=ServerLimits(workers=1, queue=0, timeout_s=120, max_cells=1_000_000))
    held_call = _body("SEWER_UNITLOAD", [["업무시설"]], [[1000.0]])

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=60) as c:
            first = asyncio.create_task(c.post(PATH, json=held_call, headers={"Authorization": TOKEN}))
            await asyncio.sleep(0.1)
            second = await c.post(PATH, json=_body("SEWER_PEAK", [[1000]]), headers={"Authorization": TOKEN})
            release.set()
            return await first, second

    try:
        first, second = asyncio.run(scenario())
    finally:
        release.set()
    assert second.status_code == 503 and "busy" in second.text
    assert first.status_code == 200


# ---------------------------------------------------------------- 8. scenario files on the server


@pytest.fixture()
def folder_client(tmp_path, monkeypatch):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "broken.yaml").write_text("name: x\nsecret_api_key: hunter2-DO-NOT-ECHO\nplan: 3\n", encoding="utf-8")
    (tmp_path / "outside.yaml").write_text("name: y\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path))
    fx._SCENARIO_CACHE.clear()
    return TestClient(_app(monkeypatch, scenario_dir=folder)), tmp_path


def _scenario_call(client, name):
    return client.post(PATH, json=_body("SEWER_SCENARIO_CAPACITY", [[name]], [[2030]], None, [["관행"]]),
                       headers={"Authorization": TOKEN})


def test_scenario_file_outside_the_folder_is_refused_the_same_way_whether_it_exists_or_not(folder_client):
    client, tmp = folder_client
    answers = {}
    for name in (str(tmp / "outside.yaml"), str(tmp / "missing.yaml"), "../outside.yaml", "../missing.yaml",
                 "/etc/hostname"):
        r = _scenario_call(client, name)
        assert r.status_code == 400, r.text
        answers[name] = r.text.replace(name, "<path>")
    assert len(set(answers.values())) == 1  # no existence oracle
    assert "scenario folder" in next(iter(answers.values()))
    for name in ("~/outside.yaml", "$HOME/outside.yaml"):  # not expanded: a name inside the folder
        r = _scenario_call(client, name)
        assert r.status_code == 400 and "file not found" in r.text


def test_scenario_file_errors_do_not_echo_the_yaml(folder_client):
    client, _ = folder_client
    r = _scenario_call(client, "broken.yaml")
    assert r.status_code == 400 and "broken.yaml" in r.text and "server log" in r.text
    assert "hunter2" not in r.text and "secret_api_key" not in r.text
    assert _scenario_call(client, "sample").status_code == 200


def test_direct_calls_do_not_expand_home(tmp_path, monkeypatch):
    (tmp_path / "town.yaml").write_text("name: x\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("SEWERPLAN_SCENARIO_DIR", raising=False)
    from xlwings import XlwingsError

    with pytest.raises(XlwingsError, match="file not found"):
        fx.SEWER_SCENARIO_CAPACITY("~/town.yaml", 2030)


# ---------------------------------------------------------------- 5. absurd arguments


@pytest.mark.parametrize("call, text", [
    (lambda: fx.SEWER_CONVENTIONAL([[10], [1e308]], 2.6), "row 2"),
    (lambda: fx.SEWER_UNITLOAD("업무시설", 1e200), "at most"),
    (lambda: fx.SEWER_FEE_IMPACT(1e300, 1000), "at most"),
    (lambda: fx.SEWER_CAPACITY([[1.0], [float("inf")]]), "row 2"),
    (lambda: fx.SEWER_PEAK("Infinity"), "not a number"),
])
def test_absurd_and_non_finite_arguments_are_named_by_cell(call, text):
    from xlwings import XlwingsError

    with pytest.raises(XlwingsError) as err:
        call()
    assert text in str(err.value)
