"""``sewerplan demo``: the recipe (:mod:`.pipeline`) run on the bundled synthetic sample project.

The sample town's project file (``sewerplan/sample_data/sample_project.yaml``) names the
synthetic town and its files; :func:`run_demo` reads it and hands it to
:func:`~sewerplan.recipe.pipeline.run_project`, the same pipeline ``sewerplan run`` uses. The
keyword arguments replace the project's inputs (tests run a reduced generated town this way).
"""

from __future__ import annotations

from pathlib import Path

from sewerplan.model.design.parameters import DEFAULT_PARAMETERS, DesignParameters
from sewerplan.recipe.pipeline import (RUN_FILES, RUN_STEPS, RunResult, comparison_table, forecast_tables,
                                       run_project)
from sewerplan.recipe.project import SAMPLE_PROJECT, Project, load_project

__all__ = ["DEMO_FILES", "DEMO_STEPS", "DemoResult", "run_demo", "sample_project", "comparison_table",
           "forecast_tables"]

DEMO_FILES = RUN_FILES
DEMO_STEPS = RUN_STEPS
DemoResult = RunResult


def sample_project_path() -> Path:
    """The bundled sample town's project file."""
    from sewerplan.recipe.sample_town import sample_data_dir

    return Path(str(sample_data_dir().joinpath(SAMPLE_PROJECT)))


def sample_project() -> Project:
    """The bundled sample town's project, checked."""
    return load_project(sample_project_path())


def _with_inputs(project: Project, register, billing, planned, household_mix, scenario, synthetic) -> Project:
    """The sample project with the given inputs in place of the sample's (a given table drops the sample's plan)."""
    changes = {}
    if register is not None:
        changes.update(register=Path(register), household_mix=None, existing_districts=None)
    if billing is not None:
        changes["billing"] = Path(billing)
    if household_mix is not None:
        changes["household_mix"] = Path(household_mix)
    if planned is not None:  # the sample scenario describes the sample planned town only
        changes.update(planned_buildings=Path(planned), scenario=None, planned_districts=None)
    if scenario is not None:
        changes["scenario"] = Path(scenario)
    if synthetic is not None:
        changes["synthetic"] = bool(synthetic)
    elif changes:
        changes["synthetic"] = False
    return project.replace(**changes)


def run_demo(out_dir="sewerplan-output", force: bool = False, progress=None, register=None, billing=None,
             planned=None, synthetic: bool | None = None, learner: str | None = None, reports: bool = True,
             params: DesignParameters = DEFAULT_PARAMETERS, seed: int | None = None, scenario=None,
             household_mix=None) -> RunResult:
    """Run the recipe on the bundled sample project (``sewerplan demo``).

    Parameters
    ----------
    register, billing, planned, household_mix, scenario : path, optional
        Inputs replacing the sample's (then ``synthetic`` defaults to False); a planned-town table
        replaces the sample's plan and its scenario.
    learner, seed : optional
        Replace the project's ``model.learner`` / ``model.seed``.
    Other parameters as :func:`~sewerplan.recipe.pipeline.run_project`.
    """
    project = _with_inputs(sample_project(), register, billing, planned, household_mix, scenario, synthetic)
    if learner is not None:
        project = project.replace(learner=learner)
    if seed is not None:
        project = project.replace(seed=seed)
    return run_project(project, out_dir, force=force, progress=progress, reports=reports, params=params)
