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
    .venv/bin/python benchmarks/bench_scale.py --quick    # small sizes, a minute or two

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


def bench_prepare(rows: list, work: Path, meter_months: int, threads_ref=(1, 2)) -> None:
    reg, bill = make_prepare_inputs(meter_months, work)
    out = work / f"prep_{meter_months}"
    t, rss = measure([*SEWERPLAN, "prepare", "--register", reg, "--billing", bill, "--out", out, "--force"],
                     env={"SEWERPLAN_THREADS": "2"})
    for threads in threads_ref:
        ref = work / f"ref_prep_{meter_months}_{threads}.parquet"
        tr, rr = measure(self_cmd("ref-prepare", reg, bill, ref, threads))
        rows.append((f"prepare {meter_months / 1e6:g}M meter-months", t, rss, f"DuckDB SQL, {threads} thread(s)",
                     tr, rr, agree_prepare(out, ref)))


def bench_estimate(rows: list, work: Path, n: int, towns: int) -> None:
    src = make_buildings(n, work / (f"buildings_{n}.csv" if towns == 1 else f"towns_{n}"), towns)
    out = work / (f"est_{n}.csv" if towns == 1 else f"est_{n}")
    t, rss = measure([*SEWERPLAN, "estimate", src, "--out", out, "--skip-invalid", "--force"])
    ref = work / f"ref_est_{n}.csv"
    tr, rr = measure(self_cmd("ref-estimate", src, ref))
    mine = [out] if towns == 1 else sorted(p for p in out.glob("*.csv") if p.name.count(".") == 1)
    rows.append((f"estimate {n / 1e6:g}M buildings" + (f" ({towns} towns)" if towns > 1 else ""), t, rss,
                 "pandas read_csv + method", tr, rr,
                 agree_table(mine, ref, ["pilot_formula_m3_per_day", "master_plan_m3_per_day", "unit_load_m3_per_day"])))


def bench_predict(rows: list, work: Path, n: int, towns: int) -> None:
    src = make_buildings(n, work / (f"buildings_{n}.csv" if towns == 1 else f"towns_{n}"), towns)
    out = work / (f"pred_{n}.csv" if towns == 1 else f"pred_{n}")
    t, rss = measure([*SEWERPLAN, "predict", src, "--out", out, "--skip-invalid", "--force"])
    ref = work / f"ref_pred_{n}.csv"
    tr, rr = measure(self_cmd("ref-predict", src, ref))
    mine = [out] if towns == 1 else sorted(p for p in out.glob("*.csv") if p.name.count(".") == 1)
    rows.append((f"predict {n / 1e6:g}M buildings" + (f" ({towns} towns)" if towns > 1 else ""), t, rss,
                 "pandas read_csv + one predict", tr, rr, agree_table(mine, ref, ["ml_m3_per_day"])))


def bench_start(rows: list) -> None:
    code = ("import pandas as pd\nfrom sewerplan.model.intake.inventory import validate_buildings\n"
            "from sewerplan.model.ml.persistence import load_model\n"
            "raw = pd.DataFrame({'building_id': ['B1'], 'district': ['d'], 'main_use': ['아파트'], "
            "'floor_area_m2': ['1000'], 'households': ['10']})\n"
            "load_model().predict(validate_buildings(raw)[0])\n")
    t, rss = min(measure([sys.executable, "-c", code]) for _ in range(3))
    rows.append(("first ML prediction, fresh process", t, rss, "goal 0.6 s", 0.6, float("nan"), 0.0))
    t, rss = min(measure([*SEWERPLAN, "--help"]) for _ in range(3))
    rows.append(("sewerplan --help", t, rss, "goal 0.3 s", 0.3, float("nan"), 0.0))


def print_table(rows: list) -> None:
    print("| work | sewerplan | peak RSS | reference | reference time | ref. RSS | ratio | max rel. diff |")
    print("|---|---|---|---|---|---|---|---|")
    for name, t, rss, ref_name, tr, rr, diff in rows:
        print(f"| {name} | {t:.1f} s | {rss:.2f} GiB | {ref_name} | {tr:.1f} s | {rr:.2f} GiB | {t / tr:.2f}x | {diff:.1e} |",
              flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("ref-"):
        {"ref-prepare": lambda a: ref_prepare(a[0], a[1], a[2], int(a[3])),
         "ref-estimate": lambda a: ref_estimate(a[0], a[1]),
         "ref-predict": lambda a: ref_predict(a[0], a[1])}[sys.argv[1]](sys.argv[2:])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (a minute or two)")
    ap.add_argument("--only", default="prepare,estimate,predict,start")
    ap.add_argument("--prepare-sizes", default="", help="meter-months, comma-separated (default 1M,10M,30M)")
    args = ap.parse_args()
    prep_sizes = [200_000] if args.quick else [1_000_000, 10_000_000, 30_000_000]
    if args.prepare_sizes:
        prep_sizes = [int(float(x)) for x in args.prepare_sizes.split(",")]
    build_sizes = [(50_000, 1), (200_000, 10)] if args.quick else [(1_000_000, 1), (7_400_000, 100)]
    rows: list = []
    with tempfile.TemporaryDirectory(prefix="sewerplan-bench-scale-") as tmp:
        work = Path(tmp)
        if "prepare" in args.only:
            for size in prep_sizes:
                bench_prepare(rows, work, size, threads_ref=(1, 2) if size <= 10_000_000 else (2,))
                print_table(rows[-1:])
        for what, fn in (("estimate", bench_estimate), ("predict", bench_predict)):
            if what in args.only:
                for n, towns in build_sizes:
                    fn(rows, work, n, towns)
                    print_table(rows[-1:])
        if "start" in args.only:
            bench_start(rows)
    print()
    print_table(rows)
    print(json.dumps({"rows": [list(r) for r in rows]}, default=str))


if __name__ == "__main__":
    main()
