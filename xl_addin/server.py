"""Office.js route: the same worksheet functions for Excel on the web, Mac and Windows.

A small FastAPI app that speaks the protocol of xlwings Server's custom functions, built on
``xlwings.server`` (``custom_functions_meta`` / ``custom_functions_call``):

========================================  =====================================================
``GET  /manifest.xml``                    Office add-in manifest (with this server's address)
``GET  /taskpane.html``                   task pane: the user enters the access token
``GET  /xlwings/custom-functions-meta``   function metadata (names, Korean/English help)
``GET  /xlwings/custom-functions-code``   JavaScript that forwards each call to the server
``POST /xlwings/custom-functions-call``   runs one function (token required)
``GET  /health``                          liveness check
========================================  =====================================================

Errors: an expected user error (:class:`xlwings.XlwingsError`) answers **400** with the
bilingual message as plain text, which Excel shows on the cell's error flag and does not
retry; so do malformed calls (not JSON, ``NaN``/``Infinity``, dict arguments, a result that is
not finite). Anything else answers 500 without details (logged on the server).

Limits (issue 16; :class:`ServerLimits`, each also an environment variable):

- the token is checked before the body is read (401 without reading it);
- body size (``SEWERPLAN_SERVER_MAX_BODY_MB``, default 16 MB) and cells per call
  (``SEWERPLAN_SERVER_MAX_CELLS``, default 500,000): 413 with a message;
- the functions run in a pool of worker threads (``SEWERPLAN_SERVER_WORKERS``, default 4), so
  ``/health`` and other calls keep answering during a long call; a call that takes longer than
  ``SEWERPLAN_SERVER_TIMEOUT_S`` (default 60 s) answers 504, and when every worker and queue
  place is taken the server answers 503 (busy);
- ``scenario_file`` arguments name files inside ``SEWERPLAN_SCENARIO_DIR`` only (or ``sample``), and
  ``training_file`` arguments files inside ``SEWERPLAN_DATA_DIR`` only; no argument is expanded
  (``~``, ``$VAR``, ``%VAR%``) and a path outside the folder gets the same answer whether or not a
  file is there; messages name a path only as the cell gave it (issue 23);
- a body that stalls for ``SEWERPLAN_SERVER_BODY_TIMEOUT_S`` (default 10 s), arrives slower than
  16 KB/s after that (by its Content-Length) or takes longer than 120 s in all answers 408; uvicorn accepts at most
  ``SEWERPLAN_SERVER_MAX_CONNECTIONS`` (default 512) connections at once (503 beyond) and closes idle
  keep-alive connections after 5 s (:func:`uvicorn_options`);
- a call with the wrong number of arguments, nested deeper than cells, or that a function refuses
  with a sewerplan error answers 400 with a message (never 500).

Authentication: every call needs ``Authorization: <token>`` (or ``Bearer <token>``) with one
of the tokens in ``SEWERPLAN_SERVER_TOKENS`` (comma-separated) or passed to
:func:`create_app`. Metadata, code and manifest are public: Excel fetches them itself.

Licence: ``xlwings.server`` is part of xlwings PRO, dual-licensed PolyForm Noncommercial
1.0.0 / commercial. Government institutions are a permitted purpose of the noncommercial
licence (set ``XLWINGS_LICENSE_KEY=noncommercial``); commercial users need an xlwings licence.
"""

# No `from __future__ import annotations`: FastAPI must resolve the route annotations,
# which are imported inside create_app (fastapi is the optional `server` extra).
import asyncio
import hmac
import inspect
import json
import logging
import math
import os
import struct
import types
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources

__all__ = ["create_app", "officejs_module", "LICENSE_HELP", "TOKENS_ENV", "ServerLimits", "uvicorn_options"]

logger = logging.getLogger("sewerplan.xl_addin.server")

TOKENS_ENV = "SEWERPLAN_SERVER_TOKENS"
MANIFEST_ID_ENV = "SEWERPLAN_MANIFEST_ID"
LICENSE_HELP = (
    "xlwings Server 기능은 xlwings PRO 코드(PolyForm Noncommercial 1.0.0 또는 상용 라이선스)를 씁니다. "
    "정부·공공기관 등 비상업적 사용은 환경변수 XLWINGS_LICENSE_KEY=noncommercial 을 설정하세요. "
    "상업적 사용자는 xlwings 라이선스가 필요합니다. / The Office.js route uses xlwings PRO code "
    "(PolyForm Noncommercial 1.0.0 or a commercial licence). For noncommercial use (government "
    "institutions are a permitted purpose) set XLWINGS_LICENSE_KEY=noncommercial; commercial users "
    "need an xlwings licence key."
)
CALL_PATH = "/xlwings/custom-functions-call"


