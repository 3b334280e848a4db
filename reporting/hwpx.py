"""HWPX (한글) export of the briefings: the PDF's own jinja HTML converted to OWPML.

The briefing is rendered to HTML exactly as for the PDF (``render.render_html``), with a
PNG twin of every chart collected on the way (``charts.collect_png``). The HTML is read
into a short list of blocks (paragraphs, tables, pictures; ``html_blocks``), and the
blocks are written with python-hwpx (``HwpxDocument``): real editable 한글 tables,
charts as pictures, the NanumSquare font (``나눔스퀘어``, 함초롬돋움 as the declared
substitute on PCs without it), A4 with the PDF's margins, a header with the title and
date and a footer with the data source and page numbers. Nothing here knows the
briefings' sections: a new section, paragraph or table in the templates flows into the
HWPX without a change here.

Layout follows ``templates/report.css`` by hand (sizes, bold, colours, alignment); the
CSS is not parsed. Unknown block tags are written as plain paragraphs, so no text is
lost; elements with class ``pdf-only`` are left out (the note on the PDF/A-3 attachments);
an image that is neither a chart from ``charts`` nor a PNG is an error.
"""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from sewerplan.model.fileio import check_output_path, write_bytes_atomic
from sewerplan.model.outputs.results import ResultsBundle

from . import charts
from .context import FinanceOptions
from .render import ReportRenderError, render_html

__all__ = ["FONT_FACE", "FONT_SUBSTITUTE", "Run", "Para", "Cell", "Table", "Picture", "Briefing",
           "html_blocks", "preview_text", "render_hwpx_bytes", "write_hwpx", "PREVIEW_TEXT"]

FONT_FACE = "나눔스퀘어"  # NanumSquare's Korean family name, as 한글 lists it (templates/fonts)
FONT_SUBSTITUTE = "함초롬돋움"  # ships with every 한글 install: the declared fallback face

_HWPUNIT_PER_MM = 7200 / 25.4  # 1 HWPUNIT = 1/7200 inch
_HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"
_PAGE_MARGINS_MM = {"top": 18, "right": 16, "bottom": 20, "left": 16}  # report.css @page
_TEXT_WIDTH_MM = 210 - 16 - 16  # A4 width less the side margins [mm]
_INK, _BLUE, _GREY, _RED = "#1A1A1A", "#0D3B73", "#555555", "#B00020"
_HEAD_FILL, _REC_FILL = "#F1F1F1", "#EEF3FA"

# Font sizes [pt] from templates/report.css, per body class (briefing kind).
_SIZES = {
    "council": {"body": 9.5, "title": 16, "heading": 11.5, "subheading": 10, "note": 7.5, "big": 9.5,
                "table": 8, "unit": 7, "assumptions": 6.5, "appendix": 7, "page": 7.5},
    "hearing": {"body": 13, "title": 19, "heading": 15, "subheading": 13, "note": 10, "big": 15,
                "table": 12, "unit": 10, "assumptions": 10, "appendix": 10, "page": 7.5},
}
# Paragraph roles: (size key, bold, colour, alignment, space before [pt], space after [pt], left indent [mm])
_ROLES = {
    "title": ("title", True, _BLUE, "LEFT", 0, 6, 0),
    "heading": ("heading", True, _BLUE, "LEFT", 12, 4, 0),
    "subheading": ("subheading", True, _INK, "LEFT", 8, 3, 0),
    "body": ("body", False, _INK, "JUSTIFY", 0, 5, 0),
    "summary": ("body", False, _INK, "JUSTIFY", 0, 4, 3),
    "decision": ("body", True, _INK, "JUSTIFY", 0, 5, 3),
    "big": ("big", True, _BLUE, "LEFT", 0, 5, 0),
    "sub": ("body", False, "#444444", "LEFT", 0, 6, 0),
    "note": ("note", False, "#444444", "LEFT", 0, 4, 0),
    "banner": ("page", True, _RED, "CENTER", 0, 6, 0),
    "bullet": ("body", False, _INK, "LEFT", 0, 2, 0),
    "term": ("body", True, _INK, "LEFT", 5, 1, 0),
    "definition": ("body", False, _INK, "LEFT", 0, 2, 5),
    "caption": ("note", False, "#444444", "CENTER", 0, 4, 0),
}
_P_CLASSES = ("banner", "decision", "big", "sub", "note")  # first matching class names the role
_CHART_WIDTH = {"council": 0.78, "hearing": 0.9, "scenario": 0.92}  # .chart img width, report.css


