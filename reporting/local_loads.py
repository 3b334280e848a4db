"""The city's unit loads on paper: a one-page PDF and a block of the council briefing.

Both read a :class:`~sewerplan.model.outputs.results.LocalLoadsSection` (plain data, also
the optional ``local_loads`` part of the results bundle):

- :func:`local_loads_context` / :func:`render_local_loads_pdf`: one A4 page explaining how
  the table was made (rules, period, screening, vacancy), the table with the notice's values
  beside it, a chart of local / notice per use and, with a planned town, what it changes.
  Rendered with the briefings' strict environment (``reporting.render``: autoescape,
  StrictUndefined, no network, PDF/A-3b, any WeasyPrint error fails).
- :func:`council_block`: the few lines the council briefing prints when the bundle has the
  section (template ``_local_loads_block.html``).
"""

from __future__ import annotations

import csv
import io
import json

from sewerplan.model.fileio import check_output_path, write_bytes_atomic
from sewerplan.model.outputs.results import LocalLoadsSection

from .formatting import Fmt, svg_uri

__all__ = ["TEMPLATE", "BLOCK_TEMPLATE", "ratio_chart", "local_loads_context", "council_block",
           "render_local_loads_html", "render_local_loads_pdf"]

TEMPLATE = "local_loads.html"
BLOCK_TEMPLATE = "_local_loads_block.html"

_T = {  # key -> (Korean, English)
    "title": ("조례 개정용 지역 원단위: 건축물 용도별 오수발생량", "The city's own unit loads: sewage by building use"),
    "lead": ("{muni} 상수도 요금 자료로 건축물 용도별 오수발생량을 산정해 환경부 고시값과 나란히 놓았습니다. "
             "고시는 조사·예측 자료로 값을 정할 수 있게 합니다. 아래 표는 조례 별표에 그대로 옮길 수 있는 형태이며, "
             "건축물이 {min}동 미만인 용도는 고시값을 그대로 둡니다.",
             "Sewage by building use from {muni}'s water bills, beside the Ministry of Environment notice, which lets "
             "a city set values from survey data. The table can go into the ordinance's annex as it is; uses with "
             "fewer than {min} buildings keep the notice's value."),
    "rules": ("산정 기준", "How it was made"),
    "table": ("용도별 오수발생량 (일최대)", "Sewage by use (day max)"),
    "use": ("용도", "Use"), "unit": ("단위", "Unit"), "local": ("지역 산정값", "Local value"),
    "ci": ("95% 구간", "95% interval"), "notice": ("환경부 고시", "MOE notice"), "ratio": ("지역/고시", "Local/notice"),
    "n": ("건축물", "Buildings"), "applied": ("적용", "Applied"),
    "applied_local": ("지역값", "local"), "applied_notice": ("고시값*", "notice*"),
    "fallback_note": ("* 고시값: 산정 건축물이 최소 기준({min}동) 미만이라 환경부 고시값을 그대로 적용.",
                      "* notice: fewer buildings than the minimum ({min}), the Ministry's value is kept."),
    "chart": ("지역 산정값 / 환경부 고시값 (1 = 고시값, 가로선 = 95% 구간)",
              "Local value / MOE notice (1 = the notice, whiskers = 95% interval)"),
    "changes": ("계획 신도시에 적용하면", "What it changes for the planned town"),
    "item": ("항목", "Item"), "diff": ("차이", "Difference"),
    "sewage": ("건축물 오수발생량 일최대 (침입수 제외)", "Building sewage, day max (no infiltration)"),
    "plan_day_max": ("원단위 기준 설계 일최대 (침입수 포함)", "Unit-load design day max (with infiltration)"),
    "capacity": ("필요 처리용량 (= 설계 일최대)", "Plant capacity (= design day max)"),
    "causer": ("원인자부담금", "Causer charge"),
    "causer_note": ("원인자부담금 = 건축물 오수발생량(일최대, 침입수 제외) × 단가 {price}/(㎥/일): 의회 보고서 재원 조달과 같은 기준.",
                    "Causer charge = building sewage (day max, no infiltration) x price {price} per m3/d: the same basis as the council briefing's funding."),
    "block_title": ("참고: 시 자체 원단위를 적용하면 (조례 개정안)", "Note: with the city's own unit loads (ordinance draft)"),
    "block_lead": ("요금 자료로 산정한 용도별 원단위 {n_local}개(고시값 유지 {n_fallback}개, 최소 {min}동)를 적용하면 "
                   "원단위 기준 설계 일최대 {a} → {b}, 원인자부담금 {c} → {d}입니다.",
                   "With {n_local} use values from the bills ({n_fallback} keep the notice, minimum {min} buildings), "
                   "the unit-load design day max goes {a} -> {b} and the causer charge {c} -> {d}."),
    "block_lead_no_plan": ("요금 자료로 산정한 용도별 원단위 {n_local}개(고시값 유지 {n_fallback}개, 최소 {min}동). "
                           "계획 신도시에 적용한 결과는 없습니다.",
                           "{n_local} use values from the bills ({n_fallback} keep the notice, minimum {min} "
                           "buildings); not applied to the planned town."),
    "source": ("자료", "Data"),
}


