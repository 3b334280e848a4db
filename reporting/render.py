"""Strict rendering of the briefings: jinja2 -> HTML -> WeasyPrint PDF/A-3b.

Strict means:

- jinja2 with autoescape on and ``StrictUndefined`` (a missing value is an error, and a
  district called ``<script>`` or ``{{ x }}`` is printed literally);
- no network: the URL fetcher serves only ``data:`` URIs and ``file://`` URLs inside the
  installed ``sewerplan.templates`` package, and stops the render on anything else;
- any WeasyPrint ERROR log line (missing font, broken image, bad CSS) fails the render;
- PDF/A-3b with the public results bundle attached (small districts merged) and only the public run
  outputs of :data:`sewerplan.model.outputs.public_bundle.PUBLIC_RUN_OUTPUTS` beside it.

Without Pango (stock Windows lacks it, so ``import weasyprint`` fails) :func:`write_report`
writes a self-contained HTML briefing instead (:func:`render_standalone_html`: the same
template, the font embedded as a subset, the charts inline, print CSS for A4 pages), which
Edge or Chrome prints to PDF, and the message :data:`PDF_HELP` says how to get the PDF.
"""

from __future__ import annotations

import base64
import html as _html
import io
import logging
import re
import threading
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlparse

import jinja2

from sewerplan.model.errors import SewerplanError
from sewerplan.model.fileio import check_output_path, write_bytes_atomic
from sewerplan.model.outputs.results import ResultsBundle

from .context import FinanceOptions, council_context, hearing_context
from .filters import FILTERS

__all__ = [
    "REPORT_KINDS",
    "ReportRenderError",
    "build_context",
    "render_html",
    "render_pdf_bytes",
    "render_standalone_html",
    "write_report",
    "templates_dir",
    "weasyprint_problem",
    "pdf_unavailable_message",
    "PDF_HELP",
]

PDF_HELP = (
    "PDF를 바로 만들려면 Pango가 필요합니다: GTK3 런타임(Windows용 GTK for Windows Runtime) 또는 MSYS2의 "
    "mingw-w64-x86_64-pango 를 설치하고, 그 bin 폴더를 환경변수 WEASYPRINT_DLL_DIRECTORIES 에 지정하세요"
    "(설명서 reports.html 'PDF on Windows': 설치 꾸러미의 설명서 폴더 또는 sewerplan manual). 그동안은 HTML 보고서를 Edge로 열어 인쇄 > PDF로 저장(A4)하세요. / "
    "The PDF needs Pango: install the GTK3 runtime for Windows or MSYS2's mingw-w64-x86_64-pango and set "
    "WEASYPRINT_DLL_DIRECTORIES to its bin folder (manual reports.html, 'PDF on Windows': the kit's 설명서 folder or sewerplan manual). Meanwhile open the HTML "
    "briefing in Edge and print it to PDF (A4)."
)

REPORT_KINDS = {"council": ("council.html", council_context), "hearing": ("hearing.html", hearing_context)}


class ReportRenderError(SewerplanError, RuntimeError):
    """The PDF could not be rendered cleanly (WeasyPrint error, blocked URL, template error)."""


@contextmanager
def _templates_path():
    with resources.as_file(resources.files("sewerplan.templates")) as p:
        yield Path(p).resolve()


def templates_dir() -> Path:
    """Directory of the installed templates (a real directory for normal installs)."""
    return Path(str(resources.files("sewerplan.templates"))).resolve()


def _jinja_env(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        autoescape=True,  # every template here is HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def build_context(kind: str, bundle: ResultsBundle, lang: str = "ko", options: FinanceOptions | None = None) -> dict:
    """The plain data context of a report (see ``reporting.context``)."""
    if kind not in REPORT_KINDS:
        raise ValueError(f"report kind must be one of {sorted(REPORT_KINDS)}, got {kind!r} / 보고서 종류 오류")
    return REPORT_KINDS[kind][1](bundle, lang, options)


def render_html(kind: str, bundle: ResultsBundle, lang: str = "ko", options: FinanceOptions | None = None,
                context: dict | None = None) -> str:
    """Render the report's HTML (strict jinja)."""
    ctx = context if context is not None else build_context(kind, bundle, lang, options)
    with _templates_path() as root:
        try:
            return _jinja_env(root).get_template(REPORT_KINDS[kind][0]).render(**ctx)
        except jinja2.UndefinedError as exc:
            raise ReportRenderError(
                f"template {REPORT_KINDS[kind][0]} uses a value the context does not provide: {exc} / "
                "보고서 양식에 필요한 값이 없습니다"
            ) from exc


# ------------------------------------------------------------------------------------------
# WeasyPrint plumbing
# ------------------------------------------------------------------------------------------


def _make_fetcher(root: Path):
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    def check(url: str) -> Path | None:
        parsed = urlparse(url)
        if parsed.scheme == "data":
            return None
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(root) and path.is_file():
                return path
        raise FatalURLFetchingError(
            f"blocked resource {url!r}: reports may only load data: URIs and files inside {root} / "
            "외부 자원은 불러올 수 없습니다"
        )

    base = getattr(weasyprint, "URLFetcher", None)
    if base is not None:  # WeasyPrint >= 66

        class PackageOnlyFetcher(base):
            def fetch(self, url, headers=None):
                check(url)
                return super().fetch(url, headers)

        return PackageOnlyFetcher(allowed_protocols=("file", "data"))

    def fetcher(url, timeout=10, ssl_context=None):  # older WeasyPrint: function fetchers
        check(url)
        return weasyprint.default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)

    return fetcher


