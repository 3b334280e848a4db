"""sewerplan: building-by-building sewage forecasts for new towns.

The estimation core lives in :mod:`sewerplan.model` (repository folder ``model/``),
the Excel add-in in :mod:`sewerplan.xl_addin`, the PDF briefings in
:mod:`sewerplan.reporting`. This top-level package holds only the command line.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sewerplan")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__", "main"]


def main():
    """Entry point of the template workbook's buttons (xlwings RunPython calls ``<workbook>.main()``;
    the template is named ``sewerplan.xlsm``, so that is this package)."""
    from sewerplan.xl_addin.macros import main as _main

    return _main()
