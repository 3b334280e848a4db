"""Shared expensive fixtures, built once per test run and read by every test that needs them.

``make test`` runs the suite with pytest-xdist over the machine's cores, so "once per session" is
not enough (every worker is a session): :func:`build_once` builds a folder under a file lock in a
folder all workers of this run share, and the workers that come later read what the first wrote.
What is shared is read-only for the tests: a test that writes beside a shared output copies it first.

``full_demo``
    ``sewerplan demo`` on the bundled sample project exactly as ``make demo`` runs it (same learner,
    same seed, PDF and HWPX briefings); the demo's own checks, the README figures, the workbooks' print
    check, the HWPX checks and the Korean style checks all read its outputs (tests/test_demo.py,
    tests/test_readme_figures.py, tests/test_workbook_print.py, tests/test_report_hwpx.py,
    tests/test_report_style.py).
``example_pdf``
    The example bundle's papers (``render_pdf_bytes(kind, example_bundle(...), lang)``), rendered once for
    the report tests that read them.

Slow modules are collected first (:data:`SLOW_FIRST`) so that xdist starts them first and the cheap
tests fill the gaps at the end (``--dist loadfile --no-loadscope-reorder`` in the Makefile).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

#: the modules that take longest (``--durations`` under xdist), the one that builds the shared demo first
SLOW_FIRST = ("test_report_style.py", "test_newest_cohort.py", "test_hostile_round2.py", "test_run_project.py",
              "test_sklearn_policy.py", "test_report_hwpx.py", "test_report_catalog.py", "test_readme_figures.py",
              "test_workbook_print.py", "test_ml_train.py", "test_report_html.py", "test_money_examiner.py",
              "test_decision.py", "test_report_scenario.py", "test_demo.py", "test_report.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order


def _shared_root(tmp_path_factory) -> Path:
    """A folder every worker of this test run sees: the parent of a worker's base temp under xdist
    (``pytest-of-<user>/pytest-<n>/``, made by the controller for this run), else the base temp."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    root.mkdir(parents=True, exist_ok=True)
    return root


def build_once(tmp_path_factory, name: str, build) -> Path:
    """The folder ``name``, filled by ``build(folder)`` once per test run whatever the number of workers.

    The first worker to ask builds under the lock; the others wait for it and read the result. A build
    that raised leaves no ``.done`` mark, so the next worker to ask builds again (and fails the same way).
    The ``.done`` mark lists every file with its size and modification time (:func:`changed_since_build`).
    """
    from filelock import FileLock  # a test extra; imported here: .ci/run's lowest-scikit-learn venv has only pytest

    root = _shared_root(tmp_path_factory)
    folder, done = root / name, root / f"{name}.done"
    with FileLock(str(root / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.write_text(json.dumps(_manifest(folder)), encoding="utf-8")
    return folder


def _manifest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): [p.stat().st_size, p.stat().st_mtime_ns]
            for p in sorted(folder.rglob("*")) if p.is_file()}


def changed_since_build(folder: Path) -> list[str]:
    """Files of a shared folder added, removed or rewritten since it was built: a test wrote into it."""
    built = json.loads((folder.parent / f"{folder.name}.done").read_text(encoding="utf-8"))
    now = _manifest(folder)
    return sorted(k for k in built.keys() | now.keys() if built.get(k) != now.get(k))


@pytest.fixture(scope="session")
def full_demo(tmp_path_factory):
    """The RunResult of ``sewerplan demo`` on the bundled sample, with ``steps``: the progress steps it
    reported (about 20 s on 2 cores, once per test run). Read-only: at the end of the session every worker
    checks that no test wrote into it (an error at teardown names the files)."""
    from sewerplan.recipe.pipeline import RunResult

    def build(folder: Path) -> None:
        from sewerplan.model.fileio import json_ready
        from sewerplan.recipe.demo import run_demo

        steps = []
        result = run_demo(folder / "sewerplan-output", force=True, progress=lambda i, n, m: steps.append(i))
        record = {"out_dir": str(result.out_dir), "paths": {k: str(p) for k, p in result.paths.items()},
                  "summary": result.summary, "timings": result.timings, "warnings": result.warnings, "steps": steps}
        # as run_summary.json holds it: plain Python types, what every worker reads back
        (folder / "run.json").write_text(json.dumps(json_ready(record), ensure_ascii=False), encoding="utf-8")

    folder = build_once(tmp_path_factory, "full_demo", build)
    record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    result = RunResult(Path(record["out_dir"]), {k: Path(p) for k, p in record["paths"].items()}, record["summary"],
                       record["timings"], record["warnings"])
    result.steps = record["steps"]
    yield result
    assert changed_since_build(folder) == [], "a test wrote into the shared demo output; copy it first"


@pytest.fixture(scope="session")
def example_pdf(tmp_path_factory):
    """``example_pdf(kind, lang, scenario=False)``: the PDF bytes of ``render_pdf_bytes(kind,
    example_bundle(scenario=scenario), lang)`` with its attachments, as ``sewerplan report`` writes it,
    rendered once per test run for every module that reads the example bundle's papers
    (tests/test_report.py, tests/test_report_style.py, tests/test_report_html.py, tests/test_report_scenario.py,
    tests/test_report_hwpx.py)."""

    def get(kind: str, lang: str, scenario: bool = False) -> bytes:
        def build(folder: Path) -> None:
            from sewerplan.model.outputs.results import example_bundle
            from sewerplan.reporting import render_pdf_bytes

            (folder / "paper.pdf").write_bytes(render_pdf_bytes(kind, example_bundle(scenario=scenario), lang))

        name = f"example_{kind}_{lang}" + ("_scenario" if scenario else "")
        return (build_once(tmp_path_factory, name, build) / "paper.pdf").read_bytes()

    return get