# ------------------------------------------------------------------------------------------
# Blocks: what the HTML says, independent of OWPML
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A stretch of text with one look: ``bold``; ``minor`` = a ``span.unit`` (small, grey)."""

    text: str
    bold: bool = False
    minor: bool = False


@dataclass
class Para:
    """A paragraph: ``role`` is a key of ``_ROLES``; ``runs`` its text."""

    role: str
    runs: list[Run]


@dataclass
class Cell:
    """A table cell: one list of runs per line (``<br>`` and list items start lines)."""

    lines: list[list[Run]]
    header: bool = False
    numeric: bool = False
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    """A table: rows of cells; ``row_kinds`` per row ('head', 'body', 'total', 'rec', 'prob');
    ``size`` the font-size key (``table``, ``assumptions``, ``appendix``)."""

    rows: list[list[Cell]]
    row_kinds: list[str]
    size: str = "table"


@dataclass
class Picture:
    """A chart as PNG; ``width_frac`` of the text width; ``alt`` its description."""

    png: bytes
    alt: str
    width_frac: float


@dataclass
class Briefing:
    """The whole document: page-furniture strings (from the elements the PDF's running header
    and footer use: ``h1``, ``.created``, ``.banner``, ``.source``) and the blocks in order."""

    kind: str
    title: str = ""
    created: str = ""
    banner: str = ""
    source: str = ""
    blocks: list = field(default_factory=list)
    date_iso: str = ""  # YYYY-MM-DD for the package metadata (the bundle's creation date)


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "")


def _tidy_line(runs: list[Run]) -> list[Run]:
    """Strip the line's outer spaces and drop empty runs (HTML whitespace rules, roughly)."""
    runs = [r for r in runs if r.text]
    if runs:
        runs[0] = Run(runs[0].text.lstrip(), runs[0].bold, runs[0].minor)
        runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].bold, runs[-1].minor)
    return [r for r in runs if r.text]


def _inline_lines(el, bold: bool = False, minor: bool = False) -> list[list[Run]]:
    """Text of an element as lines of runs: ``<br>``, ``<li>`` (with a "• ") and ``<p>`` start new lines."""
    lines: list[list[Run]] = [[]]

    def visit(node, b: bool, m: bool) -> None:
        if node.text:
            lines[-1].append(Run(_squash(node.text), b, m))
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                lines.append([])
            elif tag in ("li", "p", "div", "dt", "dd"):
                lines.append([Run("• ")] if tag == "li" else [])
                visit(child, b or tag == "dt", m)
                lines.append([])
            elif tag:
                visit(child, b or tag in ("b", "strong", "th"), m or "unit" in _classes(child))
            if child.tail:
                lines[-1].append(Run(_squash(child.tail), b, m))

    visit(el, bold, minor)
    tidy = [_tidy_line(line) for line in lines]
    return [line for line in tidy if line and "".join(r.text for r in line).strip("• ")] or [[]]


def _flat_runs(el, bold: bool = False) -> list[Run]:
    """An element's text as one line (lines joined by a space)."""
    out: list[Run] = []
    for line in _inline_lines(el, bold):
        if out and line:
            out.append(Run(" "))
        out.extend(line)
    return out


# ------------------------------------------------------------------------------------------
# HTML -> blocks
# ------------------------------------------------------------------------------------------