@dataclass(frozen=True)
class ServerLimits:
    """What one call may cost: body [bytes], cells, time [s]; and the worker pool [threads]."""

    max_body_bytes: int = 16 * 1024 * 1024
    max_cells: int = 500_000
    timeout_s: float = 60.0
    workers: int = 4
    queue: int = 16  # calls waiting for a worker before the server answers 503
    body_timeout_s: float = 10.0  # [s] longest wait for the next piece of a body (slow clients: 408)
    body_deadline_s: float = 120.0  # [s] longest time to receive a whole body (16 MB at ~1 Mbit/s)
    min_body_rate: float = 16_384.0  # [bytes/s] a declared body must arrive at least this fast after the first
    #                                  body_timeout_s (a client trickling a byte a second is cut off)
    max_connections: int = 512  # connections uvicorn serves at once (limit_concurrency; 503 beyond)
    keep_alive_s: float = 5.0  # [s] an idle keep-alive connection is closed after this
    switch_interval_s: float = 0.001  # [s] how long a busy worker thread may hold the GIL before /health gets it

    @classmethod
    def from_env(cls) -> "ServerLimits":
        """Defaults, overridden by ``SEWERPLAN_SERVER_{MAX_BODY_MB,MAX_CELLS,TIMEOUT_S,WORKERS,BODY_TIMEOUT_S,
        MAX_CONNECTIONS}``."""
        env = os.environ.get
        return cls(
            max_body_bytes=int(float(env("SEWERPLAN_SERVER_MAX_BODY_MB", "16")) * 1024 * 1024),
            max_cells=int(env("SEWERPLAN_SERVER_MAX_CELLS", "500000")),
            timeout_s=float(env("SEWERPLAN_SERVER_TIMEOUT_S", "60")),
            workers=max(1, int(env("SEWERPLAN_SERVER_WORKERS", "4"))),
            body_timeout_s=float(env("SEWERPLAN_SERVER_BODY_TIMEOUT_S", "10")),
            max_connections=max(16, int(env("SEWERPLAN_SERVER_MAX_CONNECTIONS", "512"))),
        )


def uvicorn_options(limits: ServerLimits | None = None) -> dict:
    """The uvicorn settings that bound connections: how many at once, how long one may idle, and
    how large an incomplete request head may grow (slow or endless headers)."""
    limits = limits or ServerLimits.from_env()
    return {"limit_concurrency": limits.max_connections, "timeout_keep_alive": limits.keep_alive_s,
            "h11_max_incomplete_event_size": 16 * 1024, "backlog": 256}
_DEFAULT_MANIFEST_ID = "7d3a6a52-6f1e-4d2c-9a55-5e3c0d2b8e11"  # stable so re-deploys replace, not duplicate


def _skip_pyodide_lookups() -> None:
    """Outside Pyodide, make xlwings' per-cell ``JsNull`` checks free.

    xlwings' Office.js conversion runs ``from pyodide.ffi import JsNull`` for every cell and
    argument; off Pyodide each failed import scans ``sys.path`` (35 s for 100,000 cells, most of
    a large call). Where Pyodide is not installed nothing can be a ``JsNull``, so the checks are
    replaced by their answer (``False`` / the value unchanged).
    """
    import importlib.util

    if importlib.util.find_spec("pyodide") is not None:
        return
    from xlwings import utils
    from xlwings.conversion import standard
    from xlwings.pro import udfs_officejs

    def is_jsnull(value):
        return False

    for module in (utils, standard):
        if hasattr(module, "is_jsnull"):
            module.is_jsnull = is_jsnull
    if hasattr(udfs_officejs, "js_to_none"):
        udfs_officejs.js_to_none = lambda arg: arg


def _xlwings_server():
    import xlwings

    try:
        import xlwings.server as xlserver
        from xlwings.pro import _xlofficejs, _xlremote
    except Exception as exc:  # LicenseError, ImportError
        raise RuntimeError(f"{LICENSE_HELP} ({exc})") from exc
    _skip_pyodide_lookups()
    # xlwings registers its Office.js engine at import time, and only if the licence key
    # was set by then; register it here when the key was set later (e.g. by a CLI option).
    names = {e.name for e in xlwings.engines}
    for impl in (_xlremote.engine, _xlofficejs.engine):
        if impl.name not in names:
            xlwings.engines.add(xlwings.main.Engine(impl=impl))
    xlwings.__pro__ = True
    return xlserver


