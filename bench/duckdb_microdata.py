#!/usr/bin/env python3
"""DuckDB peer of `digecon microdata aggregate` (issue 5 benchmark).

The same work in SQL over the same CSV: validate every row (GB 32100 USCC check character,
known county-level region, known 4-digit GB/T 4754-2017 code, plain non-negative revenue, year,
employees, above_scale, income components), classify it with the NBS 2021 table and the
business-scope keyword rules (join + keyword matching; conflicting or missing keywords -> review),
aggregate by region x class x year with the same indicators, and write the same long CSV.

Reference tables are read from the repository (data/nbs2021/v1, data/regions.csv,
crates/measure/data/va_rates.csv), so both sides use one source of truth.

    python3 bench/duckdb_microdata.py --input FILE --by city --level major --out OUT.csv
    python3 bench/duckdb_microdata.py --compare DUCKDB.csv DIGECON.csv
"""

import argparse
import csv
import sys
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NBS = REPO / "data" / "nbs2021" / "v1"
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def sql_str(s):
    return "'" + str(s).replace("'", "''") + "'"


def uscc_check_sql(col):
    # Explicit 17-term sum: the fastest formulation found for DuckDB (a list lambda was slower).
    terms = " + ".join(
        f"(instr('{ALPHABET}', substr({col}, {i + 1}, 1)) - 1) * {w}" for i, w in enumerate(WEIGHTS)
    )
    return (
        f"(length({col}) = 18 AND regexp_full_match({col}, '[0-9A-HJ-NPQRTUWXY]{{18}}') AND "
        f"substr('{ALPHABET}', ((31 - (({terms}) % 31)) % 31) + 1, 1) = substr({col}, 18, 1))"
    )


# Plain decimal, at most 12 integer digits and 6 significant decimals (digecon's money rule).
DEC = r"'\+?0*([0-9]{1,12}(\.[0-9]{0,6}0*)?|\.[0-9]{1,6}0*)'"
DEC_SIGNED = r"'[+-]?0*([0-9]{1,12}(\.[0-9]{0,6}0*)?|\.[0-9]{1,6}0*)'"


def va_rates():
    """Longest-prefix VA rate per 4-digit core code, as digecon does."""
    rows = list(csv.DictReader(open(REPO / "crates" / "measure" / "data" / "va_rates.csv", encoding="utf-8")))
    return rows