class _ErrorCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


_RENDER_LOCK = threading.Lock()  # the WeasyPrint logger is process-wide


def _attachments(bundle: ResultsBundle):
    """The PDF/A-3 attachments: what a published paper may carry (:mod:`sewerplan.model.outputs.public_bundle`)."""
    from weasyprint import Attachment

    from sewerplan.model.outputs.public_bundle import public_attachments

    return [Attachment(file_obj=io.BytesIO(data), name=name, description=desc, relationship="Data")
            for name, desc, data in public_attachments(bundle)]


def html_to_pdf(html: str, attachments=None, what: str = "report") -> bytes:
    """HTML (from the strict templates) -> PDF/A-3b bytes; any WeasyPrint error raises :class:`ReportRenderError`.

    Rendering holds a lock (WeasyPrint and fontconfig are not thread-safe), fetches only files of
    the templates folder and fails on every error WeasyPrint logs (a missing font or image is only a
    log line by default).
    """
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    with _templates_path() as root, _RENDER_LOCK:
        collector = _ErrorCollector()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collector)
        try:
            doc = weasyprint.HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=_make_fetcher(root))
            pdf = doc.write_pdf(pdf_variant="pdf/a-3b", attachments=attachments, uncompressed_pdf=False)
        except FatalURLFetchingError as exc:
            raise ReportRenderError(str(exc)) from exc
        finally:
            logger.removeHandler(collector)
    if collector.messages:
        raise ReportRenderError(
            f"WeasyPrint reported {len(collector.messages)} error(s) rendering the {what} / "
            f"PDF 생성 오류 {len(collector.messages)}건:\n  " + "\n  ".join(collector.messages[:20])
        )
    return pdf


def render_pdf_bytes(kind: str, bundle: ResultsBundle, lang: str = "ko", options: FinanceOptions | None = None,
                     *, attach: bool = True, html: str | None = None) -> bytes:
    """Render a briefing to PDF/A-3b bytes; raise :class:`ReportRenderError` on any error.

    ``attach``: the public results bundle and the public run outputs beside it (never other files).
    ``html``: the briefing's HTML when already rendered (:func:`render_html` of the same arguments)."""
    attachments = _attachments(bundle) if attach else None  # refused attachments fail before rendering
    page = html if html is not None else render_html(kind, bundle, lang, options)
    return html_to_pdf(page, attachments, f"{kind} report")


def write_report(kind: str, bundle: ResultsBundle, out, lang: str = "ko", options: FinanceOptions | None = None,
                 *, force: bool = False, html_fallback: bool = True, html: str | None = None) -> Path:
    """Render and write a briefing atomically (temp file + os.replace); return the file written.

    Refuses to overwrite an existing file unless ``force``. Where WeasyPrint cannot run
    (no Pango), writes the self-contained HTML briefing beside ``out`` (same name, ``.html``)
    and returns that path (``html_fallback=False``: raise :class:`ReportRenderError`); the
    caller tells the user :func:`pdf_unavailable_message`. ``html``: as :func:`render_pdf_bytes`.
    """
    inputs = [bundle.source_path] if bundle.base_dir else []
    out = check_output_path(out, inputs=inputs, force=force)
    problem = weasyprint_problem()
    if problem is None:
        write_bytes_atomic(out, render_pdf_bytes(kind, bundle, lang, options, html=html))
        return out
    if not html_fallback:
        raise ReportRenderError(pdf_unavailable_message(problem))
    html_out = check_output_path(out.with_suffix(".html"), inputs=inputs, force=force)
    write_bytes_atomic(html_out, render_standalone_html(kind, bundle, lang, options).encode("utf-8"))
    return html_out


# ------------------------------------------------------------------------------------------
# Without Pango: the self-contained HTML briefing
# ------------------------------------------------------------------------------------------


