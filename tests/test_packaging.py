"""Every data file the package reads must be declared as package data, or a user's
`pip install sewerplan` (not the editable install the tests run on) would lack it."""

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _config():
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["tool"]["setuptools"]


def _folder(package: str, package_dir: dict) -> Path:
    parts = package.split(".")
    for i in range(len(parts), 0, -1):
        head = ".".join(parts[:i])
        if head in package_dir:
            return ROOT / package_dir[head] / Path(*parts[i:])
    raise AssertionError(f"no folder for {package}")


def test_every_non_python_file_in_a_package_folder_is_package_data():
    cfg = _config()
    packages, data, package_dir = cfg["packages"], cfg["package-data"], cfg["package-dir"]
    missing = []
    for package in packages:
        folder = _folder(package, package_dir)
        assert folder.is_dir(), package
        for f in folder.iterdir():
            if f.is_dir() or f.suffix in (".py", ".pyc") or f.name.startswith("."):
                continue
            if not any(fnmatch.fnmatch(f.name, g) for g in data.get(package, [])):
                missing.append(str(f.relative_to(ROOT)))
    assert not missing, f"not declared as package data in pyproject.toml: {missing}"


def test_every_subfolder_holding_files_is_a_declared_package():
    cfg = _config()
    declared = {_folder(p, cfg["package-dir"]) for p in cfg["packages"]}
    for top in declared:
        for sub in top.iterdir():
            if sub.is_dir() and sub.name != "__pycache__" and any(sub.iterdir()):
                assert sub in declared, f"{sub.relative_to(ROOT)} is not in [tool.setuptools] packages"
