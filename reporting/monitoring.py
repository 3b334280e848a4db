"""The one-page monitoring report (``sewerplan monitor``): first bills against the forecast, by district.

Plain data from :class:`sewerplan.model.planning.monitoring.MonitorResult` and the results
bundle's names; sentences below (Korean first), laid out by ``templates/monitoring.html`` and
rendered like the briefings (strict jinja, local files only, PDF/A-3b with the tables attached).
"""

from __future__ import annotations

import io

import pandas as pd

from sewerplan.model.fileio import check_output_path, write_bytes_atomic

from .catalog import text
from .filters import pct, thousands
from .formatting import Fmt

__all__ = ["monitoring_context", "render_monitoring_html", "write_monitoring_report"]

TEMPLATE = "monitoring.html"
#: The status values of :mod:`sewerplan.model.planning.monitoring`, each a sentence of the catalogue.
_STATUSES = ("above", "below", "within", "no data")


def _status(lang: str, status: str) -> str:
    if status not in _STATUSES:
        raise ValueError(f"unknown monitoring status {status!r}")
    return _t(lang, status)


def _t(lang: str, key: str, **fields) -> str:
    """The sentence ``key`` of this page in ``lang`` (catalogue section ``monitoring_page``)."""
    return text(lang, "monitoring_page." + key, **fields)


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
            "status": _status(lang, r["status"]),
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
    flagged = ", ".join(f"{r['district']} ({_status(lang, r['status'])})" for _, r in d[d["flagged"]].iterrows())
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