def run(args):
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect()
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    main = sql_str(NBS / "nbs2021_digital_economy_classification.csv")
    expanded = sql_str(NBS / "nbs2021_digital_economy_classification_expanded_4digit.csv")
    rules = sql_str(NBS / "keyword_rules.csv")
    regions = sql_str(REPO / "data" / "regions.csv")

    con.execute(f"""
        CREATE TEMP TABLE core AS
          SELECT major_code, medium_code, small_code, gbt4754_code AS code, partial = 'true' AS partial
          FROM read_csv({main}, all_varchar = true)
          WHERE major_code IN ('01', '02', '03', '04') AND coalesce(gbt4754_code, '') <> '';
        CREATE TEMP TABLE rates (prefix VARCHAR, rate DOUBLE);
    """)
    con.executemany("INSERT INTO rates VALUES (?, ?)", [(r["code_prefix"], float(r["rate"])) for r in va_rates()])
    con.execute(f"""
        CREATE TEMP TABLE code_rate AS
          SELECT code, arg_max(rate, length(prefix)) AS rate
          FROM (SELECT DISTINCT code FROM core) c JOIN rates r ON starts_with(c.code, r.prefix)
          GROUP BY code;
        -- Every known 4-digit code with how it is classified.
        CREATE TEMP TABLE codes AS
          WITH k AS (SELECT DISTINCT gbt4754_code AS code FROM read_csv({expanded}, all_varchar = true)
                     WHERE length(gbt4754_code) = 4),
               kind AS (SELECT code, count(*) AS n, bool_or(partial) AS any_partial,
                               any_value(small_code) AS small FROM core GROUP BY code),
               r AS (SELECT gbt4754_code AS code, list({{'kw': kw, 'outcome': outcome}}) AS rules
                     FROM (SELECT gbt4754_code, outcome, unnest(string_split(keywords, '|')) AS kw
                           FROM read_csv({rules}, all_varchar = true))
                     GROUP BY gbt4754_code)
          SELECT k.code,
                 CASE WHEN kind.n = 1 AND NOT kind.any_partial THEN kind.small END AS direct_small,
                 kind.code IS NOT NULL AND NOT (kind.n = 1 AND NOT kind.any_partial) AS is_partial,
                 r.rules
          FROM k LEFT JOIN kind USING (code) LEFT JOIN r USING (code);
        CREATE TEMP TABLE counties AS
          WITH g AS (SELECT * FROM read_csv({regions}, all_varchar = true))
          SELECT c.code, c.name_zh AS name,
                 CASE WHEN p.level = 'city' THEN p.code ELSE c.code END AS city,
                 CASE WHEN p.level = 'province' THEN p.code ELSE p.parent_code END AS province
          FROM g c JOIN g p ON c.parent_code = p.code WHERE c.level = 'county';
    """)

    region_col = {"county": "v.region_code", "city": "v.city", "province": "v.province"}[args.by]
    class_len = {"major": 2, "medium": 4, "small": 6}[args.level]
    inc = ["labour_compensation", "depreciation", "net_production_taxes", "operating_surplus"]
    has_income = all(c in [d[0] for d in con.execute(
        f"DESCRIBE SELECT * FROM read_csv({sql_str(args.input)}, header = true, all_varchar = true)").fetchall()] for c in inc)
    inc_ok = " AND ".join(f"(coalesce(trim({c}), '') = '' OR regexp_full_match(trim({c}), {DEC_SIGNED}))" for c in inc) if has_income else "true"
    inc_all = " AND ".join(f"coalesce(trim({c}), '') <> ''" for c in inc) if has_income else "false"
    inc_sum = " + ".join(f"CAST(trim({c}) AS DECIMAL(18,6))" for c in inc) if has_income else "0"
    t_setup = time.perf_counter()

    checks = f"""{uscc_check_sql('r.uscc')}
        AND coalesce(trim(r.name), '') <> ''
        AND regexp_full_match(trim(r.revenue), {DEC})
        AND regexp_full_match(trim(r.year), '[0-9]{{4}}') AND CAST(trim(r.year) AS INTEGER) BETWEEN 1949 AND 2100
        AND (coalesce(trim(r.employees), '') = '' OR regexp_full_match(trim(r.employees), '[0-9]{{1,9}}'))
        AND coalesce(trim(r.above_scale), '') IN ('', '1', 'true', 'TRUE', 'True', 'Y', 'y', 'yes',
                                                   '0', 'false', 'FALSE', 'False', 'N', 'n', 'no', '是', '否')
        AND {inc_ok}"""
    if args.skip_validation:
        # Less work than digecon does: only the joins (region, code) filter rows. For timing
        # comparisons on clean files only.
        checks = "true"
    con.execute(f"""
    CREATE TEMP TABLE agg AS
    WITH raw AS (
      SELECT * FROM read_csv({sql_str(args.input)}, header = true, all_varchar = true, quote = '"', escape = '"')
    ),
    v AS (
      SELECT r.*, ct.city, ct.province, c.direct_small, c.is_partial, c.rules,
             CAST(trim(r.revenue) AS DECIMAL(18,6)) AS rev, CAST(trim(r.year) AS INTEGER) AS yr
      FROM raw r
      JOIN counties ct ON trim(r.region_code) = ct.code
      JOIN codes c ON trim(r.industry_code) = c.code
      WHERE {checks}
    ),
    m AS (
      SELECT v.*,
        CASE WHEN is_partial AND rules IS NOT NULL AND coalesce(trim(business_scope), '') <> '' THEN
          list_distinct(list_transform(list_filter(rules, lambda x: contains(business_scope, x.kw)), lambda x: x.outcome))
        END AS matched
      FROM v
    ),
    cl AS (
      SELECT m.*,
        CASE
          WHEN direct_small IS NOT NULL THEN direct_small
          WHEN NOT is_partial THEN 'NON_CORE'
          WHEN matched IS NULL OR len(matched) <> 1 THEN 'NEEDS_REVIEW'
          WHEN matched[1] = 'non_core' THEN 'NON_CORE'
          ELSE matched[1]
        END AS outcome
      FROM m
    ),
    g AS (
      SELECT {region_col.replace('v.', '').replace('region_code', 'trim(region_code)')} AS reg, yr,
             CASE WHEN outcome IN ('NON_CORE', 'NEEDS_REVIEW') THEN outcome ELSE 'CORE' END AS kind,
             CASE WHEN outcome IN ('NON_CORE', 'NEEDS_REVIEW') THEN outcome ELSE left(outcome, {class_len}) END AS cls,
             rev, industry_code,
             coalesce(trim(above_scale), '') IN ('1', 'true', 'TRUE', 'True', 'Y', 'y', 'yes', '是') AS above,
             CASE WHEN {inc_all} THEN {inc_sum} END AS inc_va,
             CASE WHEN coalesce(trim(employees), '') <> '' THEN CAST(trim(employees) AS BIGINT) END AS emp
      FROM cl
    )
    SELECT reg, yr, kind, CASE WHEN GROUPING(cls) = 1 THEN 'DE_CORE' ELSE cls END AS cls,
           count(*) AS n, sum(rev) AS revenue, count(*) FILTER (WHERE above) AS above_n,
           count(inc_va) AS inc_n, sum(inc_va) AS inc_va, sum(rev) FILTER (WHERE inc_va IS NOT NULL) AS inc_rev,
           count(*) FILTER (WHERE rev >= 100000) AS b10_n, coalesce(sum(rev) FILTER (WHERE rev >= 100000), 0) AS b10_rev,
           count(*) FILTER (WHERE rev >= 1000000) AS b100_n, coalesce(sum(rev) FILTER (WHERE rev >= 1000000), 0) AS b100_rev,
           count(emp) AS emp_n, coalesce(sum(emp), 0) AS emp,
           sum(CAST(rev AS DOUBLE) * cr.rate) AS va_rate
    FROM g LEFT JOIN code_rate cr ON g.industry_code = cr.code
    GROUP BY GROUPING SETS ((reg, yr, kind, cls), (reg, yr, kind))
    HAVING NOT (GROUPING(cls) = 1 AND kind <> 'CORE')
    """)
    t_scan = time.perf_counter()

    # Derived indicators: the previous year's row (if that year is in the data), shares.
    rows = con.execute("""
      WITH years AS (SELECT DISTINCT yr FROM agg),
      keys AS (
        SELECT reg, kind, cls, yr FROM agg
        UNION SELECT a.reg, a.kind, a.cls, a.yr + 1 FROM agg a JOIN years y ON y.yr = a.yr + 1
      )
      SELECT k.reg, k.kind, k.cls, k.yr,
             coalesce(c.n, 0), coalesce(c.revenue, 0), coalesce(c.above_n, 0), coalesce(c.inc_n, 0), c.inc_va, c.inc_rev,
             coalesce(c.b10_n, 0), coalesce(c.b10_rev, 0), coalesce(c.b100_n, 0), coalesce(c.b100_rev, 0),
             coalesce(c.emp_n, 0), coalesce(c.emp, 0), c.va_rate,
             p.n AS pn, p.revenue AS prev, py.yr IS NOT NULL AS has_prev_year, t.revenue AS region_core
      FROM keys k
      LEFT JOIN agg c ON c.reg = k.reg AND c.kind = k.kind AND c.cls = k.cls AND c.yr = k.yr
      LEFT JOIN agg p ON p.reg = k.reg AND p.kind = k.kind AND p.cls = k.cls AND p.yr = k.yr - 1
      LEFT JOIN years py ON py.yr = k.yr - 1
      LEFT JOIN agg t ON t.reg = k.reg AND t.yr = k.yr AND t.kind = 'CORE' AND t.cls = 'DE_CORE'
      ORDER BY 1, 2, 3, 4
    """).fetchall()

    out = open(args.out, "w", newline="", encoding="utf-8")
    w = csv.writer(out)
    w.writerow(["region_code", "indicator", "class_code", "period", "value", "unit"])
    for (reg, kind, cls, yr, n, rev, above_n, inc_n, inc_va, inc_rev, b10_n, b10_rev, b100_n, b100_rev,
         emp_n, emp, va_rate, pn, prev, has_prev_year, region_core) in rows:
        def put(ind, val, unit):
            w.writerow([reg, ind, cls, yr, val, unit])
        if kind != "CORE":
            put("MICRODATA_ENTERPRISES", n, "家")
            put("MICRODATA_REVENUE", rev, "万元")
            continue
        put("DE_CORE_ENTERPRISES", n, "家")
        put("DE_CORE_ENTERPRISES_ABOVE_SCALE", above_n, "家")
        put("DE_CORE_REVENUE", rev, "万元")
        if cls != "DE_CORE" and region_core:
            put("DE_CORE_REVENUE_SHARE", float(rev) / float(region_core) * 100, "%")
        if has_prev_year:
            pn = pn or 0
            put("DE_CORE_ENTERPRISES_NET_NEW", n - pn, "家")
            if pn > 0:
                put("DE_CORE_ENTERPRISES_YOY", (n - pn) / pn * 100, "%")
            if prev and prev > 0:
                put("DE_CORE_REVENUE_YOY", float(rev - prev) / float(prev) * 100, "%")
        if n > 0 and va_rate is not None:
            put("DE_CORE_VA_RATE_METHOD", va_rate, "万元")
        put("DE_CORE_VA_INCOME_ENTERPRISES", inc_n, "家")
        if inc_n > 0:
            put("DE_CORE_VA_INCOME", inc_va, "万元")
            put("DE_CORE_VA_INCOME_REVENUE", inc_rev, "万元")
        put("DE_CORE_ENTERPRISES_GE_10YI", b10_n, "家")
        put("DE_CORE_REVENUE_GE_10YI", b10_rev, "万元")
        if rev > 0:
            put("DE_CORE_REVENUE_GE_10YI_SHARE", float(b10_rev) / float(rev) * 100, "%")
        put("DE_CORE_ENTERPRISES_GE_100YI", b100_n, "家")
        put("DE_CORE_REVENUE_GE_100YI", b100_rev, "万元")
        if rev > 0:
            put("DE_CORE_REVENUE_GE_100YI_SHARE", float(b100_rev) / float(rev) * 100, "%")
        put("DE_CORE_EMPLOYEES_REPORTED", emp_n, "家")
        put("DE_CORE_EMPLOYEES", emp, "人")
    out.close()
    t_end = time.perf_counter()
    print(f"duckdb {duckdb.__version__}: setup {t_setup - t0:.3f} s, scan+classify+aggregate {t_scan - t_setup:.3f} s, "
          f"derive+write {t_end - t_scan:.3f} s, total {t_end - t0:.3f} s", file=sys.stderr)


