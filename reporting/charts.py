"""Charts for the briefings: matplotlib -> SVG with text kept as text (searchable Hangul).

Each function takes plain numbers/strings (from the context builder) and returns SVG
source as ``str``. Matplotlib uses the same vendored font file as the PDF
(``templates/fonts``), registered with ``font_manager.addfont``; ``svg.fonttype='none'``
writes labels as <text> with that family name, which WeasyPrint resolves through the
document's @font-face rules.
"""

from __future__ import annotations

import hashlib
import io
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources

import matplotlib

matplotlib.use("Agg")  # no display; set before pyplot is imported
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
from matplotlib import font_manager  # noqa: E402

__all__ = ["FONT_FAMILY", "font_path", "capacity_chart", "existing_town_chart", "bill_chart", "scenario_chart",
           "collect_png", "svg_key"]

FONT_FAMILY = "NanumSquare"
_FONT_FILES = {"regular": "NanumSquareR.ttf", "bold": "NanumSquareB.ttf"}

_COLORS = {"pilot_formula": "#9a9a9a", "master_plan": "#7b6fb0", "unit_load": "#c9a227", "ml": "#1f5fa8",
           "observed": "#222222"}
_LINES = {"pilot_formula": ("#555555", "-"), "master_plan": ("#7b6fb0", "--"), "unit_load": ("#c9a227", ":")}


def font_path(weight: str = "regular"):
    """Path of the vendored font file (a real file inside the installed package)."""
    return resources.files("sewerplan.templates").joinpath("fonts", _FONT_FILES[weight])


@lru_cache(maxsize=1)
def _setup() -> None:
    for w in _FONT_FILES:
        font_manager.fontManager.addfont(str(font_path(w)))


def _rc():
    _setup()
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": "sewerplan",  # stable ids: same input, same SVG
        "font.family": FONT_FAMILY,
        "font.size": 9,
        "text.parse_math": False,  # a '$' in a district name stays text
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
    }


PNG_DPI = 200  # raster copies for documents that cannot show SVG (HWPX); 200 dpi prints sharply

_PNG_SINK: ContextVar[dict | None] = ContextVar("sewerplan_chart_png_sink", default=None)


def svg_key(svg: str) -> str:
    """Key of a chart's raster copy in :func:`collect_png`'s dict: SHA-256 of the SVG source."""
    return hashlib.sha256(svg.encode("utf-8")).hexdigest()


@contextmanager
def collect_png():
    """Collect a PNG copy of every chart drawn inside the block.

    Yields a dict ``{svg_key(svg): png_bytes}``: the same matplotlib figure saved a second
    time as PNG at ``PNG_DPI``, so an HTML briefing's SVG chart can be swapped for its
    raster twin (the HWPX export) without parsing SVG.
    """
    sink: dict[str, bytes] = {}
    token = _PNG_SINK.set(sink)
    try:
        yield sink
    finally:
        _PNG_SINK.reset(token)


def _to_svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buf.getvalue()
    sink = _PNG_SINK.get()
    if sink is not None:
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=PNG_DPI, bbox_inches="tight", metadata={"Software": None})
        sink[svg_key(svg)] = png.getvalue()
    plt.close(fig)
    return svg


def _thousands(axis) -> None:
    """Tick labels with thousands separators (10,000 not 10000), as every figure in the papers."""
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))


def capacity_chart(labels, values, lower=None, upper=None, *, ylabel: str, highlight: int | None = None,
                   width_in: float = 6.2, height_in: float = 2.0) -> str:
    """Horizontal bars of capacity by method [m3/d] with an optional interval per bar."""
    with matplotlib.rc_context(_rc()):
        fig, ax = plt.subplots(figsize=(width_in, height_in))
        y = list(range(len(labels)))[::-1]
        colors = [_COLORS["ml"] if i == highlight else _COLORS["pilot_formula"] for i in range(len(labels))]
        ax.barh(y, values, color=colors, height=0.55)
        if lower is not None and upper is not None:
            for yi, v, lo, hi in zip(y, values, lower, upper):
                if lo is not None and hi is not None and hi > lo:
                    ax.errorbar(v, yi, xerr=[[v - lo], [hi - v]], fmt="none", ecolor="#222222", capsize=4, lw=1.2)
        vmax = max(max(values), max((u for u in (upper or []) if u is not None), default=0))
        for yi, v in zip(y, values):
            ax.text(v + vmax * 0.015, yi + 0.3, f"{v:,.0f}", va="center", fontsize=8)
        ax.set_yticks(y, labels)
        ax.set_xlabel(ylabel)
        ax.set_xlim(0, vmax * 1.15)
        _thousands(ax.xaxis)
        ax.grid(axis="x", color="#dddddd", lw=0.6)
        ax.set_axisbelow(True)
        return _to_svg(fig)