def _t(lang: str, key: str, **fields) -> str:
    ko, en = _T[key]
    return (ko if lang == "ko" else en).format(**fields)


def ratio_chart(labels, ratios, lows, highs, fallback, *, title: str, width_in: float = 6.6,
                height_in: float | None = None) -> str:
    """Horizontal bars of local / notice per use [-], whiskers for the interval, a line at 1."""
    import matplotlib
    import matplotlib.pyplot as plt

    from .charts import _rc, _to_svg

    n = len(labels)
    with matplotlib.rc_context({**_rc(), "font.size": 7.5}):
        fig, ax = plt.subplots(figsize=(width_in, height_in or max(1.3, 0.15 * n + 0.45)))
        y = list(range(n))[::-1]
        colors = ["#bbbbbb" if f else "#1f5fa8" for f in fallback]
        ax.barh(y, ratios, color=colors, height=0.6)
        for yi, v, lo, hi in zip(y, ratios, lows, highs):
            if lo is not None and hi is not None:
                ax.errorbar(v, yi, xerr=[[max(v - lo, 0)], [max(hi - v, 0)]], fmt="none", ecolor="#222222",
                            capsize=2, lw=0.8)
        ax.axvline(1.0, color="#c9a227", lw=1.2)
        ax.set_yticks(y, labels)
        ax.set_xlabel(title)
        top = max([1.2] + [h for h in highs if h is not None] + list(ratios))
        ax.set_xlim(0, top * 1.08)
        ax.grid(axis="x", color="#dddddd", lw=0.6)
        ax.set_axisbelow(True)
        return _to_svg(fig)


def _row_cells(section: LocalLoadsSection, lang: str) -> list[dict]:
    from sewerplan.model.planning.local_loads import UNIT_LABELS

    english = dict(UNIT_LABELS.values())
    f = Fmt(lang)
    cells = []
    for r in section.rows:
        digits = 0 if r.ministry_l_per_unit_day >= 50 else 2
        local = r.local_l_per_unit_day
        cells.append({
            "use": r.use, "unit": r.unit if lang == "ko" else english.get(r.unit, r.unit), "fallback": r.fallback,
            "local": f.num(local, digits) if local is not None else "–",
            "ci": (f"{f.num(r.ci_low_l_per_unit_day, digits)}–{f.num(r.ci_high_l_per_unit_day, digits)}"
                   if r.ci_low_l_per_unit_day is not None and r.ci_high_l_per_unit_day is not None else "–"),
            "notice": f.num(r.ministry_l_per_unit_day, digits),
            "ratio": f.num(local / r.ministry_l_per_unit_day, 2) if local is not None and r.ministry_l_per_unit_day else "–",
            "n": f.num(r.n_buildings),
            "applied": _t(lang, "applied_notice" if r.fallback else "applied_local"),
        })
    return cells


def _chart(section: LocalLoadsSection, lang: str) -> str:
    ratio = lambda v, r: None if v is None or not r.ministry_l_per_unit_day else v / r.ministry_l_per_unit_day  # noqa: E731
    rows = section.rows
    return svg_uri(ratio_chart(
        [r.use if len(r.use) <= 28 else r.use[:27] + "…" for r in rows],
        [ratio(r.local_l_per_unit_day, r) or 0.0 for r in rows],
        [ratio(r.ci_low_l_per_unit_day, r) for r in rows], [ratio(r.ci_high_l_per_unit_day, r) for r in rows],
        [r.fallback for r in rows], title=_t(lang, "chart")))


def _changes(section: LocalLoadsSection, lang: str) -> list[dict] | None:
    if section.notice is None or section.local is None:
        return None
    f = Fmt(lang)
    a, b = section.notice, section.local
    rows = [(_t(lang, "sewage"), a.sewage_day_max_m3_per_day, b.sewage_day_max_m3_per_day, f.flow),
            (_t(lang, "plan_day_max"), a.day_max_m3_per_day, b.day_max_m3_per_day, f.flow),
            (_t(lang, "capacity"), a.plant_capacity_m3_per_day, b.plant_capacity_m3_per_day, f.flow),
            (_t(lang, "causer"), a.causer_charge_krw, b.causer_charge_krw, f.money)]
    return [{"label": label, "notice": fmt(x), "local": fmt(y),
             "diff": ("+" if y >= x else "−") + fmt(abs(y - x)), "ratio": f.num(y / x, 2) if x else "–"}
            for label, x, y, fmt in rows]