def _image_png(src: str, pngs: dict[str, bytes]) -> bytes:
    """PNG bytes for an ``<img src>``: a chart's raster twin, or a PNG data URI as it is."""
    head, _, payload = src.partition(",")
    if head == "data:image/png;base64":
        return base64.b64decode(payload)
    if head == "data:image/svg+xml;base64":
        key = charts.svg_key(base64.b64decode(payload).decode("utf-8"))
        if key in pngs:
            return pngs[key]
        raise ReportRenderError("an SVG image in the briefing is not a chart drawn by sewerplan.reporting.charts, "
                                "so it has no PNG copy for HWPX / HWPX용 그림(PNG)이 없는 SVG 그림입니다")
    raise ReportRenderError(f"HWPX export: unsupported image source {src[:40]!r} / HWPX로 옮길 수 없는 그림입니다")


def _table_block(el, size: str) -> Table:
    """An HTML table -> :class:`Table` (``thead`` rows are header rows; row classes kept)."""
    rows, kinds = [], []
    for tr in el.iter("tr"):
        in_head = tr.getparent().tag == "thead"
        cls = _classes(tr)
        kind = "head" if in_head else next((k for k in ("total", "rec", "prob") if k in cls), "body")
        cells = [Cell(_inline_lines(td, bold=td.tag == "th"), header=in_head or td.tag == "th",
                      numeric="n" in _classes(td), rowspan=int(td.get("rowspan", 1) or 1),
                      colspan=int(td.get("colspan", 1) or 1))
                 for td in tr if td.tag in ("td", "th")]
        rows.append(cells)
        kinds.append(kind)
    return Table(rows, kinds, size)


def _table_size(el) -> str:
    cls = _classes(el)
    return next((k for k in ("assumptions", "appendix") if k in cls), "table")


def _p_role(el, in_summary: bool) -> str:
    cls = _classes(el)
    role = next((c for c in _P_CLASSES if c in cls), "body")
    return "summary" if role == "body" and in_summary else role


class _BlockReader:
    """Walks the HTML body in document order and collects :class:`Briefing` blocks."""

    def __init__(self, briefing: Briefing, pngs: dict[str, bytes]):
        self.b, self.pngs = briefing, pngs

    def para(self, role: str, el, bold: bool = False) -> None:
        runs = _flat_runs(el, bold)
        if runs:
            self.b.blocks.append(Para(role, runs))

    def picture(self, img, width_frac: float) -> None:
        self.b.blocks.append(Picture(_image_png(img.get("src", ""), self.pngs), img.get("alt", ""), width_frac))

    def container(self, el, in_summary: bool = False, width: float = 0.8) -> None:
        for child in el:
            if isinstance(child.tag, str) and "pdf-only" not in _classes(child):
                self.element(child, in_summary, width)

    def element(self, el, in_summary: bool, width: float) -> None:
        tag, cls = el.tag, _classes(el)
        if tag in ("h1", "h2", "h3"):
            self.para({"h1": "title", "h2": "heading", "h3": "subheading"}[tag], el)
        elif tag == "p":
            self.para(_p_role(el, in_summary), el)
        elif tag in ("ul", "ol"):
            for li in el.iter("li"):
                self.para("bullet", li)
        elif tag == "dl":
            for item in el:
                if item.tag in ("dt", "dd"):
                    self.para("term" if item.tag == "dt" else "definition", item)
        elif tag == "table":
            self.b.blocks.append(_table_block(el, _table_size(el)))
        elif tag == "img":
            self.picture(el, width)
        elif "banner" in cls:
            self.para("banner", el)
        elif tag in ("div", "section", "figure", "main", "article", "header", "footer"):
            width = _CHART_WIDTH["scenario"] if "scenario" in cls else width
            self.container(el, in_summary or "summary" in cls, width)
        else:  # anything else: keep its text as a paragraph
            self.para("body", el)


