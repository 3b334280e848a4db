"""The project file of ``sewerplan run``: checks name the key and the value; nothing is written on a bad file."""

import re

import pytest
import yaml
from typer.testing import CliRunner

from sewerplan.cli import app
from sewerplan.recipe.demo import sample_project, sample_project_path
from sewerplan.recipe.project import STARTER, ProjectFileError, load_project, write_starter

runner = CliRunner()


@pytest.fixture()
def folder(tmp_path):
    """A project folder with tiny input files and a valid project file (returned as a dict to edit)."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("register.csv", "billing.csv", "planned.csv"):
        (data / name).write_text("a,b\n1,2\n", encoding="utf-8")
    project = {
        "names": {"municipality": "한빛시", "town": "한빛시 누리지구", "existing_town": "한빛시 구도심"},
        "existing_town": {"register": "data/register.csv", "billing": "data/billing.csv"},
        "planned_town": {"buildings": "data/planned.csv"},
    }
    return tmp_path, project


def _write(tmp_path, project, name="p.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    return path


def test_a_valid_project_resolves_paths_against_its_folder(folder):
    tmp_path, project = folder
    p = load_project(_write(tmp_path, project))
    assert p.register == (tmp_path / "data" / "register.csv").resolve()
    assert (p.town, p.municipality, p.language, p.formats, p.train) == ("한빛시 누리지구", "한빛시", "ko", ("pdf", "hwpx"), True)
    assert p.min_public_cell_buildings == 10


@pytest.mark.parametrize("edit, key, value", [
    (lambda p: p.update(colour="blue"), "colour", "colour"),
    (lambda p: p["names"].update(town=None), "names.town", "missing"),
    (lambda p: p.update(report={"formats": ["pdf", "docx"]}), "report.formats[1]", "docx"),
    (lambda p: p.update(report={"language": "jp"}), "report.language", "jp"),
    (lambda p: p.update(finance={"interest": 0.05}), "finance.interest", "interest"),
    (lambda p: p.update(finance={"financing_rate": 4.5}), "finance.financing_rate", "4.5"),
    (lambda p: p.update(finance={"national_share": 0.8, "provincial_share": 0.4}),
     "finance.national_share + provincial_share", "1.2"),
    (lambda p: p.update(finance={"return_ratio": 1.5}), "finance.return_ratio", "1.5"),
    (lambda p: p.update(plant={"capacity_m3_per_day": "big"}), "plant.capacity_m3_per_day", "big"),
    (lambda p: p.update(model={"train": "yes"}), "model.train", "yes"),
    (lambda p: p.update(model={"train": False}), "model.file", "missing"),
    (lambda p: p["existing_town"].update(billing="data/bills_2024.csv"), "existing_town.billing", "bills_2024.csv"),
    (lambda p: p.update(data_folders=["data"]) or p["existing_town"].update(register="outside.csv"),
     "existing_town.register", "outside the data folders"),
    (lambda p: p["planned_town"].update(buildings=None), "planned_town.buildings", "missing"),
    (lambda p: p.update(privacy={"min_public_cell_buildings": 0}), "privacy.min_public_cell_buildings", "0"),
    # issue 22: the funding structure, the plant type, the city's plan and the timeline are checked too
    (lambda p: p.update(finance={"funding_structure": "lh_pays"}), "finance.funding_structure", "lh_pays"),
    (lambda p: p.update(finance={"plant_type": "floating"}), "finance.plant_type", "floating"),
    (lambda p: p.update(finance={"hydraulic_margin": 1.5}), "finance.hydraulic_margin", "1.5"),
    (lambda p: p.update(plant={"city_plan": "guess"}), "plant.city_plan", "guess"),
    (lambda p: p.update(briefing={"schedule": {"construction": "2029-2031", "operation": 2030}}), "briefing.schedule",
     "2030"),
    (lambda p: p.update(briefing={"interim_capacity_m3_per_day": -5}), "briefing.interim_capacity_m3_per_day", "-5"),
])
def test_bad_project_files_name_the_key_and_the_value(folder, edit, key, value):
    tmp_path, project = folder
    (tmp_path / "outside.csv").write_text("a\n1\n", encoding="utf-8")
    project = yaml.safe_load(yaml.safe_dump(project, allow_unicode=True))
    edit(project)
    path = _write(tmp_path, project)
    with pytest.raises(ProjectFileError) as err:
        load_project(path)
    assert f"{path.name}: {key}: " in str(err.value) and value in str(err.value)


def test_a_bad_project_leaves_nothing_in_the_output_folder(folder):
    tmp_path, project = folder
    project["existing_town"]["billing"] = "data/missing.csv"
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(_write(tmp_path, project)), "--out", str(out)])
    assert result.exit_code == 2
    assert "existing_town.billing" in result.output and "missing.csv" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_init_writes_a_korean_starter_that_names_its_missing_files(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "프로젝트.yaml")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "프로젝트.yaml").read_text(encoding="utf-8")
    assert text == STARTER
    korean_comments = [ln for ln in text.splitlines() if "#" in ln and re.search("[가-힣]", ln.split("#", 1)[1])]
    assert len(korean_comments) >= 30 and "요금 부과자료" in text
    with pytest.raises(ProjectFileError, match=r"existing_town\.register: file not found"):
        load_project(tmp_path / "프로젝트.yaml")
    again = runner.invoke(app, ["init", str(tmp_path / "프로젝트.yaml")])
    assert again.exit_code == 2 and "--force" in again.output
    write_starter(tmp_path / "프로젝트.yaml", force=True)


def test_the_starter_covers_every_key_of_the_schema():
    from sewerplan.recipe.project import SCHEMA, TOP_LEVEL

    data = yaml.safe_load(STARTER)
    assert set(data) == set(TOP_LEVEL)
    for section, keys in SCHEMA.items():
        assert set(data[section]) == set(keys), section


def test_district_lists_are_checked_and_mappings_rename(folder):
    import pandas as pd

    from sewerplan.recipe.project import apply_districts

    tmp_path, _ = folder
    table = pd.DataFrame({"district": ["1생활권", "2생활권"]})
    renamed = apply_districts(table, {"1생활권": "동부권", "2생활권": "서부권"}, "planned_town.districts", tmp_path / "p.yaml",
                              "plan")
    assert renamed["district"].tolist() == ["동부권", "서부권"]
    with pytest.raises(ProjectFileError, match=r"planned_town\.districts: district '2생활권'"):
        apply_districts(table, ["1생활권"], "planned_town.districts", tmp_path / "p.yaml", "plan")


def test_the_bundled_sample_project_is_the_demo():
    p = sample_project()
    assert p.synthetic and p.source == sample_project_path().resolve()
    assert p.register.name == "synthetic_existing_register.csv" and p.scenario.name == "sample_town_base.yaml"
    assert "합성" in p.town


def test_funding_structure_plant_type_city_plan_and_interim_are_read(folder):
    """Issue 22: the project file switches the funding structure between the documented cases."""
    tmp_path, project = folder
    project = yaml.safe_load(yaml.safe_dump(project, allow_unicode=True))
    project["finance"] = {"funding_structure": "causer_and_subsidy", "plant_type": "new_surface",
                          "causer_basis": "measured_need", "hydraulic_margin": 0.05, "national_share": 0.5}
    project["plant"] = {"city_plan": "pilot_formula"}
    project["briefing"] = {"schedule": {"construction": "2029-2031", "operation": 2032},
                           "interim": "기존 처리장", "interim_capacity_m3_per_day": 8000}
    p = load_project(_write(tmp_path, project))
    assert (p.finance.funding_structure, p.finance.plant_type, p.finance.causer_basis) == (
        "causer_and_subsidy", "new_surface", "measured_need")
    assert p.finance.hydraulic_margin == 0.05 and p.city_plan_method == "pilot_formula"
    assert (p.briefing.interim, p.briefing.interim_capacity_m3_per_day) == ("기존 처리장", 8000.0)
    for structure in ("developer_pays_all", "city_funded"):
        project["finance"] = {"funding_structure": structure}
        assert load_project(_write(tmp_path, project)).finance.funding_structure == structure
    project.pop("finance")
    assert load_project(_write(tmp_path, project)).finance.value("funding_structure") == "developer_pays_all"
