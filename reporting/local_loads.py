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

from .catalog import text
from .formatting import Fmt, svg_uri

__all__ = ["TEMPLATE", "BLOCK_TEMPLATE", "ratio_chart", "local_loads_context", "council_block",
           "render_local_loads_html", "render_local_loads_pdf"]

TEMPLATE = "local_loads.html"
BLOCK_TEMPLATE = "_local_loads_block.html"

def _t(lang: str, key: str, **fields) -> str:
    """The sentence ``key`` of this page in ``lang`` (catalogue section ``local_loads_page``)."""
    return text(lang, "local_loads_page." + key, **fields)


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


def _public_min() -> int:
    from sewerplan.model.intake.privacy import MIN_PUBLIC_CELL_BUILDINGS

    return MIN_PUBLIC_CELL_BUILDINGS


def _shown_local(r):
    """(local value, ci low, ci high) a published page may print: none for a use measured on fewer than
    ``MIN_PUBLIC_CELL_BUILDINGS`` buildings (its value would be about one building's water use)."""
    if r.n_buildings < _public_min():
        return None, None, None
    return r.local_l_per_unit_day, r.ci_low_l_per_unit_day, r.ci_high_l_per_unit_day


def _row_cells(section: LocalLoadsSection, lang: str) -> list[dict]:
    from sewerplan.model.planning.local_loads import UNIT_LABELS

    english = dict(UNIT_LABELS.values())
    f = Fmt(lang)
    cells = []
    for r in section.rows:
        digits = 0 if r.ministry_l_per_unit_day >= 50 else 2
        local, ci_low, ci_high = _shown_local(r)
        cells.append({
            "use": r.use, "unit": r.unit if lang == "ko" else english.get(r.unit, r.unit), "fallback": r.fallback,
            "local": f.num(local, digits) if local is not None else "–",
            "ci": (f"{f.num(ci_low, digits)}–{f.num(ci_high, digits)}"
                   if ci_low is not None and ci_high is not None else "–"),
            "notice": f.num(r.ministry_l_per_unit_day, digits),
            "ratio": f.num(local / r.ministry_l_per_unit_day, 2) if local is not None and r.ministry_l_per_unit_day else "–",
            "n": f.num(r.n_buildings),
            "applied": _t(lang, "applied_notice" if r.fallback else "applied_local"),
        })
    return cells


def _chart(section: LocalLoadsSection, lang: str) -> str:
    ratio = lambda v, r: None if v is None or not r.ministry_l_per_unit_day else v / r.ministry_l_per_unit_day  # noqa: E731
    rows, shown = section.rows, [_shown_local(r) for r in section.rows]
    return svg_uri(ratio_chart(
        [r.use if len(r.use) <= 28 else r.use[:27] + "…" for r in rows],
        [ratio(v[0], r) or 0.0 for v, r in zip(shown, rows)],
        [ratio(v[1], r) for v, r in zip(shown, rows)], [ratio(v[2], r) for v, r in zip(shown, rows)],
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
        "fallback_note": _t(lang, "fallback_note", min=section.min_buildings, public=_public_min()),
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
