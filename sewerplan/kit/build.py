"""``sewerplan kit build``: the offline install kit, from the installed package and the package index.

Run on a PC with internet access (any OS); carry the folder to the office PC and run
``install.bat`` there. Only this machine needs the package index. The kit holds:

- ``wheels/``: sewerplan and every dependency for Windows x64 on each Python of
  :data:`~.resolve.TARGET_PYTHONS` (3.11, 3.12, 3.13), pure-Python wheels once; xlwings pinned to
  the version that built the ``.xlam`` (the add-in's VBA and the Python package must match);
  the Windows-only wheels the builder's pip skips (pywin32, colorama) fetched by resolving with
  Windows' markers (:mod:`.resolve`); ``wheels-linux/`` on request (``--linux``);
- ``sewerplan.xlsm``, ``sewerplan_legacy.xlsm`` (+ ``sewerplan_legacy.py``) and
  ``sewerplan_addin.xlam``;
- ``install.bat`` + ``check_python.py`` (names the Python found, refuses a wrong version or a
  32-bit Python and says which installer to run), ``설치 안내.html`` (one printed page: what an
  official clicks), ``README.ko.txt`` for the IT department, ``설명서/`` (the Korean manual and
  Excel guide as HTML, from the package), ``manifest.json`` (every file's size and SHA-256, the
  wheel count and size per Python).

The sewerplan wheel itself comes from ``--wheel``, else is built from the source tree when this
is a checkout (``pip wheel``), else repacked from the installed files (:func:`installed_wheel`).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

from sewerplan.model.errors import SewerplanError
from sewerplan.model.fileio import file_sha256

from .resolve import TARGET_PYTHONS, Resolution, Target, resolve_wheelhouse

__all__ = ["KitOptions", "build_kit", "check_kit", "kit_requirements", "installed_wheel", "sewerplan_wheel",
           "write_manifest", "KitError"]

EXTRAS = ("excel",)


class KitError(SewerplanError, RuntimeError):
    """The kit cannot be built or does not resolve; the message says why and what to do."""


@dataclass
class KitOptions:
    out: Path
    pythons: tuple = TARGET_PYTHONS
    extras: tuple = EXTRAS
    linux: bool = False
    wheel: Path | None = None  # a sewerplan wheel to carry instead of building one
    python_installer: Path | None = None  # python-3.x.y-amd64.exe to put into the kit
    progress: object = field(default=lambda msg: None)


def kit_requirements(extras=EXTRAS) -> list[str]:
    """sewerplan's dependencies with the extras, from the installed package's metadata; xlwings pinned
    to this machine's version (the one the .xlam is made from)."""
    reqs = []
    for line in metadata.requires("sewerplan") or []:
        req = Requirement(line)
        if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in extras):
            continue
        if req.marker is not None and "extra" not in str(req.marker):
            reqs.append(line)  # a platform marker: kept, evaluated per target
            continue
        req.marker = None
        reqs.append(str(req))
    pinned = [r for r in reqs if Requirement(r).name.lower() != "xlwings"]
    if "excel" in extras or "server" in extras:
        try:
            pinned.append(f"xlwings=={metadata.version('xlwings')}")
        except metadata.PackageNotFoundError:
            raise KitError("the kit's add-in is made from this machine's xlwings: pip install \"sewerplan[excel]\" "
                           "first / 이 PC에 xlwings 가 없습니다: pip install \"sewerplan[excel]\"") from None
    return sorted(dict.fromkeys(pinned))


def _target_args(tgt: Target) -> list[str]:
    abi = "cp" + tgt.python.replace(".", "")
    plats = [a for p in tgt.platforms() for a in ("--platform", p)]
    return ["--only-binary=:all:", *plats, "--python-version", tgt.python, "--implementation", "cp",
            "--abi", abi, "--abi", "abi3", "--abi", "none"]


