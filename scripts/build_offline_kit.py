"""Kept for old instructions: the offline kit is now a command of the installed package.

    sewerplan kit build --out sewerplan-kit      # Windows x64 wheels for Python 3.11, 3.12, 3.13
    sewerplan kit check sewerplan-kit            # offline: does it install on each Python?

This script only forwards its arguments to ``sewerplan kit build`` (sewerplan/kit/, docs/excel.ko.md 1-1).
"""

import sys

from sewerplan.cli import app

if __name__ == "__main__":
    app(["kit", "build", *sys.argv[1:]])
