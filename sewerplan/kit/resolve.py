"""Which wheels a target PC needs, resolved offline from a folder of wheels, with the target's own markers.

pip run on the machine that builds the kit evaluates environment markers for *that* machine:
resolving for Windows on Linux, it drops ``pywin32; platform_system == "Windows"`` (xlwings) and
``colorama; platform_system == "Windows"`` (click), so a kit built from pip's answer alone misses
them. :func:`resolve_wheelhouse` walks the requirements itself: each requirement's marker is
evaluated for the target (Windows x64 or Linux x86_64, the target's Python version, the extras
asked for), the highest compatible wheel in the folder is chosen (its tags checked against the
target's interpreter, ABI and platform, its ``Requires-Python`` against the version) and its
``Requires-Dist`` read from the wheel's own METADATA. Nothing is downloaded.

The result says what is missing or conflicting, so ``sewerplan kit build`` can fetch what the
host's pip skipped and ``sewerplan kit check`` can prove a kit installs offline on each Python.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

__all__ = ["Target", "Resolution", "TARGET_PYTHONS", "target", "resolve_wheelhouse"]

TARGET_PYTHONS = ("3.11", "3.12", "3.13")  # the Pythons the kit carries wheels for
_MANYLINUX = [f"manylinux_2_{minor}_x86_64" for minor in range(39, 16, -1)] + [
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64", "linux_x86_64"]


@dataclass(frozen=True)
class Target:
    """A PC to install on: platform ("win_amd64" or "linux_x86_64") and Python version ("3.12")."""

    platform: str
    python: str

    @property
    def label(self) -> str:
        return f"{'Windows x64' if self.platform == 'win_amd64' else 'Linux x86_64'}, Python {self.python}"

    def platforms(self) -> list[str]:
        return ["win_amd64"] if self.platform == "win_amd64" else _MANYLINUX

    def tags(self) -> set[Tag]:
        version = tuple(int(x) for x in self.python.split("."))
        abi = "cp" + self.python.replace(".", "")
        plats = self.platforms()
        return set(cpython_tags(version, [abi, "abi3", "none"], plats)) | set(
            compatible_tags(version, f"cp{abi[2:]}", plats))

    def environment(self) -> dict[str, str]:
        """PEP 508 marker variables of the target (``extra`` added per requirement)."""
        windows = self.platform == "win_amd64"
        return {"implementation_name": "cpython", "implementation_version": f"{self.python}.0",
                "os_name": "nt" if windows else "posix", "platform_machine": "AMD64" if windows else "x86_64",
                "platform_python_implementation": "CPython", "platform_release": "10" if windows else "6.1",
                "platform_system": "Windows" if windows else "Linux", "platform_version": "10.0" if windows else "",
                "python_full_version": f"{self.python}.0", "python_version": self.python,
                "sys_platform": "win32" if windows else "linux"}


def target(platform: str, python: str) -> Target:
    """A :class:`Target`; ``platform`` is "windows" / "win_amd64" or "linux" / "linux_x86_64"."""
    plat = {"windows": "win_amd64", "win_amd64": "win_amd64", "linux": "linux_x86_64",
            "linux_x86_64": "linux_x86_64"}.get(platform)
    if plat is None:
        raise ValueError(f"platform must be windows or linux, not {platform!r} / 대상은 windows 또는 linux")
    return Target(plat, python)


@dataclass
class Resolution:
    """What a target installs from the wheelhouse: {name: wheel file}, and what could not be met."""

    target: Target
    chosen: dict[str, Path] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # requirement (and who asked for it)
    conflicts: list[str] = field(default_factory=list)
    wanted_by: dict[str, list] = field(default_factory=dict)  # name -> [(Requirement, parent extras)]

    def marker_only(self) -> list[str]:
        """Names every path to which has a marker that is false on *this* machine (pip here skips them)."""
        def here(req, extras):
            return req.marker is None or any(req.marker.evaluate({"extra": e}) for e in (extras or {""}))

        return sorted(n for n, reqs in self.wanted_by.items() if n in self.chosen and not any(here(*r) for r in reqs))

    @property
    def ok(self) -> bool:
        return not self.missing and not self.conflicts


def _index(folder: Path) -> dict[str, list[tuple[Version, frozenset, Path]]]:
    """Wheels of the folder by canonical name: (version, tags, path)."""
    index: dict[str, list] = {}
    for path in sorted(Path(folder).glob("*.whl")):
        name, version, _, tags = parse_wheel_filename(path.name)
        index.setdefault(str(name), []).append((version, tags, path))
    return index


def _metadata(path: Path):
    with zipfile.ZipFile(path) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        return Parser().parsestr(z.read(meta).decode("utf-8"))


def _applies(req: Requirement, env: dict, extras: set[str]) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate({**env, "extra": e}) for e in (extras or {""}))


def _pick(candidates, req: Requirement, tgt: Target, tags: set[Tag]) -> Path | None:
    """The highest version of ``candidates`` that fits the specifier, the target's tags and its Python."""
    py = Version(tgt.python + ".0")
    for version, wheel_tags, path in sorted(candidates, key=lambda c: c[0], reverse=True):
        if req.specifier and version not in req.specifier:
            continue
        if not wheel_tags & tags:
            continue
        needs = _metadata(path).get("Requires-Python")
        if needs and py not in SpecifierSet(needs):
            continue
        return path
    return None


def resolve_wheelhouse(folder, requirements: list[str], tgt: Target) -> Resolution:
    """Resolve ``requirements`` for ``tgt`` from the wheels in ``folder`` only (see the module doc)."""
    index, tags, env = _index(Path(folder)), tgt.tags(), tgt.environment()
    res = Resolution(tgt)
    versions: dict[str, Version] = {}
    queue = [(Requirement(r), set(), "requested") for r in requirements]
    done: set[tuple[str, frozenset]] = set()
    while queue:
        req, parent_extras, who = queue.pop(0)
        if not _applies(req, env, parent_extras):
            continue
        name = str(canonicalize_name(req.name))
        res.wanted_by.setdefault(name, []).append((req, parent_extras))
        if name in versions:
            if req.specifier and versions[name] not in req.specifier:
                res.conflicts.append(f"{req} (from {who}) but {name} {versions[name]} is in the kit")
            if (name, frozenset(req.extras)) in done:
                continue
        else:
            path = _pick(index.get(name, []), req, tgt, tags)
            if path is None:
                res.missing.append(f"{req} (from {who})")
                continue
            res.chosen[name], versions[name] = path, parse_wheel_filename(path.name)[1]
        done.add((name, frozenset(req.extras)))
        for line in _metadata(res.chosen[name]).get_all("Requires-Dist") or []:
            queue.append((Requirement(line), set(req.extras), f"{name} {versions[name]}"))
    return res
