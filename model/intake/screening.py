"""Screening of observed water use before training (documented rule, docs/ml.md).

A training row is flagged (``screen_flag`` True, ``screen_reason`` saying why) when:

1. ``zero_or_negative``: observed sewage <= 0 m3/d. The canonical table holds occupied
   buildings, so zero use is a meter or reporting error.
2. ``intensity_below_bound`` / ``intensity_above_bound``: intensity = observed / floor
   area outside [``min_l_per_m2_day``, ``max_l_per_m2_day``] = [0.05, 300] L/(m2 d).
   The highest MOE design load for floor-area uses is ~100 L/(m2 d) (day-max), so a
   day-average 3x above it is not physical for a whole building; 0.05 L/(m2 d) is ~1/30
   of the lowest use medians seen (warehouses ~0.4).
3. ``per_household_above_bound``: housing with households > 0 using more than
   ``max_m3_per_household_day`` = 3 m3/d per household (5x the Seoul 6-person mean of
   0.76 m3/d).
4. ``robust_z``: |robust z| > ``z_limit`` = 3.5 (Iglewicz & Hoaglin) on ln intensity,
   against the median and MAD x 1.4826 of the same main use (or of the category when a
   main use has fewer than ``min_group`` = 20 observed rows); MAD floored at 0.25 in ln
   units so a tight group does not flag ordinary buildings.

Rows without an observed value are not flagged (they are not training rows).
Flagged rows are excluded from training and kept in every output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SCREENING_RULE", "screen_observations"]

SCREENING_RULE = {
    "min_l_per_m2_day": 0.05,
    "max_l_per_m2_day": 300.0,
    "max_m3_per_household_day": 3.0,
    "z_limit": 3.5,
    "min_group": 20,
    "mad_floor_ln": 0.25,
}


def screen_observations(
    df: pd.DataFrame,
    observed_column: str = "observed_m3_per_day",
    reference: pd.DataFrame | None = None,
    **rule,
) -> pd.DataFrame:
    """Flag implausible observed rows.

    Parameters
    ----------
    df : DataFrame
        Canonical building table with ``observed_column`` [m3/d], ``floor_area_m2`` [m2],
        ``main_use``; ``households`` and ``category`` used when present.
    reference : DataFrame, optional
        Table whose medians/MADs define "typical" (default ``df`` itself). The benchmark
        screens TEST rows against TRAIN statistics.
    **rule
        Overrides of :data:`SCREENING_RULE`.

    Returns
    -------
    DataFrame
        Index of ``df``, columns ``screen_flag`` (bool), ``screen_reason`` (str, '' if kept)
        and ``intensity_l_per_m2_day``.
    """
    r = _screening_settings(rule)
    ref = df if reference is None else reference
    obs, _, use, cat, inten = _observation_columns(df, observed_column)
    z = _robust_z(inten, use, cat, _observation_columns(ref, observed_column), r)
    reasons = _screen_reasons(df, obs, inten, z, r)
    return pd.DataFrame(
        {"screen_flag": reasons != "", "screen_reason": reasons, "intensity_l_per_m2_day": inten},
        index=df.index,
    )


def _screening_settings(rule: dict) -> dict:
    """:data:`SCREENING_RULE` with the overrides; an unknown setting is an error."""
    r = {**SCREENING_RULE, **rule}
    unknown = set(rule) - set(SCREENING_RULE)
    if unknown:
        raise TypeError(f"unknown screening settings {sorted(unknown)}; valid: {sorted(SCREENING_RULE)}")
    return r


def _observation_columns(t: pd.DataFrame, observed_column: str):
    """(observed [m3/d], floor area [m2], main use, category, intensity [L/(m2 d)]) of a table."""
    from ..design.uses import normalised_uses

    obs = pd.to_numeric(t[observed_column], errors="coerce") if observed_column in t else pd.Series(np.nan, index=t.index)
    area = pd.to_numeric(t["floor_area_m2"], errors="coerce")
    use, cat = normalised_uses(t["main_use"])
    inten = obs * 1000.0 / area
    return obs, area, use, cat, inten


def _group_stats(rln: pd.Series, keys: pd.Series):
    """(median, MAD x 1.4826, count) of ln intensity per group."""
    g = rln.groupby(keys)
    med = g.median()
    mad = (rln - keys.map(med)).abs().groupby(keys).median() * 1.4826
    return med, mad, g.count()


def _robust_z(inten: pd.Series, use: pd.Series, cat: pd.Series, ref_columns, r: dict) -> pd.Series:
    """Robust z of ln intensity against the reference rows of the same main use (>= ``min_group`` rows),
    else of the same category, else of all; MAD floored at ``mad_floor_ln``."""
    robs, _, ruse, rcat, rint = ref_columns
    rln = np.log(rint.where((robs > 0) & (rint > 0)))
    ln = np.log(inten.where(inten > 0))
    umed, umad, un = _group_stats(rln, ruse)
    cmed, cmad, _ = _group_stats(rln, rcat.fillna("unknown"))
    gmed, gmad = rln.median(), (rln - rln.median()).abs().median() * 1.4826
    enough = use.map(un).fillna(0) >= r["min_group"]
    med = pd.Series(np.where(enough, use.map(umed), cat.fillna("unknown").map(cmed)), index=inten.index)
    mad = pd.Series(np.where(enough, use.map(umad), cat.fillna("unknown").map(cmad)), index=inten.index)
    med = med.fillna(gmed)
    mad = mad.fillna(gmad).clip(lower=r["mad_floor_ln"])
    return (ln - med) / mad


def _fmt(s: pd.Series) -> pd.Series:
    return s.map(lambda v: f"{v:.3g}")


def _screen_reasons(df: pd.DataFrame, obs: pd.Series, inten: pd.Series, z: pd.Series, r: dict) -> pd.Series:
    """The first rule each observed row breaks ('' if none), in the order of the module docstring."""
    hh = pd.to_numeric(df["households"], errors="coerce") if "households" in df else pd.Series(np.nan, index=df.index)
    per_hh = obs / hh.where(hh > 0)
    has_obs = obs.notna()
    reasons = pd.Series("", index=df.index, dtype=object)

    def _add(mask, text):
        mask = mask.fillna(False) & has_obs & (reasons == "")
        reasons[mask] = text[mask] if isinstance(text, pd.Series) else text

    _add(obs <= 0, "zero_or_negative: observed " + _fmt(obs) + " m3/d for an occupied building / 사용량 0 이하")
    _add(inten < r["min_l_per_m2_day"],
         "intensity_below_bound: " + _fmt(inten) + f" L/(m2 d) < {r['min_l_per_m2_day']} / 원단위 하한 미만")
    _add(inten > r["max_l_per_m2_day"],
         "intensity_above_bound: " + _fmt(inten) + f" L/(m2 d) > {r['max_l_per_m2_day']} / 원단위 상한 초과")
    _add(per_hh > r["max_m3_per_household_day"], "per_household_above_bound: " + _fmt(per_hh)
         + f" m3/(household d) > {r['max_m3_per_household_day']} / 세대당 상한 초과")
    _add(z.abs() > r["z_limit"],
         "robust_z: ln-intensity z = " + _fmt(z) + f" beyond +/-{r['z_limit']} of its use / 동일 용도 대비 이상치")
    return reasons
