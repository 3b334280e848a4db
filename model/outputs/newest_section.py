"""The results bundle's record of the newest-cohort check (:class:`~.results.NewestCheck`).

Built from a trained model's ``newest`` calibration (:mod:`sewerplan.model.ml.newest`); the
reports speak from it ("최근 준공 건물 N동으로 확인한 결과 …").
"""

from __future__ import annotations

import math

from .results import NewestCheck

__all__ = ["newest_check"]


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
