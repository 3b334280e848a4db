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
    from sewerplan.model.planning.finance import FINANCE_DEFAULTS

    text = SOURCES.read_text(encoding="utf-8")
    for name, d in FINANCE_DEFAULTS.items():
        line = next((l for l in text.splitlines() if l.startswith(f"| `{name}`")), None)
        assert line is not None, name
        assert f"| {d['value']} |" in line and d["source"] in line, (name, line)