def _pip(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise KitError(f"pip {' '.join(args[:2])} failed: {proc.stderr.strip()[-2500:]}")


def download(wheels: Path, reqs: list[str], tgt: Target, progress) -> Resolution:
    """Wheels for one target into ``wheels`` (kept files are reused), until the target's own resolution is
    complete: what the host's pip skipped by its own markers is fetched by name."""
    progress(f"wheels for {tgt.label} / 휠 내려받기")
    _pip("download", "--quiet", "--disable-pip-version-check", "-d", str(wheels), *_target_args(tgt), *reqs)
    for _ in range(4):
        res = resolve_wheelhouse(wheels, reqs, tgt)
        if not res.missing:
            return res
        wanted = sorted({_without_marker(m.split(" (from ")[0]) for m in res.missing})
        progress(f"{tgt.label}: fetching {', '.join(wanted)} (skipped by this machine's markers)")
        _pip("download", "--quiet", "--disable-pip-version-check", "-d", str(wheels), *_target_args(tgt), *wanted)
    raise KitError(f"{tgt.label}: no wheel for {', '.join(res.missing)} / 휠을 찾을 수 없습니다")


def _without_marker(requirement: str) -> str:
    req = Requirement(requirement)
    req.marker = None
    return str(req)


def _source_tree() -> Path | None:
    """The checkout this sewerplan runs from (editable install), or None."""
    root = Path(__file__).resolve().parents[2]
    project = root / "pyproject.toml"
    return root if project.is_file() and 'name = "sewerplan"' in project.read_text(encoding="utf-8") else None


def installed_wheel(folder: Path, dist=None) -> Path:
    """Repack the installed distribution (its RECORD) into a wheel in ``folder``.

    For a sewerplan installed from a wheel or the kit (no source tree): the package files, the
    ``.dist-info`` with a new RECORD; scripts outside site-packages are left out (pip makes them).
    """
    dist = dist or metadata.distribution("sewerplan")
    version = dist.version
    base = Path(dist.locate_file(""))
    files = [f for f in dist.files or [] if not str(f).startswith("..") and not str(f).endswith((".pyc", "RECORD"))]
    if not any(str(f).startswith("sewerplan/") for f in files):
        raise KitError("sewerplan is installed in editable mode without its source tree; give --wheel / "
                       "sewerplan 휠 파일을 --wheel 로 주세요")
    out = Path(folder) / f"sewerplan-{version}-py3-none-any.whl"
    record_name = f"sewerplan-{version}.dist-info/RECORD"
    rows = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for f in files:
            data = (base / f).read_bytes()
            z.writestr(str(f), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            rows.append((str(f), f"sha256={digest}", str(len(data))))
        rows.append((record_name, "", ""))
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        z.writestr(record_name, buf.getvalue())
    return out


def sewerplan_wheel(folder: Path, given: Path | None = None) -> Path:
    """The sewerplan wheel for the kit: ``given``, built from the source tree, or repacked from the install."""
    folder.mkdir(parents=True, exist_ok=True)
    if given is not None:
        if not Path(given).is_file() or not Path(given).name.startswith("sewerplan-"):
            raise KitError(f"--wheel {given}: not a sewerplan wheel file / sewerplan 휠 파일이 아닙니다")
        return Path(shutil.copy2(given, folder))
    tree = _source_tree()
    if tree is None:
        return installed_wheel(folder)
    before = set(folder.glob("sewerplan-*.whl"))
    _pip("wheel", "--quiet", "--no-deps", "--disable-pip-version-check", "-w", str(folder), str(tree))
    return max(set(folder.glob("sewerplan-*.whl")) - before or folder.glob("sewerplan-*.whl"),
               key=lambda p: p.stat().st_mtime)




def write_manifest(out: Path, resolutions: dict[str, Resolution], extra: dict | None = None) -> dict:
    """manifest.json: every file with size and SHA-256; per target the wheel count and bytes it installs."""
    import datetime as dt

    from sewerplan import __version__

    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json")
    per_target = {key: {"wheels": len(r.chosen), "bytes": sum(p.stat().st_size for p in r.chosen.values())}
                  for key, r in resolutions.items()}
    manifest = {"created": dt.date.today().isoformat(), "sewerplan": __version__, "targets": per_target,
                "wheel_count": len(list(out.glob("wheels*/*.whl"))),
                "wheels_bytes": sum(p.stat().st_size for p in out.glob("wheels*/*.whl")),
                "kit_bytes": sum(p.stat().st_size for p in files), **(extra or {}),
                "files": [{"file": p.relative_to(out).as_posix(), "bytes": p.stat().st_size, "sha256": file_sha256(p)}
                          for p in files]}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def _targets(opts: KitOptions) -> list[tuple[str, Target]]:
    plats = [("wheels", "win_amd64")] + ([("wheels-linux", "linux_x86_64")] if opts.linux else [])
    return [(folder, Target(plat, py)) for folder, plat in plats for py in opts.pythons]


def build_kit(opts: KitOptions) -> dict:
    """Build the whole kit into ``opts.out`` (created; must be empty or absent); returns the manifest."""
    from . import texts

    out = Path(opts.out)
    if out.exists() and any(out.iterdir()):
        raise KitError(f"{out} is not empty; give a new folder / 빈 폴더를 지정하세요: {out}")
    reqs = kit_requirements(opts.extras)
    resolutions, wheels = {}, {}
    for folder, tgt in _targets(opts):
        if folder not in wheels:
            opts.progress(f"sewerplan wheel / sewerplan 휠: {folder}")
            wheels[folder] = sewerplan_wheel(out / folder, opts.wheel)
        download(out / folder, reqs, tgt, opts.progress)
        top = f"sewerplan[{','.join(opts.extras)}]=={wheels[folder].name.split('-')[1]}"
        res = resolve_wheelhouse(out / folder, [top], tgt)
        if not res.ok:
            raise KitError(f"{tgt.label}: {res.missing + res.conflicts}")
        resolutions[f"{tgt.platform}-py{tgt.python}"] = res
    wheel = wheels["wheels"]
    opts.progress("workbooks, add-in, manual, install.bat / 통합 문서, 추가 기능, 설명서")
    texts.write_kit_files(out, opts, version=wheel.name.split("-")[1])
    return write_manifest(out, resolutions, {"pythons": list(opts.pythons), "extras": list(opts.extras),
                                             "xlwings": metadata.version("xlwings")})


def check_kit(folder, pythons=TARGET_PYTHONS, platform: str = "win_amd64", use_pip: bool = True) -> list[str]:
    """Problems installing the kit offline on each Python (empty = it installs).

    Two independent checks per Python: :func:`~.resolve.resolve_wheelhouse` with the target's own
    markers, and pip's dry run from the kit's wheels only (``--no-index --find-links``, the target's
    platform and Python), given the wheels the target's markers add (pip reads markers for this machine).
    """
    folder = Path(folder)
    wheels = folder / ("wheels" if platform == "win_amd64" else "wheels-linux")
    tops = sorted(wheels.glob("sewerplan-*.whl"))
    if not tops:
        return [f"{wheels}: no sewerplan wheel / sewerplan 휠이 없습니다"]
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    extras = ",".join(manifest.get("extras", EXTRAS))
    top = f"sewerplan[{extras}]=={tops[-1].name.split('-')[1]}"
    problems = []
    for py in pythons:
        tgt = Target(platform, py)
        res = resolve_wheelhouse(wheels, [top], tgt)
        problems += [f"{tgt.label}: missing {m}" for m in res.missing]
        problems += [f"{tgt.label}: conflict {c}" for c in res.conflicts]
        if use_pip and res.ok:
            problems += _pip_dry_run(wheels, top, res, tgt)
    return problems


def _pip_dry_run(wheels: Path, top: str, res: Resolution, tgt: Target) -> list[str]:
    marker_only = res.marker_only()  # e.g. pywin32, colorama: pip skips them by this machine's markers
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed", "--no-index",
               "--disable-pip-version-check", "--find-links", str(wheels), "--target", str(Path(tmp) / "t"),
               "--report", str(report), *_target_args(tgt), top, *marker_only]
        proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PIP_CONFIG_FILE": os.devnull})
        if proc.returncode != 0:
            return [f"{tgt.label}: pip --no-index could not install: {proc.stderr.strip()[-1500:]}"]
        names = {item["metadata"]["name"].lower().replace("_", "-") for item in
                 json.loads(report.read_text(encoding="utf-8"))["install"]}
    lost = set(res.chosen) - {n.replace("_", "-") for n in names}
    return [f"{tgt.label}: pip would not install {sorted(lost)}"] if lost else []

