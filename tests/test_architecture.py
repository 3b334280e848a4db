"""The layout keeps itself: every import runs one way (docs/architecture.md, "Rooms").

Layers, lowest first; a module may import its own layer or a lower one, never a higher one:

    model top (units, errors, fileio)  <  design  <  intake  <  ml  <  planning  <  outputs
    <  reporting  <  xl_addin  <  recipe  <  command line

``model/__init__.py`` is the public facade over all rooms and is exempt, as is the root
``sewerplan/__init__.py`` (``__version__`` and the workbook buttons' entry point). Every import is read
with ``ast``, including the ones inside functions.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["model-top", "design", "intake", "ml", "planning", "outputs", "reporting", "xl_addin", "recipe", "cli"]
FOLDER_OF_PACKAGE = {"sewerplan.model": "model", "sewerplan.xl_addin": "xl_addin",
                     "sewerplan.reporting": "reporting", "sewerplan.templates": "templates"}


def layer_of_module(dotted: str) -> str | None:
    parts = dotted.split(".")
    if parts[0] != "sewerplan":
        return None
    if len(parts) == 1 or parts[1].startswith("__"):
        return None  # the root package: only __version__ and the workbook buttons' entry point
    if parts[1] == "model":
        if len(parts) == 2:
            return "model-top"
        return parts[2] if parts[2] in LAYERS else "model-top"
    if parts[1] in ("reporting", "xl_addin", "recipe"):
        return parts[1]
    if parts[1] in ("templates", "sample_data"):
        return None  # package data, no code
    return "cli"


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    head = {"model": "sewerplan.model", "xl_addin": "sewerplan.xl_addin", "reporting": "sewerplan.reporting",
            "sewerplan": "sewerplan"}[parts[0]]
    name = ".".join([head, *parts[1:]])
    return name.removesuffix(".__init__")


def imported_modules(path: Path):
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            yield node.lineno, target
            for a in node.names:  # `from . import finance` imports a module
                yield node.lineno, f"{target}.{a.name}"


def code_files():
    for folder in ("model", "xl_addin", "reporting", "sewerplan"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.relative_to(ROOT).as_posix() not in ("model/__init__.py", "sewerplan/__init__.py"):
                yield path


def violations():
    found = []
    for path in code_files():
        mine = layer_of_module(module_name(path)) or "cli"  # sewerplan/__main__.py is the command line
        for lineno, target in imported_modules(path):
            theirs = layer_of_module(target)
            if theirs is not None and LAYERS.index(theirs) > LAYERS.index(mine):
                found.append(f"{path.relative_to(ROOT)}:{lineno} ({mine}) imports {target} ({theirs})")
    return found


def test_imports_run_one_way():
    assert violations() == []


def test_the_rule_catches_an_upward_import(tmp_path, monkeypatch):
    bad = ROOT / "model" / "design" / "_upward_import_probe.py"
    bad.write_text("from ..outputs.results import ResultsBundle\n", encoding="utf-8")
    try:
        assert any("_upward_import_probe" in v and "outputs" in v for v in violations())
    finally:
        bad.unlink()


@pytest.mark.parametrize("room", ["design", "intake", "ml", "planning", "outputs"])
def test_each_room_is_a_package_with_a_public_api(room):
    import importlib

    pkg = importlib.import_module(f"sewerplan.model.{room}")
    assert pkg.__doc__ and pkg.__all__
    for name in pkg.__all__:
        assert getattr(pkg, name) is not None


def test_model_top_holds_only_shared_modules():
    top = {p.name for p in (ROOT / "model").glob("*.py")}
    assert top == {"__init__.py", "units.py", "errors.py", "fileio.py"}


def test_old_module_paths_still_import_with_a_deprecation_warning():
    import importlib
    import sys

    sys.modules.pop("sewerplan.model.ml_train", None)
    with pytest.warns(DeprecationWarning, match="moved to sewerplan.model.ml.train"):
        old = importlib.import_module("sewerplan.model.ml_train")
    assert old is importlib.import_module("sewerplan.model.ml.train")
    with pytest.warns(DeprecationWarning):
        from sewerplan.model import finance
    assert finance.sizing_savings


@pytest.mark.parametrize("old, new", [
    ("planning.finance", "planning.money"), ("planning.money_inputs", "planning.money.inputs"),
    ("planning.finance_defaults", "planning.money.inputs"), ("planning.costs", "planning.money.costs"),
    ("planning.funding", "planning.money.funding"), ("planning.fees", "planning.money.fees"),
    ("planning.phasing", "planning.money.phasing"), ("planning.investment", "planning.money.investment"),
    ("planning.budget", "planning.money.budget"), ("planning.decision", "planning.money.decision")])
def test_release_0_2_money_paths_still_import_with_a_deprecation_warning(old, new):
    """Issue 22: the money modules moved into ``planning/money/``; the 0.2 paths import until 0.4."""
    import importlib
    import sys

    sys.modules.pop(f"sewerplan.model.{old}", None)
    with pytest.warns(DeprecationWarning, match=f"moved to sewerplan.model.{new}"):
        module = importlib.import_module(f"sewerplan.model.{old}")
    assert module is importlib.import_module(f"sewerplan.model.{new}")


def test_release_0_2_finance_names_are_found_in_the_money_package():
    import importlib
    import sys

    sys.modules.pop("sewerplan.model.planning.finance", None)
    with pytest.warns(DeprecationWarning):
        finance = importlib.import_module("sewerplan.model.planning.finance")
    for name in ("cost_curve", "fit_cost_curve", "annuity_factor", "fee_impact", "household_monthly_use_m3",
                 "sizing_savings", "causer_charge", "default_causer_charge_unit_price", "FINANCE_DEFAULTS"):
        assert getattr(finance, name) is not None, name


# --- inside the money room: inputs -> costs -> funding -> fees -> budget -> decision (issue 22) ----------

MONEY = ROOT / "model" / "planning" / "money"
MONEY_PACKAGE = "sewerplan.model.planning.money"


def _money_stage(module: str) -> int:
    """The stage index of a money module ('sewerplan.model.planning.money.costs' -> 1)."""
    from sewerplan.model.planning.money import STAGES

    short = module.removeprefix(MONEY_PACKAGE + ".").split(".")[0]
    for i, names in enumerate(STAGES.values()):
        if short in names:
            return i
    raise AssertionError(f"{module} is in no stage of sewerplan.model.planning.money.STAGES")


def _graph(folder: Path) -> dict[str, set[str]]:
    """{module: modules of the same folder it imports} (imports inside functions included)."""
    mods = {module_name(p): p for p in folder.glob("*.py") if p.name != "__init__.py"}
    graph = {}
    for me, path in mods.items():
        graph[me] = {t for _, t in imported_modules(path) if t in mods and t != me}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle (as a path that returns to its start), by depth-first search."""
    found, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"
    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def money_violations() -> list[str]:
    out = []
    for path in sorted(MONEY.glob("*.py")):
        if path.name == "__init__.py":
            continue
        me = module_name(path)
        for lineno, target in imported_modules(path):
            if target.startswith(MONEY_PACKAGE + ".") and _money_stage(target) > _money_stage(me):
                out.append(f"{path.relative_to(ROOT)}:{lineno} imports {target} (a later stage)")
    return out