def _office_file(name: str) -> str:
    return resources.files("sewerplan.xl_addin").joinpath("office", name).read_text(encoding="utf-8")


def officejs_module():
    """A module holding the worksheet functions registered with xlwings' Office.js decorators.

    The functions in :mod:`sewerplan.xl_addin.functions` are decorated for classic xlwings
    (Windows); here each gets a fresh wrapper with the same name, signature, docstring and
    argument docs, decorated by ``xlwings.server.func`` / ``arg``.
    """
    xlserver = _xlwings_server()
    from . import functions

    mod = types.ModuleType("sewerplan_officejs_functions")
    for name, f in functions.UDFS.items():
        target = inspect.unwrap(f)

        def make(target=target):
            def wrapper(*args):
                return target(*args)

            return wrapper

        w = make()
        w.__name__ = w.__qualname__ = name
        w.__doc__ = target.__doc__
        w.__module__ = mod.__name__
        w.__signature__ = inspect.signature(target)
        for arg_name, doc in reversed(list(getattr(target, "__sewerplan_args__", {}).items())):
            w = xlserver.arg(arg_name, ndim=2, doc=doc)(w)
        w = xlserver.func(w)
        setattr(mod, name, w)
    return mod


def _tokens_from_env() -> list[str]:
    return [t.strip() for t in os.environ.get(TOKENS_ENV, "").split(",") if t.strip()]


def _png(rgb=(0x1F, 0x5F, 0x8B), size=32) -> bytes:
    """A plain square icon (no image files to ship)."""
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def create_app(tokens=None, base_url: str | None = None, allow_anonymous: bool = False,
               limits: ServerLimits | None = None, scenario_dir=None, data_dir=None):
    """Build the FastAPI app.

    Parameters
    ----------
    tokens : list of str, optional
        Accepted access tokens; default from ``SEWERPLAN_SERVER_TOKENS``.
    base_url : str, optional
        Public HTTPS address written into the manifest (e.g. ``https://sewer.city.go.kr``);
        default the address of the request.
    allow_anonymous : bool
        Accept calls without a token. Only for a server bound to localhost for testing.
    limits : ServerLimits, optional
        Body, cell, time and worker limits; default :meth:`ServerLimits.from_env`.
    scenario_dir : path, optional
        The folder ``scenario_file`` arguments are read from; default ``SEWERPLAN_SCENARIO_DIR``
        (none: only the bundled ``sample`` scenarios).
    data_dir : path, optional
        The folder ``training_file`` arguments are read from; default ``SEWERPLAN_DATA_DIR`` (none:
        no training file can be named).
    """
    from fastapi import FastAPI

    from . import settings

    xlserver = _xlwings_server()
    tokens = _accepted_tokens(tokens, allow_anonymous)
    limits = limits or ServerLimits.from_env()
    scenario_dir = scenario_dir or os.environ.get(settings.SCENARIO_DIR_ENV, "").strip() or None
    data_dir = data_dir or os.environ.get(settings.DATA_DIR_ENV, "").strip() or None
    module = officejs_module()

    app = FastAPI(title="sewerplan worksheet functions (Office.js)", docs_url=None, redoc_url=None)
    app.state.functions_module = module
    app.state.limits = limits
    app.router.on_startup.append(lambda: _answer_first(limits))
    _add_error_handlers(app)
    _add_health_route(app)
    _add_function_routes(app, xlserver, module, _token_check(tokens, allow_anonymous), limits,
                         {"scenario": scenario_dir, "data": data_dir})
    _add_office_routes(app, base_url)
    return app


def _answer_first(limits: ServerLimits) -> None:
    """When the server starts: worker threads convert cells in Python, and with the default 5 ms switch
    interval each holds the GIL that long while the event loop (``/health``, reading bodies) waits
    (issue 23: /health p95 with 16 heavy calls). A server process answers first and computes second."""
    import sys

    sys.setswitchinterval(limits.switch_interval_s)


def _accepted_tokens(tokens, allow_anonymous: bool) -> list[str]:
    """The access tokens (given, or from the environment); none is an error unless anonymous."""
    tokens = list(_tokens_from_env() if tokens is None else tokens)
    if not tokens and not allow_anonymous:
        raise RuntimeError(
            f"접속 토큰이 없습니다. 환경변수 {TOKENS_ENV} 에 쉼표로 구분한 토큰을 설정하세요. / "
            f"No access tokens: set {TOKENS_ENV} (comma-separated), e.g. a random 32-character string per team."
        )
    return tokens


