"""Helpers shared by the add-in server's hostile-input tests (tests/test_hostile_server.py,
tests/test_xl_server_limits.py): the app with a test token, an Office.js call body, and a raw ASGI
POST whose client can stall or trickle (what TestClient cannot do)."""

from __future__ import annotations

import asyncio
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: F401  (re-exported: the warning filtered once)

from sewerplan.xl_addin.server import create_app

TOKEN = "test-token-0123456789"
PATH = "/xlwings/custom-functions-call"


def make_app(monkeypatch, **kw):
    """The server app with one token (xlwings' noncommercial licence, as the government PCs use it)."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    return create_app(tokens=[TOKEN], **kw)


def body(name, *args):
    """The JSON body Office.js sends for one custom-function call."""
    return {"client": "Office.js", "func_name": name, "args": list(args), "caller_address": "[Book1]Sheet1!B2",
            "version": "0.37.8", "runtime": "1.4"}


def post(client, name, *args):
    """One authorised call through a TestClient."""
    return client.post(PATH, json=body(name, *args), headers={"Authorization": TOKEN})


async def asgi_request(app, headers: dict, receive, timeout: float) -> tuple[int | None, str]:
    """POST ``PATH`` through the ASGI interface with the given ``receive``; (status, body text)."""
    sent = {"status": None, "body": b""}

    async def send(message):
        if message["type"] == "http.response.start":
            sent["status"] = message["status"]
        elif message["type"] == "http.response.body":
            sent["body"] += message.get("body", b"")

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": PATH, "raw_path": PATH.encode(), "query_string": b"", "root_path": "",
             "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    await asyncio.wait_for(app(scope, receive, send), timeout)
    return sent["status"], sent["body"].decode("utf-8")


def asgi_post(app, headers: dict, chunks: list[bytes], stall_after: int | None = None,
              timeout: float = 10) -> tuple[int | None, str, int]:
    """Send ``chunks`` as the body; after ``stall_after`` chunks (default: all of them) the client stalls for
    an hour, so the app must answer without waiting for it. Returns (status, body, chunks the app read)."""
    queue = list(chunks)
    stall_after = len(chunks) if stall_after is None else stall_after
    read = {"n": 0}

    async def receive():
        if read["n"] >= stall_after or not queue:
            await asyncio.sleep(3600)
        read["n"] += 1
        chunk = queue.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(queue)}

    status, text = asyncio.run(asgi_request(app, headers, receive, timeout))
    return status, text, read["n"]