def weasyprint_problem() -> str | None:
    """Why WeasyPrint cannot run here (e.g. Pango's DLLs missing on Windows), or None when it can."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: "cannot load library 'libgobject-2.0-0'"
        return f"{type(exc).__name__}: {exc}"
    return None


def pdf_unavailable_message(problem: str, html_path=None) -> str:
    """One message: the PDF could not be made here, where the HTML briefing is, how to get the PDF."""
    where = f" HTML 보고서 / HTML briefing: {html_path}." if html_path else ""
    return f"PDF를 만들 수 없습니다 / cannot write the PDF here ({problem}).{where} {PDF_HELP}"


def render_standalone_html(kind: str, bundle: ResultsBundle, lang: str = "ko",
                           options: FinanceOptions | None = None) -> str:
    """The briefing as one HTML file: font subset embedded, charts inline, print CSS for A4.

    Opens offline in any browser; Edge or Chrome print it to A4 pages with the running header,
    the page numbers and the synthetic-data banner of the PDF.
    """
    page = _inline_charts(render_html(kind, bundle, lang, options))
    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    css = _embed_fonts(css, _visible_text(page)) + "\n" + _browser_print_css(page)
    link = '<link rel="stylesheet" href="report.css">'
    if link not in page:
        raise ReportRenderError(f"template {REPORT_KINDS[kind][0]} lost its stylesheet link / 양식 오류")
    return page.replace(link, f"<style>\n{css}\n</style>", 1)


_CHART_IMG = re.compile(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)">')


def _inline_charts(page: str) -> str:
    """SVG charts as inline ``<svg>``: an SVG inside ``<img>`` cannot use the page's embedded font."""

    def inline(m):
        svg = base64.b64decode(m.group(1)).decode("utf-8")
        svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype
        return svg.replace("<svg", f'<svg role="img" aria-label="{m.group(2)}"', 1)

    return _CHART_IMG.sub(inline, page)


def _visible_text(page: str) -> str:
    return _html.unescape(re.sub(r"<[^>]+>", " ", page))


def _embed_fonts(css: str, text: str) -> str:
    """``url("fonts/X.ttf")`` -> a ``data:`` URI of the font subset to the characters of ``text``."""
    from fontTools import subset

    chars = set(text) | set("0123456789 .,:;-–—·/()[]%+=<>~㎥㎡")

    def embed(m):
        options = subset.Options()
        options.flavor = "woff2"
        font = subset.load_font(str(templates_dir() / "fonts" / m.group(1)), options)
        sub = subset.Subsetter(options)
        sub.populate(text="".join(sorted(chars)))
        sub.subset(font)
        buf = io.BytesIO()
        subset.save_font(font, buf, options)
        return f'url("data:font/woff2;base64,{base64.b64encode(buf.getvalue()).decode("ascii")}") format("woff2")'

    return re.sub(r'url\("fonts/([A-Za-z0-9_.-]+\.ttf)"\)', embed, css)


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the string, the rule or the ``<style>`` element.

    Letters, digits, spaces and a few harmless punctuation marks stay as they are; every other
    character (quotes, backslash, ``<``, ``>``, ``&``, braces, ``;``, control characters) becomes a CSS
    hex escape (``\\3c `` for ``<``), so a town called ``</style><script>...`` is printed, never run.
    """
    out = []
    for ch in " ".join(text.split()):
        out.append(ch if ch.isalnum() or ch in _CSS_SAFE else f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


_CSS_SAFE = frozenset(" .,:·-–—()[]%+/~㎥㎡")


def _first_text(page: str, pattern: str) -> str:
    m = re.search(pattern, page, flags=re.S)
    return " ".join(_visible_text(m.group(1)).split()) if m else ""


def _browser_print_css(page: str) -> str:
    """Running header and footer with literal text: browsers do not implement ``string-set``."""
    title = _first_text(page, r"<h1[^>]*>(.*?)</h1>")
    created = _first_text(page, r'<span class="created">(.*?)</span>')
    source = _first_text(page, r'<p class="note source">(.*?)</p>')
    banner = _first_text(page, r'<div class="banner">(.*?)</div>')
    return (
        "/* browser printing (Edge, Chrome): literal running texts */\n"
        f"@page {{ @top-right {{ content: {_css_string(title + ' · ' + created)}; }}\n"
        f"  @bottom-left {{ content: {_css_string(source)}; }} }}\n"
        f"@page synthetic {{ @top-left {{ content: {_css_string(banner)}; }} }}\n"
        ".chart svg { width: 78%; height: auto; } body.hearing .chart svg { width: 90%; }\n"
        ".scenario .chart svg { width: 92%; }\n"
        "@media print { html { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }\n"
    )