def existing_town_chart(districts, series: dict, *, labels: dict, ylabel: str,
                        width_in: float = 6.4, height_in: float = 1.9) -> str:
    """Grouped bars per existing-town district: observed vs each method, day-average [m3/d].

    ``series``: method key (observed, pilot_formula, master_plan, unit_load, ml) -> values, in order.
    """
    with matplotlib.rc_context(_rc()):
        fig, ax = plt.subplots(figsize=(width_in, height_in))
        n, k_n = len(districts), len(series)
        w = 0.8 / k_n
        for k, (key, vals) in enumerate(series.items()):
            ax.bar([i + (k - (k_n - 1) / 2) * w for i in range(n)], vals, width=w, color=_COLORS[key],
                   label=labels[key])
        ax.set_xticks(range(n), districts)
        ax.set_ylabel(ylabel)
        _thousands(ax.yaxis)
        ax.legend(ncols=k_n, fontsize=7.5, frameon=False, loc="upper right", bbox_to_anchor=(1, 1.2))
        ax.grid(axis="y", color="#dddddd", lw=0.6)
        ax.set_axisbelow(True)
        return _to_svg(fig)


def bill_chart(labels, values, *, xlabel: str, width_in: float = 6.0, height_in: float = 2.2,
               font_size: float = 12) -> str:
    """Bars of a monthly amount per household type [KRW/month], large type for the handout."""
    with matplotlib.rc_context({**_rc(), "font.size": font_size}):
        fig, ax = plt.subplots(figsize=(width_in, height_in))
        y = list(range(len(labels)))[::-1]
        ax.barh(y, values, color=_COLORS["ml"], height=0.6)
        vmax = max(values) if values else 1
        for yi, v in zip(y, values):
            ax.text(v + vmax * 0.02, yi, f"{v:,.0f}", va="center")
        ax.set_yticks(y, labels)
        ax.set_xlabel(xlabel)
        ax.set_xlim(0, vmax * 1.25)
        ax.spines["bottom"].set_visible(False)
        ax.set_xticks([])
        return _to_svg(fig)


def scenario_chart(years, baselines: dict, p10=None, p50=None, p90=None, plant=None, *, labels: dict,
                   ylabel: str, width_in: float = 6.4, height_in: float = 2.3) -> str:
    """Capacity needed by year [m3/d]: ML P50 line in a P10-P90 band, P90 dashed, the baselines
    (``baselines``: method key -> values) and the plant capacity as a horizontal line.

    ``labels`` keys: the baseline keys, p50, p90, band, plant. ML series may be None (no
    model); ``plant`` None draws no line.
    """
    with matplotlib.rc_context(_rc()):
        fig, ax = plt.subplots(figsize=(width_in, height_in))
        x = list(years)
        if p50 is not None:
            if p10 is not None and p90 is not None:
                ax.fill_between(x, p10, p90, color=_COLORS["ml"], alpha=0.18, lw=0, label=labels["band"])
            ax.plot(x, p50, color=_COLORS["ml"], lw=2, marker="o", ms=3, label=labels["p50"])
            if p90 is not None:
                ax.plot(x, p90, color=_COLORS["ml"], lw=1.2, ls="--", label=labels["p90"])
        for key, vals in baselines.items():
            color, ls = _LINES[key]
            ax.plot(x, vals, color=color, lw=1.4, ls=ls, label=labels[key])
        if plant is not None:
            ax.axhline(plant, color="#b00020", lw=1.2, ls="-.", label=labels["plant"])
        ax.set_ylabel(ylabel)
        ax.set_xticks(x, [str(y) for y in x])
        ax.set_ylim(bottom=0)
        _thousands(ax.yaxis)
        ax.grid(axis="y", color="#dddddd", lw=0.6)
        ax.set_axisbelow(True)
        ax.legend(fontsize=7.5, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _to_svg(fig)
