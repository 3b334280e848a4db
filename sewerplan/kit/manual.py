"""The manuals as HTML files that open on any office PC (``sewerplan manual``, the kit's ``설명서/``).

The Markdown manuals ship inside the package (``sewerplan.docs``, the repository's ``docs/``);
they are rendered with markdown-it (a dependency of rich, already installed) into one
self-contained HTML file each: pictures as data URIs, links between manuals pointing at the
other HTML files, print CSS for A4. No network is needed to read them.
"""

from __future__ import annotations

import base64
import html
import re
from importlib import resources
from pathlib import Path

__all__ = ["MANUALS", "manual_names", "render_manual", "write_manuals"]

#: the manuals written first (the kit's README and install.bat name them), in Korean and English
MANUALS = ("manual.ko", "excel.ko", "manual.en", "excel.en")

_CSS = """
body { font-family: "Malgun Gothic", "맑은 고딕", "NanumSquare", sans-serif; max-width: 60em; margin: 2em auto;
       line-height: 1.55; color: #1a1a1a; padding: 0 1em; }
h1, h2, h3 { color: #0d3b73; } h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .6em 0; font-size: .92em; }
th, td { border: 1px solid #bbb; padding: .25em .5em; vertical-align: top; } th { background: #eef3fa; }
code { background: #f3f3f3; padding: 0 .2em; } pre { background: #f3f3f3; padding: .6em; overflow-x: auto; }
img { max-width: 100%; } .nav { font-size: .9em; color: #555; }
@page { size: A4; margin: 16mm; } @media print { body { max-width: none; margin: 0; } a { color: inherit; } }
"""


def _docs():
    return resources.files("sewerplan.docs")


def manual_names() -> list[str]:
    """Every Markdown document shipped in the package (stem, e.g. ``manual.ko``)."""
    return sorted(p.name[:-3] for p in _docs().iterdir() if p.name.endswith(".md"))


def _inline_images(body: str) -> str:
    def swap(m):
        name = m.group(2)
        path = _docs().joinpath(name)
        if "/" in name or not path.is_file():
            return m.group(0)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'{m.group(1)}data:image/png;base64,{data}"'

    return re.sub(r'(<img src=")([^"]+\.png)"', swap, body)


def _relink(body: str) -> str:
    """Links to another manual (``excel.ko.md``, ``docs/manual.ko.md``) point at its HTML file."""
    return re.sub(r'href="(?:docs/)?([\w.-]+)\.md(#[^"]*)?"', lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"',
                  body)


def render_manual(name: str) -> str:
    """One manual as a self-contained HTML page."""
    from markdown_it import MarkdownIt

    if name not in manual_names():
        raise KeyError(f"no manual {name!r}; shipped: {', '.join(manual_names())}")
    text = _docs().joinpath(f"{name}.md").read_text(encoding="utf-8")
    body = _relink(_inline_images(MarkdownIt("commonmark", {"html": False}).enable("table").render(text)))
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), name)
    lang = "en" if name.endswith(".en") else "ko"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_CSS}</style></head><body>"
            f'<p class="nav">sewerplan 설명서 / manual: <a href="manual.ko.html">사용 설명서</a> · '
            f'<a href="excel.ko.html">엑셀</a> · <a href="manual.en.html">manual (en)</a> · '
            f'<a href="excel.en.html">Excel (en)</a></p>{body}</body></html>')


def write_manuals(folder, names=None) -> list[Path]:
    """Write the manuals (default: every shipped document) as HTML into ``folder``; returns the files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or manual_names():
        path = folder / f"{name}.html"
        path.write_text(render_manual(name), encoding="utf-8")
        written.append(path)
    return written
