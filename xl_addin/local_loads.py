"""Worksheet function SEWER_LOCAL_UNITLOADS: the city's own unit loads from a training table.

Kept in its own file; :mod:`sewerplan.xl_addin.functions` registers it with the same ``udf``
decorator as the others (so the workbook's UDF module and the Office.js route list it).
Reads the ``training_table.csv`` that ``sewerplan prepare`` writes (and the
``match_report.json`` beside it) and spills the table in the ordinance's shape with the
notice's values beside it. Results are cached per file version and minimum.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

from sewerplan.model.errors import SewerplanError

from . import settings as _settings
from .messages import XlwingsError

__all__ = ["LOCAL_UNITLOADS_ARGS", "SEWER_LOCAL_UNITLOADS", "LOCAL_UNITLOADS_HEADER"]

LOCAL_UNITLOADS_ARGS = {
    "training_file": "학습 자료 파일 경로(prepare 결과 training_table.csv; 서버에서는 자료 폴더 안의 이름). Path of "
                     "the training table sewerplan prepare writes (on the server: a name in its data folder).",
    "min_buildings": "용도별 최소 건축물 수 [동], 빈칸=30. 미만이면 고시값. Minimum buildings per use, blank = 30; "
                     "fewer keeps the notice's value.",
}
LOCAL_UNITLOADS_HEADER = ["용도 (use)", "단위 (unit)", "오수발생량 일최대 (adopted, day max)", "지역 산정값 (local)",
                          "95% 하한 (CI low)", "95% 상한 (CI high)", "환경부 고시 (notice)", "지역/고시 (ratio)",
                          "건축물 수 (buildings)", "적용 (applied)"]
_CACHE: dict = {}
_CACHE_MAX = 8
_F = "SEWER_LOCAL_UNITLOADS"


def _error(ko: str, en: str) -> XlwingsError:
    return XlwingsError(f"{_F}: {ko} / {en}")


def _single(value):
    """The one cell of a 2-D argument (None when blank)."""
    rows = value if isinstance(value, (list, tuple)) else [[value]]
    cells = [c for r in rows for c in (r if isinstance(r, (list, tuple)) else [r])]
    if len(cells) != 1:
        raise _error("셀 하나만 지정하세요", "give a single cell")
    v = cells[0]
    return None if v is None or (isinstance(v, str) and not v.strip()) else v


def _path(value) -> Path:
    """The training_file cell -> an existing file (no ``~`` or ``$VAR``/``%VAR%`` expansion).

    Relative names are read from the data folder (:func:`settings.data_folder`). Over the server
    only files inside that folder are read, and a path outside it gets the same answer whether or
    not a file is there (no existence oracle); every message names the path as the cell gave it.
    """
    text = _single(value)
    if text is None:
        raise _error("training_file(학습 자료 파일)이 비어 있습니다", "training_file is blank")
    key = str(text).strip().strip('"').strip()
    shown = key if len(key) <= 200 else key[:200] + "…"
    folder, restricted = _settings.data_folder()
    path = Path(key)
    if folder is not None and not path.is_absolute():
        path = folder / path
    if restricted:
        if folder is None or not path.resolve().is_relative_to(folder):
            raise _error(f"training_file {shown}: 이 서버에서는 자료 폴더 안의 파일 이름(예: training_table.csv)만 "
                         "쓸 수 있습니다. 관리자에게 파일을 자료 폴더에 넣어 달라고 하세요",
                         f"training_file {shown}: on this server give the name of a file in the data folder "
                         "(e.g. training_table.csv); ask the administrator to put the file there")
        path = path.resolve()
    if not path.is_file():
        raise _error(f"training_file 파일이 없습니다: {shown}", f"training_file not found: {shown}")
    return path


def _minimum(value) -> int:
    v = _single(value)
    if v is None:
        return 30
    try:
        n = float(v)
    except (TypeError, ValueError):
        raise _error(f"min_buildings(최소 건축물 수)는 숫자여야 합니다: {v!r}", f"min_buildings must be a number: {v!r}") from None
    if not (n == int(n) and 6 <= n <= 100000):
        raise _error(f"min_buildings {v!r}: 6 이상 정수", f"min_buildings {v!r}: a whole number >= 6")
    return int(n)


def _table(path: Path, minimum: int):
    from sewerplan.model.design.parameters import DesignParameters
    from sewerplan.model.planning.local_loads import LocalLoadRules, local_unit_loads, read_training_table

    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size, minimum)
    if key not in _CACHE:
        data = read_training_table(path)
        params = DesignParameters(**({"return_ratio": data.return_ratio} if data.return_ratio else {}))
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.clear()
        _CACHE[key] = local_unit_loads(data.table, LocalLoadRules(min_buildings=minimum), params, period=data.period,
                                       synthetic=data.synthetic, source=path.name)
    return _CACHE[key]


def _blank(v):
    return "" if v is None or (isinstance(v, float) and not math.isfinite(v)) else float(v)


def SEWER_LOCAL_UNITLOADS(training_file, min_buildings=None):
    """지역 원단위 표 [L/㎡·일, L/인·일]: 용도, 단위, 채택값(일최대), 지역값, 95% 구간, 고시값, 비, 건축물 수 (머리글 포함). City's own unit loads beside the MOE notice, with headers."""
    path = _path(training_file)
    minimum = _minimum(min_buildings)
    try:
        t = _table(path, minimum)
    except SewerplanError as exc:
        if not _settings.on_server():
            raise XlwingsError(f"{_F}: {exc}") from None
        # the loader's message may quote the file's cells and the server's folders: to the log only
        logging.getLogger("sewerplan.xl_addin.server").warning("training file %s: %s", path, exc)
        raise _error(f"training_file {path.name} 을(를) 쓸 수 없습니다({type(exc).__name__}). 자세한 내용은 "
                     "서버 기록에 있습니다", f"training_file {path.name} cannot be used ({type(exc).__name__}); "
                     "the details are in the server log") from None
    out = [list(LOCAL_UNITLOADS_HEADER)]
    for _, r in t.rows.iterrows():
        out.append([r["use"], r["unit"], float(r["adopted_l_per_unit_day"]), _blank(r["day_max_l_per_unit_day"]),
                    _blank(r["day_max_ci_low"]), _blank(r["day_max_ci_high"]), float(r["ministry_l_per_unit_day"]),
                    _blank(r["ratio_to_ministry"]), int(r["n_buildings"]),
                    "지역값 (local)" if r["status"] == "local" else "고시값 (notice, 건축물 부족)"])
    return out
