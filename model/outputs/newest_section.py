"""The results bundle's record of the newest-cohort check (:class:`~.results.NewestCheck`).

Built from a trained model's ``newest`` calibration (:mod:`sewerplan.model.ml.newest`); the
reports speak from it ("최근 준공 건물 N동으로 확인한 결과 …").
"""

from __future__ import annotations

import math

import pandas as pd

from .bundle_parts import NewestCheck

__all__ = ["newest_check", "newest_sheet"]


def _finite(value) -> float | None:
    """A JSON-safe number: None for missing, NaN or infinite values."""
    if value is None:
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def _year(value) -> int:
    v = _finite(value)
    return int(v) if v is not None else 0


def newest_check(model) -> NewestCheck | None:
    """The newest-cohort record of ``model`` (None for a model trained without the check)."""
    nw = getattr(model, "newest", None)
    if not nw:
        return None
    level = nw["level"]
    hi_new = float(nw["district_log_ratio_bounds"][1])
    hi_cv = float(model.district_intervals["log_ratio_bounds"][1])
    out = NewestCheck(
        checked=bool(nw["checked"]), n_buildings=int(nw["n_buildings"]), min_buildings=int(nw["rule"]["min_buildings"]),
        first_year=_year(nw["first_year"]), last_year=_year(nw["last_year"]),
        level_factor=round(float(level["factor"]), 4), level_raw=_finite(level["raw"]),
        level_sd_log=round(float(level["sd_log"]), 4),
        upper_widening=round(max(math.exp(hi_new - hi_cv) - 1.0, 0.0), 4) if math.isfinite(hi_cv) else 0.0,
    )
    if nw["checked"]:
        m = nw["metrics"][nw["learner"]]
        base = nw["metrics"].get("per_type_median", {})
        out.n_districts = int(m["n_districts"])
        out.total_ratio, out.wape = _finite(m["total_ratio"]), _finite(m["wape"])
        out.district_median_ape = _finite(m["district_median_ape"])
        out.per_type_total_ratio, out.per_type_wape = _finite(base.get("total_ratio")), _finite(base.get("wape"))
        out.coverage_before = _finite(nw.get("coverage_cv_intervals"))
        out.coverage_after = _finite(nw.get("coverage_new_intervals"))
    return out


_METHOD_WORDS = {"hgb_log": "ML 후보 hgb_log", "ridge_log": "ML 후보 ridge_log", "hgb_poisson": "ML 후보 hgb_poisson",
                 "blend": "ML 후보 blend (세 후보 평균)", "per_type_median": "용도별 중앙값 방식 (per-type median)"}


def newest_sheet(model) -> pd.DataFrame | None:
    """The newest-cohort check as workbook rows (항목, 값); None for a model without it."""
    nw = getattr(model, "newest", None)
    if not nw:
        return None
    nc = newest_check(model)
    rows = [("검증 방법 (rule)", f"{nw.get('rule_text_ko', '')} ({nw['rule_text']})"),
            ("검증 여부 (checked)", "예 (yes)" if nc.checked else "아니오: 건물 수 부족 (no: too few buildings)"),
            ("최근 준공 건물 (동) (cohort buildings)", nc.n_buildings),
            ("사용승인 연도 (approval years)", f"{nc.first_year}–{nc.last_year}" if nc.first_year else "-")]
    for name, m in (nw.get("metrics") or {}).items():
        label = _METHOD_WORDS.get(name, name) + (" ← 선택 (chosen)" if name == nw["learner"] else "")
        rows += [(f"{label}: 예측/실측 합계 비율 (total ratio)", round(m["total_ratio"], 4)),
                 (f"{label}: 건축물별 오차 WAPE", round(m["wape"], 4)),
                 (f"{label}: 구역 오차 중앙값 ({m['n_districts']}개 구역)", _finite(m["district_median_ape"]))]
    rows += [("새 건물 보정 계수 (level factor applied)", nc.level_factor),
             ("보정 전 비율 실측/예측 (raw)", nc.level_raw),
             ("남은 불확실성 ln 표준편차 (remaining sd, ln)", nc.level_sd_log),
             ("교차검증 구간 포함률 (cross-validated interval coverage)", nc.coverage_before),
             ("새 건물 구간 포함률 (new-building interval coverage)", nc.coverage_after),
             ("구역·도시 구간 상한 상승 (upper bound raised by)", nc.upper_widening)]
    return pd.DataFrame(rows, columns=["item", "value"])
