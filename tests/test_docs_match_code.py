"""The documentation of defaults must say what the code does."""

from pathlib import Path

from sewerplan.model.design.parameters import parameter_table
from sewerplan.model.design.uses import MAIN_USES

SOURCES = Path(__file__).resolve().parents[1] / "docs" / "sources.md"


def test_every_parameter_default_is_documented_with_its_value():
    text = SOURCES.read_text(encoding="utf-8")
    for p in parameter_table():
        line = next((l for l in text.splitlines() if l.startswith(f"| `{p['name']}`")), None)
        assert line is not None, p["name"]
        assert f"| {p['default']} |" in line, (p["name"], line)


def test_every_main_use_default_row_is_documented():
    text = SOURCES.read_text(encoding="utf-8")
    for u in MAIN_USES.values():
        assert f"| {u.name} | {u.english} | {u.category}" in text and u.default_moe_code in text, u.name


def test_every_finance_default_is_documented_with_its_value():
    from sewerplan.model.planning.money.inputs import FINANCE_DEFAULTS

    text = SOURCES.read_text(encoding="utf-8")
    for name, d in FINANCE_DEFAULTS.items():
        line = next((l for l in text.splitlines() if l.startswith(f"| `{name}`")), None)
        assert line is not None, name
        assert f"| {d['value']} |" in line and d["source"] in line, (name, line)


DOCS = SOURCES.parent


def _letter_columns(name: str) -> list[str]:
    """First-column entries of the request letter's column table (the headers a city asks for)."""
    cols = []
    for line in (DOCS / name).read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.strip().startswith("|") and len(cells) >= 2 and not set(cells[0]) <= set("-") and cells[0] != "열 이름":
            head, _, alternatives = cells[0].partition(" (또는 ")  # "PK (또는 PNU, 또는 주소)"
            cols += [head, *(a.strip() for a in alternatives.removesuffix(")").split(", 또는 ") if a.strip())]
    return cols


def test_the_request_letters_ask_for_columns_the_code_reads():
    import pandas as pd

    from sewerplan.model.intake.billing import BILLING_HEADER_ALIASES
    from sewerplan.model.intake.household_composition import HOUSEHOLD_MIX_HEADER_ALIASES
    from sewerplan.model.intake.inventory import map_headers

    for letter, aliases, required in (
            ("request-water-utility.ko.md", BILLING_HEADER_ALIASES, {"customer_id", "billing_month", "billed_m3",
                                                                     "use_class", "address", "pnu"}),
            ("request-building-register.ko.md", None, {"building_id", "address", "main_use", "floor_area_m2",
                                                       "households", "bjdong_code"}),
            ("request-statistics-household.ko.md", HOUSEHOLD_MIX_HEADER_ALIASES, {"building_id", "hh_1", "hh_5plus"})):
        cols = _letter_columns(letter)
        assert len(cols) >= 6, letter
        mapped, original = map_headers(pd.DataFrame(columns=cols), aliases)
        unread = [c for c in cols if c not in original.values()]
        assert unread == [], (letter, unread)
        assert required <= set(original), (letter, required - set(original))


def test_the_manuals_reports_chapter_walks_the_run_path():
    for manual in ("manual.ko.md", "manual.en.md"):
        text = (DOCS / manual).read_text(encoding="utf-8")
        chapter = text[text.index("## 5."):text.index("## 6.")]
        for step in ("sewerplan init", "sewerplan run", "run_summary.json", "public_existing_town_comparison.csv",
                     "council_briefing", "public_hearing", "_INCOMPLETE_RUN.txt"):
            assert step in chapter, (manual, step)
        from sewerplan.recipe.project import SCHEMA

        for section in SCHEMA:
            assert f"`{section}`" in chapter, (manual, section)


def test_readme_performance_table_is_the_benchmarks_last_results():
    """README's performance table is written by benchmarks/perf_table.py from benchmarks/results, never by hand."""
    import importlib.util

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("perf_table", root / "benchmarks" / "perf_table.py")
    perf_table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(perf_table)
    assert perf_table.main(["--check"]) == 0, "run: .venv/bin/python benchmarks/perf_table.py"