def _token_check(tokens: list[str], allow_anonymous: bool):
    """A function that raises HTTP 401 unless the ``Authorization`` header holds a token."""
    from fastapi import HTTPException

    def check_token(authorization: str | None):
        if allow_anonymous and not tokens:
            return
        given = (authorization or "").strip()
        if given.lower().startswith("bearer "):
            given = given[7:].strip()
        # compare bytes: compare_digest refuses str with non-ASCII characters (a 500 before)
        raw = given.encode("utf-8", "surrogateescape")
        if not given or not any(hmac.compare_digest(raw, t.encode("utf-8")) for t in tokens):
            raise HTTPException(
                status_code=401,
                detail="접속 토큰이 없거나 틀렸습니다. 작업창(sewerplan > 설정)에서 토큰을 입력하세요. / "
                       "Missing or wrong access token; enter it in the sewerplan task pane.",
            )

    return check_token


def _add_error_handlers(app) -> None:
    """User errors -> 400 with the message, HTTP errors -> their status, anything else -> 500."""
    from fastapi import HTTPException, Request
    from fastapi.responses import PlainTextResponse
    from xlwings import XlwingsError

    @app.exception_handler(XlwingsError)
    async def _user_error(request: Request, exc: XlwingsError):
        # 400, not 500: a user error is deterministic; the client shows it and does not retry.
        return PlainTextResponse(str(exc), status_code=400)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception):
        logger.exception("custom function failed")
        return PlainTextResponse("서버 오류 / An error occurred on the server.", status_code=500)


def _add_health_route(app) -> None:
    """``GET /health``: liveness check with the xlwings version."""
    import xlwings

    @app.get("/health")
    async def health():
        return {"status": "ok", "xlwings": xlwings.__version__}


def _add_function_routes(app, xlserver, module, check_token, limits: ServerLimits, folders=None) -> None:
    """Custom-function metadata and JavaScript (public), and the call endpoint (token)."""
    from fastapi import Request
    from fastapi.responses import JSONResponse, Response

    pool = _WorkerPool(limits)
    app.state.worker_pool = pool

    @app.get("/xlwings/custom-functions-meta")
    @app.get("/xlwings/custom-functions-meta.json")
    async def meta():
        return JSONResponse(xlserver.custom_functions_meta(module))

    @app.get("/xlwings/custom-functions-code")
    @app.get("/xlwings/custom-functions-code.js")
    async def code():
        return Response(_functions_code(module), media_type="text/javascript")

    @app.post(CALL_PATH)
    async def call(request: Request):
        check_token(request.headers.get("authorization"))  # before a byte of the body is read
        raw = await _read_body(request, limits)
        body = await pool.run(lambda: _run_call(xlserver, module, raw, limits.max_cells, folders))
        return Response(body, media_type="application/json")


def _http_error(status: int, ko: str, en: str):
    from fastapi import HTTPException

    return HTTPException(status_code=status, detail=f"{ko} / {en}")


async def _read_body(request, limits: ServerLimits) -> bytes:
    """The request body, refused with 413 as soon as it is longer than ``limits.max_body_bytes`` and
    with 408 when the client stalls (``body_timeout_s`` without a byte) or dawdles past ``body_deadline_s``."""
    max_bytes = limits.max_body_bytes
    declared = request.headers.get("content-length")
    too_big = _http_error(413, f"요청이 너무 큽니다(최대 {max_bytes // 1024 // 1024} MB). 범위를 나누어 계산하세요.",
                          f"request too large (at most {max_bytes // 1024 // 1024} MB); split the range.")
    if declared is not None:
        if not declared.strip().isdigit():
            raise _http_error(400, "Content-Length 머리글이 잘못되었습니다.", "bad Content-Length header.")
        if int(declared) > max_bytes:
            raise too_big
    chunks, size = [], 0
    loop = asyncio.get_running_loop()
    allowed = limits.body_deadline_s
    if declared is not None:  # a trickle (one byte a second) never stalls, but it is far below any real link
        allowed = min(allowed, limits.body_timeout_s + int(declared) / limits.min_body_rate)
    deadline = loop.time() + allowed
    stream = request.stream().__aiter__()
    while True:
        wait = min(limits.body_timeout_s, deadline - loop.time())
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), max(wait, 0.0))
        except StopAsyncIteration:
            break
        except asyncio.TimeoutError:
            raise _http_error(408, "요청 본문이 너무 느리게 도착했습니다. 네트워크를 확인하고 다시 계산하세요.",
                              "the request body arrived too slowly; check the network and recalculate.") from None
        size += len(chunk)
        if size > max_bytes:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