def test_money_imports_run_one_way_inputs_costs_funding_fees_budget_decision():
    assert money_violations() == []
    assert _cycles(_graph(MONEY)) == []


def test_the_money_rule_catches_a_backward_import_and_a_circle():
    bad = MONEY / "_backward_probe.py"
    bad.write_text("from .decision import decide\n", encoding="utf-8")
    try:
        from sewerplan.model.planning.money import STAGES

        STAGES["costs"] += ("_backward_probe",)
        try:
            assert any("_backward_probe" in v for v in money_violations())
        finally:
            STAGES["costs"] = tuple(n for n in STAGES["costs"] if n != "_backward_probe")
    finally:
        bad.unlink()
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_import_circle_among_the_outputs_modules():
    """Issue 22: ``outputs/results.py`` and ``outputs/finance_section.py`` imported each other."""
    assert _cycles(_graph(ROOT / "model" / "outputs")) == []


def test_public_names_stay_importable_from_sewerplan_model():
    import sewerplan.model as m

    for name in m.__all__:
        assert getattr(m, name) is not None, name


MAX_FUNCTION_LINES = 80  # "a screen or two": a function per step, named for the step


def test_no_function_longer_than_a_screen_or_two():
    long = []
    for path in code_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    assert long == []


def test_the_command_line_is_one_package_with_a_module_per_command_group():
    """Issue 24: no ``cli_*.py`` beside the package's ``__init__``; the groups live in ``sewerplan/cli/``."""
    assert not sorted(p.name for p in (ROOT / "sewerplan").glob("cli_*.py"))
    groups = {p.stem for p in (ROOT / "sewerplan" / "cli").glob("*.py")}
    assert {"estimate", "ml", "recipe", "run", "report", "excel", "scenario", "unitloads"} <= groups
