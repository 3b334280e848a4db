"""What a published paper may carry (issue 23): the merged public tables and a fixed list of run outputs.

Council briefings and hearing handouts are published (in the council's minutes, on the city's
web site). Billing data is personal data, so both follow one rule:

* **Existing-town districts as published** (:func:`public_existing`): a district whose value
  covers fewer than ``metadata.min_public_cell_buildings`` buildings is merged into one row, with
  further districts (smallest first) until the merged row reaches the minimum
  (:func:`sewerplan.model.intake.privacy.merge_small_cells`). The merged row is labelled with the
  number of districts it holds, never their names (the name of a three-building district can
  point at its owners). When the whole table is under the minimum no district row is published.
* **The attached results bundle is the public one** (:func:`public_bundle`): the bundle with
  those merged districts, the city's own unit loads of uses under the minimum left blank, and no
  attachment list.
* **Attachments come from a fixed list of run outputs** (:data:`PUBLIC_RUN_OUTPUTS`, files in the
  bundle's own folder: the published comparison and the planned town's district forecast).
  A bundle that lists anything else (``training/rejected_register_rows.csv``, the unmerged
  comparison, or embedded content whose origin cannot be checked) is refused with the
  attachment named (:func:`public_attachments`).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import ResultsBundleError
from .results import Attachment, DistrictComparison, ResultsBundle

__all__ = ["PUBLIC_RUN_OUTPUTS", "OTHER_DISTRICTS", "PublicExisting", "public_existing", "public_bundle",
           "public_attachments", "merged_label"]

#: run outputs a published paper may attach (paths relative to the run's folder) and their description
PUBLIC_RUN_OUTPUTS = {
    "public_existing_town_comparison.csv": "Existing town by district, small districts merged / "
                                           "기존 시가지 구역별 비교 (소규모 구역 합산)",
    "planned_town_districts.csv": "Planned town forecast by district / 계획 신도시 구역별 예측",
}
OTHER_DISTRICTS = "기타 소규모 구역 합산 (small districts merged)"
_VALUES = ("observed_m3_per_day", "pilot_formula_m3_per_day", "master_plan_m3_per_day", "unit_load_m3_per_day",
           "ml_m3_per_day")


def merged_label(n: int) -> str:
    """The merged row's label in files (both languages): the number of districts it holds, no names."""
    return f"{OTHER_DISTRICTS}: {n}곳 / {n} districts"


@dataclass
class PublicExisting:
    """The published existing-town rows, how many districts the last one merges (0: none), and whether
    every value is withheld (the whole existing town is under the minimum)."""

    rows: list[DistrictComparison] = field(default_factory=list)
    n_merged: int = 0
    suppressed: bool = False


def public_existing(bundle: ResultsBundle, label=merged_label) -> PublicExisting:
    """Existing-town districts as a published paper prints them: none covers fewer buildings than the minimum.

    ``label(n)`` names the merged row (default :func:`merged_label`; the briefings pass their
    language's words). When the whole table is under the minimum no row is published (``suppressed``).
    """
    import pandas as pd

    from ..intake.privacy import merge_small_cells

    if not bundle.existing:
        return PublicExisting()
    minimum = bundle.metadata.min_public_cell_buildings
    rows = pd.DataFrame([{"district": r.district, "n_buildings": r.n_buildings, **{k: getattr(r, k) for k in _VALUES}}
                         for r in bundle.existing])
    marker = "\x00merged"  # cannot be a district name (control characters are refused at load)
    published, merged = merge_small_cells(rows, "n_buildings", _VALUES, minimum, "district", marker)
    if published[list(_VALUES)].isna().all().all():
        return PublicExisting(suppressed=True, n_merged=len(merged))
    out = PublicExisting(n_merged=len(merged))
    for _, r in published.iterrows():
        name = label(len(merged)) if r["district"] == marker else str(r["district"])
        out.rows.append(DistrictComparison(name, int(r["n_buildings"]), *(round(float(r[k]), 1) for k in _VALUES)))
    return out


def public_bundle(bundle: ResultsBundle) -> ResultsBundle:
    """A copy of ``bundle`` fit to publish: existing districts merged, small local unit loads blank, no attachments."""
    pub = copy.deepcopy(bundle)
    pub.existing = public_existing(bundle).rows
    pub.attachments = []
    minimum = bundle.metadata.min_public_cell_buildings
    if pub.local_loads is not None:
        for row in pub.local_loads.rows:
            if row.n_buildings < minimum:  # one or two buildings' own water use: not published
                row.local_l_per_unit_day = row.ci_low_l_per_unit_day = row.ci_high_l_per_unit_day = None
    return pub


def public_attachments(bundle: ResultsBundle) -> list[tuple[str, str, bytes]]:
    """(name, description, bytes) a published paper attaches: the public bundle, then the run outputs of
    :data:`PUBLIC_RUN_OUTPUTS` in the bundle's folder (those it lists, and those present beside it).

    Raises
    ------
    ResultsBundleError
        The bundle lists an attachment that is not one of those run outputs (named in the message).
    """
    listed = [_checked_listing(a) for a in bundle.attachments]
    names = dict.fromkeys([*listed, *(n for n in PUBLIC_RUN_OUTPUTS if _beside(bundle, n))])
    data = json.dumps(public_bundle(bundle).to_dict(), ensure_ascii=False, indent=2, allow_nan=False)
    items = [("results.json", "sewerplan results bundle used for this briefing, small districts merged / "
                              "이 보고서에 쓰인 결과 파일 (소규모 구역 합산)", data.encode("utf-8"))]
    for name in names:
        found = Attachment(name=name, path=name).read_bytes(Path(bundle.base_dir) if bundle.base_dir else None)
        items.append((PurePosixPath(name).name, PUBLIC_RUN_OUTPUTS[name], found))
    return items


def _checked_listing(a: Attachment) -> str:
    """The run output an attachment of the bundle names; refused unless it is one of the public outputs."""
    allowed = ", ".join(PUBLIC_RUN_OUTPUTS)
    where = f"attachments.{a.name}"
    if a.content_base64:
        raise ResultsBundleError(f"attachment {a.name!r} is embedded content; a published paper attaches only the "
                                 f"run outputs {allowed} / 공개 문서에는 정해진 실행 결과 파일만 첨부합니다",
                                 field_path=where)
    key = PurePosixPath(str(a.path).replace("\\", "/"))
    key = str(PurePosixPath(*[p for p in key.parts if p != "."])) if key.parts else ""
    if key not in PUBLIC_RUN_OUTPUTS:
        raise ResultsBundleError(f"attachment {a.path!r} is not a public run output; a published paper attaches "
                                 f"only {allowed}; remove it from results.json / 공개 문서에는 정해진 실행 결과 "
                                 f"파일만 첨부합니다", field_path=where)
    return key


def _beside(bundle: ResultsBundle, name: str) -> bool:
    return bool(bundle.base_dir) and (Path(bundle.base_dir) / name).is_file()
