"""The one-page monitoring report (``sewerplan monitor``): first bills against the forecast, by district.

Plain data from :class:`sewerplan.model.planning.monitoring.MonitorResult` and the results
bundle's names; sentences below (Korean first), laid out by ``templates/monitoring.html`` and
rendered like the briefings (strict jinja, local files only, PDF/A-3b with the tables attached).
"""

from __future__ import annotations

import io

import pandas as pd

from sewerplan.model.fileio import check_output_path, write_bytes_atomic

from .filters import pct, thousands
from .formatting import Fmt

__all__ = ["monitoring_context", "render_monitoring_html", "write_monitoring_report"]

TEMPLATE = "monitoring.html"
_T = {
    "title": ("{town} 입주 후 점검: 예측은 맞았나?", "{town} after occupancy: did the forecast hold?"),
    "lead": ("{months} 요금 자료로 입주한 건축물 {occupied}동(계획 {planned}동 중 {share})을 예측과 비교했습니다. "
             "예측 구간을 벗어난 구역: {flagged}.",
             "Bills for {months} cover {occupied} occupied buildings ({share} of {planned} planned), compared with "
             "the forecast. Districts outside the forecast interval: {flagged}."),
    "none": ("없음", "none"),
    "table": ("구역별 비교 (비교 대상 건축물의 하루 평균, m³/일)", "By district (day average of the compared buildings, m³/d)"),
    "district": ("구역", "District"), "occupied": ("입주 (동, 비율)", "Occupied (buildings, share)"),
    "compared": ("비교 (동)", "Compared"), "observed": ("실측", "Observed"), "forecast": ("예측 (ML)", "Forecast (ML)"),
    "interval": ("예측 구간", "Interval"), "ratio": ("실측/예측", "Obs./fcst."), "status": ("판정", "Status"),
    "above": ("구간 초과", "above"), "below": ("구간 미만", "below"), "within": ("구간 안", "within"),
    "no data": ("자료 없음", "no data"),
    "monthly": ("월별 입주율과 실측/예측", "Share occupied and observed / forecast by month"),
    "rules": ("판정 방법", "How it is judged"),
    "rule_join": ("요금 행은 건축물 ID가 있으면 그 건축물에, 없으면 필지고유번호·지번주소로 연계했습니다. 고객번호는 가명처리했습니다.",
                  "Bill rows go to the building id they carry, else by PNU / lot address. Customer numbers are "
                  "pseudonymised."),
    "rule_settle": ("건축물의 첫 {settling}개월(입주 기간)은 비교에서 뺐습니다. 실측 = 사용량 / 일수 x 오수전환율 {ratio}.",
                    "Each building's first {settling} months (move-in) are left out. Observed = billed water / days "
                    "x return ratio {ratio}."),
    "rule_interval": ("예측 구간은 배수구역 전체에 대해 보정한 구간(예측의 {lo}~{hi}배)입니다. 일부만 입주한 구역에는 실제보다 "
                      "좁으므로, 초과·미만은 모델과 계획을 다시 볼 신호이지 결론이 아닙니다.",
                      "The interval is the district-total interval of the forecast ({lo} to {hi} x forecast), "
                      "calibrated on whole districts; for a partly occupied district it is too narrow, so a flag is "
                      "a signal to review the model and the plan, not a verdict."),
    "source": ("자료", "Data"),
}


def _t(lang: str, key: str, **fields) -> str:
    ko, en = _T[key]
    return (ko if lang == "ko" else en).format(**fields)


def _district_rows(districts: pd.DataFrame, lang: str) -> list[dict]:
    rows = []
    for _, r in districts.iterrows():
        has = r["forecast_m3_per_day"] > 0
        rows.append({
            "district": str(r["district"]), "flagged": bool(r["flagged"]),
            "occupied": f"{int(r['buildings_occupied'])} ({pct(r['share_occupied'])})",
            "compared": thousands(r["buildings_compared"]), "observed": thousands(r["observed_m3_per_day"]),
            "forecast": thousands(r["forecast_m3_per_day"]) if has else "–",
            "interval": (f"{thousands(r['forecast_lower_m3_per_day'])}–{thousands(r['forecast_upper_m3_per_day'])}"
                         if has else "–"),
            "ratio": f"{r['observed_to_forecast']:.2f}" if has else "–",
            "status": _t(lang, r["status"]),
        })
    return rows