def compare(duck_path, ours_path):
    """Every (region, indicator, class, period) must be in both files with equal values: counts and
    money exactly (both sides sum exact decimals), percentages and VA by rates to 1e-9 relative."""
    def load(path):
        d = {}
        for r in csv.DictReader(open(path, encoding="utf-8")):
            d[(r["region_code"], r["indicator"], r["class_code"], r["period"])] = (r["value"], r["unit"])
        return d
    a, b = load(duck_path), load(ours_path)
    bad = []
    for k in sorted(set(a) | set(b)):
        if k not in a or k not in b:
            bad.append(f"{k}: only in {'digecon' if k in b else 'DuckDB'}")
            continue
        (va, ua), (vb, ub) = a[k], b[k]
        if ua != ub:
            bad.append(f"{k}: unit {ua} vs {ub}")
        elif ua in ("%",) or k[1] == "DE_CORE_VA_RATE_METHOD":
            x, y = float(va), float(vb)
            if abs(x - y) > 1e-9 * max(1.0, abs(x), abs(y)) + 1e-6:
                bad.append(f"{k}: {va} vs {vb}")
        elif Decimal(va) != Decimal(vb):
            bad.append(f"{k}: {va} vs {vb}")
    if bad:
        print(f"MISMATCH: {len(bad)} of {len(set(a) | set(b))} values differ", file=sys.stderr)
        for m in bad[:20]:
            print("  " + m, file=sys.stderr)
        return 1
    print(f"check: DuckDB and digecon agree on all {len(a)} values "
          f"({sum(1 for k in a if a[k][1] in ('家', '人', '万元') and k[1] != 'DE_CORE_VA_RATE_METHOD')} exact)",
          file=sys.stderr)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input")
    ap.add_argument("--by", default="city", choices=["province", "city", "county"])
    ap.add_argument("--level", default="major", choices=["major", "medium", "small"])
    ap.add_argument("--out")
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads (0 = DuckDB default: all cores)")
    ap.add_argument("--skip-validation", action="store_true",
                    help="drop the row checks (USCC, number formats); timing reference only, clean files only")
    ap.add_argument("--compare", nargs=2, metavar=("DUCKDB_CSV", "DIGECON_CSV"))
    args = ap.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare))
    if not (args.input and args.out):
        ap.error("--input and --out are required")
    run(args)


if __name__ == "__main__":
    main()