def _furniture(b: Briefing, body) -> None:
    """The strings of the PDF's running header and footer, read from the same elements."""
    def first_text(xpath: str) -> str:
        found = body.xpath(xpath)
        return _squash(found[0].text_content()).strip() if found else ""

    b.title = first_text("//h1")
    b.created = first_text("//*[contains(concat(' ', @class, ' '), ' created ')]")
    b.banner = first_text("//*[contains(concat(' ', @class, ' '), ' banner ')]")
    b.source = first_text("//*[contains(concat(' ', @class, ' '), ' source ')]")


def html_blocks(html: str, pngs: dict[str, bytes] | None = None) -> Briefing:
    """Read a rendered briefing's HTML into a :class:`Briefing`.

    Parameters
    ----------
    html : str
        The HTML from ``render_html`` (its ``<body class>`` names the briefing kind).
    pngs : dict, optional
        ``charts.collect_png()`` output: PNG twins of the SVG charts in ``html``.
    """
    import lxml.html

    body = lxml.html.document_fromstring(html).find("body")
    kind = next((k for k in _SIZES if k in _classes(body)), "council")
    briefing = Briefing(kind)
    _furniture(briefing, body)
    _BlockReader(briefing, pngs or {}).container(body, width=_CHART_WIDTH[kind])
    return briefing


# ------------------------------------------------------------------------------------------
# blocks -> OWPML (python-hwpx)
# ------------------------------------------------------------------------------------------


def _hwpunit(mm: float) -> int:
    return round(mm * _HWPUNIT_PER_MM)


