"""The shipped reference tables the money model reads (``model/data/``, provenance in its README).

Read with :mod:`importlib.resources` (nothing is fetched at run time) and cached; pandas is
imported only when a table is read, so the money inputs (and the command line's help) load
without it.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["data_text", "csv_table"]


def data_text(name: str) -> str:
    """The text of a shipped data file ``model/data/<name>``."""
    return resources.files("sewerplan.model").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def csv_table(name: str):
    """A shipped CSV table as a pandas DataFrame (cached: do not modify it in place; copy first)."""
    from io import StringIO

    import pandas as pd

    return pd.read_csv(StringIO(data_text(name)))
