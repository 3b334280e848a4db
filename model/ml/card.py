"""The model card: a JSON document saved beside every model file (``MODEL.card.json``).

It says what the model was trained on (region, real or synthetic, data SHA-256, row
counts), which features with which units, the library versions it needs, the grouped
cross-validation metrics overall and by building category, the interval coverage, the
date, the intended use and the limits.
"""

from __future__ import annotations

import datetime as _dt
import json
import platform
import subprocess
from pathlib import Path

__all__ = ["build_card", "library_versions", "card_path_for", "prediction_note", "write_card", "read_card"]

INTENDED_USE = (
    "Planning-stage estimate of day-average sewage per building [m3/d] and per district from "
    "plan / building-register attributes, to compare with the pilot formula, the master-plan "
    "method and the MOE unit loads. 계획 단계 건축물별 일평균 오수량 추정 (기존 방식·기본계획·환경부 원단위와 비교용)."
)
LIMITS = [
    "Day-average flow, not a design day-max or hour-max: convert with the ratios of "
    "DesignParameters before sizing. / 일평균 값이며 설계 일최대·시간최대가 아님.",
    "Valid for building uses, sizes and years like those in the training data; uses not in "
    "training rely on the MOE design-load prior feature only. / 학습 자료에 없는 용도는 참고용.",
    "Intervals are calibrated on held-out districts of the training region; a new region "
    "can behave differently. / 구간은 학습 지역 기준으로 보정됨.",
    "District-total intervals assume districts of a size similar to the training districts. "
    "/ 구역 합계 구간은 학습 구역 규모 기준.",
]
LOCATION_LIMIT = (
    "Uses building location (latitude/longitude). Trees cannot extrapolate: for a site outside "
    "the training area (e.g. a new town beyond the existing town's edge) the location effect "
    "of the nearest edge is applied (coordinates are clipped to the training range), and such "
    "rows say so in ml_model_note. / 위치(위도·경도)를 변수로 사용: 학습 지역 밖은 가장자리의 "
    "위치 효과를 그대로 적용하며 외삽하지 않음."
)


def library_versions() -> dict:
    import numpy
    import pandas
    import sklearn
    import skops

    return {
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "python": platform.python_version(),
    }