def local_loads_context(section: LocalLoadsSection, lang: str = "ko", municipality: str = "",
                        created: str = "", version: str = "") -> dict:
    """Plain data for the one-page PDF (template ``local_loads.html``)."""
    from sewerplan.reporting.catalog import text

    if lang not in ("ko", "en"):
        raise ValueError(f"lang must be 'ko' or 'en', got {lang!r} / 언어는 ko 또는 en")
    muni = municipality or ("시" if lang == "ko" else "the city")
    labels = {k: _t(lang, k) for k in ("rules", "table", "use", "unit", "local", "ci", "notice", "ratio", "n",
                                      "applied", "changes", "item", "diff", "source")}
    return {
        "lang": lang, "kind": "local_loads", "synthetic": section.synthetic, "banner": text(lang, "common.banner"),
        "title": _t(lang, "title"), "version": version, "created": created,
        "data_source": section.source, "municipality": municipality,
        "lead": _t(lang, "lead", muni=muni, min=section.min_buildings),
        "rules": section.rules if lang == "ko" else section.rules_en,
        "rows": _row_cells(section, lang), "chart": _chart(section, lang),
        "fallback_note": _t(lang, "fallback_note", min=section.min_buildings),
        "changes": _changes(section, lang),
        "causer_note": _t(lang, "causer_note", price=Fmt(lang).won(section.causer_price_krw_per_m3_per_day)),
        "labels": labels,
    }


def council_block(section: LocalLoadsSection | None, lang: str) -> dict | None:
    """What the council briefing prints about the city's own unit loads (None without the section)."""
    if section is None:
        return None
    f = Fmt(lang)
    n_fallback = sum(r.fallback for r in section.rows)
    common = dict(n_local=len(section.rows) - n_fallback, n_fallback=n_fallback, min=section.min_buildings)
    if section.notice is not None and section.local is not None:
        lead = _t(lang, "block_lead", a=f.flow(section.notice.day_max_m3_per_day),
                  b=f.flow(section.local.day_max_m3_per_day), c=f.money(section.notice.causer_charge_krw),
                  d=f.money(section.local.causer_charge_krw), **common)
    else:
        lead = _t(lang, "block_lead_no_plan", **common)
    return {"title": _t(lang, "block_title"), "lead": lead, "changes": _changes(section, lang),
            "period": (section.rules or [section.period])[0] if lang == "ko" else (section.rules_en or [section.period])[0],
            "labels": {k: _t(lang, k) for k in ("item", "notice", "local", "diff", "ratio")}}


def render_local_loads_html(section: LocalLoadsSection, lang: str = "ko", **context_args) -> str:
    """The page's HTML through the briefings' strict jinja environment."""
    import jinja2

    from .render import ReportRenderError, _jinja_env, _templates_path

    ctx = local_loads_context(section, lang, **context_args)
    with _templates_path() as root:
        try:
            return _jinja_env(root).get_template(TEMPLATE).render(**ctx)
        except jinja2.UndefinedError as exc:
            raise ReportRenderError(f"template {TEMPLATE} uses a value the context does not provide: {exc} / "
                                    "보고서 양식에 필요한 값이 없습니다") from exc


def _attachments(section: LocalLoadsSection, table_csv: bytes | None):
    from dataclasses import asdict

    from weasyprint import Attachment

    items = [("local_loads.json", "the unit-load table and rules / 지역 원단위 표와 산정 기준",
              json.dumps(asdict(section), ensure_ascii=False, indent=2).encode("utf-8"))]
    if table_csv is not None:
        items.append(("local_unit_loads.csv", "every number behind each row / 용도별 산정 근거", table_csv))
    return [Attachment(file_obj=io.BytesIO(data), name=name, description=desc, relationship="Data")
            for name, desc, data in items]


def render_local_loads_pdf(section: LocalLoadsSection, out, lang: str = "ko", *, force: bool = False,
                           table_csv: bytes | None = None, inputs=(), **context_args):
    """Render the one-page PDF/A-3b (section and table attached) and write it atomically."""
    from .render import html_to_pdf

    out = check_output_path(out, inputs=inputs, force=force)
    html = render_local_loads_html(section, lang, **context_args)
    pdf = html_to_pdf(html, _attachments(section, table_csv), "unit-load page")
    write_bytes_atomic(out, pdf)
    return out


def rows_csv_bytes(rows) -> bytes:
    """A DataFrame of rows as UTF-8 CSV bytes with BOM (for the PDF attachment)."""
    buf = io.StringIO()
    rows.to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL, float_format="%.10g")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