def _reject_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def _run_call(xlserver, module, raw: bytes, max_cells: int, folders=None) -> bytes:
    """Parse, check and run one call; the JSON answer (in a worker thread: a large result is
    serialised off the event loop too). The result must be finite."""
    import xlwings

    from .cells import _gc_paused
    from .settings import restrict_data, restrict_scenarios

    folders = folders or {}
    if raw.count(b",") > max_cells + 100:  # cells need commas: refuse before parsing millions of them
        _too_many_cells(max_cells)
    data = _parse_call(raw)
    name = data.get("func_name")
    if not isinstance(name, str) or not hasattr(getattr(module, name, None), "__xlfunc__"):
        raise _http_error(400, "알 수 없는 함수", f"unknown function: {str(name)[:60]!r}")
    _check_args(data.get("args"), max_cells)
    _check_arg_count(getattr(module, name), name, data["args"])
    data.update(client="Office.js", version=xlwings.__version__, runtime=str(data.get("runtime") or "1.4"))
    with restrict_scenarios(folders.get("scenario")), restrict_data(folders.get("data")), _gc_paused():
        result = _call_function(xlserver, module, name, data)
    if not _all_finite(result):
        raise _http_error(400, f"{name}: 결과에 유한하지 않은 수가 있습니다. 입력값을 확인하세요.",
                          f"{name}: the result holds a number that is not finite; check the inputs.")
    return _result_json(result)


def _parse_call(raw: bytes) -> dict:
    """The call's JSON object; 400 for anything else (not JSON, NaN/Infinity, nested past Python's stack)."""
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _http_error(400, "요청 본문이 올바른 JSON이 아닙니다", f"the request body is not valid JSON ({exc})") from None
    except RecursionError:
        raise _http_error(400, "요청 본문의 목록이 너무 깊게 중첩되어 있습니다(셀 값은 행과 열 두 단계)",
                          "the request body is nested too deeply (cells are rows of values, two levels)") from None
    if not isinstance(data, dict):
        raise _http_error(400, "요청 본문은 JSON 객체여야 합니다", "the request body must be a JSON object")
    return data


def _check_arg_count(func, name: str, args: list) -> None:
    """400 unless the function takes this many arguments (Excel passes at most one per parameter)."""
    params = inspect.signature(func).parameters.values()
    most = len(params)
    least = sum(p.default is inspect.Parameter.empty for p in params)
    if not least <= len(args) <= most:
        want = f"{least}" if least == most else f"{least}-{most}"
        raise _http_error(400, f"{name}: 인수 개수가 맞지 않습니다({want}개 필요, {len(args)}개 받음)",
                          f"{name}: wrong argument count ({want} expected, {len(args)} given)")


def _call_function(xlserver, module, name: str, data: dict):
    """Run the worksheet function; a sewerplan error it did not turn into a cell message is a 400
    naming its kind (details to the server log: its text may name server files)."""
    from sewerplan.model.errors import SewerplanError

    try:
        return asyncio.run(xlserver.custom_functions_call(data, module))
    except SewerplanError as exc:
        logger.warning("%s refused its input: %s", name, exc)
        raise _http_error(400, f"{name}: 입력을 쓸 수 없습니다({type(exc).__name__}). 인수를 확인하세요; 자세한 내용은 "
                          "서버 기록에 있습니다", f"{name}: the input cannot be used ({type(exc).__name__}); check "
                          "the arguments; the details are in the server log") from None


def _result_json(result, rows_per_chunk: int = 20_000) -> bytes:
    """``{"result": ...}`` as JSON bytes, a large table serialised in chunks of rows so the GIL is
    released between them (one json.dumps of 400,000 rows held it for half a second)."""
    if not isinstance(result, list) or len(result) <= rows_per_chunk:
        return json.dumps({"result": result}, ensure_ascii=False, allow_nan=False).encode("utf-8")
    parts = [json.dumps(result[i:i + rows_per_chunk], ensure_ascii=False, allow_nan=False)[1:-1]
             for i in range(0, len(result), rows_per_chunk)]
    return ('{"result": [' + ", ".join(parts) + "]}").encode("utf-8")


_SCALARS = (str, int, float, bool, type(None))


