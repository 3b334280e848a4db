"""Prepare a training table from a building register and a water-billing extract.

``prepare_training_table`` = read and check the register (:func:`inventory.load_buildings`,
bad rows set aside) -> read and check the billing (:func:`billing.read_billing`) -> screen
misread months -> observed sewage per meter -> join meters to buildings
(:func:`matching.match_meters`) -> the canonical building table with
``observed_m3_per_day`` plus a match report. ``write_prepared`` writes it all atomically;
``sewerplan prepare`` is the command-line front end.

Output files (in the output folder)
-----------------------------------
``training_table.csv``           canonical building table + observed_m3_per_day, n_meters, billing_months,
                                 short_record, meter_match
``match_report.json``            counts, rules, file list and the ``privacy`` section (pseudonym method,
                                 key source and id, columns dropped; :mod:`.privacy`)
``unmatched_meters.csv``         meters joined to no building, with the reason
``buildings_without_meters.csv`` buildings no meter was joined to
``meter_building_links.csv``     every meter-building pair with its share and split rule
``rejected_register_rows.csv``   register rows that failed validation, with reasons (only the columns
                                 the intake reads: free text is dropped and listed in the match report)
``rejected_billing_rows.csv``    billing rows that could not be used, with reasons
``flagged_meter_months.csv``     suspected misread months left out of the averages

With a household composition file (``household_mix``, :mod:`.household_composition`), also
``rejected_household_mix_rows.csv`` (rows that failed validation, with file/row/column/value)
and ``unmatched_household_mix.csv`` (rows joined to no residential building); the training
table then carries ``hh_share_1`` .. ``hh_share_5plus`` on residential rows (NaN where no
row matched) and ``household_mix_match``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .billing import billing_tables, meter_table, screen_tables
from .engine import EngineSettings, connect
from ..errors import InputFileError
from ..fileio import check_outputs, write_csv_atomic, write_json_atomic
from .inventory import load_buildings
from .matching import SPLIT_RULES, match_meters
from .privacy import (drop_personal_columns, is_personal_header, load_key, protect_rejected_billing,
                      pseudonymise_bill_table)
from ..design.parameters import DEFAULT_PARAMETERS, DesignParameters

__all__ = ["PreparedData", "prepare_training_table", "write_prepared", "PREPARE_FILES", "HOUSEHOLD_MIX_FILES"]

PREPARE_FILES = {
    "training_table": "training_table.csv",
    "match_report": "match_report.json",
    "unmatched_meters": "unmatched_meters.csv",
    "buildings_without_meters": "buildings_without_meters.csv",
    "links": "meter_building_links.csv",
    "rejected_register": "rejected_register_rows.csv",
    "rejected_billing": "rejected_billing_rows.csv",
    "flagged_months": "flagged_meter_months.csv",
}
#: Written only when a household composition file was given.
HOUSEHOLD_MIX_FILES = {
    "rejected_household_mix": "rejected_household_mix_rows.csv",
    "unmatched_household_mix": "unmatched_household_mix.csv",
}


@dataclass
class PreparedData:
    """Everything :func:`prepare_training_table` produces (tables in memory)."""

    training_table: pd.DataFrame
    report: dict
    unmatched_meters: pd.DataFrame
    buildings_without_meters: pd.DataFrame
    links: pd.DataFrame
    rejected_register: pd.DataFrame
    rejected_billing: pd.DataFrame
    flagged_months: pd.DataFrame
    meters: pd.DataFrame = field(repr=False, default=None)
    rejected_household_mix: pd.DataFrame | None = None
    unmatched_household_mix: pd.DataFrame | None = None


def prepare_training_table(register, billing, district_column: str | None = None,
                           params: DesignParameters = DEFAULT_PARAMETERS, synthetic: bool = False,
                           misread_ratio: float = 4.0, progress=None, household_mix=None,
                           pseudonym_key=None, settings: EngineSettings | None = None) -> PreparedData:
    """Build the training table with observed day-average sewage per building.

    Parameters
    ----------
    register : path or DataFrame
        Building register title section (CSV/xlsx; Korean headers or API names).
    billing : path or DataFrame
        Water-billing extract, one row per meter and month.
    district_column : str, optional
        Register column to use as district; default 배수구역/district if present, else the
        법정동 of the lot address.
    params : DesignParameters
        ``return_ratio`` [-] turns billed water into sewage.
    synthetic : bool
        Label the report as made from synthetic data.
    progress : callable, optional
        Called with a short message at each step.
    household_mix : path or DataFrame, optional
        Household-size composition per building or parcel (counts or shares of 1..5+ person
        households, :func:`household_composition.read_household_mix`); joined to the
        residential buildings as ``hh_share_1`` .. ``hh_share_5plus``.
    pseudonym_key : privacy.PseudonymKey, optional
        Key of the customer-number pseudonyms; default :func:`privacy.load_key` (environment
        variable, else a one-off key). No output holds a raw customer number, name or phone
        number (:mod:`.privacy`).
    settings : EngineSettings, optional
        DuckDB memory limit, threads and spill folder (:mod:`.engine`).

    Returns
    -------
    PreparedData
    """
    say = progress or (lambda msg: None)
    say("reading the building register / 건축물대장 읽는 중")
    buildings, rejected_register = load_buildings(register, district_column=district_column, skip_invalid=True)
    key = pseudonym_key or load_key()
    buildings, rejected_register, dropped = _drop_register_personal_columns(buildings, rejected_register)
    with connect(settings) as con:
        say("reading the billing records / 요금 부과자료 읽는 중")
        billing_counts = _billing_steps(con, billing, misread_ratio, params, key)
        say("joining meters to buildings / 계량기-건축물 연계 중")
        result = match_meters(buildings, None, con)
        rejected_billing, flagged, meters = (con.execute(f"SELECT * FROM {t}").df()
                                             for t in ("bill_rejected", "bill_flagged", "meters"))
    rejected_billing, privacy_report = protect_rejected_billing(rejected_billing, key)
    # 'source_row' would clash when the table is read back by load_buildings; keep it by another name
    table = result.buildings.rename(columns={"source_row": "register_row"})
    mix_rejected = mix_unmatched = mix_report = None
    if household_mix is not None:
        say("joining household composition / 가구원수 구성 연계 중")
        table, mix_rejected, mix_unmatched, mix_report = _join_household_mix_file(table, household_mix)
    register_counts = {"rows_read": int(len(buildings) + len(rejected_register)),
                       "rows_rejected": int(len(rejected_register)), "buildings": int(len(buildings))}
    report = _prepare_report(_input_names(register, billing, household_mix), synthetic, params, misread_ratio,
                             register_counts, billing_counts, result.counts, table, mix_report)
    report["privacy"] = {**privacy_report, **dropped}
    return PreparedData(table, report, result.unmatched_meters, result.buildings_without_meters, result.links,
                        rejected_register, rejected_billing, flagged, meters, mix_rejected, mix_unmatched)


def _billing_steps(con, billing, misread_ratio: float, params: DesignParameters, key) -> dict:
    """Read, check and screen the bills, average them per meter and pseudonymise the meters (tables
    in ``con``); the billing section of the report.

    Raises when no row of the billing file is usable.
    """
    counts = billing_tables(con, billing)
    if counts.rows_read == counts.rows_rejected:
        raise InputFileError(
            f"No usable billing rows in {billing}: all {counts.rows_rejected} rows were rejected; see the reasons "
            "in rejected_billing_rows.csv / 쓸 수 있는 요금 부과 행이 없습니다."
        )
    flagged = screen_tables(con, misread_ratio=misread_ratio)
    meter_table(con, params.return_ratio)
    pseudonymise_bill_table(con, key)  # before anything leaves the engine
    kept = counts.rows_read - counts.rows_rejected - flagged  # usable rows not flagged
    n_meters = con.execute("SELECT count(*) FROM meters").fetchall()[0][0]
    months = [r[0] for r in con.execute("SELECT DISTINCT billing_month FROM bill_kept ORDER BY 1").fetchall()]
    con.execute("DROP VIEW bill_kept")
    con.execute("DROP TABLE bill")  # the meters hold what the join needs: free the memory
    return {"rows_read": counts.rows_read, "rows_rejected": counts.rows_rejected, "meter_months_used": int(kept),
            "meter_months_flagged_misread": int(flagged), "meters": int(n_meters), "months": months}


def _drop_register_personal_columns(buildings, rejected_register):
    """(buildings, rejected rows, headers dropped): personal-looking register columns removed (:mod:`.privacy`),
    and the columns the intake does not read, which rejected rows never carry (free text such as 비고)."""
    not_read = list(rejected_register.attrs.get("columns_dropped", []))
    buildings, dropped = drop_personal_columns(buildings)
    rejected_register, dropped_rejected = drop_personal_columns(rejected_register)
    personal = {c for c in not_read if is_personal_header(c)}
    return buildings, rejected_register, {"register_columns_dropped": sorted({*dropped, *dropped_rejected, *personal}),
                                          "register_columns_not_read": not_read}


def _join_household_mix_file(table: pd.DataFrame, household_mix):
    """(table with ``hh_share_*``, rejected composition rows, unmatched composition rows, report section)."""
    from .household_composition import join_household_mix, read_household_mix

    mix_records, mix_rejected = read_household_mix(household_mix)
    table, mix_unmatched, mix_counts = join_household_mix(table, mix_records)
    mix_rejected, dropped = drop_personal_columns(mix_rejected)
    mix_unmatched, dropped_unmatched = drop_personal_columns(mix_unmatched)
    mix_report = {"rows_read": int(len(mix_records) + len(mix_rejected)),
                  "rows_rejected": int(len(mix_rejected)), **mix_counts,
                  "columns_dropped_personal": sorted({*dropped, *dropped_unmatched}),
                  "rule": "building id, then PNU, then lot address; a parcel row gives its mix to every "
                          "residential building of the parcel; residential buildings without a row keep "
                          "no mix (the ML model fills it from the census trend) / 건축물PK, PNU, 지번 순 연계"}
    return table, mix_rejected, mix_unmatched, mix_report


def _input_names(register, billing, household_mix) -> dict:
    """How each input is named in the report: its path, or "table" for a DataFrame."""
    def name(x):
        return str(x) if not isinstance(x, pd.DataFrame) else "table"

    return {"register": name(register), "billing": name(billing),
            **({"household_mix": name(household_mix)} if household_mix is not None else {})}


def _prepare_report(inputs: dict, synthetic: bool, params: DesignParameters, misread_ratio: float,
                    register_counts: dict, billing_counts: dict, match_counts: dict, table: pd.DataFrame,
                    mix_report: dict | None) -> dict:
    """The match report (``match_report.json``): inputs, counts of every step and the rules applied."""
    return {
        "synthetic": bool(synthetic),
        "note": ("Synthetic sample data, not a real town / 합성 예시 자료 (실제 도시 아님)" if synthetic else ""),
        "inputs": inputs,
        "return_ratio": params.return_ratio,
        "register": register_counts,
        "billing": billing_counts,
        "match": match_counts,
        "training_rows_with_observed": int(table["observed_m3_per_day"].notna().sum()),
        **({"household_mix": mix_report} if mix_report is not None else {}),
        "rules": {
            "observed": "observed_m3_per_day = sum of billed m3 over usable months / sum of their days x "
                        "return ratio, added over the building's meters (share-weighted) / "
                        "관측오수량 = 사용량 합 / 일수 합 x 오수전환율",
            "short_record": "fewer than 12 usable months on a meter of the building / 12개월 미만",
            "misread": f"month > {misread_ratio:g} x meter median and >= 10 m3 above it is left out / 검침 오류 의심 월 제외",
            "split": SPLIT_RULES,
            "join": "PNU first, then normalised lot address (시군구+법정동+본번-부번) / PNU 우선, 다음 지번주소",
        },
    }


def write_prepared(prepared: PreparedData, out_dir, force: bool = False, inputs=()) -> dict[str, Path]:
    """Write the prepared tables and the match report into ``out_dir`` (atomically).

    Refuses to overwrite existing files unless ``force``; never writes over an input file.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {k: out / v for k, v in PREPARE_FILES.items()}
    if prepared.rejected_household_mix is not None:
        paths.update({k: out / v for k, v in HOUSEHOLD_MIX_FILES.items()})
    check_outputs(paths.values(), inputs=[p for p in inputs if p is not None and not isinstance(p, pd.DataFrame)],
                  force=force)
    frames = {
        "training_table": prepared.training_table, "unmatched_meters": prepared.unmatched_meters,
        "buildings_without_meters": prepared.buildings_without_meters, "links": prepared.links,
        "rejected_register": prepared.rejected_register, "rejected_billing": prepared.rejected_billing,
        "flagged_months": prepared.flagged_months,
    }
    if prepared.rejected_household_mix is not None:
        frames["rejected_household_mix"] = prepared.rejected_household_mix
        frames["unmatched_household_mix"] = prepared.unmatched_household_mix
    for key, df in frames.items():
        write_csv_atomic(df, paths[key])
    report = dict(prepared.report)
    report["files"] = {k: v.name for k, v in paths.items()}
    write_json_atomic(paths["match_report"], report)
    return paths
