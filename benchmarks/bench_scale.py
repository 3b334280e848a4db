"""Benchmark (issue 17): sewerplan at national scale, each run beside a reference doing the same work.

Towns are generated from the synthetic sample town (``sewerplan/sample_data``; synthetic data, not
a real city): every copy gets fresh building ids, customer numbers, a town name in its addresses
and its own 시군구 code in the PNUs, so no meter of one town can join a building of another.

Rows of the table (time and peak RSS of each command in its own process, and the ratio to the
reference; each reference is written below, in this script, and its output is checked against
sewerplan's):

* ``prepare`` at 1M, 10M and 30M meter-months (one register + one billing file) vs. plain DuckDB
  SQL doing the same read, screening, averaging, PNU/address join and split (1 and 2 threads);
  agreement: the observed flow of every building within 1e-9 (relative);
* ``estimate`` at 1M buildings (one file) and 7.4M (a folder of towns) vs. pandas ``read_csv`` +
  the method (:func:`estimate_buildings`) without sewerplan's validation; agreement: per-building
  flows;
* ``predict`` likewise vs. pandas ``read_csv`` + one model prediction per table;
* the first ML prediction in a fresh process and ``sewerplan --help``.

    .venv/bin/python benchmarks/bench_scale.py            # the full table (about an hour on 2 cores; make bench runs it)
    .venv/bin/python benchmarks/bench_scale.py --quick    # small sizes, a minute or two (results not saved)
    .venv/bin/python benchmarks/bench_scale.py --only prepare,predict,estimate --prepare-sizes 1e6,1e7 \
        --building-sizes 1e6:1 --pairs 3                   # the issue-25 rows

Results go to ``benchmarks/results/bench_scale.json`` (:mod:`common` format: ratio against the
reference and the target of each row, peak RSS, agreement and output sizes in the note), from
which ``benchmarks/perf_table.py`` writes the README's table.

Other work on the machine changes absolute times; the ratios are paired (each reference runs
right after its sewerplan run).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sewerplan" / "sample_data"
REGISTER = SAMPLE / "synthetic_existing_register.csv"
BILLING = SAMPLE / "synthetic_existing_billing.csv.gz"
SEWERPLAN = [sys.executable, "-m", "sewerplan"]
GIB = 1024 ** 3
RESULTS_FILE = ROOT / "benchmarks" / "results" / "bench_scale.json"


# --------------------------------------------------------------------------------------
# generated towns
# --------------------------------------------------------------------------------------


def _town_sql(k_from: int, k_to: int) -> tuple[str, str]:
    """SQL of the register and billing of towns k_from..k_to-1 (copies of the sample, fresh keys)."""
    town = "'가온' || k || '시'"
    register = f"""SELECT 'T' || k || '-' || "관리건축물대장PK" AS "관리건축물대장PK",
        replace("대지위치", '가온시', {town}) AS "대지위치", lpad(CAST(10000 + k AS VARCHAR), 5, '0') AS "시군구코드",
        * EXCLUDE ("관리건축물대장PK", "대지위치", "시군구코드", k)
        FROM read_csv('{REGISTER}', all_varchar=true), range({k_from}, {k_to}) t(k)"""
    billing = f"""SELECT k || '-' || "수용가번호" AS "수용가번호", replace("수용가주소", '가온시', {town}) AS "수용가주소",
        CASE WHEN coalesce("필지고유번호(PNU)", '') = '' THEN '' ELSE lpad(CAST(10000 + k AS VARCHAR), 5, '0')
             || substr("필지고유번호(PNU)", 6) END AS "필지고유번호(PNU)",
        * EXCLUDE ("수용가번호", "수용가주소", "필지고유번호(PNU)", k)
        FROM read_csv('{BILLING}', all_varchar=true), range({k_from}, {k_to}) t(k)"""
    return register, billing


def make_prepare_inputs(meter_months: int, folder: Path) -> tuple[Path, Path]:
    """One register and one billing CSV with about ``meter_months`` billing rows."""
    import duckdb

    con = duckdb.connect()
    per_town = con.execute(f"SELECT count(*) FROM read_csv('{BILLING}', all_varchar=true)").fetchall()[0][0]
    towns = max(1, round(meter_months / per_town))
    register_sql, billing_sql = _town_sql(0, towns)
    reg, bill = folder / f"register_{meter_months}.csv", folder / f"billing_{meter_months}.csv"
    con.execute(f"COPY ({register_sql}) TO '{reg}' (HEADER, DELIMITER ',')")
    con.execute(f"COPY ({billing_sql} ORDER BY k) TO '{bill}' (HEADER, DELIMITER ',')")
    return reg, bill


def make_buildings(n: int, target: Path, towns: int = 1) -> Path:
    """``n`` buildings (register headers) as one CSV, or a folder of ``towns`` town files."""
    import duckdb

    con = duckdb.connect()
    per_town = con.execute(f"SELECT count(*) FROM read_csv('{REGISTER}', all_varchar=true)").fetchall()[0][0]
    copies = max(1, round(n / per_town))
    if towns == 1:
        register_sql, _ = _town_sql(0, copies)
        con.execute(f"COPY ({register_sql}) TO '{target}' (HEADER)")
        return target
    target.mkdir(parents=True, exist_ok=True)
    step = max(1, copies // towns)
    for i, start in enumerate(range(0, copies, step)):
        register_sql, _ = _town_sql(start, min(copies, start + step))
        con.execute(f"COPY ({register_sql}) TO '{target / f'town{i:03d}.csv'}' (HEADER)")
    return target


# --------------------------------------------------------------------------------------
# measuring a command in its own process
# --------------------------------------------------------------------------------------


_LAUNCHER = ("import json, os, subprocess, sys, time\n"
             "t = time.perf_counter(); p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
             "_, status, usage = os.wait4(p.pid, 0)\n"
             "print(json.dumps([time.perf_counter() - t, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]), "
             "file=sys.stderr)\n")


def measure(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """(seconds, peak RSS [GiB]) of a command in its own process; raise when it fails.

    The command is started by a small launcher process that reports ``wait4``'s figures: a child
    forked straight from this (large) script would count this script's memory in its peak RSS.
    """
    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, *map(str, cmd)], stderr=subprocess.PIPE,
                          env={**os.environ, **(env or {})})
    err = proc.stderr.decode(errors="replace").strip()
    seconds, maxrss_kib, code = json.loads(err.splitlines()[-1])
    if code != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{err[-2000:]}")
    return seconds, maxrss_kib * 1024 / GIB


def self_cmd(*args) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *map(str, args)]


# --------------------------------------------------------------------------------------
# references (run as ``bench_scale.py ref-prepare ...`` etc. in their own process)
# --------------------------------------------------------------------------------------


def ref_prepare(register: str, billing: str, out: str, threads: int) -> None:
    """Plain DuckDB SQL: observed sewage per building [m3/d] (return ratio 0.85), as sewerplan computes it."""
    import duckdb

    from sewerplan.model.design.uses import category_of

    con = duckdb.connect(config={"threads": threads, "memory_limit": "3GB"})
    lot = r"(\S+[시군구]) (\S+[동리가읍면]) (산?) ?0*([0-9]+)(?: ?- ?0*([0-9]+)| 0*([0-9]+))?"
    a = "regexp_replace(replace({a}, '번지', ' '), '\\s+', ' ', 'g')"
    key = f"""(CASE WHEN regexp_matches({a}, '{lot}') THEN regexp_extract({a}, '{lot}', 1) || '|' ||
        regexp_extract({a}, '{lot}', 2) || '|' || regexp_extract({a}, '{lot}', 3) || '|' ||
        regexp_extract({a}, '{lot}', 4) || '|' || coalesce(nullif(regexp_extract({a}, '{lot}', 5)
        || regexp_extract({a}, '{lot}', 6), ''), '0') END)"""
    con.execute(f"""CREATE TABLE b AS SELECT "관리건축물대장PK" AS building_id, "주용도코드명" AS use,
        TRY_CAST("연면적(㎡)" AS DOUBLE) AS area,
        CASE WHEN coalesce(TRY_CAST("세대수(세대)" AS DOUBLE), 0) <= 0 AND coalesce(TRY_CAST("가구수(가구)" AS DOUBLE), 0) > 0
             THEN TRY_CAST("가구수(가구)" AS DOUBLE) ELSE coalesce(TRY_CAST("세대수(세대)" AS DOUBLE), 0) END AS hh,
        lpad("시군구코드", 5, '0') || lpad("법정동코드", 5, '0') || CASE WHEN "대지구분코드" = '1' THEN '2' ELSE '1' END
          || lpad("번", 4, '0') || lpad("지", 4, '0') AS parcel, {key.format(a='"대지위치"')} AS akey
        FROM read_csv('{register}', all_varchar=true)
        WHERE coalesce("연면적(㎡)", '') <> '' AND coalesce("주용도코드명", '') <> ''""")
    uses = [u for (u,) in con.execute("SELECT DISTINCT use FROM b").fetchall()]
    con.execute("CREATE TABLE res AS SELECT * FROM (VALUES " + ", ".join(
        f"('{u}', {category_of(u) == 'residential'})" for u in uses) + ") t(use, residential)")
    # the lot-address key once per distinct billing address (as any careful SQL would), not per row
    con.execute(f"""CREATE TABLE v AS
          SELECT "수용가번호" AS cid, "필지고유번호(PNU)" AS pnu, "수용가주소" AS addr, "업종" AS use,
                 "부과년월" AS month, CAST("사용량(㎥)" AS DOUBLE) AS vol
          FROM read_csv('{billing}', all_varchar=true)
          WHERE coalesce("사용량(㎥)", '') <> '' AND CAST("사용량(㎥)" AS DOUBLE) >= 0""")
    con.execute(f"""CREATE TABLE m AS WITH
        med AS (SELECT cid, median(vol) AS med FROM v GROUP BY cid),
        kept AS (SELECT v.* FROM v JOIN med USING (cid) WHERE NOT (vol > 4 * med AND vol - med >= 10 AND med > 0)),
        monthly AS (SELECT cid, month, sum(vol) AS vol,
                    dayofmonth(last_day(strptime(month || '01', '%Y%m%d'))) AS days FROM kept GROUP BY cid, month),
        attrs AS (SELECT DISTINCT cid, pnu, addr, use FROM kept),
        keys AS (SELECT addr, {key.format(a='addr')} AS akey FROM (SELECT DISTINCT addr FROM attrs))
        SELECT cid, any_value(pnu) AS pnu, any_value(akey) AS akey, any_value(use) AS use,
               sum(vol) / sum(days) * 0.85 AS sewage
        FROM monthly JOIN (SELECT attrs.*, keys.akey FROM attrs JOIN keys USING (addr)) USING (cid)
        GROUP BY cid""")
    con.execute(f"""COPY (
        WITH bb AS (SELECT b.*, res.residential FROM b JOIN res USING (use)),
        by_addr AS (SELECT akey, min(parcel) AS parcel FROM bb WHERE akey IS NOT NULL GROUP BY akey),
        mp AS (SELECT m.*, coalesce(p.parcel, a.parcel) AS parcel FROM m
               LEFT JOIN (SELECT DISTINCT parcel FROM bb) p ON p.parcel = m.pnu LEFT JOIN by_addr a ON a.akey = m.akey),
        ps AS (SELECT parcel, count(*) AS n, count(*) FILTER (WHERE residential) AS nr,
                      count(*) FILTER (WHERE NOT residential) AS nn, sum(hh) FILTER (WHERE residential) AS hr
               FROM bb GROUP BY parcel),
        w AS (SELECT mp.cid, mp.sewage, bb.building_id,
                CASE WHEN ps.n = 1 THEN 1.0 WHEN mp.use = '가정용' AND ps.nr > 0 THEN (CASE WHEN ps.hr > 0 THEN bb.hh ELSE bb.area END)
                     ELSE bb.area END AS w
              FROM mp JOIN ps USING (parcel) JOIN bb USING (parcel)
              WHERE ps.n = 1 OR (mp.use = '가정용' AND ps.nr > 0 AND bb.residential)
                 OR (mp.use <> '가정용' AND ps.nn > 0 AND NOT bb.residential)
                 OR (NOT (mp.use = '가정용' AND ps.nr > 0) AND NOT (mp.use <> '가정용' AND ps.nn > 0))),
        w2 AS (SELECT *, CASE WHEN sum(w) OVER (PARTITION BY cid) <= 0 THEN 1.0 ELSE w END AS w1 FROM w)
        SELECT building_id, sum(sewage * w1 / total) AS observed_m3_per_day
        FROM (SELECT *, sum(w1) OVER (PARTITION BY cid) AS total FROM w2) GROUP BY building_id
        ) TO '{out}' (FORMAT parquet)""")


def _plain_register(path: str):
    """A register read the plain pandas way (typed columns, no checks), in the canonical names."""
    import pandas as pd

    from sewerplan.model.intake.inventory import district_from_address

    df = pd.read_csv(path, dtype={"관리건축물대장PK": str, "대지위치": str, "주용도코드명": str})
    df = df.dropna(subset=["연면적(㎡)", "주용도코드명"])
    out = pd.DataFrame({"building_id": df["관리건축물대장PK"], "main_use": df["주용도코드명"],
                        "floor_area_m2": df["연면적(㎡)"].astype(float),
                        "households": df["세대수(세대)"].fillna(0).astype(float),
                        "dwelling_units": df["호수(호)"].astype(float), "floors_above": df["지상층수"].astype(float),
                        "approval_year": (df["사용승인일"] // 10000).astype(float)})
    fam = df["가구수(가구)"].fillna(0).astype(float)
    out["households"] = out["households"].where(~((out["households"] <= 0) & (fam > 0)), fam)
    addresses = df["대지위치"].unique()
    out["district"] = df["대지위치"].map(dict(zip(addresses, map(district_from_address, addresses))))
    out["moe_code"], out["rural"] = "", False
    return out.reset_index(drop=True)


def _inputs_of(path: str) -> list[Path]:
    p = Path(path)
    return sorted(p.glob("*.csv")) if p.is_dir() else [p]


def ref_estimate(path: str, out: str) -> None:
    """pandas read_csv + the method (no validation); per-building flows to Parquet."""
    import pandas as pd

    from sewerplan.model.design.estimate import estimate_buildings

    parts = []
    for f in _inputs_of(path):
        est = estimate_buildings(_plain_register(str(f)))
        parts.append(est[["building_id", "pilot_formula_m3_per_day", "master_plan_m3_per_day", "unit_load_m3_per_day"]])
    pd.concat(parts).to_csv(out, index=False)


def ref_predict(path: str, out: str) -> None:
    """pandas read_csv + one model prediction per table (no validation); per-building predictions."""
    import pandas as pd

    from sewerplan.model.ml.persistence import load_model

    m = load_model()
    parts = []
    for f in _inputs_of(path):
        b = _plain_register(str(f))
        parts.append(pd.concat([b[["building_id"]], m.predict(b)[["ml_m3_per_day"]]], axis=1))
    pd.concat(parts).to_csv(out, index=False)


# --------------------------------------------------------------------------------------
# agreement checks
# --------------------------------------------------------------------------------------


def _max_rel_diff(a, b, key: str, cols: list[str]) -> float:
    """Largest relative difference of ``cols`` between two tables joined on ``key``; inf when rows differ."""
    import numpy as np

    j = a.merge(b, on=key, suffixes=("", "_ref"), how="outer", indicator=True)
    if (j["_merge"] != "both").any():
        return float("inf")
    worst = 0.0
    for c in cols:
        x, y = j[c].to_numpy(float), j[c + "_ref"].to_numpy(float)
        if not np.array_equal(np.isnan(x), np.isnan(y)):
            return float("inf")
        ok = ~np.isnan(x)
        worst = max(worst, float(np.max(np.abs(x[ok] - y[ok]) / np.maximum(np.abs(y[ok]), 1e-12), initial=0.0)))
    return worst


def agree_prepare(out_dir: Path, ref: Path) -> float:
    import pandas as pd

    mine = pd.read_csv(out_dir / "training_table.csv", usecols=["building_id", "observed_m3_per_day"], dtype={"building_id": str})
    import duckdb

    theirs = duckdb.connect().execute(f"SELECT * FROM read_parquet('{ref}')").df()
    return _max_rel_diff(mine.dropna(), theirs, "building_id", ["observed_m3_per_day"])


def agree_table(mine_paths: list[Path], ref: Path, cols: list[str]) -> float:
    import pandas as pd

    mine = pd.concat([pd.read_csv(p, usecols=["building_id", *cols], dtype={"building_id": str}) for p in mine_paths])
    return _max_rel_diff(mine, pd.read_csv(ref, dtype={"building_id": str}), "building_id", cols)


# --------------------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------------------


#: target of each kind of row (issue 25): sewerplan's time / the reference's, at most
TARGETS = {"prepare": 1.5, "estimate": 1.2, "predict": 1.2}
#: sewerplan prepare's engine settings: two threads and the reference's memory limit (3GB), so both
#: run with the same budget (sewerplan's own default is 2GB)
PREPARE_ENV = {"SEWERPLAN_THREADS": "2", "SEWERPLAN_MEMORY_LIMIT": "3GB"}
#: predict: the output file at most this many times the reference's (issue 25)
OUTPUT_SIZE_TARGET = 2.0


def paired_measure(mine: list, ref: list, pairs: int, env: dict | None = None) -> tuple:
    """(median s, peak GiB) of ``mine`` and of ``ref``, run alternately ``pairs`` times (paired: the
    machine's load changes both alike)."""
    m, r = [], []
    for _ in range(pairs):
        m.append(measure(mine, env=env))
        r.append(measure(ref))
    med = lambda xs: sorted(x[0] for x in xs)[len(xs) // 2]  # noqa: E731
    return med(m), max(x[1] for x in m), med(r), max(x[1] for x in r)


def _mb(paths) -> float:
    return sum(p.stat().st_size for p in paths) / 1e6


def bench_prepare(rows: list, work: Path, meter_months: int, threads_ref=(1, 2), pairs: int = 1) -> None:
    reg, bill = make_prepare_inputs(meter_months, work)
    out = work / f"prep_{meter_months}"
    mine = [*SEWERPLAN, "prepare", "--register", reg, "--billing", bill, "--out", out, "--force"]
    for threads in threads_ref:
        ref = work / f"ref_prep_{meter_months}_{threads}.parquet"
        t, rss, tr, rr = paired_measure(mine, self_cmd("ref-prepare", reg, bill, ref, threads), pairs,
                                        env=PREPARE_ENV)
        rows.append({"kind": "prepare", "work": f"prepare {meter_months / 1e6:g}M meter-months",
                     "ref_name": f"DuckDB SQL, {threads} thread(s)", "t": t, "rss": rss, "tr": tr, "rr": rr,
                     "diff": agree_prepare(out, ref), "pairs": pairs,
                     "sizes": (_mb(p for p in out.iterdir() if p.is_file()), _mb([ref]))})


def _outputs(out: Path, towns: int) -> list[Path]:
    return [out] if towns == 1 else sorted(p for p in out.glob("*.csv") if p.name.count(".") == 1)


def bench_estimate(rows: list, work: Path, n: int, towns: int, pairs: int = 1) -> None:
    src = make_buildings(n, work / (f"buildings_{n}.csv" if towns == 1 else f"towns_{n}"), towns)
    out = work / (f"est_{n}.csv" if towns == 1 else f"est_{n}")
    ref = work / f"ref_est_{n}.csv"
    t, rss, tr, rr = paired_measure([*SEWERPLAN, "estimate", src, "--out", out, "--skip-invalid", "--force"],
                                    self_cmd("ref-estimate", src, ref), pairs)
    mine = _outputs(out, towns)
    rows.append({"kind": "estimate", "work": f"estimate {n / 1e6:g}M buildings" + (f" ({towns} towns)" if towns > 1 else ""),
                 "ref_name": "pandas read_csv + method", "t": t, "rss": rss, "tr": tr, "rr": rr, "pairs": pairs,
                 "diff": agree_table(mine, ref, ["pilot_formula_m3_per_day", "master_plan_m3_per_day",
                                                 "unit_load_m3_per_day"]), "sizes": (_mb(mine), _mb([ref]))})


def bench_predict(rows: list, work: Path, n: int, towns: int, pairs: int = 1) -> None:
    src = make_buildings(n, work / (f"buildings_{n}.csv" if towns == 1 else f"towns_{n}"), towns)
    out = work / (f"pred_{n}.csv" if towns == 1 else f"pred_{n}")
    ref = work / f"ref_pred_{n}.csv"
    t, rss, tr, rr = paired_measure([*SEWERPLAN, "predict", src, "--out", out, "--skip-invalid", "--force"],
                                    self_cmd("ref-predict", src, ref), pairs)
    mine = _outputs(out, towns)
    rows.append({"kind": "predict", "work": f"predict {n / 1e6:g}M buildings" + (f" ({towns} towns)" if towns > 1 else ""),
                 "ref_name": "pandas read_csv + one predict", "t": t, "rss": rss, "tr": tr, "rr": rr, "pairs": pairs,
                 "diff": agree_table(mine, ref, ["ml_m3_per_day"]), "sizes": (_mb(mine), _mb([ref]))})


def bench_start(rows: list) -> None:
    code = ("import pandas as pd\nfrom sewerplan.model.intake.inventory import validate_buildings\n"
            "from sewerplan.model.ml.persistence import load_model\n"
            "raw = pd.DataFrame({'building_id': ['B1'], 'district': ['d'], 'main_use': ['아파트'], "
            "'floor_area_m2': ['1000'], 'households': ['10']})\n"
            "load_model().predict(validate_buildings(raw)[0])\n")
    t, rss = min(measure([sys.executable, "-c", code]) for _ in range(3))
    rows.append({"kind": "goal", "work": "first ML prediction, fresh process", "goal": 0.6, "t": t, "rss": rss})
    t, rss = min(measure([*SEWERPLAN, "--help"]) for _ in range(3))
    rows.append({"kind": "goal", "work": "sewerplan --help", "goal": 0.3, "t": t, "rss": rss})


def result_row(r: dict) -> dict:
    """One row in the common results format (:func:`common.row`), with RSS, agreement and sizes in the note."""
    from common import row

    if r["kind"] == "goal":
        return row(r["work"], r["t"], r["goal"], note=f"best of 3; peak RSS {r['rss']:.2f} GiB")
    mine_mb, ref_mb = r["sizes"]
    note = (f"peak RSS {r['rss']:.2f} GiB vs {r['rr']:.2f} GiB; max rel. diff {r['diff']:.1e}; "
            f"output {mine_mb:,.1f} MB vs {ref_mb:,.1f} MB; median of {r['pairs']} paired run(s)"
            + ("; DuckDB memory limit 3GB for both" if r["kind"] == "prepare" else ""))
    out = row(r["work"], r["t"], TARGETS[r["kind"]], reference=r["tr"], reference_name=r["ref_name"],
              target_is_ratio=True, note=note)
    if r["kind"] == "predict":  # the output's size is part of the target
        out["met"] = bool(out["met"] and mine_mb <= OUTPUT_SIZE_TARGET * ref_mb)
        out["target"] += f", output <= {OUTPUT_SIZE_TARGET:g}x"
    if r["kind"] in ("predict", "prepare"):  # outputs must agree with the reference
        out["met"] = bool(out["met"] and r["diff"] <= 1e-9)
    return out


def print_table(rows: list) -> None:
    print("| work | sewerplan | peak RSS | reference | reference time | ref. RSS | ratio | max rel. diff | output MB (ref.) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if r["kind"] == "goal":
            print(f"| {r['work']} | {r['t']:.2f} s | {r['rss']:.2f} GiB | goal | {r['goal']:.1f} s | - | "
                  f"{r['t'] / r['goal']:.2f}x | - | - |", flush=True)
            continue
        print(f"| {r['work']} | {r['t']:.1f} s | {r['rss']:.2f} GiB | {r['ref_name']} | {r['tr']:.1f} s | "
              f"{r['rr']:.2f} GiB | {r['t'] / r['tr']:.2f}x | {r['diff']:.1e} | {r['sizes'][0]:,.1f} "
              f"({r['sizes'][1]:,.1f}) |", flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("ref-"):
        {"ref-prepare": lambda a: ref_prepare(a[0], a[1], a[2], int(a[3])),
         "ref-estimate": lambda a: ref_estimate(a[0], a[1]),
         "ref-predict": lambda a: ref_predict(a[0], a[1])}[sys.argv[1]](sys.argv[2:])
        return
    from common import machine, write_results

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (a minute or two)")
    ap.add_argument("--only", default="prepare,estimate,predict,start")
    ap.add_argument("--prepare-sizes", default="", help="meter-months, comma-separated (default 1M,10M,30M)")
    ap.add_argument("--building-sizes", default="", help="buildings:towns, comma-separated (default 1M:1,7.4M:100)")
    ap.add_argument("--pairs", type=int, default=1, help="paired runs per row (median time; 3 on a quiet machine)")
    ap.add_argument("--no-save", action="store_true", help="do not write benchmarks/results/bench_scale.json")
    ap.add_argument("--update", action="store_true", help="keep the rows of the last results not measured now")
    args = ap.parse_args()
    prep_sizes = [200_000] if args.quick else [1_000_000, 10_000_000, 30_000_000]
    if args.prepare_sizes:
        prep_sizes = [int(float(x)) for x in args.prepare_sizes.split(",")]
    build_sizes = [(50_000, 1), (200_000, 10)] if args.quick else [(1_000_000, 1), (7_400_000, 100)]
    if args.building_sizes:
        build_sizes = [(int(float(x.split(":")[0])), int(x.split(":")[1]) if ":" in x else 1)
                       for x in args.building_sizes.split(",")]
    machine_text, rows = machine(), []
    with tempfile.TemporaryDirectory(prefix="sewerplan-bench-scale-") as tmp:
        work = Path(tmp)
        if "prepare" in args.only:
            for size in prep_sizes:
                bench_prepare(rows, work, size, threads_ref=(1, 2) if size <= 10_000_000 else (2,), pairs=args.pairs)
                print_table(rows[-1:])
        for what, fn in (("estimate", bench_estimate), ("predict", bench_predict)):
            if what in args.only:
                for n, towns in build_sizes:
                    fn(rows, work, n, towns, pairs=args.pairs)
                    print_table(rows[-1:])
        if "start" in args.only:
            bench_start(rows)
    print()
    print_table(rows)
    if not args.no_save and not args.quick:
        new = [result_row(r) for r in rows]
        if args.update:  # rows measured now replace the same rows of the last results; the others stay
            last = RESULTS_FILE.exists() and json.loads(RESULTS_FILE.read_text(encoding="utf-8"))
            done = {r["work"] + r["reference_name"] for r in new}
            new = [r for r in (last["rows"] if last else []) if r["work"] + r["reference_name"] not in done] + new
        print("->", write_results(__file__, new, machine_text))


if __name__ == "__main__":
    main()
