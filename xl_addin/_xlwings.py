"""xlwings, imported without its optional matplotlib support (issue 25: the first worksheet answer).

On import xlwings tries ``import matplotlib.pyplot`` (and plotly) so that ``sheet.pictures.add``
can take a figure: about 1.2 s of a fresh process on the office PC's class of machine, more than
everything else before the first ``SEWER_ML`` answer. sewerplan's worksheet functions and macros
never hand xlwings a figure, so while xlwings is imported here those two packages are marked
absent; xlwings then runs without picture-from-figure support (its own fallback), and any later
``import matplotlib`` (charts in the reports) works as usual. When xlwings is already imported
(Excel's own COM server imports it before the UDF module), it is used as it is.
"""

from __future__ import annotations

import sys

OPTIONAL = ("matplotlib", "plotly")


def load_xlwings():
    """The ``xlwings`` module (imported now without matplotlib/plotly unless already imported)."""
    if "xlwings" in sys.modules:
        return sys.modules["xlwings"]
    blocked = [name for name in OPTIONAL if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # "import matplotlib" raises ImportError: xlwings' optional path
    try:
        import xlwings
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return xlwings


xw = load_xlwings()