def _monthly_rows(monthly: pd.DataFrame) -> tuple[list[str], list[dict]]:
    """Months as columns, one row per district: 'share occupied · observed/forecast'."""
    months = sorted(monthly["billing_month"].unique())[-6:]  # the last six months fit the page
    rows = []
    for district, g in monthly[monthly["billing_month"].isin(months)].groupby("district", sort=True):
        cells = []
        for m in months:
            r = g[g["billing_month"] == m].iloc[0]
            ratio = f" · {r['observed_to_forecast']:.2f}" if r["forecast_m3_per_day"] > 0 else ""
            cells.append(f"{pct(r['share_occupied'])}{ratio}")
        rows.append({"district": str(district), "cells": cells})
    return [f"{m[:4]}.{m[4:]}" for m in months], rows


def monitoring_context(result, names: dict, lang: str = "ko") -> dict:
    """Plain data for ``monitoring.html``; ``names``: town, municipality, created, synthetic, version, data_source."""
    from sewerplan.reporting.catalog import text

    d, c = result.districts, result.counts
    months = sorted(result.monthly["billing_month"].unique())
    span = f"{months[0][:4]}.{months[0][4:]}–{months[-1][:4]}.{months[-1][4:]}" if months else "–"
    flagged = ", ".join(f"{r['district']} ({_t(lang, r['status'])})" for _, r in d[d["flagged"]].iterrows())
    planned, occupied = int(d["buildings_forecast"].sum()), int(d["buildings_occupied"].sum())
    month_labels, month_rows = _monthly_rows(result.monthly)
    lo, hi = c["interval_ratios"]
    return {
        "lang": lang, "kind": "monitoring", "synthetic": names.get("synthetic", False),
        "banner": text(lang, "common.banner"), "title": _t(lang, "title", town=names["town"]),
        "municipality": names.get("municipality", ""), "created": Fmt(lang).date(names["created"]),
        "version": names.get("version", ""), "data_source": names.get("data_source", ""),
        "lead": _t(lang, "lead", months=span, occupied=occupied, planned=planned,
                   share=pct(occupied / planned if planned else 0), flagged=flagged or _t(lang, "none")),
        "rows": _district_rows(d, lang), "month_labels": month_labels, "month_rows": month_rows,
        "rules": [_t(lang, "rule_join"),
                  _t(lang, "rule_settle", settling=c["settling_months"], ratio=f"{names['return_ratio']:g}"),
                  _t(lang, "rule_interval", lo=f"{lo:.2f}", hi=f"{hi:.2f}")],
        "labels": {k: _t(lang, k) for k in ("table", "district", "occupied", "compared", "observed", "forecast",
                                            "interval", "ratio", "status", "monthly", "rules", "source")},
    }


def render_monitoring_html(result, names: dict, lang: str = "ko") -> str:
    """The page's HTML through the briefings' strict jinja environment."""
    import jinja2

    from .render import ReportRenderError, _jinja_env, _templates_path

    ctx = monitoring_context(result, names, lang)
    with _templates_path() as root:
        try:
            return _jinja_env(root).get_template(TEMPLATE).render(**ctx)
        except jinja2.UndefinedError as exc:
            raise ReportRenderError(f"template {TEMPLATE} uses a value the context does not provide: {exc}") from exc


def _attachments(result):
    from weasyprint import Attachment

    from .local_loads import rows_csv_bytes

    return [Attachment(file_obj=io.BytesIO(rows_csv_bytes(df)), name=name, description=desc, relationship="Data")
            for name, desc, df in (("monitoring_districts.csv", "by district / 구역별", result.districts),
                                   ("monitoring_by_month.csv", "by district and month / 구역·월별", result.monthly))]


def write_monitoring_report(result, names: dict, out, lang: str = "ko", *, force: bool = False, inputs=()):
    """Write the one-page PDF/A-3b (tables attached); without Pango the HTML page beside it. Returns the path."""
    from .render import html_to_pdf, weasyprint_problem

    out = check_output_path(out, inputs=inputs, force=force)
    html = render_monitoring_html(result, names, lang)
    if weasyprint_problem() is not None:
        html_out = check_output_path(out.with_suffix(".html"), inputs=inputs, force=force)
        return write_bytes_atomic(html_out, html.encode("utf-8"))
    pdf = html_to_pdf(html, _attachments(result), "monitoring page")
    return write_bytes_atomic(out, pdf)