def _png_size(png: bytes) -> tuple[int, int]:
    """Pixel width and height from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ReportRenderError("HWPX export: a chart image is not a PNG / 그림이 PNG가 아닙니다")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _grid(table: Table) -> tuple[list[tuple[int, int, Cell]], int, int]:
    """Place cells on the grid (HTML table model: spans push later cells right).

    Returns the placements ``(row, column, cell)``, the row count and the column count.
    """
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            taken.update((r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan))
            c += cell.colspan
    n_rows = max((r for r, _ in taken), default=-1) + 1
    n_cols = max((c for _, c in taken), default=-1) + 1
    return placed, n_rows, n_cols


_CELL_MARGIN = {"lr": 510, "tb": 141}  # python-hwpx's default cell margins [HWPUNIT]
_LINE_SPACING = 1.45  # line_spacing_percent of every paragraph (finish())


_NARROW = set(" ,.:;()[]-/'|!")


def _em_width(text: str) -> float:
    """Printed width of ``text`` [em] in NanumSquare (advance widths read from the font: Hangul 0.91,
    digits 0.60, spaces and punctuation about 0.3, Latin letters about 0.55)."""
    import unicodedata

    return sum(0.91 if unicodedata.east_asian_width(ch) in "WF" else 0.6 if ch.isdigit()
               else 0.3 if ch in _NARROW else 0.55 for ch in text)


def _line_text(line: list[Run]) -> str:
    return "".join(r.text for r in line)


def _line_width(line: list[Run], size_pt: float, minor_pt: float) -> float:
    """Printed width of a line of runs [HWPUNIT]: ``minor`` runs (units) in their smaller size."""
    return sum(_em_width(r.text) * (minor_pt if r.minor else size_pt) * 100 for r in line)


def _column_weights(placed, n_cols: int, size_pt: float = 9.0, total: int = 0, minor_pt: float = 7.0) -> list[float]:
    """Column widths [HWPUNIT, summing to ``total``]: each column's widest single-column line plus the
    cell margins; when they do not fit, the widest columns give way first (a short column such as
    "가온동" keeps its width and is never broken letter by letter)."""
    total = total or _hwpunit(_TEXT_WIDTH_MM)
    em = size_pt * 100
    need = [2.5 * em + 2 * _CELL_MARGIN["lr"]] * n_cols
    for _, c, cell in placed:
        if cell.colspan == 1:
            for line in cell.lines:
                need[c] = max(need[c], min(_line_width(line, size_pt, minor_pt), 24 * em) * 1.05
                              + 2 * _CELL_MARGIN["lr"])
    if sum(need) <= total:
        return [w * total / sum(need) for w in need]
    cap, order = total / n_cols, sorted(range(n_cols), key=lambda i: need[i])
    widths, left = list(need), total
    for k, i in enumerate(order):  # water-filling: narrow columns keep their need, the rest share what is left
        cap = left / (n_cols - k)
        if need[i] > cap:
            for j in order[k:]:
                widths[j] = cap
            break
        left -= need[i]
    return widths




def _cell_height(cell: Cell, width: int, size_pt: float, minor_pt: float) -> int:
    """Height a cell's text needs [HWPUNIT] at ``width``: wrapped lines x line height + margins.

    한글 grows a row to fit its text by itself, but other readers (and 한글's first layout) take the
    stored height, so it is stored as estimated.
    """
    em = size_pt * 100  # 1 pt = 100 HWPUNIT
    avail = max(width - 2 * _CELL_MARGIN["lr"], em)
    lines = sum(max(1, math.ceil(1.08 * _line_width(line, size_pt, minor_pt) / avail)) for line in cell.lines)
    return round(lines * em * _LINE_SPACING + 2 * _CELL_MARGIN["tb"])


def _row_heights(placed, n_rows: int, widths: list[int], size_pt: float, minor_pt: float) -> list[int]:
    """Each row's height [HWPUNIT]: the tallest single-row cell; a spanning cell's need goes to its last row."""
    heights = [0] * n_rows
    spanning = []
    for r, c, cell in placed:
        need = _cell_height(cell, sum(widths[c:c + cell.colspan]), size_pt, minor_pt)
        if cell.rowspan == 1:
            heights[r] = max(heights[r], need)
        else:
            spanning.append((r, cell.rowspan, need))
    floor = round(size_pt * 100 * _LINE_SPACING + 2 * _CELL_MARGIN["tb"])
    heights = [max(h, floor) for h in heights]
    for r, span, need in spanning:
        short = need - sum(heights[r:r + span])
        if short > 0:
            heights[r + span - 1] += short
    return heights


# Children of hh:refList in the order of the OWPML schema (KS X 6101, owpml-header.xsd).
_REF_LIST_ORDER = ("fontfaces", "borderFills", "charProperties", "tabProperties", "numberings", "bullets",
                   "paraProperties", "styles", "memoProperties", "trackChanges", "trackChangeAuthors")


def _reorder_ref_list(doc) -> None:
    """Put ``hh:refList``'s children in schema order.

    python-hwpx 6.9 appends ``hh:bullets`` after ``hh:styles`` when it adds the first bullet;
    the schema wants it after ``hh:numberings``. Only the order changes, no content.
    """
    for header in doc.oxml.headers:
        ref_list = next((el for el in header.element if el.tag.endswith("}refList")), None)
        if ref_list is None:
            continue
        rank = {name: i for i, name in enumerate(_REF_LIST_ORDER)}
        children = sorted(ref_list, key=lambda el: rank.get(el.tag.rsplit("}", 1)[-1], len(rank)))
        for child in children:
            ref_list.append(child)  # re-appending moves the element to the end, in sorted order
        header.mark_dirty()


def _shade(tbl, cell, color: str) -> None:
    """What python-hwpx's ``table.set_cell_shading(row, column, color)`` does, given the cell itself: that
    call first finds the cell by rebuilding the table's whole cell grid, for every shaded cell (a third of
    the time writing the council paper's tables)."""
    document = tbl.paragraph.section.document
    fill_id = document.ensure_shading_border_fill(
        color, base_border_fill_id=cell.element.get("borderFillIDRef") or tbl.element.get("borderFillIDRef"))
    cell.element.set("borderFillIDRef", fill_id)


class _HwpxWriter:
    """Writes :class:`Briefing` blocks into a new python-hwpx document."""

    def __init__(self, kind: str):
        from hwpx import HwpxDocument

        self.doc = HwpxDocument.new()
        self.sizes = _SIZES[kind]
        self._chars: dict[tuple, str] = {}
        self._formats: dict[tuple, list] = {}  # (align, before, after, indent, keep) -> paragraphs
        self._bullets: list[int] = []
        self._unused_first = self.doc.paragraphs[0]  # the skeleton's empty first paragraph
        self._fonts()
        self._page()

    def _fonts(self) -> None:
        """Every language slot in NanumSquare; 함초롬돋움 declared as its substitute."""
        styles = self.doc.styles
        styles.ensure_font(FONT_FACE, subst_face=FONT_SUBSTITUTE, subst_type="TTF")
        for face in ("함초롬돋움", "함초롬바탕"):  # the skeleton's faces, used by its built-in styles
            styles.replace_font(face, FONT_FACE)

    def _page(self) -> None:
        """A4 portrait; body starts where the PDF's does (page margin + header/footer area)."""
        m = _PAGE_MARGINS_MM
        self.doc.page.set_margins(left=_hwpunit(m["left"]), right=_hwpunit(m["right"]),
                                  top=_hwpunit(m["top"] - 8), bottom=_hwpunit(m["bottom"] - 8),
                                  header=_hwpunit(8), footer=_hwpunit(8))

    def char(self, size: str, bold: bool = False, color: str = _INK) -> str:
        key = (size, bold, color)
        if key not in self._chars:
            self._chars[key] = self.doc.styles.ensure_run(font=FONT_FACE, size=self.sizes[size], bold=bold,
                                                          color=color)
        return self._chars[key]

    def _new_paragraph(self) -> tuple[object, int]:
        """A fresh body paragraph and its index among the body paragraphs."""
        if self._unused_first is not None:
            p, self._unused_first = self._unused_first, None
            return p, 0
        p = self.doc.add_paragraph("", include_run=False)
        return p, len(self.doc.paragraphs) - 1

    def _runs(self, p, runs: list[Run], size: str, bold: bool, color: str) -> None:
        for r in runs:
            if r.minor:
                p.add_run(r.text, char_pr_id_ref=self.char("unit", r.bold, _GREY))
            else:
                p.add_run(r.text, char_pr_id_ref=self.char(size, bold or r.bold, color))

    def paragraph(self, para: Para) -> None:
        size, bold, color, align, before, after, indent = _ROLES[para.role]
        p, index = self._new_paragraph()
        self._runs(p, para.runs, size, bold, color)
        keep = para.role in ("title", "heading", "subheading", "term")
        self._formats.setdefault((align, before, after, indent, keep), []).append(p)
        if para.role == "bullet":
            self._bullets.append(index)

    def _cell(self, hcell, cell: Cell, row_kind: str, size: str) -> None:
        """Fill one table cell: a paragraph per line, aligned like the PDF (th centred, .n right)."""
        bold = cell.header or row_kind in ("total", "rec")
        color = _RED if row_kind == "prob" else _INK
        align = "CENTER" if cell.header else "RIGHT" if cell.numeric else "LEFT"
        for i, line in enumerate(cell.lines):
            p = hcell.paragraphs[0] if i == 0 else hcell.add_paragraph("")
            self._runs(p, line, size, bold, color)
            self._formats.setdefault((align, 0, 0, 0, False), []).append(p)

    def table(self, t: Table) -> None:
        """A real 한글 table, full text width, header rows shaded, spans merged."""
        placed, n_rows, n_cols = _grid(t)
        if not placed:
            return
        tbl = self.doc.add_table(n_rows, n_cols, width=_hwpunit(_TEXT_WIDTH_MM))
        tbl.set_column_widths(_column_weights(placed, n_cols, self.sizes[t.size], _hwpunit(_TEXT_WIDTH_MM),
                                              self.sizes["unit"]))
        for r, c, cell in placed:
            if cell.rowspan > 1 or cell.colspan > 1:
                tbl.merge_cells(r, c, r + cell.rowspan - 1, c + cell.colspan - 1)
        anchors = {(g.row, g.column): g.cell for g in tbl.iter_grid() if g.is_anchor}
        for r, c, cell in placed:
            kind = t.row_kinds[r]
            self._cell(anchors[(r, c)], cell, kind, t.size)
            fill = _HEAD_FILL if kind == "head" or cell.header else _REC_FILL if kind == "rec" else None
            if fill:
                _shade(tbl, anchors[(r, c)], fill)
        tbl.mark_dirty()
        self._fit_rows(tbl, t, placed, n_rows, anchors)
        self._after_table()

    def _fit_rows(self, tbl, t: Table, placed, n_rows: int, anchors) -> None:
        """Row heights from the text (:func:`_row_heights`); thead rows marked as header rows, repeated
        at the top of every page the table runs onto."""
        n_cols = max(c + cell.colspan for _, c, cell in placed)
        widths = [0] * n_cols
        for r, c, cell in placed:
            if cell.colspan == 1:
                widths[c] = anchors[(r, c)].width
        heights = _row_heights(placed, n_rows, widths, self.sizes[t.size], self.sizes["unit"])
        for r, c, cell in placed:
            anchors[(r, c)].set_size(height=sum(heights[r:r + cell.rowspan]))
            if t.row_kinds[r] == "head":
                anchors[(r, c)].element.set("header", "1")
        tbl.element.find(f"{_HP}sz").set("height", str(sum(heights)))
        if "head" in t.row_kinds:
            tbl.element.set("repeatHeader", "1")

    def _after_table(self) -> None:
        """An empty small paragraph after each table (the PDF's table margin), so text after
        it can be typed without entering the table."""
        p, _ = self._new_paragraph()
        p.add_run("", char_pr_id_ref=self.char("note"))
        self._formats.setdefault(("LEFT", 0, 2, 0, False), []).append(p)

    def picture(self, pic: Picture) -> None:
        """A chart as a centred picture, ``width_frac`` of the text width, aspect kept."""
        w_px, h_px = _png_size(pic.png)
        width_mm = _TEXT_WIDTH_MM * pic.width_frac
        self.doc.add_picture(pic.png, "png", width_mm=width_mm, height_mm=width_mm * h_px / w_px, align="CENTER")

    def furniture(self, b: Briefing) -> None:
        """Header: banner (synthetic data) and title · date; footer: data source and page n/N."""
        small = {"size": self.sizes["page"], "color": _GREY, "font": FONT_FACE}
        head = [{"text": b.banner + "   ", **small, "color": _RED, "bold": True}] if b.banner else []
        head.append({"text": " · ".join(s for s in (b.title, b.created) if s), **small})
        self.doc.page.set_header(content=[{"align": "RIGHT", "children": head}])
        foot = [{"align": "LEFT", "children": [{"text": b.source, **small}]}] if b.source else []
        # position NONE: the number is drawn by the field in the footer only, not a second time
        foot.append({"align": "RIGHT", "children": [{"page_number": "page/total", "position": "NONE"}]})
        self.doc.page.set_footer(content=foot)

    def metadata(self, b: Briefing) -> None:
        """Package metadata: title, sewerplan as author, the bundle's date (not the skeleton's)."""
        stamp = f"{b.date_iso}T00:00:00Z" if b.date_iso else "1970-01-01T00:00:00Z"
        self.doc.parts.clear_document_metadata(keep=("title", "language"), timestamp=stamp)
        self.doc.parts.set_document_metadata(title=b.title, creator="sewerplan", subject=b.source,
                                             created_date=stamp, modified_date=stamp)

    def package_parts(self, b: Briefing) -> None:
        """The parts 한글 reads before the body: the preview text (its file preview and search), the
        version part listed in the manifest, and the producing application named as it is."""
        from sewerplan import __version__

        package = self.doc.package
        version = package.version_info
        version.set("application", f"sewerplan {__version__} (python-hwpx {_hwpx_version()})")
        version.set("appVersion", __version__)
        package.set_part(version_path := package.VERSION_PATH, version.to_bytes())
        package.add_manifest_item("version", version_path, "application/xml")
        package.set_part(PREVIEW_TEXT, preview_text(b).encode("utf-8"))

    def finish(self) -> bytes:
        """Apply the collected paragraph formats and bullets; the package as bytes."""
        for (align, before, after, indent, keep), paragraphs in self._formats.items():
            # one paragraph shape per look: made once, shared by reference (fast, and tidy in 한글)
            first, rest = paragraphs[0], paragraphs[1:]
            self.doc.styles.apply_paragraph_format(
                paragraphs=[first], alignment=align, spacing_before_pt=before, spacing_after_pt=after,
                indent_left_mm=indent, keep_with_next=keep or None, line_spacing_percent=145)
            for p in rest:
                p.para_pr_id_ref = first.para_pr_id_ref
        if self._bullets:
            self.doc.styles.apply_list_format(paragraph_indexes=self._bullets, kind="bullet", bullet_char="•")
            _reorder_ref_list(self.doc)
        return self.doc.to_bytes()


PREVIEW_TEXT = "Preview/PrvText.txt"
PREVIEW_LIMIT = 1024  # characters; 한글's own files keep about this much of the start of the text


def _hwpx_version() -> str:
    from importlib.metadata import version

    return version("python-hwpx")


def preview_text(b: Briefing, limit: int = PREVIEW_LIMIT) -> str:
    """The start of the document as plain text for ``Preview/PrvText.txt``: a line per paragraph,
    table cells as ``<cell>`` side by side (as 한글 writes its previews), CRLF line ends."""
    lines: list[str] = []
    for block in b.blocks:
        if isinstance(block, Para):
            lines.append(_line_text(block.runs))
        elif isinstance(block, Table):
            lines += ["".join(f"<{' '.join(_line_text(x) for x in cell.lines)}>" for cell in row) for row in block.rows]
        if sum(len(x) + 2 for x in lines) > limit:
            break
    return "\r\n".join(x for x in lines if x)[:limit]


def briefing_to_hwpx(briefing: Briefing) -> bytes:
    """Write a :class:`Briefing` as an HWPX package [bytes]."""
    writer = _HwpxWriter(briefing.kind)
    for block in briefing.blocks:
        if isinstance(block, Para):
            writer.paragraph(block)
        elif isinstance(block, Table):
            writer.table(block)
        else:
            writer.picture(block)
    writer.furniture(briefing)
    writer.metadata(briefing)
    writer.package_parts(briefing)
    return writer.finish()


def render_hwpx_bytes(kind: str, bundle: ResultsBundle, lang: str = "ko",
                      options: FinanceOptions | None = None, rendered: tuple[str, dict] | None = None) -> bytes:
    """Render a briefing to HWPX bytes: the PDF's HTML, charts as PNG, tables as 한글 tables.

    ``rendered``: the HTML and its charts' PNG twins when already rendered (``formats.rendered_html``
    of the same arguments, shared with the PDF). Raises :class:`ReportRenderError` when the HTML
    holds something that cannot be carried over.
    """
    if rendered is None:
        with charts.collect_png() as pngs:
            rendered = render_html(kind, bundle, lang, options), pngs
    html, pngs = rendered
    briefing = html_blocks(html, pngs)
    briefing.date_iso = bundle.metadata.created
    return briefing_to_hwpx(briefing)


def write_hwpx(kind: str, bundle: ResultsBundle, out, lang: str = "ko", options: FinanceOptions | None = None,
               *, force: bool = False, rendered: tuple[str, dict] | None = None) -> Path:
    """Render and write an HWPX briefing atomically; refuses to overwrite unless ``force``."""
    out = check_output_path(out, inputs=[bundle.source_path] if bundle.base_dir else [], force=force)
    write_bytes_atomic(out, render_hwpx_bytes(kind, bundle, lang, options, rendered))
    return out
