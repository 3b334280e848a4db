"""Shared expensive fixtures: one full demo run for every test that reads what ``sewerplan demo`` writes.

``full_demo`` runs the bundled sample project exactly as ``make demo`` does (same learner, same
seed, PDF and HWPX briefings), once per test session; the README figures, the workbooks' print
check and the HWPX checks all read its outputs (tests/test_readme_figures.py,
tests/test_workbook_print.py, tests/test_report_hwpx.py).
"""

import pytest



@pytest.fixture(scope="session")
def full_demo(tmp_path_factory):
    """The RunResult of ``sewerplan demo`` on the bundled sample (about 20 s on 2 cores)."""
    from sewerplan.recipe.demo import run_demo

    return run_demo(tmp_path_factory.mktemp("full_demo") / "sewerplan-output", force=True)
