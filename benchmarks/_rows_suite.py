"""Rows of ``bench_interactive.py --only suite``: the test suite as ``make test`` runs it (issue 25).

The pytest command of the Makefile's ``test`` target (read from the Makefile, so the two cannot drift;
ruff, which takes about a second, is left out) runs once in its own process from the repository root,
with this interpreter. Target: <= 150 s (2 min 30 s) on 2 cores. The note gives the number of tests
pytest ran (from a JUnit XML report asked for through ``PYTEST_ADDOPTS``, the command itself unchanged),
the workers and the load average before and after the run.

A suite with failures is still timed and reported (``common.wall`` would raise): the note counts the
failures and the row is not met, whatever the time.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from common import ROOT, row, wall

TARGET_S = 150.0


def make_test_pytest_args(makefile: Path = ROOT / "Makefile") -> list[str]:
    """The arguments after ``-m pytest`` on the pytest line of the Makefile's ``test`` recipe."""
    text = makefile.read_text(encoding="utf-8")
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    if recipe is None:
        raise RuntimeError(f"{makefile}: no `test:` target")
    line = next((ln for ln in recipe.group(1).splitlines() if " -m pytest" in ln), None)
    if line is None:
        raise RuntimeError(f"{makefile}: the `test:` recipe runs no `python -m pytest`")
    return shlex.split(line.split(" -m pytest", 1)[1])


def _counts(junit: Path) -> dict:
    """Tests, failures, errors and skipped of a JUnit XML report (one or more test suites), and the names
    of the tests that failed."""
    root = ET.parse(junit).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    counts = {k: sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")}
    counts["failed"] = [f"{case.get('classname', '')}::{case.get('name', '')}" for case in root.iter("testcase")
                        if case.find("failure") is not None or case.find("error") is not None]
    return counts


def rows() -> list[dict]:
    args = make_test_pytest_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "suite.xml"
        cmd = [sys.executable, "-m", "pytest", *args]
        env = {"PYTEST_ADDOPTS": f"--junitxml={junit}"}
        start = time.perf_counter()
        try:
            seconds = wall(cmd, env=env, cwd=ROOT)
        except RuntimeError:  # failures: still the suite's time, reported as not met
            seconds = time.perf_counter() - start
        if not junit.exists():
            raise RuntimeError(f"{' '.join(cmd)} wrote no JUnit report: pytest did not run the suite")
        n = _counts(junit)
    passed = n["tests"] - n["failures"] - n["errors"] - n["skipped"]
    failed = n["failures"] + n["errors"]
    note = (f"{n['tests']} tests ({passed} passed, {n['skipped']} skipped, {failed} failed); "
            f"`pytest {' '.join(args)}` on {os.cpu_count()} cores; load {load_before:.1f} before, "
            f"{os.getloadavg()[0]:.1f} after" + (f"; failed: {', '.join(n['failed'])}" if failed else ""))
    r = row("make test (pytest, fresh process)", round(seconds, 1), TARGET_S, note=note)
    r["met"] = r["met"] and failed == 0
    return [r]