def _check_args(args, max_cells: int) -> None:
    """Arguments are cells: scalars or rows of scalars (no objects), at most ``max_cells`` in all."""
    if not isinstance(args, list):
        raise _http_error(400, "args 는 목록이어야 합니다", "args must be a list")
    cells = 0
    for i, arg in enumerate(args, start=1):
        rows = arg if isinstance(arg, list) else [arg]
        for row in rows:
            values = row if isinstance(row, list) else [row]
            if not all(isinstance(v, _SCALARS) for v in values):
                raise _http_error(400, f"{i}번째 인수에 셀 값이 아닌 것(객체 또는 중첩 목록)이 있습니다",
                                  f"argument {i} holds something that is not a cell value (an object or nested list)")
            cells += len(values)
        if cells > max_cells:
            _too_many_cells(max_cells)


def _too_many_cells(max_cells: int):
    raise _http_error(413, f"셀이 너무 많습니다(한 번에 최대 {max_cells:,}개). 범위를 나누어 계산하세요.",
                      f"too many cells (at most {max_cells:,} per call); split the range.")


def _all_finite(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_all_finite(v) for v in value)
    return True


class _WorkerPool:
    """Worksheet calls in worker threads: the event loop (``/health``, other calls) stays free.

    A call that runs past the timeout answers 504 (its thread finishes in the background and
    still counts against the pool); with every worker and queue place taken the answer is 503.
    """

    def __init__(self, limits: ServerLimits):
        self.limits = limits
        self.executor = ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix="sewerplan-call")
        self.pending = 0

    async def run(self, fn):
        if self.pending >= self.limits.workers + self.limits.queue:
            raise _http_error(503, "서버가 바쁩니다. 잠시 후 다시 계산하세요.", "the server is busy; recalculate in a moment.")
        self.pending += 1
        future = asyncio.get_running_loop().run_in_executor(self.executor, fn)
        future.add_done_callback(self._done)
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.limits.timeout_s)
        except asyncio.TimeoutError:
            raise _http_error(504, f"계산이 {self.limits.timeout_s:g}초를 넘었습니다. 범위를 나누어 계산하세요.",
                              f"the calculation took longer than {self.limits.timeout_s:g} s; split the range.") from None

    def _done(self, future) -> None:
        self.pending -= 1
        if not future.cancelled():
            future.exception()  # retrieved: a timed-out call's error is not reported as unhandled


def _functions_code(module) -> str:
    """xlwings' custom-functions JavaScript plus one forwarding function per worksheet function."""
    import xlwings

    js = _office_file("custom-functions-code.js")
    js = js.replace("placeholder_xlwings_version", xlwings.__version__).replace(
        "placeholder_custom_functions_call_path", CALL_PATH)
    for name, obj in inspect.getmembers(module):
        if hasattr(obj, "__xlfunc__"):
            js += (f"async function {name}() {{ return await base(\"{name}\", ...arguments); }}\n"
                   f"CustomFunctions.associate(\"{name.upper()}\", {name});\n")
    return js


def _add_office_routes(app, base_url: str | None) -> None:
    """The static Office add-in files: manifest (with this server's address), task pane, icons."""
    from fastapi import Request
    from fastapi.responses import HTMLResponse, Response

    manifest_id = os.environ.get(MANIFEST_ID_ENV, _DEFAULT_MANIFEST_ID)

    @app.get("/manifest.xml")
    async def manifest(request: Request):
        base = (base_url or str(request.base_url)).rstrip("/")
        xml = (_office_file("manifest.xml").replace("BASE_URL", base).replace("MANIFEST_ID", manifest_id)
               .replace("ADDIN_VERSION", _addin_version()))
        return Response(xml, media_type="application/xml")

    @app.get("/taskpane.html")
    async def taskpane():
        return HTMLResponse(_office_file("taskpane.html"))

    @app.get("/office/icon-32.png")
    async def icon32():
        return Response(_png(size=32), media_type="image/png")

    @app.get("/office/icon-64.png")
    async def icon64():
        return Response(_png(size=64), media_type="image/png")


def _addin_version() -> str:
    """The package version as the four numbers an Office manifest needs, e.g. ``0.4.0.0``."""
    from sewerplan import __version__

    version = ".".join((__version__.split("+")[0].split(".") + ["0", "0", "0", "0"])[:4])
    return ".".join(p if p.isdigit() else "0" for p in version.split("."))


def new_token() -> str:
    """A random access token to put in SEWERPLAN_SERVER_TOKENS."""
    return uuid.uuid4().hex + uuid.uuid4().hex