def _code_revision() -> str:
    try:
        here = Path(__file__).resolve().parent
        rev = subprocess.run(["git", "-C", str(here), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5)
        return rev.stdout.strip() or "unknown"
    except Exception:  # noqa: BLE001 - no git in an installed package
        return "unknown"


def prediction_note(region: str, synthetic: bool, trained_on: str) -> str:
    """Warning carried by every prediction of a model not trained on real Korean data."""
    if region == "KR" and not synthetic:
        return ""
    parts = []
    if synthetic:
        parts.append("trained on SYNTHETIC data / 합성 자료로 학습")
    if region != "KR":
        parts.append(f"trained on data from region {region}, not Korea / 한국 외 지역({region}) 자료로 학습")
    return f"Indicative only: model {'; '.join(parts)} ({trained_on}). / 참고용 예측."


def _location_section(location: dict | None) -> dict:
    if not location:
        return {"used": False, "why": "no latitude/longitude in most training rows, or location='no'"}
    return {"used": True, "training_range_deg": location["bounds"],
            "training_rows_with_coordinates": location["rows_with"],
            "training_rows_without_coordinates": location["rows_without"],
            "outside_training_area": "coordinates clipped to the training range (location effect of the edge)",
            "prediction_without_coordinates": "refused when the table has no coordinates at all; "
                                              "single rows without coordinates are predicted and flagged"}


def _household_mix_section(household_mix: dict | None) -> dict:
    if not household_mix:
        return {"used": False, "why": "no training row carried a household-size mix"}
    return {"used": True, "training_residential_rows_with_mix": household_mix["rows_with_mix"],
            "training_residential_rows_filled_from_trend": household_mix["rows_filled_from_trend"],
            "fill_rule": "a residential row without hh_share_1..5plus gets the census-trend mix "
                         "(household_trend.household_mix) of its approval year, at least the latest "
                         "census year; no year -> latest census year; same rule in training and "
                         "prediction, and such predictions say so in ml_model_note"}


def _intervals_section(settings: dict, chosen_metrics: dict, intervals: dict, district_intervals: dict) -> dict:
    return {
        "method": "cross-conformal on ln residuals of held-out-district predictions, "
                  "Mondrian by category (pooled for categories with few rows)",
        "nominal_coverage": settings["coverage"],
        "cv_coverage": chosen_metrics.get("interval_coverage"),
        "building": intervals,
        "district_total": {**district_intervals,
                           "method": "split conformal on ln(observed/predicted) of held-out district totals"},
    }


def _newest_section(newest: dict | None) -> dict:
    """The newest-cohort check as the card tells it (docs/ml.md, "The newest-cohort check")."""
    if newest is None:
        return {"used": False, "why": "trained with the newest-cohort check switched off"}
    level = newest["level"]
    out = {
        "used": True, "checked": bool(newest["checked"]), "rule": newest["rule_text"],
        "checked_from_year": newest["first_year"], "training_newest_year": newest["last_year"],
        "new_from_year": newest["new_from_year"], "checked_buildings": newest["n_buildings"],
        "level_factor": level, "district_log_ratio_bounds_for_new_buildings": newest["district_log_ratio_bounds"],
        "building_intervals_for_new_buildings": newest["intervals"],
        "applies_to": "buildings with approval year >= new_from_year, or without a year (planned buildings)",
    }
    if newest["checked"]:
        out.update({"method": "at each origin (newest year minus the rule's years) each candidate is trained on the "
                              "buildings completed up to it and forecasts those completed after; level factor = "
                              "mean ln(sum observed / sum predicted) over the checks, shrunk toward 1 against its "
                              "sampling error; building intervals conformal on the checks' residuals after the "
                              "factor, widened by the factor's sd (bootstrap and between-check spread)",
                    "checks": newest["checks"], "districts": newest.get("n_districts"), "errors": newest["metrics"],
                    "coverage_of_cross_validated_intervals": newest.get("coverage_cv_intervals"),
                    "coverage_of_new_building_intervals_in_sample": newest.get("coverage_new_intervals")})
    else:
        out["too_small"] = (f"no check could run (at least {newest['rule']['min_buildings']} buildings after an origin "
                            f"and {newest['rule']['min_older']} before it are needed): factor 1 and every interval "
                            f"of a new building widened by {level['sd_log']} (ln) / 최근 준공 건물이 적어 새 건물 "
                            "검증을 하지 못했고 예측 범위를 넓혔습니다")
    return out


def build_card(*, model_id, data_sha256, trained_on, region, synthetic, n_rows, n_used, n_screened,
               n_no_observation, screen_reasons, cv_metrics, chosen, cv_scheme, n_folds, n_districts,
               settings, correction, intervals, district_intervals, location=None,
               household_mix=None, newest=None) -> dict:
    """The model card: training data, features [units], CV metrics, intervals, libraries, limits."""
    from .features import FEATURE_UNITS, LOCATION_FEATURES
    from ..intake.screening import SCREENING_RULE

    chosen_m = cv_metrics[chosen]
    return {
        "card_format": "sewerplan-model-card/1",
        "model_id": model_id,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "trained_on": trained_on,
        "region": region,
        "synthetic": bool(synthetic),
        "prediction_note": prediction_note(region, synthetic, trained_on),
        "training_data_sha256": data_sha256,
        "rows": {"total": int(n_rows), "used": int(n_used), "screened_out": int(n_screened),
                 "without_observation": int(n_no_observation)},
        "screening": {"rule": SCREENING_RULE, "reasons": {str(k): int(v) for k, v in screen_reasons.items()}},
        "target": {"name": "observed_m3_per_day", "unit": "m3/d",
                   "meaning": "day-average sewage = billed water x return ratio, averaged over billing months"},
        "features": [{"name": k, "unit": v} for k, v in FEATURE_UNITS.items()
                     if location or k not in LOCATION_FEATURES],
        "location": _location_section(location),
        "household_mix": _household_mix_section(household_mix),
        "learner": chosen,
        "learner_selection": "lowest held-out district-total median |error| + |town sum bias| (districts >= 5 "
                             "buildings), plus |ln total ratio| + district median |error| on the newest cohort "
                             "when checked; the blend unless another learner scores below 0.8 x its score",
        "newest_cohort": _newest_section(newest),
        "back_transform_ratio_correction": {k: round(float(v), 6) for k, v in correction.items()},
        "settings": settings,
        "cross_validation": {
            "scheme": cv_scheme, "folds": int(n_folds), "districts": int(n_districts),
            "chosen": chosen_m, "candidates": cv_metrics,
        },
        "intervals": _intervals_section(settings, chosen_m, intervals, district_intervals),
        "libraries": library_versions(),
        "code_revision": _code_revision(),
        "intended_use": INTENDED_USE,
        "limits": LIMITS + ([LOCATION_LIMIT] if location else []),
    }


def card_path_for(model_path) -> Path:
    """``X.skops`` -> ``X.card.json`` (same folder)."""
    p = Path(model_path)
    return p.with_name(p.stem + ".card.json")


def write_card(card: dict, path) -> None:
    """Write the card as JSON (atomically; NaN and infinities as null, never invalid JSON)."""
    from ..fileio import write_json_atomic

    write_json_atomic(path, card, default=_json_default)


def read_card(path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _json_default(o):
    import numpy as np

    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)
